/**
 * @module lab/scenario-ssh
 * `NODE: ssh [-l user] [user@]HOST [command…]` in a script (`routelab run`, `routelab grade`):
 * the in-lab ssh (Lab.ssh: TCP to port 22 of HOST over the lab's network, so aliases, REDIRECT
 * and relays apply) from NODE as the line's user; the command then runs on the node whose sshd
 * answered and its output is printed, as `ssh 192.168.10.200 hostname` prints `server` — the
 * post's form. Without a command a script has no terminal to give the session, so, as OpenSSH
 * run with its input at end of file, the remote shell reads nothing and ends: ssh says so and
 * exits 0. Failures are ssh's (exit 255), as in a terminal (shell/session.ts `hop`).
 */
import { MINUTE, type Nanos } from "../core/time.js";
import { splitWords } from "../shell/parse.js";
import type { Lab } from "./lab.js";

/** OpenSSH's words when its standard input is not a terminal (clientloop/ssh.c). */
export const NO_TTY = "Pseudo-terminal will not be allocated because stdin is not a terminal.\n";
const USAGE = "usage: ssh [-l login_name] [-p port] [user@]hostname [command]\n";

/** Whether a script line's command is `ssh …` (the script runs it, not the node's shell). */
export function isScriptSsh(command: string): boolean {
  return /^\s*ssh(\s|$)/.test(command);
}

/** Runs `ssh …` of a script line; resolves with its exit status. */
export async function runScriptSsh(
  lab: Lab,
  node: string,
  user: string,
  command: string,
  write: (s: string) => void,
  limit: Nanos = 60 * MINUTE,
): Promise<number> {
  const parsed = splitWords(command);
  if (!parsed.ok) {
    write(`${parsed.error}\n`);
    return 2;
  }
  const args = parsed.words.slice(1);
  let login: string | undefined;
  let i = 0;
  let host: string | undefined;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-l" || a === "-p" || a === "-i" || a === "-o") {
      if (a === "-l") login = args[i + 1];
      i++;
    } else if (!a.startsWith("-")) {
      host = a;
      i++;
      break;
    }
  }
  if (host === undefined) {
    write(USAGE);
    return 255;
  }
  const at = host.lastIndexOf("@");
  if (at >= 0) {
    login = host.slice(0, at);
    host = host.slice(at + 1);
  }
  if (login !== undefined && login !== user) {
    write(`${login}@${host}: Permission denied (publickey,password).\n`);
    return 255;
  }
  if (lab.ssh === undefined) {
    write(`ssh: the ${lab.engine} engine has no in-lab ssh\n`);
    return 255;
  }
  const remote = args.slice(i).join(" ");
  const hop = lab.ssh(node, host, { user });
  let landed: { node: string } | { error: string } | undefined;
  void hop.landed.then((r) => {
    landed = r;
  });
  try {
    await lab.advanceUntil(() => landed !== undefined, limit);
    await Promise.resolve();
    if (landed === undefined) {
      write(`ssh: connect to host ${host} port 22: Operation timed out\n`);
      return 255;
    }
    if ("error" in landed) {
      write(`${landed.error}\n`);
      return 255;
    }
    if (remote === "") {
      write(NO_TTY);
      return 0;
    }
    const x = lab.exec(landed.node, remote, { user, write });
    if (!(await lab.advanceUntil(() => x.exitCode !== undefined, limit))) {
      x.interrupt();
      await lab.advanceUntil(() => x.exitCode !== undefined, MINUTE);
    }
    return x.exitCode ?? (await x.done);
  } finally {
    hop.close();
  }
}
