/**
 * A terminal's line discipline in canonical mode (termios ICANON), for what is typed to a
 * running command that reads its standard input (nc): characters echoed, erase (DEL/BS) edits
 * the line, Enter sends it with its newline, Ctrl-D sends the line typed so far — or, at the
 * start of a line, ends the input (nc then shuts down its write side). Escape sequences (arrows)
 * are dropped. A line is bounded (`max` characters; the rest is not taken).
 */
export interface CanonicalSink {
  /** Show `text` on the terminal; `lineStart` is whether the cursor is then at a line's start (undefined: unchanged). */
  echo(text: string, lineStart?: boolean): void;
  /** A line for the command's input (with its newline, or without for a Ctrl-D mid-line). */
  line(text: string): void;
  /** Ctrl-D at a line's start: the end of the input. */
  end(): void;
}

export class CanonicalInput {
  private text = "";

  constructor(private readonly max: number) {}

  /** Forget the line typed so far (Ctrl-C). */
  clear(): void {
    this.text = "";
  }

  feed(data: string, sink: CanonicalSink): void {
    for (let k = 0; k < data.length; k++) {
      const c = data[k]!;
      if (c === "\r" || c === "\n") {
        if (c === "\n" && data[k - 1] === "\r") continue;
        sink.echo("\r\n", true);
        const line = `${this.text}\n`;
        this.text = "";
        sink.line(line);
      } else if (c === "\x7f" || c === "\b") {
        if (this.text.length > 0) {
          this.text = this.text.slice(0, -1);
          sink.echo("\b \b");
        }
      } else if (c === "\x04") {
        const line = this.text;
        this.text = "";
        if (line === "") sink.end();
        else sink.line(line);
      } else if (c === "\x1b") {
        // CSI … final byte, or ESC and one character.
        if (data[k + 1] === "[") {
          k += 2;
          while (k < data.length && !/[@-~]/.test(data[k]!)) k++;
        } else k++;
      } else if (c >= " " && this.text.length < this.max) {
        this.text += c;
        sink.echo(c, false);
      }
    }
  }
}
