/**
 * @module server/policy
 * What each role may type, decided in one place for every way in (SSH shell, SSH exec, the
 * page's terminal, `POST /api/exec`). The simulated tools already refuse what FreeBSD refuses a
 * non-root user, but the netns engine runs real programs as root, and instructors run commands
 * under their own names: so the server checks the rules itself, before anything runs.
 *
 * Students (and anyone not an instructor):
 * - `ping`: what FreeBSD 8's ping(8) refuses a user who is not root — no flood (-f), no preload
 *   (-l), an interval of at least 1 s (-i), a payload of at most 56 bytes (-s, and -G/-g/-h of a
 *   sweep): sbin/ping/ping.c of FreeBSD 8-9 (releng/9.3 at r209366, 2010) lines 295-298,
 *   359-361, 375 and the `uid != 0 && ultmp > DEFDATALEN` checks — the simulated ping
 *   (shell/cmd/ping.ts, the front end of both engines) refuses the same for a user without
 *   root's powers; an instructor has them, and on netns the program behind is Linux's ping run
 *   as root, so the policy checks again before anything runs. Plus routelab's own cap of 1000
 *   packets (-c).
 * - `traceroute`: at most 5 probes per hop (-q) and 64 hops (-m).
 * - no changes to routes (`route add|delete|change|flush`), interfaces (`ifconfig IF up|down|…`)
 *   or kernel settings (`sysctl name=value`);
 * - no control commands: `link`, `node`, `clock` (taking the network apart is the instructor's);
 * - one command a line: `|`, `;`, `<`, `(…)` are refused with the shell's message; one `> FILE`
 *   or `>> FILE` is let through (the post's `echo "hoge-ssh 50022/tcp" >> /etc/services`): it
 *   writes the node's own bounded file system (sim/node-system.ts; on netns the copy in
 *   /etc/netns/NS), never the host's, and the command before it is judged as itself.
 * Instructors may do everything. A lesson may grant students named root commands (`allow:
 * [iptables, ifconfig]`, topology/lesson-model.ts GRANTABLE_COMMANDS): such a line passes the
 * policy and runs with root's rights (user-exec.ts), so the relay lesson's post can be typed
 * from a student's terminal; the default stays refusing.
 *
 * The refusal reads like the tool's own error and says why.
 */

import { splitBackground, splitRedirected } from "../shell/parse.js";

export type PolicyRole = "instructor" | "student" | "anonymous" | (string & {});

/** Control commands (handled by the server, not the node's shell) — instructor only. */
export const CONTROL_COMMANDS: ReadonlySet<string> = new Set(["link", "node", "clock"]);

export const STUDENT_LIMITS = {
  /** ping.c: `if (uid && interval < 1000)` (ms). */
  minPingIntervalS: 1,
  maxPingCount: 1000,
  /** ping.c: DEFDATALEN, the largest payload a user who is not root may send. */
  maxPingSize: 56,
  maxTracerouteQueries: 5,
  maxTracerouteHops: 64,
} as const;

/**
 * Returns why `user` with `role` may not run `line`, or undefined when it may. The line is split
 * by the shell's own parser; one it refuses (an operator, an open quote) is refused here with
 * the shell's message, so nothing hides behind `;` or `|`; a `> FILE` is not a word of the command.
 */
export function checkCommandAllowed(
  user: string,
  role: PolicyRole,
  line: string,
  granted: ReadonlySet<string> = NONE,
): string | undefined {
  if (role === "instructor") return undefined;
  const parsed = commandWords(line);
  if (!parsed.ok) return parsed.error;
  void user;
  if (parsed.words[0] !== undefined && granted.has(parsed.words[0])) return undefined;
  return checkWords(parsed.words);
}

const NONE: ReadonlySet<string> = new Set();

/** Whether `line` runs with root's rights: an instructor's, or a command the lesson grants. */
export function runsAsRoot(role: PolicyRole, line: string, granted: ReadonlySet<string> = NONE): boolean {
  if (role === "instructor") return true;
  const parsed = commandWords(line);
  return parsed.ok && parsed.words[0] !== undefined && granted.has(parsed.words[0]);
}

/** The commands a lab's lesson grants students (`allow:`). */
export function grantedCommands(lab: { topology: { lesson?: { allow?: string[] } } }): ReadonlySet<string> {
  const allow = lab.topology.lesson?.allow;
  return allow === undefined || allow.length === 0 ? NONE : new Set(allow);
}

function checkWords(words: string[]): string | undefined {
  const [cmd, ...args] = words;
  if (cmd === undefined) return undefined;
  if (CONTROL_COMMANDS.has(cmd))
    return `${cmd}: permission denied: only an instructor can take links and routers down or up, change links' delay and loss, or change the clock`;
  switch (cmd) {
    case "ping":
      return checkPing(args);
    case "traceroute":
      return checkTraceroute(args);
    case "route": {
      const sub = args.find((a) => !a.startsWith("-"));
      if (sub && ["add", "delete", "change", "flush"].includes(sub))
        return "route: must be root to alter routing table (students may look: route get, netstat -r)";
      return undefined;
    }
    case "ifconfig": {
      const operands = args.filter((a) => !a.startsWith("-"));
      if (operands.length > 1)
        return `ifconfig: ioctl (SIOCSIFFLAGS): permission denied (students may not change interfaces)`;
      return undefined;
    }
    case "sysctl":
      if (args.some((a) => a.includes("=")) || args.includes("-w"))
        return "sysctl: permission denied (students may not change kernel settings)";
      return undefined;
  }
  return undefined;
}

/** Option letters of FreeBSD ping(8) and traceroute(8) that take an argument. */
const PING_ARGS = new Set([..."cGghIiLlMmpSsTtWzCeEkP"]);
const TRACEROUTE_ARGS = new Set([..."fgimMpPqsStwz"]);

/** Options as getopt(3) would see them (grouped `-nc3`, attached or separate arguments). */
function options(args: string[], takesArg: Set<string>): { opt: string; arg?: string }[] {
  const out: { opt: string; arg?: string }[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--" || a.length < 2 || a[0] !== "-") break;
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (!takesArg.has(c)) {
        out.push({ opt: c });
        continue;
      }
      const arg = j + 1 < a.length ? a.slice(j + 1) : args[++i];
      out.push(arg === undefined ? { opt: c } : { opt: c, arg });
      break;
    }
  }
  return out;
}

function checkPing(args: string[]): string | undefined {
  const L = STUDENT_LIMITS;
  for (const { opt, arg } of options(args, PING_ARGS)) {
    // As ping.c's err(EX_NOPERM, …): the flag and EPERM, no offer of what routelab's ping lacks.
    if (opt === "f") return "ping: -f flag: Operation not permitted";
    if (opt === "l") return "ping: -l flag: Operation not permitted";
    if (opt === "i" && arg !== undefined) {
      const v = Number(arg);
      if (!Number.isFinite(v) || v < L.minPingIntervalS)
        return `ping: -i interval too short: Operation not permitted (at least ${L.minPingIntervalS} s unless root)`;
    }
    if (opt === "c" && arg !== undefined) {
      const v = Number(arg);
      if (!Number.isFinite(v) || v > L.maxPingCount)
        return `ping: -c ${arg.slice(0, 20)}: too many packets (students: at most ${L.maxPingCount})`;
    }
    if ("sGgh".includes(opt) && arg !== undefined) {
      const v = Number(arg);
      if (!Number.isFinite(v) || v > L.maxPingSize)
        return `ping: packet size too large: ${arg.slice(0, 20)} > ${L.maxPingSize}: Operation not permitted`;
    }
  }
  return undefined;
}

function checkTraceroute(args: string[]): string | undefined {
  const L = STUDENT_LIMITS;
  for (const { opt, arg } of options(args, TRACEROUTE_ARGS)) {
    const v = Number(arg);
    if (opt === "q" && arg !== undefined && (!Number.isFinite(v) || v > L.maxTracerouteQueries))
      return `traceroute: -q ${arg.slice(0, 20)}: too many probes (students: at most ${L.maxTracerouteQueries})`;
    if (opt === "m" && arg !== undefined && (!Number.isFinite(v) || v > L.maxTracerouteHops))
      return `traceroute: -m ${arg.slice(0, 20)}: too many hops (students: at most ${L.maxTracerouteHops})`;
  }
  return undefined;
}

/**
 * The words of a line exactly as the shell that runs it will see them: the same parser
 * (shell/parse.ts, which the netns engine uses too), so nothing can be quoted past the policy
 * (`ping -t 3"\\" #" -c 100000` hid `-c 100000` from a parser of its own). A line the shell
 * cannot parse runs nothing; its words are the shell's refusal.
 */
export function commandWords(line: string): { ok: true; words: string[] } | { ok: false; error: string } {
  const r = splitRedirected(splitBackground(line).line);
  return r.ok ? { ok: true, words: r.words } : r;
}
