/**
 * @module server/ssh/line-mode
 * A session without a terminal (`echo 'ping -c 1 vm5' | ssh -p 2222 alice@host`, or
 * `ssh … vm3` with commands piped in): no prompt, no echo, no editing, as sshd runs a shell
 * with stdin from a pipe. Each line runs in turn on the session's node; end of input ends the
 * session with the last command's status.
 */
import type { ShellRun } from "../../shell/session.js";

export interface LineModeOptions {
  node: string;
  exec: (node: string, line: string, write: (s: string) => void) => ShellRun;
  write: (s: string) => void;
  onExit: (code: number) => void;
  /** Longest line kept (default 4096); longer input is cut. */
  maxLine?: number;
  /** Most unprocessed input kept (default 64 KiB); beyond it input is dropped. */
  maxBuffered?: number;
}

export class LineMode {
  private buf = "";
  private lines: string[] = [];
  private run: ShellRun | undefined;
  private eof = false;
  private status = 0;
  private ended = false;

  constructor(private readonly o: LineModeOptions) {}

  input(data: string): void {
    if (this.ended) return;
    this.buf += data;
    const parts = this.buf.split(/\r?\n/);
    this.buf = parts.pop()!.slice(0, this.o.maxLine ?? 4096);
    const room = (this.o.maxBuffered ?? 65536) / 64;
    for (const p of parts) if (this.lines.length < room) this.lines.push(p);
    this.next();
  }

  /** The client sent EOF. */
  end(): void {
    if (this.buf.trim()) this.lines.push(this.buf);
    this.buf = "";
    this.eof = true;
    this.next();
  }

  /** The channel closed. */
  close(): void {
    this.ended = true;
    this.run?.interrupt();
  }

  private next(): void {
    while (!this.run && !this.ended) {
      const line = this.lines.shift();
      if (line === undefined) {
        if (this.eof) this.finish(this.status);
        return;
      }
      const t = line.trim();
      if (!t) continue;
      if (t === "exit" || t === "logout" || t.startsWith("exit ")) {
        const n = Number(t.split(/\s+/)[1]);
        this.finish(Number.isInteger(n) ? n & 255 : this.status);
        return;
      }
      let run: ShellRun;
      try {
        run = this.o.exec(this.o.node, t, this.o.write);
      } catch (e) {
        this.o.write(`${e instanceof Error ? e.message : String(e)}\n`);
        this.status = 1;
        continue;
      }
      this.run = run;
      run.done.then(
        (c) => this.done(c),
        () => this.done(1),
      );
    }
  }

  private done(code: number): void {
    this.status = code;
    this.run = undefined;
    this.next();
  }

  private finish(code: number): void {
    if (this.ended) return;
    this.ended = true;
    this.o.onExit(code);
  }
}
