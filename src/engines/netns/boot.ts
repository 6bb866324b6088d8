/**
 * @module engines/netns/boot
 * Building a lab's kernel state: the namespaces with their veth pairs, each node's setup batch
 * (which ends in the node's route monitor), the FRR daemons, static routes, and link shaping
 * with netem. The lab (netns-lab.ts) decides when; these do it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LabError } from "../../core/errors.js";
import { formatIpv4, formatPrefix } from "../../core/ip.js";
import type { Nanos } from "../../core/time.js";
import { protocolDaemonConf, zebraConf } from "../../topology/frr-config.js";
import { routingSpecs } from "../../topology/protocols/index.js";
import type { Topology } from "../../topology/model.js";
import { bridgePortLines, startBridge } from "./bridges.js";
import { Launcher, launchDaemon } from "./daemons.js";
import { cidr, type LabPlan, type PlannedNode } from "./plan.js";
import { killRecorded, type StateFile } from "./state.js";
import { ipBatch, run, runOk } from "./sys.js";

/** What every namespace gets: forwarding on, IPv6 off, no ICMP rate limit, no reverse-path filter. */
const SYSCTLS = [
  "net.ipv4.ip_forward=1",
  "net.ipv6.conf.all.disable_ipv6=1",
  "net.ipv6.conf.default.disable_ipv6=1",
  "net.ipv4.icmp_ratelimit=0",
  "net.ipv4.conf.all.rp_filter=0",
  "net.ipv4.conf.default.rp_filter=0",
];

/** At most `n` of these at once (2 cores: process spawning is the bottleneck). */
export async function pool<T>(items: readonly T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

function plannedIface(plan: LabPlan, node: string, name: string) {
  return plan.byName.get(node)!.ifaces.find((i) => i.name === name)!;
}

/** The namespaces, their hosts files and the veth pairs (each with its planned MAC addresses). */
export async function createNamespaces(plan: LabPlan, topo: Topology): Promise<void> {
  for (const n of plan.nodes) {
    const etc = join("/etc/netns", n.netns);
    mkdirSync(etc, { recursive: true });
    writeFileSync(join(etc, "hosts"), plan.hostsFile);
    // No resolver inside the lab: names come from the hosts file only, at once.
    writeFileSync(join(etc, "resolv.conf"), "");
  }
  const lines = plan.nodes.map((n) => `netns add ${n.netns}`);
  lines.push(...plan.bridges.map((b) => `netns add ${b.netns}`));
  for (const l of topo.links) {
    const a = plannedIface(plan, l.a.node, l.a.iface);
    const b = plannedIface(plan, l.b.node, l.b.iface);
    const nsA = plan.byName.get(l.a.node)!.netns;
    const nsB = plan.byName.get(l.b.node)!.netns;
    lines.push(
      `link add ${a.kname} up netns ${nsA} address ${a.mac} type veth peer name ${b.kname} netns ${nsB} address ${b.mac}`,
    );
  }
  lines.push(...bridgePortLines(plan));
  await ipBatch(lines);
  await pool(plan.bridges, 4, startBridge);
}

function staticRouteLine(s: { dest: number; len: number; gateway: number }): string {
  return `route replace ${formatPrefix({ addr: s.dest, len: s.len })} via ${formatIpv4(s.gateway)} proto static`;
}

/**
 * One process sets a node up and then watches it: `ip -4 -j -n NS -batch -` runs the sysctls,
 * brings lo and the veths up with their addresses, installs static routes, prints the table once
 * (JSON) and ends in `monitor route link` (route-table.ts follows its output). Nothing but this
 * batch changes the table until the daemons start, and they start only after the monitor has
 * subscribed, so the dump and the monitor's lines leave no gap.
 */
export function startNodeBatch(n: PlannedNode, topo: Topology): ChildProcess {
  // A host forwards nothing (FreeBSD's net.inet.ip.forwarding=0 on the simulator).
  const sysctls = n.host
    ? SYSCTLS.map((s) => (s === "net.ipv4.ip_forward=1" ? "net.ipv4.ip_forward=0" : s))
    : SYSCTLS;
  const lines = [`netns exec ${n.netns} sysctl -q -w ${sysctls.join(" ")}`, "link set lo up"];
  for (const i of n.ifaces) lines.push(`addr add ${cidr(i)} dev ${i.kname}`, `link set ${i.kname} up`);
  for (const s of topo.nodes.find((x) => x.name === n.name)!.statics) lines.push(staticRouteLine(s));
  // Link lines too: IPv4 flushes the routes of an interface set down without a netlink notice
  // per route, so such a line means "read the whole table again".
  lines.push("route show table all", "monitor route link");
  const p = spawn("ip", ["-4", "-j", "-n", n.netns, "-batch", "-"], { stdio: ["pipe", "pipe", "pipe"] });
  p.stdin!.end(`${lines.join("\n")}\n`);
  return p;
}

/** The topology's static routes of a node (again, after a reboot). */
export async function installStatics(topo: Topology, n: PlannedNode): Promise<void> {
  const t = topo.nodes.find((x) => x.name === n.name)!;
  if (t.statics.length > 0) await ipBatch(t.statics.map(staticRouteLine), n.netns);
}

/** The FRR daemons of the nodes: where their files live, who runs, how they start and stop. */
export class Daemons {
  /** Starts the FRR daemons (created with the first). */
  private launcher: Launcher | null = null;
  private readonly pids = new Map<string, number[]>();

  constructor(
    private readonly topo: Topology,
    private readonly state: StateFile,
    private readonly frrDir: string,
    /** RIP nodes whose routing daemon the caller runs itself (interop tests). */
    private readonly external: ReadonlySet<string>,
  ) {}

  dirOf(node: string): string {
    return join(this.state.dir, node);
  }

  /** The vtysh socket directory while FRR runs on the node, else null. */
  vtyDir(node: string): string | null {
    return (this.pids.get(node)?.length ?? 0) > 0 ? this.dirOf(node) : null;
  }

  /**
   * zebra, then the routing protocol's daemon (ripd) once zebra serves (it needs zebra's socket;
   * started earlier it would retry only seconds later), both through the launcher; each is up
   * when its vty socket is.
   */
  async start(n: PlannedNode): Promise<void> {
    const conf = protocolDaemonConf(this.topo, n.name);
    if (conf === null || this.external.has(n.name)) return;
    const dir = this.dirOf(n.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "zebra.conf"), zebraConf(this.topo, n.name));
    writeFileSync(join(dir, `${conf.daemon}.conf`), conf.text);
    const frr = frrIds();
    for (const f of [dir, join(dir, "zebra.conf"), join(dir, `${conf.daemon}.conf`)])
      chownSync(f, frr.uid, frr.gid);
    const pids: number[] = [];
    this.pids.set(n.name, pids);
    this.launcher ??= new Launcher();
    for (const name of ["zebra", conf.daemon]) {
      const pid = await launchDaemon(this.launcher, {
        netns: n.netns,
        binary: join(this.frrDir, name),
        name,
        dir,
      });
      pids.push(pid);
      this.state.recordPid(pid, dir);
    }
  }

  async stop(node: string): Promise<void> {
    const mark = this.dirOf(node);
    const pids = (this.pids.get(node) ?? []).map((pid) => ({ pid, mark }));
    await killRecorded(pids);
    for (const p of pids) this.state.removePid(p.pid);
    this.pids.set(node, []);
    this.state.save();
  }

  /** The launcher's own process goes (the lab closes; the daemons are killed by recorded pid). */
  closeLauncher(): void {
    this.launcher?.close();
  }
}

/** Link delay and loss with tc netem, and the silent cut (everything dropped, carrier kept). */
export class Shaping {
  private netemProbe: Promise<boolean> | null = null;

  constructor(private readonly firstNetns: string | undefined) {}

  /** Whether the kernel has sch_netem: tried once, on a lab namespace's lo (never the host's). */
  hasNetem(): Promise<boolean> {
    this.netemProbe ??= (async () => {
      const ns = this.firstNetns;
      if (ns === undefined) return false;
      const ok = (await run("tc", ["-n", ns, "qdisc", "add", "dev", "lo", "root", "netem"])).code === 0;
      if (ok) await run("tc", ["-n", ns, "qdisc", "del", "dev", "lo", "root"]);
      return ok;
    })();
    return this.netemProbe;
  }

  /** The qdisc of one link end: drop everything (`silent`), netem's delay and loss, or none. */
  async apply(
    netns: string,
    kname: string,
    shape: { delay: Nanos; loss: number },
    silent: boolean,
  ): Promise<void> {
    const args = ["-n", netns, "qdisc", "replace", "dev", kname, "root"];
    const netem = await this.hasNetem();
    if (silent) {
      // Drop everything, carrier stays up. netem when the kernel has it; otherwise a token
      // bucket whose burst is smaller than any frame (tbf drops frames larger than its burst).
      if (netem) await runOk("tc", [...args, "netem", "loss", "100%"]);
      else await runOk("tc", [...args, "tbf", "rate", "8bit", "burst", "10b", "limit", "1b"]);
      return;
    }
    if (netem && (shape.delay > 0 || shape.loss > 0)) {
      const opts = ["netem"];
      if (shape.delay > 0) opts.push("delay", `${Math.round(shape.delay / 1000)}us`);
      if (shape.loss > 0) opts.push("loss", `${(shape.loss * 100).toFixed(4)}%`);
      await runOk("tc", [...args, ...opts]);
    } else {
      await run("tc", ["-n", netns, "qdisc", "del", "dev", kname, "root"]);
    }
  }
}

let frrCache: { uid: number; gid: number } | undefined;

/** uid and gid of the `frr` user (the daemons drop privileges to it; their dirs must be its). */
export function frrIds(): { uid: number; gid: number } {
  if (frrCache) return frrCache;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("frr:"));
  if (!line) throw new LabError("no 'frr' user: install FRR (apt-get install frr)", {}, "system");
  const f = line.split(":");
  frrCache = { uid: Number(f[2]), gid: Number(f[3]) };
  return frrCache;
}

/** Whether zebra and the daemons `daemons` (default: every registered protocol's) are installed. */
export function haveFrr(
  dir = "/usr/lib/frr",
  daemons: readonly string[] = routingSpecs().flatMap((s) => (s.frr ? [s.frr.daemon] : [])),
): boolean {
  return existsSync(join(dir, "zebra")) && daemons.every((d) => existsSync(join(dir, d)));
}
