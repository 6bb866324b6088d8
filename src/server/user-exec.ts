/**
 * @module server/user-exec
 * How an interactive session (SSH shell, SSH exec, the page's terminal) runs a line for a
 * logged-in person: the role policy first, then instructor controls, then the per-user caps
 * (concurrent commands, output size), then `lab.exec` as that user so the packets wear their
 * colour. Returns the ShellSession's ShellRun shape.
 */
import type { ShellRun } from "../shell/session.js";
import { CONTROL_HELP, type ControlResult, runControlCommand } from "./control.js";
import type { UserLimits } from "./limits.js";
import { checkCommandAllowed, commandWords, grantedCommands, type PolicyRole, runsAsRoot } from "./policy.js";
import type { ServerLab } from "./server-lab.js";

/** Exit status for a refusal (BSD EX_NOPERM). */
export const EX_NOPERM = 77;
/** Exit status when the server stops a command (killed by a signal, as a shell reports SIGINT). */
export const EX_STOPPED = 130;

export interface UserExecOptions {
  lab: ServerLab;
  user: string;
  /**
   * The user's role, or the function that reads it now: asked at every line, so an instructor
   * demoted in the users file loses the controls in a shell already open, at the next command.
   */
  role: PolicyRole | (() => PolicyRole);
  limits: UserLimits;
  /**
   * The commands the session itself runs (a terminal's `ssh`, `exit`, `history`…), which
   * `help` lists after the router's commands.
   */
  sessionCommands?: readonly { name: string; summary: string }[];
}

/** Width of `help`'s name column (the router's help pads to its longest name, traceroute). */
const HELP_NAME_WIDTH = 10;

/**
 * What `help` adds to the router's list for this person: the session's own commands and, for
 * an instructor, the lab's controls (the server runs those, not the router's shell).
 */
function helpExtra(o: UserExecOptions): string {
  const section = (title: string, list: readonly { name: string; summary: string }[]) =>
    list.length === 0
      ? ""
      : `${title}\n${list.map((c) => `  ${c.name.padEnd(HELP_NAME_WIDTH)}  ${c.summary}\n`).join("")}`;
  return (
    section("In this session:", o.sessionCommands ?? []) +
    (o.role === "instructor" ? section("Instructor commands (the whole lab):", CONTROL_HELP) : "")
  );
}

/** A ShellRun whose exit status is also known synchronously (the API's unpaced-lab runner polls it). */
export interface UserRun extends ShellRun {
  readonly exitCode: number | undefined;
}

export type UserExec = (node: string, line: string, write: (s: string) => void) => UserRun;

function finished(code: number): UserRun {
  return { done: Promise.resolve(code), exitCode: code, interrupt() {} };
}

/** A control whose lab answers later (the simulation in a worker thread): its output, then its status. */
function finishing(result: Promise<ControlResult>, write: (s: string) => void): UserRun {
  let exitCode: number | undefined;
  const done = result.then(
    (r) => {
      write(r.output);
      exitCode = r.status;
      return r.status;
    },
    (e: unknown) => {
      write(`${e instanceof Error ? e.message : String(e)}\n`);
      exitCode = 1;
      return 1;
    },
  );
  return {
    done,
    get exitCode() {
      return exitCode;
    },
    interrupt() {},
  };
}

/** The function that reads a role now, for a role given as a value or as such a function. */
export function roleReader(role: PolicyRole | (() => PolicyRole)): () => PolicyRole {
  return typeof role === "function" ? role : () => role;
}

/** A line runner for one person's session. */
export function createUserExec(o: UserExecOptions): UserExec {
  const roleNow = roleReader(o.role);
  return (node, line, write) => {
    const role = roleNow();
    const granted = grantedCommands(o.lab);
    const refusal = checkCommandAllowed(o.user, role, line, granted);
    if (refusal) {
      write(`${refusal}\n`);
      return finished(EX_NOPERM);
    }
    const parsed = commandWords(line);
    const words = parsed.ok ? parsed.words : [];
    const control = runControlCommand(o.lab, words);
    if (control instanceof Promise) return finishing(control, write);
    if (control) {
      write(control.output);
      return finished(control.status);
    }
    const release = o.limits.startCommand(o.user);
    if (typeof release === "string") {
      write(`${release}\n`);
      return finished(EX_NOPERM);
    }
    let printed = 0;
    let cut = false;
    let ex: ReturnType<ServerLab["exec"]> | undefined;
    const bounded = (s: string) => {
      if (cut) return;
      if (printed + s.length > o.limits.maxOutput) {
        cut = true;
        write(s.slice(0, Math.max(0, o.limits.maxOutput - printed)));
        write(`\n[output limit of ${o.limits.maxOutput} characters reached; command stopped]\n`);
        ex?.interrupt();
        return;
      }
      printed += s.length;
      write(s);
    };
    try {
      ex = o.lab.exec(node, line, {
        user: o.user,
        privileged: runsAsRoot(role, line, granted),
        write: bounded,
      });
    } catch (e) {
      release();
      throw e;
    }
    if (cut) ex.interrupt();
    const run = ex;
    const extra = words.length === 1 && words[0] === "help" && line.trim() === "help" ? helpExtra(o) : "";
    const done = run.done
      .then((code) => {
        if (code === 0 && extra) bounded(extra);
        return code;
      })
      .finally(release);
    return {
      done: done.then((c) => (cut ? EX_STOPPED : c)),
      get exitCode() {
        return run.exitCode === undefined ? undefined : cut ? EX_STOPPED : run.exitCode;
      },
      interrupt: () => run.interrupt(),
      input: (text: string) => run.input?.(text),
      endInput: () => run.endInput?.(),
    };
  };
}
