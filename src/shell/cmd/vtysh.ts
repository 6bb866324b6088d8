/**
 * @module shell/cmd/vtysh
 * `vtysh -c 'show …'` — FRR's shell, the tool a learner meets after routelab, on both engines:
 * on netns the node's real vtysh answers (ShellContext `vtysh`), on the simulator this module
 * does, in the text of FRR 8.4.4 (compared with the real one in test/fixtures/vtysh/):
 * `show ip route [A.B.C.D[/M]]` from the node's routes (vtysh-route.ts), and every other
 * command by asking each routing daemon the node runs through its protocol's `vtysh` hook
 * (proto/registry.ts): RIP answers `show ip rip [status]`, OSPF its `show ip ospf …`.
 *
 * As vtysh (vtysh/vtysh_main.c:648-712 at frr-8.4.4): several `-c` run in order, a `-c` holding
 * newlines is several lines, the first failing line ends the run with status 1 (`% Unknown
 * command: …`, `% Ambiguous command: …`, `% Command incomplete: …` on standard output), and a
 * warning such as `% Network not in table` is no failure. Words may be abbreviated as FRR
 * allows (`sh ip ro`).
 *
 * What a student may do is checked first, the same on both engines: only show commands.
 * `configure terminal` would reconfigure the router's FRR behind the lab's back, and `write`
 * writes FRR's configuration to the machine's /etc/frr (vtysh in a namespace still sees the
 * host's files) — both are refused before anything runs, as are vtysh's other options (-b -f -w
 * -d …: boot, input files, another daemon's socket) and output filters (`| include`).
 * Interactive vtysh (no -c) does not fit this shell, whose commands get no terminal input while
 * they run: it is refused with a note to use -c.
 */
import type { Command } from "../commands.js";
import { routingProtocol } from "../../proto/registry.js";
import { keyword } from "../../proto/vty.js";
import { parseIpv4 } from "../../core/ip.js";
import { SECOND } from "../../core/time.js";
import type { ShellContext } from "../context.js";
import type { ProgramIo } from "../../apps/process.js";
import { showIpRoute, showIpRouteDetail } from "./vtysh-route.js";

const TRY_HELP = "Try `vtysh --help' for more information.\n";
/** vtysh's options that take an argument (getopt_long "be:c:d:nf:H:mEhCwN:ut", vtysh_main.c:376). */
const WITH_ARG = new Set(["e", "c", "d", "f", "H", "N"]);
const KNOWN = new Set(["b", "e", "c", "d", "n", "f", "H", "m", "E", "h", "C", "w", "N", "u", "t"]);
const LONG: Record<string, string> = {
  boot: "b",
  eval: "e",
  command: "c",
  daemon: "d",
  inputfile: "f",
  histfile: "H",
  echo: "E",
  dryrun: "C",
  help: "h",
  noerror: "n",
  mark: "m",
  writeconfig: "w",
  pathspace: "N",
  user: "u",
  timestamp: "t",
  vty_socket: "vty_socket",
  config_dir: "config_dir",
};

/** The command lines of `vtysh -c A -c B`, or what to print and the status when refused. */
export type VtyshArgs = { ok: true; lines: string[] } | { ok: false; text: string; code: number };

/** Parses vtysh's arguments and applies the lab's rule: `-c` with show commands only. */
export function vtyshArgs(args: readonly string[]): VtyshArgs {
  const cmds: string[] = [];
  const refuse = (what: string): VtyshArgs => ({
    ok: false,
    text: `vtysh: ${what} is not allowed in this lab: only vtysh -c 'show …'\n`,
    code: 1,
  });
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    let opt: string;
    let arg: string | undefined;
    if (a.startsWith("--")) {
      const [name, value] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      const o = LONG[name];
      if (o === undefined)
        return { ok: false, text: `vtysh: unrecognized option '${a}'\n${TRY_HELP}`, code: 1 };
      opt = o;
      arg = value;
      if (arg === undefined && (WITH_ARG.has(o) || o.length > 1)) arg = args[++i];
    } else if (a.startsWith("-") && a.length > 1) {
      opt = a[1]!;
      if (!KNOWN.has(opt))
        return { ok: false, text: `vtysh: invalid option -- '${opt}'\n${TRY_HELP}`, code: 1 };
      if (WITH_ARG.has(opt)) arg = a.length > 2 ? a.slice(2) : args[++i];
      else if (a.length > 2) return refuse(`-${opt}`);
    } else return refuse(`'${a}'`);
    if (opt !== "c") return refuse(opt.length > 1 ? `--${opt}` : `-${opt}`);
    if (arg === undefined)
      return { ok: false, text: `vtysh: option requires an argument -- 'c'\n${TRY_HELP}`, code: 1 };
    cmds.push(arg);
  }
  if (cmds.length === 0)
    return {
      ok: false,
      text: "% Interactive vtysh is not available in this shell: give each command with -c, as in vtysh -c 'show ip route' -c 'show ip rip'\n",
      code: 1,
    };
  // vtysh runs each line of a -c on its own (vtysh_main.c:657).
  const lines = cmds.flatMap((c) => c.split("\n"));
  for (const line of lines) {
    if (/[\u0000-\u001f\u007f]/.test(line)) return refuse("a control character in a command");
    const words = line
      .trim()
      .split(/\s+/)
      .filter((w) => w !== "");
    if (words.length === 0) continue;
    if (line.includes("|")) return refuse(`an output filter ('${line.trim()}')`);
    const first = words[0]!.toLowerCase();
    if (!(first.length >= 2 && "show".startsWith(first)))
      return {
        ok: false,
        text: `vtysh: '${line.trim()}' is not allowed in this lab: only show commands (FRR's configuration belongs to the lab)\n`,
        code: 1,
      };
  }
  return { ok: true, lines: lines.filter((l) => l.trim() !== "") };
}

/**
 * FRR 8.4.4's keywords after `show`, `show ip` and `show ip route` (Debian's build: `vtysh -c
 * 'show ?'` and so on, on the netns engine): what an abbreviation must be unambiguous among, and
 * the commands the simulator knows FRR has but does not answer. FRR matches whole commands
 * (lib/command_match.c:196-330), so a word ending the line counts only the keywords that may end
 * a command there: `show i` is `show interface`, as `show ip`, `show ipv6` and `show isis` need
 * more (INCOMPLETE: the ones real vtysh answers `% Command incomplete`, probed one by one).
 */
// biome-ignore format: the lists as FRR prints them
export const SHOW_KEYWORDS = [
  "babel", "bfd", "bgp", "bmp", "daemons", "debugging", "dmvpn", "dplane", "error", "evpn", "fpm",
  "history", "interface", "ip", "ipv6", "isis", "l2vpn", "logging", "mac", "memory", "modules", "mpls",
  "nexthop-group", "openfabric", "pathd", "pbr", "route-map", "route-map-unused", "router-id", "rpki",
  "running-config", "segment-routing", "sr-te", "startup-config", "thread", "version", "vnc", "vrf",
  "vrrp", "watchfrr", "work-queues", "yang", "zebra",
];
// biome-ignore format: the lists as FRR prints them
export const SHOW_IP_KEYWORDS = [
  "access-list", "as-path-access-list", "bgp", "eigrp", "fib", "forwarding", "igmp", "import-check",
  "mroute", "msdp", "multicast", "neigh", "nhrp", "nht", "ospf", "pim", "prefix-list", "protocol", "rib",
  "rip", "route", "router-id", "rpf", "ssmpingd",
];
// biome-ignore format: the lists as FRR prints them
const SHOW_IP_ROUTE_KEYWORDS = [
  "babel", "bgp", "connected", "eigrp", "isis", "json", "kernel", "nexthop-group", "nhrp", "openfabric",
  "ospf", "rip", "static", "summary", "supernets-only", "table", "tag", "vnc", "vrf",
];
// biome-ignore format: the lists as FRR prints them
const INCOMPLETE = new Set([
  "show babel", "show bfd", "show dplane", "show error", "show fpm", "show ip", "show ipv6", "show isis",
  "show l2vpn", "show mac", "show mpls", "show nexthop-group", "show openfabric", "show pathd", "show rpki",
  "show segment-routing", "show sr-te", "show thread", "show vnc", "show yang", "show ip eigrp",
  "show ip igmp", "show ip msdp", "show ip pim", "show ip rib",
]);
/** Route types `show ip route TYPE` lists (do_show_ip_route's type filter) by zebra's name. */
const ROUTE_TYPES: Record<string, string> = { connected: "connected", kernel: "kernel", static: "static" };

/** The keyword word `at` of `words` stands for, as FRR's matcher takes it (see SHOW_KEYWORDS). */
function resolveWord(words: readonly string[], at: number, list: readonly string[]): string | undefined {
  const w = words[at]!.toLowerCase();
  if (list.includes(w)) return w;
  const last = at === words.length - 1;
  const prefix = words.slice(0, at).join(" ");
  const hits = list.filter((k) => k.startsWith(w) && !(last && INCOMPLETE.has(`${prefix} ${k}`)));
  // Probed on FRR 8.4.4, not derived: `sh ip ro` is route, yet `sh ip rou` is ambiguous with
  // `show [ip|ipv6] router-id` (zebra/router-id.c:503), as `sh ip router` is router-id.
  if (w === "ro" && hits.length === 2 && hits.includes("route") && hits.includes("router-id")) return "route";
  return hits.length === 1 ? hits[0] : hits.length > 1 ? "ambiguous" : undefined;
}

/** `show ip X` commands of FRR's routing daemons (vtysh.c VTYSH_RIPD, VTYSH_OSPFD, …). */
const FRR_DAEMONS: Record<string, string> = {
  rip: "ripd",
  ospf: "ospfd",
  bgp: "bgpd",
  eigrp: "eigrpd",
  nhrp: "nhrpd",
  pim: "pimd",
  igmp: "pimd",
  msdp: "pimd",
};

/** One line's outcome: text for standard output (and error), and whether vtysh goes on. */
interface LineResult {
  out: string;
  err?: string;
  ok: boolean;
}

/** The simulator's answer to one show command line. */
export function simVtyshLine(ctx: ShellContext, line: string): LineResult {
  const typed = line
    .trim()
    .split(/\s+/)
    .filter((w) => w !== "");
  if (typed.length === 0) return { out: "", ok: true };
  const text = typed.join(" ");
  const unknown: LineResult = { out: `% Unknown command: ${text}\n`, ok: false };
  if (typed.length === 1) return { out: `% Command incomplete: ${text}\n`, ok: false };
  const words = ["show", ...typed.slice(1)];
  for (const [at, list] of [
    [1, SHOW_KEYWORDS],
    [2, SHOW_IP_KEYWORDS],
  ] as const) {
    if (at === 2 && words[1] !== "ip") break;
    if (words.length <= at) return { out: `% Command incomplete: ${text}\n`, ok: false };
    const k = resolveWord(words, at, list);
    if (k === "ambiguous") return { out: `% Ambiguous command: ${text}\n`, ok: false };
    if (k === undefined) return unknown;
    words[at] = k;
  }
  const now = ctx.host.now();
  if (words[1] === "ip" && words[2] === "route")
    return showRoute(ctx, words.slice(3), Math.floor(now / SECOND)) ?? unknown;
  const daemons = ctx.daemons?.() ?? [];
  for (const d of daemons) {
    const answer = routingProtocol(d.name)?.vtysh?.(d, words, now);
    if (answer !== undefined) return { out: answer, ok: true };
  }
  const daemon = words[1] === "ip" ? FRR_DAEMONS[words[2]!] : undefined;
  if (daemon !== undefined) {
    // The protocol's own words: its daemon is the judge, or vtysh says it is not running
    // (vtysh.c: the command belongs to a daemon it has no connection to).
    if (daemons.some((d) => d.name === words[2])) return unknown;
    return { out: "", err: `${daemon} is not running\n`, ok: false };
  }
  return notSimulated(words.join(" "));
}

/**
 * `show ip route [A.B.C.D | A.B.C.D/M | TYPE]` (TYPE: connected, kernel, static, or a routing
 * protocol: do_show_ip_route's type filter); undefined for words it does not know, "not
 * simulated" for FRR's others (summary, json, table …).
 */
function showRoute(ctx: ShellContext, rest: readonly string[], nowSecs: number): LineResult | undefined {
  const rib = ctx.rib?.() ?? [];
  const names = ctx.interfaces();
  const ifName = (i: number) => names.find((x) => x.index === i)?.name ?? `if${i}`;
  if (rest.length === 0) return { out: showIpRoute(rib, ifName, nowSecs), ok: true };
  if (rest.length !== 1) return undefined;
  const m = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d{1,2}))?$/.exec(rest[0]!);
  if (m === null) {
    const k = keyword(rest[0]!, SHOW_IP_ROUTE_KEYWORDS);
    if (k === "ambiguous") return { out: `% Ambiguous command: show ip route ${rest[0]}\n`, ok: false };
    if (k === undefined) return undefined;
    const type = ROUTE_TYPES[k] ?? (DAEMON_ROUTE_TYPES.has(k) ? k : undefined);
    if (type === undefined) return notSimulated(`show ip route ${k}`);
    return { out: showIpRoute(rib, ifName, nowSecs, type), ok: true };
  }
  const addr = parseIpv4(m[1]!);
  const len = m[2] === undefined ? undefined : Number(m[2]);
  if (addr === undefined || (len !== undefined && len > 32)) return undefined;
  return { out: showIpRouteDetail(rib, ifName, nowSecs, addr, len), ok: true };
}

/** The route types of routing daemons `show ip route TYPE` takes. */
const DAEMON_ROUTE_TYPES = new Set([
  "rip",
  "ospf",
  "bgp",
  "isis",
  "eigrp",
  "babel",
  "nhrp",
  "openfabric",
  "vnc",
]);

/** A command FRR has that the simulator does not answer. */
function notSimulated(text: string): LineResult {
  return {
    out: "",
    err: `vtysh: '${text}' is FRR's, but the simulator answers only show ip route, show ip rip [status] and its protocols' show commands (the netns engine runs FRR's own)\n`,
    ok: false,
  };
}

/** Runs the lines on the simulator: in order, stopping at the first failure (status 1). */
function runSim(ctx: ShellContext, lines: readonly string[], io: ProgramIo): number {
  // vtysh connects to the node's daemons first; a static router runs none (vtysh_main.c:572).
  if ((ctx.daemons?.() ?? []).length === 0) {
    io.err("Exiting: failed to connect to any daemons.\n");
    return 1;
  }
  for (const line of lines) {
    const r = simVtyshLine(ctx, line);
    if (r.out) io.out(r.out);
    if (r.err) io.err(r.err);
    if (!r.ok) return 1;
  }
  return 0;
}

export const vtyshCommand: Command = {
  name: "vtysh",
  summary: "FRR's shell, show commands only: vtysh -c 'show ip route' -c 'show ip rip'",
  run(ctx, args, io) {
    const a = vtyshArgs(args);
    if (!a.ok) {
      io.err(a.text);
      return a.code;
    }
    if (ctx.vtysh) return ctx.vtysh(a.lines, io);
    return runSim(ctx, a.lines, io);
  },
};
