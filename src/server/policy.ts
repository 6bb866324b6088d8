/**
 * @module server/policy
 * What each role may type, decided in one place for every way in (SSH shell, SSH exec, the
 * page's terminal, `POST /api/exec`). The simulated tools already refuse what FreeBSD refuses a
 * non-root user, but the netns engine runs real programs as root, and instructors run commands
 * under their own names: so the server checks the rules itself, before anything runs.
 *
 * Students (and anyone not an instructor):
 * - `ping`: no flood (-f), no preload (-l), interval at least 0.2 s (-i), at most 1000 packets
 *   (-c), payload at most 1472 bytes (-s: one Ethernet frame); as Linux ping does for non-root users.
 * - `traceroute`: at most 5 probes per hop (-q) and 64 hops (-m).
 * - no changes to routes (`route add|delete|change|flush`), interfaces (`ifconfig IF up|down|…`)
 *   or kernel settings (`sysctl name=value`);
 * - no control commands: `link`, `node`, `clock` (taking the network apart is the instructor's).
 * Instructors may do everything.
 *
 * The refusal reads like the tool's own error and says why.
 */

export type PolicyRole = "instructor" | "student" | "anonymous" | (string & {});

/** Control commands (handled by the server, not the node's shell) — instructor only. */
export const CONTROL_COMMANDS: ReadonlySet<string> = new Set(["link", "node", "clock"]);

export const STUDENT_LIMITS = {
  minPingIntervalS: 0.2,
  maxPingCount: 1000,
  maxPingSize: 1472,
  maxTracerouteQueries: 5,
  maxTracerouteHops: 64,
} as const;

/**
 * Returns why `user` with `role` may not run `line`, or undefined when it may. Every segment of
 * a line with `;`, `|` or `&` is checked, so nothing hides behind an operator.
 */
export function checkCommandAllowed(user: string, role: PolicyRole, line: string): string | undefined {
  if (role === "instructor") return undefined;
  for (const words of splitCommands(line)) {
    const why = checkWords(words);
    if (why) return why;
  }
  void user;
  return undefined;
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
    if (opt === "f") return "ping: -f flag: Operation not permitted (flood ping is for instructors)";
    if (opt === "l") return "ping: -l flag: Operation not permitted (preload is for instructors)";
    if (opt === "i" && arg !== undefined) {
      const v = Number(arg);
      if (!Number.isFinite(v) || v < L.minPingIntervalS)
        return `ping: -i interval too short: Operation not permitted (students: at least ${L.minPingIntervalS} s)`;
    }
    if (opt === "c" && arg !== undefined) {
      const v = Number(arg);
      if (!Number.isFinite(v) || v > L.maxPingCount)
        return `ping: -c ${arg.slice(0, 20)}: too many packets (students: at most ${L.maxPingCount})`;
    }
    if (opt === "s" && arg !== undefined) {
      const v = Number(arg);
      if (!Number.isFinite(v) || v > L.maxPingSize)
        return `ping: -s ${arg.slice(0, 20)}: packet size too large (students: at most ${L.maxPingSize})`;
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
 * Splits a line into commands and words as sh(1) would: quotes and backslashes joined into
 * words (so `p'in'g -f` is still ping), unquoted `;` `|` `&` separating commands.
 */
export function splitCommands(line: string): string[][] {
  const cmds: string[][] = [];
  let words: string[] = [];
  let w = "";
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(w);
    w = "";
    inWord = false;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      const stop = end < 0 ? line.length : end;
      w += c === '"' ? line.slice(i + 1, stop).replace(/\\(["\\$`])/g, "$1") : line.slice(i + 1, stop);
      inWord = true;
      i = stop;
    } else if (c === "\\") {
      if (i + 1 < line.length) w += line[++i];
      inWord = true;
    } else if (c === " " || c === "\t" || c === "\n" || c === "\r") endWord();
    else if (c === ";" || c === "|" || c === "&" || c === "(" || c === ")") {
      endWord();
      if (words.length) cmds.push(words);
      words = [];
    } else if (c === "#" && !inWord) break;
    else {
      w += c;
      inWord = true;
    }
  }
  endWord();
  if (words.length) cmds.push(words);
  return cmds;
}
