/**
 * @module server/ssh/context
 * What every part of the SSH server shares: the lab, the users file, the per-user limits, the
 * log, the guard that ends removed users' connections, and how a user's commands run.
 */
import type ssh2 from "ssh2";
import type { ServerLab } from "../server-lab.js";
import type { UserLimits } from "../limits.js";
import type { ServerLog } from "../log.js";
import type { SessionGuard } from "../session-guard.js";
import { hostResolver } from "../terminal.js";
import { createUserExec, type UserExec } from "../user-exec.js";
import type { Role, UsersStore } from "../users/store.js";
import type { SshAuthOptions } from "./auth.js";

export interface SshContext {
  lab: ServerLab;
  users: UsersStore;
  limits: UserLimits;
  log: ServerLog;
  guard: SessionGuard;
  auth: SshAuthOptions;
  /** Sessions (channels) one connection may have open at once. */
  maxChannels: number;
  /** Node a login shell starts on. */
  startNode: () => string;
  nodeNames: () => string[];
  /** A node by name or address, as `ssh vm3` resolves it. */
  resolveHost: (name: string) => string | undefined;
  /** The user's role, read at every command line (a promotion reaches open shells at once). */
  roleOf: (name: string) => () => Role;
  /** How `name`'s commands run: the role's policy and the per-user caps. */
  execFor: (name: string) => UserExec;
  /** Command names for tab completion. */
  commands?: () => string[];
  /** Open connections, ended on close. */
  clients: Set<ssh2.Connection>;
}

export interface SshContextOptions {
  lab: ServerLab;
  users: UsersStore;
  limits: UserLimits;
  log: ServerLog;
  guard: SessionGuard;
  auth: SshAuthOptions;
  maxChannels: number;
  startNode?: string;
  commands?: () => string[];
}

export function sshContext(o: SshContextOptions): SshContext {
  const nodeNames = () => o.lab.nodes().map((n) => n.name);
  const roleOf = (name: string) => (): Role => {
    o.users.refresh();
    return o.users.role(name) ?? "student";
  };
  const ctx: SshContext = {
    ...o,
    startNode: () => o.startNode ?? nodeNames()[0]!,
    nodeNames,
    resolveHost: hostResolver(o.lab),
    roleOf,
    execFor: (name) => createUserExec({ lab: o.lab, user: name, role: roleOf(name), limits: o.limits }),
    clients: new Set(),
  };
  if (o.commands) ctx.commands = o.commands;
  return ctx;
}
