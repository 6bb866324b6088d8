/**
 * @module shell/run
 * Runs one command line on a node: split into words, look the command up, start it. The
 * result is a `Program` (apps/process.ts): the caller learns the exit status through
 * `onExit`, can `interrupt()` it, and drives virtual time until it ends — the sim engine wraps
 * it into the Lab's Promise-returning `Execution`:
 *
 *     const p = runCommand(ctx, line, commands);
 *     return { done: new Promise((r) => p.onExit(r)), get exitCode() { return p.exitCode; },
 *              interrupt: () => p.interrupt() };
 *
 * Errors of the shell itself follow FreeBSD sh: `foo: not found` (exit 127) for an unknown
 * command, `sh: Syntax error: …` (exit 2) for a line it cannot split.
 */
import { LabError } from "../core/errors.js";
import { exited, type Program, type ProgramIo, ProgramState } from "../apps/process.js";
import { builtinCommands } from "./builtins.js";
import type { CommandRegistry } from "./commands.js";
import type { ShellContext } from "./context.js";
import { EXIT_SOFTWARE } from "./later.js";
import { absolutePath, fileErrorText } from "./cmd/files.js";
import { type Redirect, splitPipeline } from "./parse.js";
import type { FileError } from "../sim/node-system.js";

/** Exit status of sh for a command it cannot find. */
export const EXIT_NOT_FOUND = 127;
/** Exit status of sh for a syntax error. */
export const EXIT_SYNTAX = 2;
export { EXIT_SOFTWARE } from "./later.js";

let defaultCommands: CommandRegistry | undefined;

/** Runs `line` (a command, or `A | B`) on the node of `ctx`. A trailing `&` must have been removed by the caller. */
export function runCommand(ctx: ShellContext, line: string, commands?: CommandRegistry): Program {
  if (commands === undefined && defaultCommands === undefined) defaultCommands = builtinCommands();
  const registry = commands ?? defaultCommands!;
  const io = ioOf(ctx);
  const parsed = splitPipeline(line);
  if (!parsed.ok) {
    io.err(`sh: ${parsed.error}\n`);
    return exited(EXIT_SYNTAX);
  }
  if (parsed.commands.length > 2) {
    io.err("sh: a pipeline of more than two commands is not supported here\n");
    return exited(EXIT_SYNTAX);
  }
  const out = parsed.redirect === undefined ? io : redirected(ctx, parsed.redirect, io);
  if (out === undefined) return exited(EXIT_REDIRECT);
  const p =
    parsed.commands.length === 2
      ? runPipe(ctx, registry, parsed.commands[0]!, parsed.commands[1]!, out)
      : start(ctx, registry, parsed.commands[0]!, out);
  if (out !== io) p.onExit(() => (out as RedirectIo).close());
  return p;
}

/** sh's status when a redirection fails (the command does not run). */
const EXIT_REDIRECT = 2;

interface RedirectIo extends ProgramIo {
  close(): void;
}

/**
 * `> FILE` / `>> FILE`: sh opens (and truncates) the file before the command runs; what the
 * command writes is appended as it comes, so a file that fills up fails the write there
 * (`write error: No space left on device`), as a real one would.
 */
function redirected(ctx: ShellContext, r: Redirect, io: ProgramIo): RedirectIo | undefined {
  const files = ctx.files;
  const path = absolutePath(r.path);
  const fail = (e: FileError) => io.err(`sh: cannot create ${r.path}: ${fileErrorText(e)}\n`);
  if (files === undefined) {
    io.err(`sh: cannot create ${r.path}: this node has no file system in routelab\n`);
    return undefined;
  }
  const opened = files.write(path, "", r.append);
  if (opened !== undefined) {
    fail(opened);
    return undefined;
  }
  let broken = false;
  return {
    out: (t) => {
      if (broken) return;
      const e = files.write(path, t, true);
      if (e !== undefined) {
        broken = true;
        io.err(`sh: write error: ${fileErrorText(e)}\n`);
      }
    },
    err: io.err,
    close: () => {},
  };
}

function start(ctx: ShellContext, registry: CommandRegistry, words: string[], io: ProgramIo): Program {
  const [name, ...args] = words;
  if (name === undefined) return exited(0);
  const found = registry.get(name);
  // A command of another OS is not there at all (FreeBSD has no `ip`; sh says not found).
  const cmd = found?.os !== undefined && found.os !== (ctx.os ?? "freebsd") ? undefined : found;
  if (cmd === undefined) {
    io.err(`${name}: not found\n`);
    return exited(EXIT_NOT_FOUND);
  }
  try {
    const r = cmd.run(ctx, args, io);
    return typeof r === "number" ? exited(r) : r;
  } catch (e) {
    // A command must not take the simulation down with it: report, and fail this command only.
    const msg =
      e instanceof LabError ? e.message : e instanceof Error ? `internal error: ${e.message}` : String(e);
    io.err(`${name}: ${msg}\n`);
    return exited(EXIT_SOFTWARE);
  }
}

/**
 * `A | B`: B starts first (sh forks both), A's standard output becomes B's standard input as it
 * is written, A's end is B's end of input. The pipeline's status is B's; Ctrl-C and a crash
 * reach both. A program that reads no input (B without `input`) just never sees A's output.
 */
function runPipe(
  ctx: ShellContext,
  registry: CommandRegistry,
  a: string[],
  b: string[],
  io: ProgramIo,
): Program {
  const right = start(ctx, registry, b, io);
  const left = start(ctx, registry, a, {
    out: (t) => {
      if (right.exitCode === undefined) right.input?.(t);
    },
    err: io.err,
  });
  left.onExit(() => {
    if (right.exitCode === undefined) right.endInput?.();
  });
  const p = new ProgramState();
  right.onExit((code) => {
    if (left.exitCode === undefined) left.interrupt();
    p.exit(code);
  });
  p.onInterrupt = () => {
    left.interrupt();
    right.interrupt();
  };
  const kill = p.kill.bind(p);
  p.kill = () => {
    left.kill();
    right.kill();
    kill();
  };
  return p;
}

/** The context's two output streams as a ProgramIo (stderr falls back to stdout). */
export function ioOf(ctx: ShellContext): ProgramIo {
  return {
    out: (t) => ctx.write(t),
    err: (t) => (ctx.writeErr ? ctx.writeErr(t) : ctx.write(t)),
  };
}
