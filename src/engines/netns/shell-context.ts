/**
 * @module engines/netns/shell-context
 * The shell's ShellContext (shell/context.ts) for a node of the netns engine, so the commands
 * people type run through the same front ends as on the simulator (`runCommand`) and are
 * answered by the namespace's kernel and FRR:
 * - routes: the kernel table as the node's `ip monitor` keeps it (netstat -r);
 * - interfaces: the kernel's counters and carrier (counters.ts; netstat -i, ifconfig);
 * - route add|change|delete: `ip route … proto static`, the kernel's errno printed as FreeBSD's
 *   route(8) prints it; route get: `ip route get ADDR fibmatch`, the entry the kernel would use;
 * - ifconfig IF up|down: `ip link set IF up|down`;
 * - ping, traceroute: iputils ping and Linux traceroute in the namespace (native-programs.ts);
 * - rtquery: the shared program on a Host whose UDP socket lives in the namespace (ns-host.ts);
 * - arp -a: the kernel's neighbour table (neighbours.ts); arp -d: `ip neigh del ADDR dev IF`;
 * - ripstatus: FRR's own report (`show ip rip status` and `show ip rip` through vtysh);
 * - vtysh -c 'show …': the node's own vtysh, once the shared front end allowed the lines.
 */
import type { Program, ProgramIo } from "../../apps/process.js";
import { formatIpv4 } from "../../core/ip.js";
import type {
  RouteRequest,
  ShellArpEntry,
  ShellContext,
  ShellInterface,
  ShellRoute,
} from "../../shell/context.js";
import type { HostsTable, PidCounter, ShellFiles } from "../../shell/context.js";
import type { NodeAlias } from "../../sim/node-system.js";
import type { NodeOs } from "../../topology/model.js";
import { REDIRECT_SOURCE } from "../../sim/redirect.js";
import { type IpRouteJson, kernelRoutes } from "./kernel-routes.js";
import { type Argv, pingArgv, tracerouteArgv, VTYSH, vtyshArgv } from "./native-programs.js";
import type { NamespaceHost } from "./ns-host.js";
import type { PlannedNode } from "./plan.js";
import type { RunResult } from "./sys.js";

/** What the lab gives a node's ShellContext. */
export interface NetnsNodeAccess {
  plan: PlannedNode;
  hosts: HostsTable;
  pids: PidCounter;
  host: NamespaceHost;
  routes(): readonly ShellRoute[];
  interfaces(): readonly ShellInterface[];
  /** The namespace's ARP cache as `arp -a` lists it (neighbours.ts). */
  neighbours(): readonly ShellArpEntry[];
  /** Starts a program inside the namespace. */
  spawn(argv: readonly string[], io: ProgramIo): Program;
  /** Runs `ip ARGS…` in the namespace to completion (never throws for an exit status). */
  ip(args: readonly string[]): Promise<RunResult>;
  /** Runs a program in the namespace to completion. */
  exec(argv: readonly string[]): Promise<RunResult>;
  /** The kernel table changed: read it again, so that the next command sees the change. */
  reread(): Promise<void>;
  /** `ifconfig IF up|down` of a link interface (index ≥ 1). */
  setAdmin(index: number, up: boolean): Promise<void>;
  /** The node's vtysh socket directory while FRR runs there, else null. */
  vtyDir(): string | null;
  /** The node's OS (its command set) and files (node-files.ts). */
  os?: NodeOs;
  files?: ShellFiles;
  /** The addresses the lab's commands added beside the interfaces' own, in the order added. */
  aliases?(): readonly NodeAlias[];
  /** Adds one with the real ifconfig (after the shared front end's checks): undefined or an errno name. */
  addAlias?(a: NodeAlias): Promise<string | undefined>;
  /** Removes one by label or address; whether there was one. */
  removeAlias?(m: { label?: string; addr?: number }): Promise<boolean>;
}

export interface NetnsContextOptions {
  user: string;
  privileged: boolean;
  /** The user's mark (a TOS byte) on the probes of ping and traceroute. */
  tos: number;
  write: (text: string) => void;
}

/**
 * iproute2's complaint as the errno FreeBSD's routing socket would have answered: the kernel's
 * errno text (`RTNETLINK answers: File exists`), or its extended message for the same errno
 * (`Error: Nexthop has invalid gateway.` is fib_check_nh's ENETUNREACH).
 */
export function routeErrno(stderr: string): string {
  if (/File exists/.test(stderr)) return "EEXIST";
  if (/No such process|No such file or directory|Cannot find/.test(stderr)) return "ESRCH";
  if (/Network is unreachable|invalid gateway|Nexthop device is not up/.test(stderr)) return "ENETUNREACH";
  if (/Operation not permitted/.test(stderr)) return "EPERM";
  return "EINVAL";
}

export function netnsShellContext(a: NetnsNodeAccess, o: NetnsContextOptions): ShellContext {
  const start = (argv: Argv, io: ProgramIo): Program | number => {
    if (!argv.ok) {
      io.err(argv.text);
      return argv.code;
    }
    return a.spawn(argv.argv, io);
  };
  const asProgram = (r: Program | number): Program => {
    if (typeof r !== "number") return r;
    return { exitCode: r, onExit: (cb) => cb(r), interrupt() {}, kill() {} };
  };
  return {
    node: a.plan.name,
    user: o.user,
    privileged: o.user === "root" || o.privileged,
    host: a.host,
    routes: () => a.routes(),
    interfaces: () => a.interfaces(),
    resolve: (name) => a.hosts.resolve(name),
    reverse: (addr) => a.hosts.reverse(addr),
    write: o.write,
    nextPid: () => a.pids.take(),
    ping: (opts, io) => asProgram(start(pingArgv(opts, o.tos), io)),
    traceroute: (opts, io) => asProgram(start(tracerouteArgv(opts, o.tos), io)),
    vtysh: (lines, io) => start(vtyshArgv(lines, a.vtyDir()), io),
    changeRoute: (req) => changeKernelRoute(a, req),
    routeTo: (dst) => kernelRouteTo(a, dst),
    setInterfaceUp: (index, up) => a.setAdmin(index, up),
    arpEntries: () => a.neighbours(),
    arpDelete: (index, addr) => deleteNeighbour(a, index, addr),
    ...linuxParts(a),
    daemonReport: async (protocol) => {
      const vty = a.vtyDir();
      if (protocol !== "rip" || vty === null) return undefined;
      const cmds = ["show ip rip status", "show ip rip"].flatMap((c) => ["-c", c]);
      const r = await a.exec([...VTYSH, "--vty_socket", vty, ...cmds]);
      if (r.code !== 0)
        throw new Error(`FRR's ripd does not answer: ${r.stderr.trim() || `vtysh exit ${r.code}`}`);
      return r.stdout;
    },
  };
}

/** The node's OS, files and aliases, where the lab gives them. */
function linuxParts(a: NetnsNodeAccess): Partial<ShellContext> {
  const out: { -readonly [K in keyof ShellContext]?: ShellContext[K] } = {};
  if (a.os !== undefined) out.os = a.os;
  if (a.files !== undefined) out.files = a.files;
  if (a.aliases && a.addAlias && a.removeAlias) {
    out.aliases = a.aliases.bind(a);
    out.addAlias = a.addAlias.bind(a);
    out.removeAlias = a.removeAlias.bind(a);
  }
  return out;
}

/**
 * route add|change|delete through iproute2. FreeBSD keeps one route per prefix, Linux one per
 * prefix and priority (FRR's RIP routes have metric 20, static ones 0): an add where the table
 * already holds the prefix is EEXIST as on FreeBSD, before the kernel is asked; a change
 * replaces whatever route the prefix had with a static one.
 */
async function changeKernelRoute(a: NetnsNodeAccess, req: RouteRequest): Promise<string | undefined> {
  const prefix = `${formatIpv4(req.dest)}/${req.len}`;
  const held = a.routes().some((r) => r.dest === req.dest && r.len === req.len);
  if (req.cmd === "add" && held) return "EEXIST";
  if (req.cmd === "change" && !held) return "ESRCH";
  if (req.cmd !== "delete" && req.gateway === undefined) return "EINVAL";
  const steps: string[][] = [];
  // A redirect's route is a next-hop exception, which `ip route del` cannot name (ESRCH):
  // `ip route flush cache` forgets the host's exceptions (all of them; FreeBSD drops the one).
  const dynamic = a
    .routes()
    .some((r) => r.dest === req.dest && r.len === req.len && r.source === REDIRECT_SOURCE);
  if (req.cmd === "delete" && dynamic) steps.push(["route", "flush", "cache"]);
  else if (req.cmd !== "add") steps.push(["route", "del", prefix]);
  if (req.cmd !== "delete")
    steps.push(["route", "add", prefix, "via", formatIpv4(req.gateway!), "proto", "static"]);
  let errno: string | undefined;
  for (const args of steps) {
    const r = await a.ip(args);
    if (r.code !== 0) {
      errno = routeErrno(r.stderr);
      break;
    }
  }
  await a.reread();
  return errno;
}

/** `ip route get ADDR fibmatch`: the table entry the kernel would use, as netstat shows it. */
async function kernelRouteTo(a: NetnsNodeAccess, dst: number): Promise<ShellRoute | undefined> {
  // A redirect's exception wins over the table entry (fibmatch would name the table's): shown
  // as FreeBSD's RTM_GET shows the route rtredirect made, DYNAMIC without in_clsroute's `3`.
  const dynamic = a.routes().find((x) => x.source === REDIRECT_SOURCE && x.dest === dst);
  if (dynamic !== undefined) return { ...dynamic, flags: dynamic.flags.replace("3", "") };
  const r = await a.ip(["-4", "-j", "route", "get", formatIpv4(dst), "fibmatch"]);
  if (r.code !== 0) return undefined;
  let rows: IpRouteJson[];
  try {
    rows = JSON.parse(r.stdout) as IpRouteJson[];
  } catch {
    throw new Error(`ip route get: unreadable answer: ${r.stdout.slice(0, 200)}`);
  }
  const hit = kernelRoutes(rows, a.plan, () => undefined)[0];
  if (hit === undefined) return undefined;
  return a.routes().find((x) => x.dest === hit.dest && x.len === hit.len) ?? hit;
}

/**
 * `arp -d`: `ip neigh del ADDR dev IF`. The kernel's ENOENT (no such neighbour, or the node's
 * own address, which Linux keeps out of the table) is silent, as FreeBSD's RTM_DELETE of an
 * absent entry is to arp(8); any other complaint is the command's error.
 */
async function deleteNeighbour(a: NetnsNodeAccess, index: number, addr: number): Promise<boolean> {
  const iface = a.plan.ifaces.find((i) => i.index === index);
  if (iface === undefined) return false;
  const r = await a.ip(["-4", "neigh", "del", formatIpv4(addr), "dev", iface.kname]);
  if (r.code === 0) return true;
  if (/No such file or directory/.test(r.stderr)) return false;
  throw new Error(r.stderr.trim() || `ip neigh del: exit ${r.code}`);
}
