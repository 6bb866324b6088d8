/**
 * @module cli/reader-gone
 * Output to a reader that may leave: `routelab run … | head -5` closes the pipe after five
 * lines, and the next write fails with EPIPE. Node ignores SIGPIPE, so instead of dying
 * quietly as a C program does (`git log | head`), an unhandled EPIPE would print a stack
 * trace. Here the error is taken as the reader having gone: later output is dropped, and the
 * CLI is told once, so a command stops as soon as it safely can (a netns lab still closes its
 * namespaces) and exits with 141, the status a shell reports for a process killed by SIGPIPE.
 */

/** The status of a command whose reader went away: 128 + SIGPIPE (13), as the shell reports it. */
export const EXIT_READER_GONE = 141;

export interface GuardedOutput {
  /** Writes to the stream; does nothing once its reader has gone. */
  write(s: string): void;
  /** True once a write found the reader gone. */
  gone(): boolean;
}

/**
 * Guards `stream` (process.stdout or process.stderr): its EPIPE error is handled, not thrown,
 * and `onGone` runs once, the first time. Any other error of the stream is rethrown.
 *
 * The failed write marks the stream `errored` at once, but its 'error' event comes on a later
 * tick, and a simulated run is one chain of resolved promises that gives the event loop no tick
 * until it ends: so each write looks at `errored` itself, and the run can stop at the next event.
 */
export function guardOutput(
  stream: NodeJS.WritableStream & { errored?: Error | null },
  onGone: () => void,
): GuardedOutput {
  let gone = false;
  const leave = () => {
    if (gone) return;
    gone = true;
    onGone();
  };
  const isEpipe = (e: unknown) => (e as NodeJS.ErrnoException | null)?.code === "EPIPE";
  stream.on("error", (e: Error) => {
    if (!isEpipe(e)) throw e;
    leave();
  });
  return {
    write(s) {
      if (gone) return;
      stream.write(s);
      if (isEpipe(stream.errored)) leave();
    },
    gone: () => gone,
  };
}
