/**
 * @module bench/progress
 * A progress bar on stderr while the benchmark runs, so stdout stays the table. On a terminal it
 * redraws one line; elsewhere (CI logs, pipes) it prints one plain line per step instead of
 * control characters.
 */
export class Progress {
  private done = 0;
  private readonly tty: boolean;
  private readonly t0 = performance.now();
  private last = "";

  constructor(
    private total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = out.isTTY === true;
  }

  /** Announces the step that starts now. */
  step(label: string): void {
    this.last = label;
    if (this.tty) this.draw();
    else this.out.write(`[${this.done + 1}/${this.total}] ${label}\n`);
  }

  /** Marks the current step finished. */
  tick(): void {
    this.done = Math.min(this.total, this.done + 1);
    if (this.tty) this.draw();
  }

  /** Adds steps discovered later (e.g. a workload found it has a peer column). */
  grow(n: number): void {
    this.total += n;
  }

  finish(): void {
    if (this.tty) this.out.write("\r\x1b[2K");
  }

  private draw(): void {
    const width = 24;
    const filled = Math.round((this.done / Math.max(1, this.total)) * width);
    const secs = ((performance.now() - this.t0) / 1000).toFixed(0);
    const cols = this.out.columns ?? 100;
    const line = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${this.done}/${this.total} ${secs}s ${this.last}`;
    this.out.write(`\r\x1b[2K${line.slice(0, cols - 1)}`);
  }
}
