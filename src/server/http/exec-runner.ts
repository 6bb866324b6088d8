/**
 * @module server/http/exec-runner
 * Runs one command line on a node for `POST /api/exec` and collects its output, bounded in
 * size and time so one request cannot hold the server: output beyond `maxOutput` characters
 * is cut (and the command interrupted, as a closed pipe would stop it), and a command still
 * running after `timeout` is interrupted like Ctrl-C (ping then prints its statistics).
 *
 * A paced lab runs on its own; the runner just waits (wall-clock timeout). An unpaced lab
 * (tests, `routelab run`-style servers) has nobody moving its clock, so the runner advances
 * virtual time until the command is done (virtual-time timeout).
 */
import { SECOND } from "../../core/time.js";
import type { ServerLab } from "../server-lab.js";

/** A command started by whoever runs it (lab.exec, or a logged-in user's policy-checked exec). */
export interface RunningCommand {
  readonly done: Promise<number>;
  /** The exit status once finished, synchronously (unpaced labs poll it between events). */
  readonly exitCode: number | undefined;
  interrupt(): void;
}

/** Starts the command with the runner's bounded output sink. */
export type CommandStarter = (write: (chunk: string) => void) => RunningCommand;

export interface ExecLimits {
  /** Most output characters returned. */
  maxOutput: number;
  /** Paced lab: wall-clock ms before the command is interrupted. */
  wallTimeoutMs: number;
  /** Unpaced lab: virtual ns before the command is interrupted. */
  virtualTimeout: number;
}

export const DEFAULT_EXEC_LIMITS: ExecLimits = {
  maxOutput: 256 * 1024,
  wallTimeoutMs: 30_000,
  virtualTimeout: 120 * SECOND,
};

export interface ExecResult {
  output: string;
  exit: number;
  /** Set when the command was cut short: `timeout` or `output-limit`. */
  interrupted?: "timeout" | "output-limit";
  truncated?: boolean;
}

/** Grace after an interrupt for the command to print its last lines and exit. */
const GRACE_MS = 2_000;
const GRACE_VIRTUAL = 5 * SECOND;

export async function runCommand(
  lab: ServerLab,
  node: string,
  command: string,
  user: string | undefined,
  limits: ExecLimits,
  start?: CommandStarter,
): Promise<ExecResult> {
  let output = "";
  let truncated = false;
  let interrupted: ExecResult["interrupted"];
  let stop: (() => void) | null = null;
  const write = (chunk: string) => {
    if (truncated) return;
    if (output.length + chunk.length > limits.maxOutput) {
      output += chunk.slice(0, limits.maxOutput - output.length);
      truncated = true;
      interrupted ??= "output-limit";
      stop?.();
      return;
    }
    output += chunk;
  };
  const opts: { write: (c: string) => void; user?: string } = { write };
  if (user !== undefined) opts.user = user;
  const ex = start ? start(write) : lab.exec(node, command, opts);
  // A lab that answers later (the simulation in a worker) refuses a command through `done`
  // where an in-process lab throws: the answer is the same error.
  let refused: { error: unknown } | undefined;
  ex.done.catch((error: unknown) => {
    refused = { error };
  });
  stop = () => ex.interrupt();
  if (truncated) ex.interrupt();

  const finished = () => ex.exitCode !== undefined;
  if (!lab.pacer) {
    if (!(await lab.advanceUntil(finished, limits.virtualTimeout))) {
      interrupted ??= "timeout";
      ex.interrupt();
      await lab.advanceUntil(finished, GRACE_VIRTUAL);
    }
  } else if (!finished()) {
    if (!(await settlesWithin(ex.done, limits.wallTimeoutMs))) {
      interrupted ??= "timeout";
      ex.interrupt();
      await settlesWithin(ex.done, GRACE_MS);
    }
  }
  if (refused) throw refused.error;
  const result: ExecResult = { output, exit: ex.exitCode ?? 130 };
  if (interrupted) result.interrupted = interrupted;
  if (truncated) result.truncated = true;
  return result;
}

function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    p.then(
      () => {
        clearTimeout(t);
        resolve(true);
      },
      () => {
        clearTimeout(t);
        resolve(true);
      },
    );
  });
}
