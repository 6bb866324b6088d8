/**
 * @module engines/netns/linux-native
 * An `os: linux` node's commands on the netns engine, run as the real tools in its namespace
 * (net-tools `ifconfig`, iptables, Debian's xinetd, netcat-openbsd's `nc`). The simulator's front
 * ends (shell/cmd) stay the gate wherever they have one: a student (not root) meets their refusal
 * word for word (`SIOCSIFADDR: Operation not permitted`, iptables' `you must be root`, …), and an
 * alias is parsed and checked there before the engine's `addAlias` runs the real ifconfig
 * (shell-context.ts). What runs natively is checked here, argument by argument, against what
 * the lesson needs — never a shell, never an option that runs another program
 * (iptables' `--modprobe`), never another namespace — and its output is bounded.
 */
import { formatIpv4, parseIpv4 } from "../../core/ip.js";
import type { Argv } from "./native-programs.js";

const USAGE = 64;
const refuse = (text: string, code = USAGE): Argv => ({ ok: false, text, code });

/** A word with nothing a shell or a tool could take for more than a value. */
const PLAIN = /^[A-Za-z0-9][A-Za-z0-9._:/,-]{0,63}$/;

/**
 * `ifconfig`, `ifconfig -a`, `ifconfig IF` (a link interface, `lo`, or an alias label `IF:N`):
 * the reading forms, as net-tools prints them. Changes go through the shared front end.
 */
export function ifconfigReadArgv(args: readonly string[], names: readonly string[]): Argv | undefined {
  if (args.length === 0 || (args.length === 1 && args[0] === "-a"))
    return { ok: true, argv: ["ifconfig", ...args] };
  if (args.length !== 1) return undefined;
  const name = args[0]!;
  const base = name.split(":")[0]!;
  if (!/^[A-Za-z][A-Za-z0-9_.-]{0,14}(:\d{1,4})?$/.test(name) || !(base === "lo" || names.includes(base)))
    return undefined;
  return { ok: true, argv: ["ifconfig", name] };
}

/** The real ifconfig that adds an alias the shared front end checked (`ifconfig eth0:1 A netmask M broadcast B up`). */
export function aliasArgv(label: string, addr: number, len: number, brd: number | undefined): string[] {
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  const argv = ["ifconfig", label, formatIpv4(addr), "netmask", formatIpv4(mask)];
  if (brd !== undefined) argv.push("broadcast", formatIpv4(brd));
  argv.push("up");
  return argv;
}

/** iptables' options the lesson's nat rules and listings use (long ones also as getopt_long's unique prefixes). */
const IPT_SHORT = new Set([
  "-t",
  "-A",
  "-I",
  "-D",
  "-F",
  "-Z",
  "-L",
  "-n",
  "-v",
  "-x",
  "-p",
  "-s",
  "-d",
  "-j",
  "-i",
  "-o",
]);
const IPT_LONG = [
  "--table",
  "--append",
  "--insert",
  "--delete",
  "--flush",
  "--zero",
  "--list",
  "--numeric",
  "--verbose",
  "--exact",
  "--line-numbers",
  "--protocol",
  "--source",
  "--src",
  "--destination",
  "--dst",
  "--dport",
  "--destination-port",
  "--sport",
  "--source-port",
  "--jump",
  "--in-interface",
  "--out-interface",
  "--to-ports",
  "--to-destination",
];
const IPT_TABLES = new Set(["nat", "filter"]);
const IPT_TARGETS = new Set(["REDIRECT", "DNAT", "ACCEPT", "RETURN"]);

/**
 * `iptables …` for root, as the real one: only the options above, the nat and filter tables,
 * the targets REDIRECT, DNAT, ACCEPT and RETURN, and plain values (`!` for negation).
 */
export function iptablesArgv(args: readonly string[]): Argv {
  if (args.length > 40) return refuse("iptables: too many arguments (routelab allows 40)\n");
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    const [opt, inline] = a.startsWith("--") ? a.split("=", 2) : [a, undefined];
    if (opt!.startsWith("--")) {
      const hits = opt!.length >= 4 ? IPT_LONG.filter((l) => l.startsWith(opt!)) : [];
      if (hits.length === 0) return refuse(`iptables: option '${opt}' is not available in routelab\n`);
      if (inline !== undefined && !PLAIN.test(inline)) return refuse(`iptables: bad value '${inline}'\n`);
    } else if (opt!.startsWith("-") && opt !== "-") {
      if (!IPT_SHORT.has(opt!)) return refuse(`iptables: option '${opt}' is not available in routelab\n`);
    } else if (a !== "!" && !PLAIN.test(a)) return refuse(`iptables: bad argument '${a}'\n`);
    const prev = args[k - 1];
    if ((prev === "-t" || prev === "--table") && !IPT_TABLES.has(a))
      return refuse(`iptables: table '${a}' is not available in routelab (nat and filter are)\n`);
    if ((prev === "-j" || prev === "--jump") && !IPT_TARGETS.has(a))
      return refuse(`iptables: target '${a}' is not available in routelab\n`);
  }
  return { ok: true, argv: ["iptables", ...args] };
}

/**
 * `nc` as netcat-openbsd (the FreeBSD 8 nc's own OpenBSD ancestor: the same letters) for the
 * options the simulator's nc supports (shell/cmd/nc.ts SUPPORTED: -4 -k -l -n -p -v -w -z):
 * host and port plain, ports and timeouts numbers in range, a listener below 1024 root's only.
 * A user's segments carry their mark (`-T tos`, user-marks.ts) so the captures colour them.
 * `-N`: the end of standard input (Ctrl-D) shuts down the connection's write side, a FIN, as
 * FreeBSD 8's nc does by itself (netcat.c readwrite's shutdown(SHUT_WR)); Debian's waits for -N.
 */
export function ncArgv(args: readonly string[], privileged: boolean, tos = 0): Argv {
  const argv = tos === 0 ? ["nc", "-N"] : ["nc", "-N", "-T", String(tos)];
  const operands: string[] = [];
  let listen = false;
  let port: number | undefined;
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (/^-[4klnvz]+$/.test(a)) {
      listen ||= a.includes("l");
      argv.push(a);
    } else if (a === "-w" || a === "-p") {
      const v = args[++k];
      const n = v !== undefined && /^\d{1,5}$/.test(v) ? Number(v) : -1;
      if (n < (a === "-w" ? 1 : 1) || n > (a === "-w" ? 3600 : 65535))
        return refuse(`nc: ${a === "-w" ? "timeout" : "port number"} ${v ?? ""} is invalid\n`, 1);
      if (a === "-p") port = n;
      argv.push(a, String(n));
    } else if (a.startsWith("-")) return refuse(`nc: option ${a} is not available in routelab\n`, 1);
    else operands.push(a);
  }
  if (operands.length > 2 || operands.some((o) => !PLAIN.test(o)))
    return refuse("usage: nc [-4klnvz] [-p source_port] [-w timeout] [hostname] [port]\n", 1);
  const p = operands.at(-1);
  if (p !== undefined && (!/^\d{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65535))
    return refuse(`nc: port number invalid: ${p}\n`, 1);
  const listenPort = listen ? Number(p ?? port ?? 0) : 0;
  if (listen && listenPort < 1024 && !privileged) return refuse("nc: Permission denied\n", 1);
  if (
    !listen &&
    operands.length === 2 &&
    parseIpv4(operands[0]!) === undefined &&
    !/^[A-Za-z]/.test(operands[0]!)
  )
    return refuse(`nc: getaddrinfo for host "${operands[0]}" port ${p}: Name or service not known\n`, 1);
  argv.push(...operands);
  return { ok: true, argv };
}

/** xinetd attributes the simulator's xinetd knows (apps/xinetd.ts) or ignores harmlessly. */
const XINETD_ATTRS = new Set([
  "disable",
  "socket_type",
  "protocol",
  "wait",
  "user",
  "group",
  "redirect",
  "bind",
  "interface",
  "only_from",
  "no_access",
  "type",
  "port",
  "flags",
  "id",
  "instances",
  "per_source",
  "cps",
  "log_type",
  "log_on_success",
  "log_on_failure",
]);

/**
 * Why the node's xinetd configuration may not run on the real xinetd, or undefined. The real one
 * runs as root in the namespace, on the host's file system: a `server =` (a program to exec),
 * `banner` (a file to send) or an include of another directory — which anyone who can write the
 * node's files could add — would reach beyond the lab. Only what the simulator's xinetd does
 * passes: `redirect =` services and their plain attributes.
 */
export function xinetdConfigProblem(files: {
  read(p: string): string | undefined;
  list(d: string): string[];
}): string | undefined {
  const paths = ["/etc/xinetd.conf", ...files.list("/etc/xinetd.d").map((n) => `/etc/xinetd.d/${n}`)];
  for (const path of paths) {
    const text = files.read(path) ?? "";
    for (const [k, raw] of text.split("\n").entries()) {
      const line = raw.replace(/#.*/, "").trim();
      if (line === "" || line === "{" || line === "}" || /^(service\s+[A-Za-z0-9_-]+|defaults)$/.test(line))
        continue;
      if (line === "includedir /etc/xinetd.d") continue;
      const m = /^([a-z_]+)\s*[+-]?=/.exec(line);
      if (m === null || !XINETD_ATTRS.has(m[1]!))
        return `${path}:${k + 1}: '${line.slice(0, 60)}' is not run by routelab's xinetd (only redirect = services)`;
    }
  }
  return undefined;
}
