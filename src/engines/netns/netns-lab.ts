/**
 * @module engines/netns/netns-lab
 * The Lab interface on Linux network namespaces: one namespace per router, a veth pair per
 * link (the topology's names, addresses and the simulator's MAC addresses), FRR zebra + ripd
 * per RIP router with generated configs, static routes with `ip route`, the real programs for
 * commands. The clock is the wall clock since boot (advance sleeps). Kernel changes asked for
 * synchronously (setLink/setNode) are queued in order and awaited by advance/advanceUntil/close.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { LabError } from "../../core/errors.js";
import type { LabEvent } from "../../core/events.js";
import { formatIpv4, formatPrefix } from "../../core/ip.js";
import { MS, type Nanos } from "../../core/time.js";
import type {
  ClockState,
  ExecOptions,
  Execution,
  Lab,
  LinkInfo,
  LinkShape,
  NodeInfo,
  RouteInfo,
} from "../../lab/lab.js";
import { checkShape, shapeEvent } from "../../lab/link-shape.js";
import { formatInterfaces, formatRoutes, routeRefs } from "../../shell/cmd/netstat.js";
import type { ShellContext, ShellInterface } from "../../shell/context.js";
import { HostsTable } from "../../shell/context.js";
import { protocolDaemonConf, zebraConf } from "../../topology/frr-config.js";
import type { Topology } from "../../topology/model.js";
import { LinkCaptures } from "./capture.js";
import { mapCommand, VTYSH } from "./commands.js";
import {
  type IpRouteJson,
  type KernelRoute,
  kernelRoutes,
  parseMonitorLine,
  rowKey,
  zebraRipMetrics,
} from "./kernel-routes.js";
import { cidr, type LabPlan, type PlannedNode, planLab } from "./plan.js";
import { daemonPidFiles, killRecorded, processMatches, removeNamespaces, StateFile } from "./state.js";
import { Launcher, launchDaemon } from "./daemons.js";
import { ipBatch, netlinkSubscribed, run, runOk } from "./sys.js";

export interface NetnsLabOptions {
  /** Namespace name prefix (default `rl-<lab name>`). */
  prefix?: string;
  /** Directory of zebra and ripd (default /usr/lib/frr). */
  frrDir?: string;
  /** Capture every link and emit hop/deliver/drop events (default true). */
  capture?: boolean;
  /** RIP nodes whose routing daemon the caller runs itself (interop tests): no FRR there. */
  externalRouting?: string[];
  /** Progress and notes (e.g. "netem missing: link delay not emulated"). */
  log?: (line: string) => void;
}

interface NodeRuntime {
  plan: PlannedNode;
  dir: string;
  up: boolean;
  routes: KernelRoute[];
  /** The kernel table as rows, kept current from `ip monitor route`. */
  rows: Map<string, IpRouteJson>;
  /** RIP metrics from zebra, fetched lazily (a vtysh call is too dear for every change). */
  metrics: Map<string, number>;
  metricsTimer: NodeJS.Timeout | null;
  resyncTimer: NodeJS.Timeout | null;
  monitor: ChildProcess | null;
  daemonPids: number[];
  /** Commands people run in the namespace: a crash of the node kills them. */
  commands: Set<ChildProcess>;
}

interface LinkRuntime {
  up: boolean;
  silent: boolean;
  /** Emulated with netem (the topology's, or set by setLinkShape). */
  delay: Nanos;
  loss: number;
}

/** At most `n` of these at once (2 cores: process spawning is the bottleneck). */
async function pool<T>(items: readonly T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What every namespace gets: forwarding on, IPv6 off, no ICMP rate limit, no reverse-path filter. */
const SYSCTLS = [
  "net.ipv4.ip_forward=1",
  "net.ipv6.conf.all.disable_ipv6=1",
  "net.ipv6.conf.default.disable_ipv6=1",
  "net.ipv4.icmp_ratelimit=0",
  "net.ipv4.conf.all.rp_filter=0",
  "net.ipv4.conf.default.rp_filter=0",
];

export class NetnsLab implements Lab {
  readonly engine = "netns";
  readonly plan: LabPlan;
  readonly state: StateFile;
  private readonly frrDir: string;
  private readonly captureOn: boolean;
  private readonly external: Set<string>;
  private readonly log: (s: string) => void;
  private readonly nodesRt = new Map<string, NodeRuntime>();
  private readonly linksRt = new Map<string, LinkRuntime>();
  private readonly listeners = new Set<(e: LabEvent) => void>();
  private readonly hosts: HostsTable;
  private readonly children = new Set<ChildProcess>();
  /** Starts the FRR daemons (created with the first). */
  private launcher: Launcher | null = null;
  private readonly userTos = new Map<string, number>([["root", 0]]);
  private t0 = performance.now();
  private queue: Promise<void> = Promise.resolve();
  private queueError: unknown = null;
  private closed = false;
  netem = false;
  /** Boot phases in ms, for the benchmark and the report. */
  readonly timings: Record<string, number> = {};
  private exitHook = () => this.closeSync();

  constructor(
    readonly topology: Topology,
    prefix: string,
    opts: NetnsLabOptions,
  ) {
    this.plan = planLab(topology, prefix);
    this.state = new StateFile(prefix);
    this.frrDir = opts.frrDir ?? "/usr/lib/frr";
    this.captureOn = opts.capture ?? true;
    this.external = new Set(opts.externalRouting ?? []);
    this.log = opts.log ?? (() => {});
    this.hosts = new HostsTable(
      this.plan.nodes.map((n) => ({ name: n.name, addrs: n.ifaces.map((i) => i.addr) })),
    );
    for (const n of this.plan.nodes)
      this.nodesRt.set(n.name, {
        plan: n,
        dir: join(this.state.dir, n.name),
        up: true,
        routes: [],
        rows: new Map(),
        metrics: new Map(),
        metricsTimer: null,
        resyncTimer: null,
        monitor: null,
        daemonPids: [],
        commands: new Set(),
      });
    for (const l of topology.links)
      this.linksRt.set(l.id, { up: true, silent: false, delay: l.delay, loss: l.loss });
  }

  // ---- boot ----------------------------------------------------------------------------------

  /** Creates everything; on failure removes what was made and rethrows. */
  async boot(): Promise<void> {
    process.once("exit", this.exitHook);
    try {
      await this.bootSteps();
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  private async phase(name: string, fn: () => Promise<void>): Promise<void> {
    const t = performance.now();
    await fn();
    this.timings[name] = performance.now() - t;
  }

  private async bootSteps(): Promise<void> {
    const nodes = this.plan.nodes;
    this.t0 = performance.now();
    // Recorded before creation, so a crash half-way is still cleaned up by the next start.
    this.state.state.namespaces = nodes.map((n) => n.netns);
    this.state.save();
    await this.phase("namespaces", async () => {
      for (const n of nodes) {
        const etc = join("/etc/netns", n.netns);
        mkdirSync(etc, { recursive: true });
        writeFileSync(join(etc, "hosts"), this.plan.hostsFile);
        // No resolver inside the lab: names come from the hosts file only, at once.
        writeFileSync(join(etc, "resolv.conf"), "");
      }
      const lines = nodes.map((n) => `netns add ${n.netns}`);
      for (const l of this.topology.links) {
        const a = this.iface(l.a.node, l.a.iface);
        const b = this.iface(l.b.node, l.b.iface);
        lines.push(
          `link add ${a.kname} up netns ${this.ns(l.a.node)} address ${a.mac} type veth peer name ${b.kname} netns ${this.ns(l.b.node)} address ${b.mac}`,
        );
      }
      await ipBatch(lines);
    });
    const wantsShaping = this.topology.links.some((l) => l.delay > 0 || l.loss > 0);
    // Asked once, alongside the rest of the boot: setLinkShape must know synchronously whether
    // delay and loss can be changed later, even when the file sets none.
    const netem = this.hasNetem().then((ok) => {
      this.netem = ok;
      if (!ok && wantsShaping)
        this.log("netns: this kernel has no sch_netem: link delay and loss are not emulated");
    });
    // The first end of every veth is created up (ip can raise only that end at creation), and
    // that is the end each capture listens on: captures start while the nodes are set up.
    const captures = this.captureOn
      ? this.phase("captures", async () => {
          const c = new LinkCaptures({
            plan: this.plan,
            timeOf: (sec, nsec) => this.epochToLab(sec, nsec),
            userOfTos: (tos) => this.userOfTos(tos),
            delayOf: (id) => (this.netem ? this.linksRt.get(id)!.delay : 0),
            emit: (e) => this.emit(e),
          });
          const started = c.start();
          // Known before they listen, so that a failed boot's close() stops them too.
          for (const p of c.children) {
            this.children.add(p);
            p.on("exit", () => this.children.delete(p));
          }
          await started;
        })
      : Promise.resolve();
    await Promise.all([
      this.phase("interfaces", () => pool(nodes, 8, (n) => this.startNode(n))),
      captures,
      netem,
    ]);
    if (wantsShaping && this.netem)
      await this.phase("shaping", () =>
        pool(nodes, 4, async (n) => {
          for (const i of n.ifaces)
            if (i.link.delay > 0 || i.link.loss > 0) await this.applyShaping(n, i.kname, i.link.id, false);
        }),
      );
    await this.phase("daemons", () => pool(nodes, 8, (n) => this.startDaemons(n.name)));
    this.timings.total = performance.now() - this.t0;
  }

  private ns(node: string): string {
    return this.plan.byName.get(node)!.netns;
  }

  private iface(node: string, name: string) {
    return this.plan.byName.get(node)!.ifaces.find((i) => i.name === name)!;
  }

  private netemProbe: Promise<boolean> | null = null;

  /** Whether the kernel has sch_netem: tried once, on a lab namespace's lo (never the host's). */
  private hasNetem(): Promise<boolean> {
    this.netemProbe ??= (async () => {
      const ns = this.plan.nodes[0]?.netns;
      if (ns === undefined) return false;
      const ok = (await run("tc", ["-n", ns, "qdisc", "add", "dev", "lo", "root", "netem"])).code === 0;
      if (ok) await run("tc", ["-n", ns, "qdisc", "del", "dev", "lo", "root"]);
      return ok;
    })();
    return this.netemProbe;
  }

  private async applyShaping(n: PlannedNode, kname: string, linkId: string, silent: boolean): Promise<void> {
    const l = this.linksRt.get(linkId)!;
    const args = ["-n", n.netns, "qdisc", "replace", "dev", kname, "root"];
    if (silent) {
      // Drop everything, carrier stays up. netem when the kernel has it; otherwise a token
      // bucket whose burst is smaller than any frame (tbf drops frames larger than its burst).
      if (await this.hasNetem()) await runOk("tc", [...args, "netem", "loss", "100%"]);
      else await runOk("tc", [...args, "tbf", "rate", "8bit", "burst", "10b", "limit", "1b"]);
      return;
    }
    if (this.netem && (l.delay > 0 || l.loss > 0)) {
      const netem = ["netem"];
      if (l.delay > 0) netem.push("delay", `${Math.round(l.delay / 1000)}us`);
      if (l.loss > 0) netem.push("loss", `${(l.loss * 100).toFixed(4)}%`);
      await runOk("tc", [...args, ...netem]);
    } else {
      await run("tc", ["-n", n.netns, "qdisc", "del", "dev", kname, "root"]);
    }
  }

  /**
   * zebra, then ripd once zebra serves (ripd needs zebra's socket; started earlier it would
   * retry only seconds later), both through the launcher; each is up when its vty socket is.
   */
  private async startDaemons(node: string): Promise<void> {
    const rt = this.nodesRt.get(node)!;
    const conf = protocolDaemonConf(this.topology, node);
    if (conf === null || this.external.has(node)) return;
    const dir = rt.dir;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "zebra.conf"), zebraConf(this.topology, node));
    writeFileSync(join(dir, `${conf.daemon}.conf`), conf.text);
    const frr = frrIds();
    for (const f of [dir, join(dir, "zebra.conf"), join(dir, `${conf.daemon}.conf`)])
      chownSync(f, frr.uid, frr.gid);
    rt.daemonPids = [];
    this.launcher ??= new Launcher();
    for (const name of ["zebra", conf.daemon]) {
      const d = { netns: rt.plan.netns, binary: join(this.frrDir, name), name, dir };
      const pid = await launchDaemon(this.launcher, d);
      rt.daemonPids.push(pid);
      this.state.recordPid(pid, dir);
    }
  }

  private async stopDaemons(node: string): Promise<void> {
    const rt = this.nodesRt.get(node)!;
    const pids = rt.daemonPids.map((pid) => ({ pid, mark: rt.dir }));
    await killRecorded(pids);
    for (const p of pids) this.state.removePid(p.pid);
    rt.daemonPids = [];
    this.state.save();
  }

  private async installStatics(node: string): Promise<void> {
    const t = this.topology.nodes.find((x) => x.name === node)!;
    if (t.statics.length === 0) return;
    await ipBatch(
      t.statics.map(
        (s) =>
          `route replace ${formatPrefix({ addr: s.dest, len: s.len })} via ${formatIpv4(s.gateway)} proto static`,
      ),
      this.ns(node),
    );
  }

  // ---- routes --------------------------------------------------------------------------------

  /**
   * One process sets a node up and then watches it: `ip -4 -j -n NS -batch -` runs the sysctls
   * (forwarding on, IPv6 off, no ICMP rate limit, no reverse-path filter), brings lo and the
   * veths up with their addresses, installs static routes, prints the table once (JSON) and
   * ends in `monitor route link`, whose lines keep the row map current (no process per change).
   * Nothing but this batch changes the table until the daemons start, and they start only
   * after the monitor has subscribed, so the dump and the monitor's lines leave no gap.
   */
  private startNode(n: PlannedNode): Promise<void> {
    const rt = this.nodesRt.get(n.name)!;
    const lines = [`netns exec ${n.netns} sysctl -q -w ${SYSCTLS.join(" ")}`, "link set lo up"];
    for (const i of n.ifaces) lines.push(`addr add ${cidr(i)} dev ${i.kname}`, `link set ${i.kname} up`);
    for (const s of this.topology.nodes.find((x) => x.name === n.name)!.statics)
      lines.push(
        `route replace ${formatPrefix({ addr: s.dest, len: s.len })} via ${formatIpv4(s.gateway)} proto static`,
      );
    // Link lines too: IPv4 flushes the routes of an interface set down without a netlink
    // notice per route, so such a line means "read the whole table again".
    lines.push("route show table all", "monitor route link");
    const p = spawn("ip", ["-4", "-j", "-n", n.netns, "-batch", "-"], { stdio: ["pipe", "pipe", "pipe"] });
    this.children.add(p);
    rt.monitor = p;
    p.stdin!.end(`${lines.join("\n")}\n`);
    let err = "";
    p.stderr!.setEncoding("utf8").on("data", (x: string) => {
      err = (err + x).slice(-2000);
    });
    return new Promise<void>((resolve, reject) => {
      let buf = "";
      let dumped = false;
      p.on("exit", (code, signal) => {
        this.children.delete(p);
        if (!dumped)
          reject(
            new LabError(
              `ip -n ${n.netns} -batch: exit ${code ?? signal}: ${err.trim().split("\n").slice(-3).join("; ")}`,
              {},
              "system",
            ),
          );
      });
      p.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        buf += chunk;
        const got = buf.split("\n");
        buf = got.pop()!;
        if (!dumped && got.length > 0) {
          dumped = true;
          for (const row of JSON.parse(got.shift()!) as IpRouteJson[]) rt.rows.set(rowKey(row), row);
          this.rebuild(n.name, false);
          this.subscribed(p).then(resolve, reject);
        }
        if (got.length > 0) this.applyLines(n.name, got, true);
      });
    });
  }

  /** Waits until a monitor has subscribed (it does so just after the dump: normally at once). */
  private async subscribed(p: ChildProcess): Promise<void> {
    const end = performance.now() + 5000;
    while (p.pid !== undefined && p.exitCode === null && !netlinkSubscribed(p.pid)) {
      if (performance.now() > end) throw new LabError("ip monitor did not subscribe in 5 s", {}, "system");
      await sleep(2);
    }
  }

  private applyLines(node: string, lines: readonly string[], emit: boolean): void {
    const rt = this.nodesRt.get(node)!;
    let changed = false;
    for (const line of lines) {
      if (/^(Deleted )?\d+: /.test(line)) {
        // Only an interface set down (no UP flag) loses routes silently; a carrier change
        // (the peer's end going up or down) keeps them.
        if (!/<([A-Z_,-]*,)?UP[,>]/.test(line)) this.scheduleResync(node);
        continue;
      }
      const m = parseMonitorLine(line);
      if (!m) continue;
      const k = rowKey(m.row);
      if (m.deleted) changed = rt.rows.delete(k) || changed;
      else {
        rt.rows.set(k, m.row);
        changed = true;
      }
    }
    if (changed) this.rebuild(node, emit);
  }

  private scheduleResync(node: string): void {
    const rt = this.nodesRt.get(node)!;
    if (rt.resyncTimer || this.closed) return;
    rt.resyncTimer = setTimeout(() => {
      rt.resyncTimer = null;
      void this.resync(node).catch((e) =>
        this.log(
          `netns: ${node}: re-reading the routes failed: ${e instanceof Error ? e.message : String(e)}`,
        ),
      );
    }, 20);
  }

  /** Reads the node's whole kernel table again and emits what changed. */
  async resync(node: string): Promise<void> {
    const rt = this.nodesRt.get(node)!;
    if (this.closed) return;
    const r = await run("ip", ["-4", "-j", "-n", rt.plan.netns, "route", "show", "table", "all"]);
    if (this.closed) return;
    if (r.code !== 0) {
      // The table stays as last read; the next route or link change reads it again.
      this.log(`netns: ${node}: re-reading the routes failed: ip exited ${r.code}: ${r.stderr.trim()}`);
      return;
    }
    rt.rows = new Map((JSON.parse(r.stdout) as IpRouteJson[]).map((row) => [rowKey(row), row]));
    this.rebuild(node, true);
  }

  /** Recomputes the node's table from its rows; emits route events for what differs. */
  private rebuild(node: string, emit: boolean): void {
    const rt = this.nodesRt.get(node)!;
    const old = new Map(rt.routes.map((x) => [`${x.dest}/${x.len}`, x]));
    const routes = kernelRoutes([...rt.rows.values()], rt.plan, (p) => rt.metrics.get(p));
    rt.routes = routes;
    if (routes.some((x) => x.source === "rip")) this.scheduleMetrics(node);
    if (!emit) return;
    const t = this.now();
    const seen = new Set<string>();
    for (const x of routes) {
      const k = `${x.dest}/${x.len}`;
      seen.add(k);
      const o = old.get(k);
      if (o && o.gateway === x.gateway && o.iface === x.iface && o.source === x.source) continue;
      this.emit(this.routeEvent(t, node, o ? "change" : "add", x));
    }
    for (const [k, o] of old) if (!seen.has(k)) this.emit(this.routeEvent(t, node, "delete", o));
  }

  /** Fetches zebra's RIP metrics a second after the last change (at most a few vtysh at once). */
  private scheduleMetrics(node: string): void {
    const rt = this.nodesRt.get(node)!;
    if (rt.metricsTimer) clearTimeout(rt.metricsTimer);
    rt.metricsTimer = setTimeout(() => {
      rt.metricsTimer = null;
      if (!this.closed) void this.metricsLimit(() => this.updateMetrics(node));
    }, 1000);
  }

  private metricsRunning = 0;
  private metricsWaiting: (() => void)[] = [];
  private async metricsLimit(fn: () => Promise<void>): Promise<void> {
    while (this.metricsRunning >= 2) await new Promise<void>((r) => this.metricsWaiting.push(r));
    this.metricsRunning++;
    try {
      await fn();
    } finally {
      this.metricsRunning--;
      this.metricsWaiting.shift()?.();
    }
  }

  /** Reads zebra's metrics now and rewrites the table with them. */
  async updateMetrics(node: string): Promise<void> {
    const rt = this.nodesRt.get(node)!;
    if (this.closed) return;
    rt.metrics = await this.zebraMetrics(node);
    rt.routes = kernelRoutes([...rt.rows.values()], rt.plan, (p) => rt.metrics.get(p));
  }

  private routeEvent(t: Nanos, node: string, action: "add" | "change" | "delete", r: KernelRoute): LabEvent {
    const rt = this.nodesRt.get(node)!;
    return {
      kind: "route",
      t,
      node,
      action,
      dest: formatPrefix({ addr: r.dest, len: r.len }),
      gateway: r.gateway ? formatIpv4(r.gateway) : `link#${r.iface + 1}`,
      iface: r.iface === 0 ? "lo0" : (rt.plan.ifaces[r.iface - 1]?.name ?? "?"),
      metric: r.metric,
      source: r.source,
      reason: "kernel table changed",
    };
  }

  /** zebra's RIP metrics of a node (prefix → metric); empty for a static node or a stopped zebra. */
  async zebraMetrics(node: string): Promise<Map<string, number>> {
    const rt = this.nodesRt.get(node)!;
    if (rt.daemonPids.length === 0) return new Map();
    const r = await run("ip", [
      "netns",
      "exec",
      rt.plan.netns,
      ...VTYSH,
      "--vty_socket",
      rt.dir,
      "-c",
      "show ip route json",
    ]);
    return r.code === 0 ? zebraRipMetrics(r.stdout) : new Map();
  }

  /** Waits for queued changes and reads every node's RIP metrics (the cross-check calls this). */
  async refreshAll(): Promise<void> {
    await this.settle();
    await pool(this.plan.nodes, 4, (n) => this.resync(n.name));
    await pool(this.plan.nodes, 4, (n) => this.updateMetrics(n.name));
  }

  private rt(node: string): NodeRuntime {
    const rt = this.nodesRt.get(node);
    if (!rt) throw new LabError(`unknown node '${node}'`, { field: "node" }, "not-found");
    return rt;
  }

  private shellInterfaces(node: string): ShellInterface[] {
    const rt = this.rt(node);
    const lo: ShellInterface = { index: 0, name: "lo0", addr: 0x7f000001, len: 8, up: true, isLink: false };
    return [
      lo,
      ...rt.plan.ifaces.map((i) => ({
        index: i.index,
        name: i.name,
        addr: i.addr,
        len: i.len,
        up: rt.up && this.linksRt.get(i.link.id)!.up,
        isLink: true,
      })),
    ];
  }

  // ---- Lab: reading --------------------------------------------------------------------------

  nodes(): NodeInfo[] {
    return this.topology.nodes.map((t) => {
      const rt = this.nodesRt.get(t.name)!;
      const info: NodeInfo = {
        name: t.name,
        up: rt.up,
        routing: t.routing,
        interfaces: this.shellInterfaces(t.name).map((i) => {
          const out: NodeInfo["interfaces"][number] = {
            name: i.name,
            addr: formatIpv4(i.addr),
            len: i.len,
            up: i.up,
          };
          if (i.isLink) out.link = rt.plan.ifaces[i.index - 1]!.link.id;
          return out;
        }),
      };
      if (t.position) info.position = t.position;
      return info;
    });
  }

  links(): LinkInfo[] {
    return this.topology.links.map((l) => {
      const s = this.linksRt.get(l.id)!;
      return {
        id: l.id,
        a: { node: l.a.node, iface: l.a.iface, addr: formatIpv4(l.a.addr) },
        b: { node: l.b.node, iface: l.b.iface, addr: formatIpv4(l.b.addr) },
        subnet: formatPrefix({ addr: l.subnet, len: l.len }),
        up: s.up,
        silent: s.silent,
        delay: this.netem ? s.delay : 0,
        bandwidth: l.bandwidth,
        loss: this.netem ? s.loss : 0,
      };
    });
  }

  routes(node: string): RouteInfo[] {
    const rt = this.rt(node);
    return rt.routes.map((r) => ({
      dest: formatPrefix({ addr: r.dest, len: r.len }),
      gateway: r.gateway !== 0 ? formatIpv4(r.gateway) : `link#${r.iface + 1}`,
      flags: `U${r.flags}`,
      iface: r.iface === 0 ? "lo0" : (rt.plan.ifaces[r.iface - 1]?.name ?? "?"),
      metric: r.metric,
      source: r.source,
      refs: routeRefs(r),
      use: 0,
    }));
  }

  // ---- Lab: commands -------------------------------------------------------------------------

  /** The DSCP mark (as a TOS byte) of a user: root 0, others 4, 8, … in order of first command. */
  tosOf(user: string): number {
    let t = this.userTos.get(user);
    if (t === undefined) {
      const dscp = this.userTos.size; // 1, 2, …; 48 (CS6) is what routing daemons send
      t = (dscp >= 48 ? 47 : dscp) << 2;
      this.userTos.set(user, t);
    }
    return t;
  }

  /** Who a TOS byte belongs to (for events). */
  userOfTos(tos: number): string {
    const dscp = tos & 0xfc;
    for (const [u, t] of this.userTos) if (t === dscp) return u;
    return "root";
  }

  exec(node: string, line: string, opts: ExecOptions = {}): Execution {
    const rt = this.rt(node);
    const user = opts.user ?? "root";
    const write = opts.write ?? (() => {});
    const m = mapCommand(line, node, this.tosOf(user), rt.daemonPids.length > 0 ? rt.dir : null);
    this.emit({ kind: "command", t: this.now(), node, user, command: line });
    let exitCode: number | undefined;
    let interrupt = () => {};
    const finish = (code: number) => {
      exitCode = code;
      this.emit({ kind: "command", t: this.now(), node, user, command: line, exit: code });
      return code;
    };
    let done: Promise<number>;
    if (m.kind === "text" || m.kind === "error") {
      write(m.text);
      done = Promise.resolve(finish(m.code));
    } else if (m.kind === "netstat") {
      done = (async () => {
        await this.updateMetrics(node);
        const ctx = this.shellContext(node, user, write);
        write(m.interfaces ? formatInterfaces(ctx, m.numeric, false) : formatRoutes(ctx, m.numeric));
        return finish(0);
      })();
    } else {
      const child = spawn("ip", ["netns", "exec", rt.plan.netns, ...m.argv], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      this.children.add(child);
      rt.commands.add(child);
      child.stdout!.setEncoding("utf8").on("data", (s: string) => write(s));
      child.stderr!.setEncoding("utf8").on("data", (s: string) => write(s));
      interrupt = () => {
        if (exitCode === undefined) child.kill("SIGINT");
      };
      done = new Promise<number>((resolve) => {
        child.on("error", (e) => {
          write(`${m.argv[0]}: ${e.message}\n`);
          resolve(finish(127));
        });
        child.on("close", (code, signal) => {
          this.children.delete(child);
          rt.commands.delete(child);
          // As sh reports a signalled process: 128 + 2 for Ctrl-C, 128 + 9 for a crash's kill.
          resolve(finish(code ?? (signal === "SIGINT" ? 130 : signal === "SIGKILL" ? 137 : 1)));
        });
      });
    }
    return {
      done,
      get exitCode() {
        return exitCode;
      },
      interrupt: () => interrupt(),
    };
  }

  /** What the shell's netstat formatter needs: the kernel table and the node's interfaces. */
  private shellContext(node: string, user: string, write: (s: string) => void): ShellContext {
    const rt = this.rt(node);
    const hosts = this.hosts;
    return {
      node,
      user,
      // netstat's formatters never touch the Host; there is no simulated node behind this one.
      host: undefined as unknown as ShellContext["host"],
      routes: () => rt.routes,
      interfaces: () => this.shellInterfaces(node),
      resolve: (n) => hosts.resolve(n),
      reverse: (a) => hosts.reverse(a),
      write,
      nextPid: () => 0,
    };
  }

  // ---- Lab: changes --------------------------------------------------------------------------

  /** Runs kernel changes one after another; errors surface at the next advance/close. */
  private enqueue(fn: () => Promise<void>): void {
    this.queue = this.queue.then(fn).catch((e) => {
      this.queueError ??= e;
    });
  }

  /** Waits for queued kernel changes; rethrows the first that failed. */
  async settle(): Promise<void> {
    await this.queue;
    if (this.queueError) {
      const e = this.queueError;
      this.queueError = null;
      throw e;
    }
  }

  findLink(a: string, b: string) {
    this.rt(a);
    this.rt(b);
    const l = this.topology.links.find(
      (x) => (x.a.node === a && x.b.node === b) || (x.a.node === b && x.b.node === a),
    );
    if (!l) throw new LabError(`no link between ${a} and ${b}`, { field: "link" }, "not-found");
    return l;
  }

  setLink(a: string, b: string, up: boolean, opts: { silent?: boolean } = {}): void {
    const l = this.findLink(a, b);
    const s = this.linksRt.get(l.id)!;
    const silent = !up && (opts.silent ?? false);
    const ends = [l.a, l.b].map((e) => ({
      node: this.plan.byName.get(e.node)!,
      i: this.iface(e.node, e.iface),
    }));
    const wasSilent = s.silent;
    if (up) {
      s.up = true;
      s.silent = false;
    } else if (silent) s.silent = true;
    else s.up = false;
    this.enqueue(async () => {
      for (const e of ends) {
        if (silent) await this.applyShaping(e.node, e.i.kname, l.id, true);
        else {
          if (up && wasSilent) await this.applyShaping(e.node, e.i.kname, l.id, false);
          // A router that is down keeps its interfaces down.
          const nodeUp = this.nodesRt.get(e.node.name)!.up;
          await runOk("ip", ["-n", e.node.netns, "link", "set", e.i.kname, up && nodeUp ? "up" : "down"]);
        }
      }
      // The tables as the kernel has them now, before anyone waits on "converged".
      for (const e of ends) await this.resync(e.node.name);
    });
    this.emit({
      kind: "link",
      t: this.now(),
      link: l.id,
      a: l.a.node,
      b: l.b.node,
      state: up ? "up" : "down",
      silent,
    });
  }

  /**
   * Delay and loss through netem on both ends (as at boot). A kernel without sch_netem cannot
   * emulate them: refused, rather than pretending.
   */
  setLinkShape(a: string, b: string, shape: LinkShape): void {
    const l = this.findLink(a, b);
    checkShape(shape);
    if (!this.netem)
      throw new LabError(
        "this kernel has no sch_netem (tc qdisc netem): the netns engine cannot change a link's delay or loss",
        { field: shape.delay !== undefined ? "delay" : "loss" },
        "unsupported",
      );
    const s = this.linksRt.get(l.id)!;
    if (shape.delay !== undefined) s.delay = shape.delay;
    if (shape.loss !== undefined) s.loss = shape.loss;
    const ends = [l.a, l.b].map((e) => ({
      node: this.plan.byName.get(e.node)!,
      i: this.iface(e.node, e.iface),
    }));
    this.enqueue(async () => {
      // A silent cut keeps its drop-everything qdisc; the new values apply when it heals.
      if (s.silent) return;
      for (const e of ends) await this.applyShaping(e.node, e.i.kname, l.id, false);
    });
    this.emit(
      shapeEvent(this.now(), { id: l.id, a: l.a.node, b: l.b.node, up: s.up, silent: s.silent }, shape),
    );
  }

  setNode(node: string, up: boolean): void {
    const rt = this.rt(node);
    if (rt.up === up) return;
    rt.up = up;
    // A crash kills every process on the router: the commands people run there end at once.
    if (!up) for (const c of rt.commands) c.kill("SIGKILL");
    this.enqueue(async () => {
      const n = rt.plan;
      if (!up) {
        await this.stopDaemons(node);
        const lines = n.ifaces.map((i) => `link set ${i.kname} down`);
        await ipBatch(lines, n.netns);
        await run("ip", ["-n", n.netns, "route", "flush", "proto", "rip"]);
        await run("ip", ["-n", n.netns, "route", "flush", "proto", "static"]);
      } else {
        const lines = n.ifaces
          .filter((i) => this.linksRt.get(i.link.id)!.up)
          .map((i) => `link set ${i.kname} up`);
        if (lines.length) await ipBatch(lines, n.netns);
        await this.startDaemons(node);
        await this.installStatics(node);
      }
      await this.resync(node);
      for (const i of n.ifaces) await this.resync(i.link.a.node === node ? i.link.b.node : i.link.a.node);
    });
    this.emit({ kind: "node", t: this.now(), node, state: up ? "up" : "down" });
  }

  // ---- Lab: events and time ------------------------------------------------------------------

  onEvent(listener: (e: LabEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(e: LabEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** Nanoseconds since boot. */
  now(): Nanos {
    return Math.round((performance.now() - this.t0) * MS);
  }

  /** Lab time of a capture timestamp (epoch seconds and nanoseconds). */
  epochToLab(sec: number, nsec: number): Nanos {
    const baseMs = performance.timeOrigin + this.t0;
    const baseSec = Math.floor(baseMs / 1000);
    return (sec - baseSec) * 1e9 + nsec - Math.round((baseMs - baseSec * 1000) * MS);
  }

  clock(): ClockState {
    return { now: this.now(), speed: 1, paused: false };
  }

  async advance(ns: Nanos): Promise<void> {
    const end = performance.now() + ns / MS;
    await this.settle();
    const left = end - performance.now();
    if (left > 0) await sleep(left);
  }

  async advanceUntil(cond: () => boolean, max: Nanos): Promise<boolean> {
    const end = performance.now() + max / MS;
    await this.settle();
    for (;;) {
      if (cond()) return true;
      const left = end - performance.now();
      if (left <= 0) return cond();
      await sleep(Math.min(20, left));
    }
  }

  // ---- clean-up ------------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    process.removeListener("exit", this.exitHook);
    // Never rejects: enqueue keeps a kernel change's error in queueError, which a closing lab drops.
    await this.queue;
    for (const rt of this.nodesRt.values()) {
      if (rt.metricsTimer) clearTimeout(rt.metricsTimer);
      if (rt.resyncTimer) clearTimeout(rt.resyncTimer);
    }
    for (const c of this.children) c.kill("SIGTERM");
    this.launcher?.close();
    // With the pid files: a daemon still starting when the lab closes is not in state.pids yet.
    await killRecorded([...this.state.state.pids, ...daemonPidFiles(this.state.dir)]);
    await removeNamespaces(this.state.state.namespaces);
    rmSync(this.state.dir, { recursive: true, force: true });
    this.listeners.clear();
  }

  /** The namespaces this lab creates (for removing a crashed run's leftovers of the same names). */
  namespaceNames(): string[] {
    return this.plan.nodes.map((n) => n.netns);
  }

  /** Last resort on process exit (an uncaught error): synchronous, by recorded pid, then our namespaces. */
  private closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.children) c.kill("SIGKILL");
    this.launcher?.close();
    for (const p of [...this.state.state.pids, ...daemonPidFiles(this.state.dir)])
      if (processMatches(p.pid, p.mark))
        try {
          process.kill(p.pid, "SIGKILL");
        } catch {
          // exited between the check and the kill: nothing left to do
        }
    const ns = this.state.state.namespaces;
    try {
      execFileSync("ip", ["-force", "-batch", "-"], {
        input: ns.map((n) => `netns del ${n}\n`).join(""),
        stdio: ["pipe", "ignore", "ignore"],
      });
      for (const n of ns) rmSync(join("/etc/netns", n), { recursive: true, force: true });
      rmSync(this.state.dir, { recursive: true, force: true });
    } catch {
      // The next start with this prefix removes what is left (state.json says what).
    }
  }
}

let frrCache: { uid: number; gid: number } | undefined;

/** uid and gid of the `frr` user (the daemons drop privileges to it; their dirs must be its). */
function frrIds(): { uid: number; gid: number } {
  if (frrCache) return frrCache;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("frr:"));
  if (!line) throw new LabError("no 'frr' user: install FRR (apt-get install frr)", {}, "system");
  const f = line.split(":");
  frrCache = { uid: Number(f[2]), gid: Number(f[3]) };
  return frrCache;
}

/** Whether the FRR daemons are installed. */
export function haveFrr(dir = "/usr/lib/frr"): boolean {
  return existsSync(join(dir, "zebra")) && existsSync(join(dir, "ripd"));
}
