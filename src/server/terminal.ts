/**
 * @module server/terminal
 * One person's interactive shell on the lab, ready for any byte transport: the SSH server
 * (pty sessions) and the page's xterm.js terminal over a WebSocket both open it the same way,
 * so the banner, prompt, completion, hops, policy and limits are identical everywhere.
 */
import type { ServerLab } from "./server-lab.js";
import { builtinCommands } from "../shell/builtins.js";
import { BUILTIN_HELP, ShellSession } from "../shell/session.js";
import type { UserLimits } from "./limits.js";
import { CONTROL_COMMANDS, type PolicyRole } from "./policy.js";
import { createUserExec, roleReader } from "./user-exec.js";

export interface TerminalOptions {
  lab: ServerLab;
  user: string;
  /** The role, or the function that reads it now (see UserExecOptions.role). */
  role: PolicyRole | (() => PolicyRole);
  limits: UserLimits;
  /** Node to start on (default: the topology's first). */
  node?: string;
  cols?: number;
  rows?: number;
  /** Terminal output (with `\r\n` line ends, VT100 escapes). */
  write: (s: string) => void;
  /** The person typed `exit` on the first node (or Ctrl-D): close the transport with this status. */
  onExit: (code: number) => void;
  /** Command names for completion (default: the shell's built-in commands). */
  commands?: () => string[];
}

export interface Terminal {
  readonly session: ShellSession;
  /** Raw terminal input (decoded text). */
  input(data: string): void;
  resize(cols: number, rows: number): void;
  /** The transport closed: stop whatever runs and free the user's session slot. */
  close(): void;
}

let defaultCommands: (() => string[]) | undefined;

/** Node names of the lab, and every interface address mapped to its node (for `ssh 10.0.60.2`). */
export function hostResolver(lab: ServerLab): (host: string) => string | undefined {
  return (h) => {
    for (const n of lab.nodes()) if (n.name === h || n.interfaces.some((i) => i.addr === h)) return n.name;
    return undefined;
  };
}

/**
 * Opens a terminal for `user`; returns it, or the refusal text when the user already holds as
 * many sessions as allowed.
 */
export function openTerminal(o: TerminalOptions): Terminal | string {
  const release = o.limits.startSession(o.user);
  if (typeof release === "string") return release;
  if (!o.commands && !defaultCommands) {
    const reg = builtinCommands();
    defaultCommands = () => reg.list().map((c) => c.name);
  }
  const base = o.commands ?? defaultCommands!;
  const nodes = () => o.lab.nodes().map((n) => n.name);
  const node = o.node ?? nodes()[0]!;
  const roleNow = roleReader(o.role);
  const session = new ShellSession({
    user: o.user,
    startNode: node,
    exec: createUserExec({
      lab: o.lab,
      user: o.user,
      role: o.role,
      limits: o.limits,
      sessionCommands: BUILTIN_HELP,
    }),
    nodes,
    commands: () => (roleNow() === "instructor" ? [...base(), ...CONTROL_COMMANDS] : base()),
    write: o.write,
    onExit: (code) => {
      offEvents();
      release();
      o.onExit(code);
    },
    // `ssh HOST` over the lab's network where the engine can (TCP to port 22, Lab.ssh).
    ...(o.lab.ssh
      ? {
          connect: (from: string, host: string, user: string, lost: (m: string) => void) =>
            o.lab.ssh!(from, host, { user, lost }),
        }
      : {}),
    resolveHost: hostResolver(o.lab),
    isUp: (n) => o.lab.nodes().find((x) => x.name === n)?.up ?? false,
    cols: o.cols ?? 80,
    rows: o.rows ?? 24,
    banner:
      `routelab: logged in as ${o.user} (${roleNow()}) on ${node}. ` +
      "Type help for commands, ssh NODE to hop to another router, exit to leave.\n",
  });
  // A crashed router drops the connections to it (ShellSession.hostDown).
  const offEvents = o.lab.onEvent((e) => {
    if (e.kind === "node" && e.state === "down") session.hostDown(e.node);
  });
  session.start();
  return {
    session,
    input: (d) => session.input(d),
    resize: (c, r) => session.resize(c, r),
    close: () => {
      offEvents();
      session.close();
      release();
    },
  };
}
