/**
 * @module apps/process
 * What a program running on a simulated node looks like from outside: it writes text, it ends
 * with an exit status, and it can be interrupted (Ctrl-C). Programs run as callbacks on the
 * node's virtual clock — no Promise, no wall clock — so a simulation stays deterministic and
 * the caller (the shell, a test, the scenario runner) decides how to wait for the end.
 */

/** Where a program's output goes. Both streams reach the same terminal, in order. */
export interface ProgramIo {
  out(text: string): void;
  err(text: string): void;
}

/** A running (or finished) program. */
export interface Program {
  /** The exit status once the program has ended, else undefined. */
  readonly exitCode: number | undefined;
  /** Calls `cb` once with the exit status when the program ends (at once if it already has). */
  onExit(cb: (code: number) => void): void;
  /** Ctrl-C (SIGINT). Programs that catch it (ping) finish their own way; others end with 130. */
  interrupt(): void;
  /**
   * SIGKILL (the router it runs on crashed): ends at once with 137 and prints nothing more —
   * no statistics, no last line. Programs check `running` in every callback, so none of their
   * timers or sockets acts after it.
   */
  kill(): void;
  /** Standard input, for programs that read it (nc): text as it arrives. */
  input?(text: string): void;
  /** End of standard input (the writer of a pipe finished, or Ctrl-D). */
  endInput?(): void;
}

/** Exit status of a process killed by SIGINT, as sh reports it (128 + 2). */
export const EXIT_SIGINT = 130;
/** Exit status of a process killed by SIGKILL, as sh reports it (128 + 9). */
export const EXIT_SIGKILL = 137;

/** Bookkeeping every program shares: the exit status and who waits for it. */
export class ProgramState implements Program {
  private code: number | undefined;
  private waiters: ((code: number) => void)[] = [];
  /** Set by programs that read standard input (nc). */
  input?: (text: string) => void;
  endInput?: () => void;
  /** Set by the program: what Ctrl-C does. Default: end with 130. */
  onInterrupt: () => void = () => this.exit(EXIT_SIGINT);

  get exitCode(): number | undefined {
    return this.code;
  }

  get running(): boolean {
    return this.code === undefined;
  }

  onExit(cb: (code: number) => void): void {
    if (this.code !== undefined) cb(this.code);
    else this.waiters.push(cb);
  }

  interrupt(): void {
    if (this.code === undefined) this.onInterrupt();
  }

  kill(): void {
    this.exit(EXIT_SIGKILL);
  }

  /** Ends the program (only the first call counts). */
  exit(code: number): void {
    if (this.code !== undefined) return;
    this.code = code;
    const w = this.waiters;
    this.waiters = [];
    for (const cb of w) cb(code);
  }
}

/** A program that has already ended with `code` (commands that answer at once). */
export function exited(code: number): Program {
  const p = new ProgramState();
  p.exit(code);
  return p;
}
