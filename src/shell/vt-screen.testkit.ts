/**
 * @module shell/vt-screen.testkit
 * A minimal VT100 screen for tests: it applies what the session writes (text with auto-wrap
 * and the pending-wrap rule of real terminals, CR, LF, BS, cursor up/down/left/right, clear to
 * end of screen/line, clear screen, home) so a test can assert on what a person would see,
 * not on escape sequences. Rows grow downwards without scrolling.
 */

export class VtScreen {
  lines: string[][] = [[]];
  row = 0;
  col = 0;
  private pendingWrap = false;
  bells = 0;

  constructor(readonly cols: number) {}

  write(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const ch = s[i]!;
      if (ch === "\x1b") {
        const m = /^\x1b\[(\d*)(?:;(\d*))?([A-Za-z])/.exec(s.slice(i));
        if (!m) throw new Error(`unsupported escape at ${JSON.stringify(s.slice(i, i + 8))}`);
        this.csi(Number(m[1] || "0"), m[3]!);
        i += m[0].length - 1;
        continue;
      }
      if (ch === "\r") {
        this.col = 0;
        this.pendingWrap = false;
      } else if (ch === "\n") {
        this.row++;
        this.pendingWrap = false;
      } else if (ch === "\b") {
        if (this.col > 0) this.col--;
        this.pendingWrap = false;
      } else if (ch === "\x07") this.bells++;
      else if (ch < " ") throw new Error(`unexpected control ${ch.charCodeAt(0)}`);
      else this.put(ch);
    }
  }

  private put(ch: string): void {
    if (this.pendingWrap) {
      this.row++;
      this.col = 0;
      this.pendingWrap = false;
    }
    const line = this.line(this.row);
    while (line.length < this.col) line.push(" ");
    line[this.col] = ch;
    if (this.col === this.cols - 1) this.pendingWrap = true;
    else this.col++;
  }

  private line(r: number): string[] {
    while (this.lines.length <= r) this.lines.push([]);
    return this.lines[r]!;
  }

  private csi(n: number, f: string): void {
    const k = Math.max(1, n);
    this.pendingWrap = false;
    switch (f) {
      case "A":
        this.row = Math.max(0, this.row - k);
        break;
      case "B":
        this.row += k;
        break;
      case "C":
        this.col = Math.min(this.cols - 1, this.col + k);
        break;
      case "D":
        this.col = Math.max(0, this.col - k);
        break;
      case "H":
        this.row = 0;
        this.col = 0;
        break;
      case "J":
        if (n === 2) this.lines = [[]];
        else {
          this.line(this.row).length = Math.min(this.line(this.row).length, this.col);
          this.lines.length = this.row + 1;
        }
        break;
      case "K":
        this.line(this.row).length = Math.min(this.line(this.row).length, this.col);
        break;
      default:
        throw new Error(`unsupported CSI ${f}`);
    }
  }

  /** The screen as text, trailing blanks trimmed. */
  text(): string {
    return this.lines
      .map((l) => l.join("").trimEnd())
      .join("\n")
      .trimEnd();
  }

  /** The row the cursor is on, as text. */
  currentLine(): string {
    return this.line(this.row).join("").trimEnd();
  }
}
