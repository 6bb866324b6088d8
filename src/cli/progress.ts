/**
 * @module cli/progress
 * A progress line for long work on a terminal: shown on stderr only when it is a TTY and the
 * work has taken more than a second, rewritten in place, and wiped before any other output so
 * the transcript on stdout stays exactly what a script would capture.
 */
import { performance } from "node:perf_hooks";
import { formatSeconds, type Nanos } from "../core/time.js";

export interface Progress {
  /** Reports `what` is running at virtual time `now`. */
  update(what: string, now: Nanos): void;
  /** Wraps an output sink so the progress line is wiped before each write. */
  wrap(write: (s: string) => void): (s: string) => void;
  /** Wipes the line. */
  done(): void;
}

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let shown = false;
  let what = "";
  let since = 0;
  let last = 0;
  const wipe = () => {
    if (shown) stream.write("\r\x1b[K");
    shown = false;
  };
  return {
    update(w, now) {
      if (!tty) return;
      const wall = performance.now();
      if (w !== what) {
        what = w;
        since = wall;
      }
      if (wall - since < 1000 || wall - last < 100) return;
      last = wall;
      stream.write(
        `\r\x1b[Kroutelab: ${what}… t=${formatSeconds(now)} (${((wall - since) / 1000).toFixed(0)} s)`,
      );
      shown = true;
    },
    wrap(write) {
      return (s) => {
        wipe();
        what = "";
        write(s);
      };
    },
    done: wipe,
  };
}
