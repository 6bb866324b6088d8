/**
 * @module shell/line-editor
 * The edit buffer of one input line and the terminal output that keeps the screen in step with
 * it, readline-style. The screen is the source of truth people see, so every change is drawn
 * as "go to the prompt's first row, clear to the end of the screen, draw prompt and text, put
 * the cursor back" — simple, and right when the line wraps over several rows. Typing at the
 * end of the line (nearly all typing) just echoes. Characters count one column each (wide CJK
 * and combining marks are not measured; a lab's commands are ASCII).
 */

export class LineEditor {
  /** The line as code points, so a surrogate pair is one character. */
  private chars: string[] = [];
  private pos = 0;
  private prompt = "";
  private promptLen = 0;
  /** Row of the terminal cursor, counted from the prompt's first row. */
  private row = 0;

  constructor(
    private cols: number,
    private readonly maxLen: number,
  ) {}

  get text(): string {
    return this.chars.join("");
  }
  get cursor(): number {
    return this.pos;
  }
  get length(): number {
    return this.chars.length;
  }

  setCols(cols: number): void {
    this.cols = Math.max(1, Math.floor(cols));
  }

  /** Starts a fresh line after `prompt`; returns what to write. */
  begin(prompt: string, text = ""): string {
    this.prompt = prompt;
    this.promptLen = [...prompt].length;
    this.chars = [...text];
    this.pos = this.chars.length;
    this.row = 0;
    return this.draw(false);
  }

  /** Inserts text at the cursor; returns output, or undefined when the line would grow too long. */
  insert(s: string): string | undefined {
    const add = [...s];
    if (this.chars.length + add.length > this.maxLen) return undefined;
    if (this.pos === this.chars.length) {
      this.chars.push(...add);
      this.pos = this.chars.length;
      const end = this.promptLen + this.pos;
      this.row = Math.floor(end / this.cols);
      // At an exact multiple of the width the cursor waits at the last column; move it down for real.
      return end % this.cols === 0 ? `${s}\r\n` : s;
    }
    this.chars.splice(this.pos, 0, ...add);
    this.pos += add.length;
    return this.redraw();
  }

  backspace(): string {
    if (this.pos === 0) return "";
    this.chars.splice(--this.pos, 1);
    return this.redraw();
  }

  deleteForward(): string {
    if (this.pos >= this.chars.length) return "";
    this.chars.splice(this.pos, 1);
    return this.redraw();
  }

  /** Moves the cursor to `p` (clamped). */
  moveTo(p: number): string {
    const q = Math.max(0, Math.min(this.chars.length, p));
    if (q === this.pos) return "";
    this.pos = q;
    return this.place();
  }

  left(): string {
    return this.moveTo(this.pos - 1);
  }
  right(): string {
    return this.moveTo(this.pos + 1);
  }
  home(): string {
    return this.moveTo(0);
  }
  end(): string {
    return this.moveTo(this.chars.length);
  }

  /** Start of the word before the cursor (readline's backward-word). */
  wordStartBefore(): number {
    let p = this.pos;
    while (p > 0 && this.chars[p - 1] === " ") p--;
    while (p > 0 && this.chars[p - 1] !== " ") p--;
    return p;
  }

  /** End of the word after the cursor (readline's forward-word). */
  wordEndAfter(): number {
    let p = this.pos;
    while (p < this.chars.length && this.chars[p] === " ") p++;
    while (p < this.chars.length && this.chars[p] !== " ") p++;
    return p;
  }

  /** Ctrl-W: deletes the word before the cursor. */
  killWordBack(): string {
    const p = this.wordStartBefore();
    if (p === this.pos) return "";
    this.chars.splice(p, this.pos - p);
    this.pos = p;
    return this.redraw();
  }

  /** Ctrl-U: deletes from the start of the line to the cursor. */
  killToStart(): string {
    if (this.pos === 0) return "";
    this.chars.splice(0, this.pos);
    this.pos = 0;
    return this.redraw();
  }

  /** Ctrl-K: deletes from the cursor to the end of the line. */
  killToEnd(): string {
    if (this.pos === this.chars.length) return "";
    this.chars.length = this.pos;
    return this.redraw();
  }

  /** Replaces the whole line (history), cursor at the end. */
  replace(text: string): string {
    this.chars = [...text].slice(0, this.maxLen);
    this.pos = this.chars.length;
    return this.redraw();
  }

  /** Leaves the line: cursor to its end, then a new line. Returns the output. */
  finish(): string {
    const s = this.moveTo(this.chars.length);
    const end = this.promptLen + this.chars.length;
    this.row = 0;
    // When the text ended exactly at the right margin the cursor has already moved down.
    return end > 0 && end % this.cols === 0 ? s : `${s}\r\n`;
  }

  /** Redraws prompt and line from the prompt's first row. */
  redraw(): string {
    return this.draw(true);
  }

  /** Draws the prompt and line on a screen cleared below the current row (after Ctrl-L). */
  drawFresh(): string {
    this.row = 0;
    return this.draw(false);
  }

  private draw(fromPromptRow: boolean): string {
    let out = fromPromptRow && this.row > 0 ? `\x1b[${this.row}A` : "";
    out += `\r\x1b[J${this.prompt}${this.chars.join("")}`;
    const end = this.promptLen + this.chars.length;
    if (end > 0 && end % this.cols === 0) out += "\r\n";
    this.row = Math.floor(end / this.cols);
    // The cursor is already at the end of the text; only an edit point inside it needs a move.
    return this.pos === this.chars.length ? out : out + this.place();
  }

  /** Moves the terminal cursor from where it is to the edit position. */
  private place(): string {
    const target = this.promptLen + this.pos;
    const tRow = Math.floor(target / this.cols);
    const tCol = target % this.cols;
    let out = "";
    if (tRow < this.row) out += `\x1b[${this.row - tRow}A`;
    else if (tRow > this.row) out += `\x1b[${tRow - this.row}B`;
    out += `\r${tCol > 0 ? `\x1b[${tCol}C` : ""}`;
    this.row = tRow;
    return out;
  }
}
