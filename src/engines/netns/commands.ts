/**
 * @module engines/netns/commands
 * The shell's commands mapped onto the real programs of a namespace. People type FreeBSD
 * syntax (the simulator's shell); the netns engine runs iputils `ping` and Linux `traceroute`
 * with the equivalent flags, `vtysh` against the node's own FRR, and `ip` read-only. Options
 * are checked with BSD getopt first and whitelisted, numbers are checked, and the result is
 * an argument array: nothing ever reaches a shell.
 *
 * Flag mapping (FreeBSD → Linux):
 *   ping  -c N → -c N   -i S → -i S   -s B → -s B   -m TTL → -t TTL   -t SECS → -w SECS
 *         -W MS → -W ceil(MS/1000) s   -S ADDR → -I ADDR   -D → -M do   -n, -q as is
 *   traceroute  -n -I -m -q -w -f -p -s as is; -t TOS is replaced by the user's mark;
 *         FreeBSD's defaults (64 hops, 40-byte packets, 60 with -I) are passed explicitly
 * Every probe carries the user's DSCP mark (ping -Q, traceroute -t) so captured packets can
 * be charged to whoever sent them (see capture.ts).
 */
import { probeLength } from "../../apps/traceroute.js";
import { getopt } from "../../shell/getopt.js";
import { splitWords } from "../../shell/parse.js";

/**
 * vtysh with no history file. vtysh appends every -c command to VTYSH_HISTFILE, else to
 * $HOME/.history_frr (FRR vtysh/vtysh_main.c, main(): "VTYSH_HISTFILE is preferred over command
 * line argument (-H/--histfile)"; Debian's 8.4 has both): run as root in a namespace, it read and
 * wrote root's ~/.history_frr, so `vtysh -c 'sh history'` showed a student every lab's and the
 * admin's commands (issue 17). /dev/null keeps nothing.
 */
export const VTYSH: readonly string[] = ["env", "VTYSH_HISTFILE=/dev/null", "vtysh"];

export type Mapped =
  | { kind: "spawn"; argv: string[] }
  | { kind: "netstat"; numeric: boolean; interfaces: boolean }
  | { kind: "text"; text: string; code: number }
  | { kind: "error"; text: string; code: number };

const NUM = /^\d+(\.\d+)?$/;
const INT = /^\d+$/;
const HOST = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const IP_OBJECTS = new Set(["route", "r", "ro", "addr", "a", "address", "link", "l", "neigh", "n", "rule"]);

export const HELP = `commands on the netns engine (real programs in the router's namespace):
  ping [-nqD] [-c count] [-i wait] [-m ttl] [-s size] [-t timeout] [-W ms] [-S src] host
  traceroute [-nI] [-f first] [-m max] [-q n] [-w secs] [-p port] [-s src] host [len]
  netstat -r[n] | -i[n]
  vtysh -c 'show ip rip' (any 'show …')
  ip route|addr|link|neigh [show …]
  hostname
`;

/** Maps one command line; `tos` is the user's mark (0 for root), `vty` the node's FRR socket dir. */
export function mapCommand(line: string, node: string, tos: number, vty: string | null): Mapped {
  const p = splitWords(line);
  if (!p.ok) return { kind: "error", text: `sh: ${p.error}\n`, code: 2 };
  const [prog, ...args] = p.words;
  if (prog === undefined) return { kind: "text", text: "", code: 0 };
  switch (prog) {
    case "ping":
      return ping(args, tos);
    case "traceroute":
      return traceroute(args, tos);
    case "netstat": {
      const g = getopt(args, "rinW", "netstat");
      if (!g.ok) return { kind: "error", text: `${g.error}\nusage: netstat -r[n] | -i[n]\n`, code: 1 };
      const has = (c: string) => g.opts.some((o) => o.opt === c);
      if (!has("r") && !has("i")) return { kind: "error", text: "usage: netstat -r[n] | -i[n]\n", code: 1 };
      return { kind: "netstat", numeric: has("n"), interfaces: has("i") && !has("r") };
    }
    case "vtysh": {
      if (vty === null)
        return { kind: "error", text: "vtysh: this router runs no routing daemon\n", code: 1 };
      // vtysh runs every line of a -c argument as its own command (in enable mode): a newline
      // would smuggle `configure terminal` after the `show`, so the command must be one line.
      if (
        args.length !== 2 ||
        args[0] !== "-c" ||
        !/^(show|sh)\s/.test(args[1]!.trim()) ||
        /[\u0000-\u001f\u007f]/.test(args[1]!.trim())
      )
        return { kind: "error", text: "usage: vtysh -c 'show …' (read-only commands only)\n", code: 1 };
      return { kind: "spawn", argv: [...VTYSH, "--vty_socket", vty, "-c", args[1]!.trim()] };
    }
    case "ip": {
      const words = args.filter((a) => !a.startsWith("-"));
      const flags = args.filter((a) => a.startsWith("-"));
      const okFlags = flags.every((f) => ["-4", "-s", "-j", "-d", "-br", "-brief", "-p", "-c"].includes(f));
      const obj = words[0];
      const verb = words[1] ?? "show";
      if (
        !okFlags ||
        obj === undefined ||
        !IP_OBJECTS.has(obj) ||
        !["show", "list", "ls", "get"].includes(verb)
      )
        return {
          kind: "error",
          text: "usage: ip [-4 -s -j -d -br] route|addr|link|neigh [show|get …]\n",
          code: 1,
        };
      if (words.some((w) => w === "netns" || w.includes("/netns")))
        return { kind: "error", text: "ip: not here\n", code: 1 };
      return { kind: "spawn", argv: ["ip", ...args] };
    }
    case "hostname":
      return { kind: "text", text: `${node}\n`, code: 0 };
    case "help":
      return { kind: "text", text: HELP, code: 0 };
    default:
      return { kind: "error", text: `${prog}: command not found (netns engine; try help)\n`, code: 127 };
  }
}

function usageErr(prog: string, msg: string): Mapped {
  return { kind: "error", text: `${prog}: ${msg}\n`, code: prog === "ping" ? 64 : 1 };
}

function ping(args: string[], tos: number): Mapped {
  const g = getopt(args, "c:i:m:nqs:t:W:S:D", "ping");
  if (!g.ok) return usageErr("ping", g.error.replace(/^ping: /, ""));
  const argv = ["ping"];
  for (const { opt, arg } of g.opts) {
    const a = arg ?? "";
    const need = (re: RegExp) => re.test(a);
    switch (opt) {
      case "c":
        if (!need(INT) || Number(a) < 1)
          return usageErr("ping", `invalid count of packets to transmit: \`${a}'`);
        argv.push("-c", a);
        break;
      case "i":
        if (!need(NUM)) return usageErr("ping", `invalid timing interval: \`${a}'`);
        argv.push("-i", a);
        break;
      case "m":
        if (!need(INT) || Number(a) < 1 || Number(a) > 255) return usageErr("ping", `invalid TTL: \`${a}'`);
        argv.push("-t", a);
        break;
      case "s":
        if (!need(INT) || Number(a) > 65000) return usageErr("ping", `invalid packet size: \`${a}'`);
        argv.push("-s", a);
        break;
      case "t":
        if (!need(INT)) return usageErr("ping", `invalid timeout: \`${a}'`);
        argv.push("-w", a);
        break;
      case "W":
        if (!need(INT)) return usageErr("ping", `invalid timing interval: \`${a}'`);
        argv.push("-W", String(Math.max(1, Math.ceil(Number(a) / 1000))));
        break;
      case "S":
        if (!need(/^\d+\.\d+\.\d+\.\d+$/)) return usageErr("ping", `invalid source address: \`${a}'`);
        argv.push("-I", a);
        break;
      case "D":
        argv.push("-M", "do");
        break;
      default:
        argv.push(`-${opt}`);
    }
  }
  if (g.operands.length !== 1 || !HOST.test(g.operands[0]!))
    return usageErr(
      "ping",
      "usage: ping [-nqD] [-c count] [-i wait] [-m ttl] [-s size] [-t timeout] [-W ms] host",
    );
  argv.push("-Q", String(tos), g.operands[0]!);
  return { kind: "spawn", argv };
}

function traceroute(args: string[], tos: number): Mapped {
  const g = getopt(args, "nIf:m:q:w:p:s:t:", "traceroute");
  if (!g.ok) return usageErr("traceroute", g.error.replace(/^traceroute: /, ""));
  const argv = ["traceroute"];
  let max = "64";
  for (const { opt, arg } of g.opts) {
    const a = arg ?? "";
    if ("fmqwp".includes(opt) && !INT.test(a)) return usageErr("traceroute", `-${opt}: bad value '${a}'`);
    switch (opt) {
      case "m":
        max = a;
        break;
      case "s":
        if (!/^\d+\.\d+\.\d+\.\d+$/.test(a)) return usageErr("traceroute", `-s: bad address '${a}'`);
        argv.push("-s", a);
        break;
      case "t":
        break; // the user's mark wins: it is how the picture knows whose probes these are
      case "n":
      case "I":
        argv.push(`-${opt}`);
        break;
      default:
        argv.push(`-${opt}`, a);
    }
  }
  const [host, len] = g.operands;
  if (
    host === undefined ||
    !HOST.test(host) ||
    g.operands.length > 2 ||
    (len !== undefined && !INT.test(len))
  )
    return usageErr("traceroute", "usage: traceroute [-nI] [-f first] [-m max] [-q n] [-w secs] host [len]");
  // FreeBSD's default probe sizes (traceroute.c:669, see apps/traceroute.ts probeLength): 40
  // bytes for UDP, 60 with -I, so both engines print the same header.
  const icmp = g.opts.some((o) => o.opt === "I");
  argv.push("-m", max, "-t", String(tos), host, len ?? String(probeLength(icmp)));
  return { kind: "spawn", argv };
}
