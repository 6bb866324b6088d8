/**
 * @module shell/later
 * Commands whose answer a real kernel gives only later. On the simulator a route change or a
 * daemon's report is there at once and the command ends within the same call, which keeps a
 * run deterministic; on the netns engine iproute2 or vtysh answers through a process, and the
 * command ends when it has. `whenReady` hides which, so one front end serves both.
 */
import { type Program, type ProgramIo, ProgramState } from "../apps/process.js";
import type { Later } from "./context.js";

/** Exit status when a command failed inside (EX_SOFTWARE). */
export const EXIT_SOFTWARE = 70;

/**
 * Calls `finish` with the value: at once when it is one (returning its exit status), else when
 * the Promise settles (returning a program that ends then). A failure prints `name: message`
 * and ends with EX_SOFTWARE; a program killed meanwhile (its router crashed) prints nothing more.
 */
export function whenReady<T>(
  value: Later<T>,
  io: ProgramIo,
  name: string,
  finish: (v: T) => number,
): number | Program {
  if (!(value instanceof Promise)) return finish(value);
  const p = new ProgramState();
  value.then(
    (v) => {
      if (p.running) p.exit(finish(v));
    },
    (e: unknown) => {
      if (!p.running) return;
      io.err(`${name}: ${e instanceof Error ? e.message : String(e)}\n`);
      p.exit(EXIT_SOFTWARE);
    },
  );
  return p;
}

/** `f` of the value: at once when it is one, else when the Promise settles (a chain of Laters). */
export function thenLater<T, U>(value: Later<T>, f: (v: T) => Later<U>): Later<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}
