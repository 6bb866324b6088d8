/**
 * @module server/logins
 * Everything `routelab up` needs for people to log in, started in one call: the users file
 * (created with an instructor account and a one-time password when there is none), the shared
 * login throttle, per-user limits and web sessions, and the SSH server with its host key (the
 * CLI keeps both in the class's state directory, server/state-dir.ts). The HTTP server takes `users`, `throttle`, `limits` and `sessions`
 * from here so SSH and the page apply the same rules.
 */
import type { ServerLab } from "./server-lab.js";
import { UserLimits } from "./limits.js";
import type { ServerLog } from "./log.js";
import { hostKeyPathFor } from "./ssh/host-key.js";
import { type SshServer, startSshServer } from "./ssh/server.js";
import { SessionStore } from "./users/sessions.js";
import { UsersStore } from "./users/store.js";
import { LoginThrottle } from "./users/throttle.js";

export interface LoginsOptions {
  lab: ServerLab;
  usersFile: string;
  /** The SSH host key (created when missing); default: `routelab-hostkey` beside the users file. */
  hostKeyPath?: string;
  /** SSH port (0: any free port); `false`: no SSH server. */
  sshPort: number | false;
  host?: string;
  /** The structured log shared with the HTTP server (createServerLog), or a line printer. */
  log?: ServerLog | ((line: string) => void);
}

export interface Logins {
  users: UsersStore;
  throttle: LoginThrottle;
  limits: UserLimits;
  sessions: SessionStore;
  ssh?: SshServer;
  /** Set when this start created the instructor account: print it once. */
  created?: { name: string; password: string };
  /** Things to tell the operator (a users file readable by others). */
  warnings: string[];
  close(): Promise<void>;
}

export async function startLogins(o: LoginsOptions): Promise<Logins> {
  const users = UsersStore.load(o.usersFile);
  const created = users.exists() ? undefined : await users.createInstructorIfMissing();
  const throttle = new LoginThrottle();
  const limits = new UserLimits();
  const sessions = new SessionStore();
  const ssh =
    o.sshPort === false
      ? undefined
      : await startSshServer({
          lab: o.lab,
          users,
          throttle,
          limits,
          port: o.sshPort,
          hostKeyPath: o.hostKeyPath ?? hostKeyPathFor(o.usersFile),
          ...(o.host !== undefined ? { host: o.host } : {}),
          ...(o.log ? { log: o.log } : {}),
        });
  const r: Logins = {
    users,
    throttle,
    limits,
    sessions,
    warnings: users.warnings(),
    close: async () => {
      await ssh?.close();
    },
  };
  if (ssh) r.ssh = ssh;
  if (created) r.created = created;
  return r;
}

export interface BannerOptions {
  /** Where the room reaches the SSH server (one `ssh -p PORT USER@ADDR` line each); default the address it listens on. */
  hosts?: string[];
  /** Options the `routelab users` hints need to find the same users file (` --state DIR`). */
  usersFlags?: string;
}

/** The lines `up` prints about logging in. */
export function loginBanner(l: Logins, o: BannerOptions = {}): string {
  const flags = o.usersFlags ?? "";
  let s = "";
  if (l.ssh) {
    const who = l.created?.name ?? "USER";
    const at = o.hosts ?? [l.ssh.host];
    if (at.length === 1)
      s += `  ssh logins: ssh -p ${l.ssh.port} ${who}@${at[0]} (host key ${l.ssh.fingerprint})\n`;
    else {
      s += `  ssh logins (host key ${l.ssh.fingerprint}):\n`;
      for (const h of at) s += `    ssh -p ${l.ssh.port} ${who}@${h}\n`;
    }
  }
  const n = l.users.list().length;
  s += `  users: ${l.users.file} (${n} user${n === 1 ? "" : "s"}; routelab users add NAME${flags} --password)\n`;
  if (l.created)
    s +=
      `  first login: user ${l.created.name}, password ${l.created.password}\n` +
      `    (shown once; change it with: routelab users add ${l.created.name}${flags} --password)\n`;
  for (const w of l.warnings) s += `  warning: ${w}\n`;
  return s;
}
