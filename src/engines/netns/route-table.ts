/**
 * @module engines/netns/route-table
 * Every node's kernel routing table as the lab reads it: one `ip monitor route link` per
 * namespace keeps a row map current (no process per change), a whole re-read follows what the
 * monitor cannot tell (IPv4 flushes the routes of an interface set down without a netlink notice
 * per route), the rows become the simulator's FIB rows (kernel-routes.ts), and each change of
 * a node's table is a route event. RIP metrics come from zebra, fetched lazily: a vtysh call is
 * too dear for every change.
 */
import type { ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";
import { LabError } from "../../core/errors.js";
import type { LabEvent } from "../../core/events.js";
import { formatIpv4, formatPrefix } from "../../core/ip.js";
import type { Nanos } from "../../core/time.js";
import {
  type IpRouteJson,
  type KernelRoute,
  kernelRoutes,
  MonitorRows,
  zebraRipMetrics,
} from "./kernel-routes.js";
import { VTYSH } from "./native-programs.js";
import type { LabPlan, PlannedNode } from "./plan.js";
import { netlinkSubscribed, run } from "./sys.js";

export interface RouteTableDeps {
  plan: LabPlan;
  emit(e: LabEvent): void;
  now(): Nanos;
  log(line: string): void;
  /** Whether the lab is closing (no re-read, no timer then). */
  closed(): boolean;
  /** The node's vtysh socket directory while FRR runs there, else null. */
  vtyDir(node: string): string | null;
}

interface NodeTable {
  plan: PlannedNode;
  routes: KernelRoute[];
  /** The kernel table as rows, kept current from `ip monitor route`. */
  rows: MonitorRows;
  /** RIP metrics from zebra. */
  metrics: Map<string, number>;
  metricsTimer: NodeJS.Timeout | null;
  resyncTimer: NodeJS.Timeout | null;
  /** The node's `ip -batch` process, which lives in its namespace (counters.ts reads through it). */
  monitor: ChildProcess | null;
  /**
   * A host's redirect exceptions (`ip route show cache`), which no monitor line announces: read
   * when a redirect reached the host (`redirected`), with the table, and when the first lapses.
   */
  cache: IpRouteJson[];
  /** Destinations redirected (to bind their exceptions before the dump; see `readCache`). */
  redirectedTo: Set<string>;
  /** performance.now() when `cache` was read (its `expires` count from then). */
  cacheReadAt: number;
  cacheTimer: NodeJS.Timeout | null;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class RouteTables {
  private readonly tables = new Map<string, NodeTable>();
  private metricsRunning = 0;
  private metricsWaiting: (() => void)[] = [];

  constructor(private readonly d: RouteTableDeps) {
    for (const n of d.plan.nodes)
      this.tables.set(n.name, {
        plan: n,
        routes: [],
        rows: new MonitorRows(),
        metrics: new Map(),
        metricsTimer: null,
        resyncTimer: null,
        monitor: null,
        cache: [],
        redirectedTo: new Set(),
        cacheReadAt: 0,
        cacheTimer: null,
      });
  }

  private t(node: string): NodeTable {
    return this.tables.get(node)!;
  }

  routes(node: string): KernelRoute[] {
    const tb = this.t(node);
    if (tb.cache.length === 0) return tb.routes;
    // The Expire column counts down from when the exceptions were read.
    const gone = Math.floor((performance.now() - tb.cacheReadAt) / 1000);
    return tb.routes.map((r) => (r.expire === undefined ? r : { ...r, expire: r.expire - gone }));
  }

  /** A redirect about `dst` reached `node` (its capture saw it delivered): read its exceptions soon. */
  redirected(node: string, dst: string): void {
    const tb = this.t(node);
    if (!tb.plan.host || !/^\d+\.\d+\.\d+\.\d+$/.test(dst)) return;
    tb.redirectedTo.add(dst);
    this.scheduleResync(node);
  }

  /** The pid of the process living in the node's namespace, while it runs. */
  monitorPid(node: string): number | undefined {
    const m = this.t(node).monitor;
    return m && m.exitCode === null && m.signalCode === null ? m.pid : undefined;
  }

  /**
   * Follows the node's `ip -4 -j -batch` whose last two lines are `route show table all` and
   * `monitor route link`: the first output line is the table (JSON), the rest monitor lines.
   * Resolves once the table was read and the monitor has subscribed, so no change escapes it.
   */
  follow(node: string, p: ChildProcess): Promise<void> {
    const tb = this.t(node);
    tb.monitor = p;
    let err = "";
    p.stderr!.setEncoding("utf8").on("data", (x: string) => {
      err = (err + x).slice(-2000);
    });
    return new Promise<void>((resolve, reject) => {
      let buf = "";
      let dumped = false;
      p.on("exit", (code, signal) => {
        if (!dumped)
          reject(
            new LabError(
              `ip -n ${tb.plan.netns} -batch: exit ${code ?? signal}: ${err.trim().split("\n").slice(-3).join("; ")}`,
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
          tb.rows.reset(JSON.parse(got.shift()!) as IpRouteJson[]);
          this.rebuild(node, false);
          this.subscribed(p).then(resolve, reject);
        }
        if (got.length > 0) this.applyLines(node, got);
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

  private applyLines(node: string, lines: readonly string[]): void {
    const tb = this.t(node);
    let changed = false;
    for (const line of lines) {
      if (/^(Deleted )?\d+: /.test(line)) {
        // Only an interface set down (no UP flag) loses routes silently; a carrier change
        // (the peer's end going up or down) keeps them.
        if (!/<([A-Z_,-]*,)?UP[,>]/.test(line)) this.scheduleResync(node);
        continue;
      }
      changed = tb.rows.apply(line) || changed;
    }
    if (changed) this.rebuild(node, true);
  }

  private scheduleResync(node: string): void {
    const tb = this.t(node);
    if (tb.resyncTimer || this.d.closed()) return;
    tb.resyncTimer = setTimeout(() => {
      tb.resyncTimer = null;
      void this.resync(node).catch((e) =>
        this.d.log(
          `netns: ${node}: re-reading the routes failed: ${e instanceof Error ? e.message : String(e)}`,
        ),
      );
    }, 20);
  }

  /** Reads the node's whole kernel table again and emits what changed. */
  async resync(node: string): Promise<void> {
    const tb = this.t(node);
    if (this.d.closed()) return;
    const r = await run("ip", ["-4", "-j", "-n", tb.plan.netns, "route", "show", "table", "all"]);
    if (this.d.closed()) return;
    if (r.code !== 0) {
      // The table stays as last read; the next route or link change reads it again.
      this.d.log(`netns: ${node}: re-reading the routes failed: ip exited ${r.code}: ${r.stderr.trim()}`);
      return;
    }
    tb.rows.reset(JSON.parse(r.stdout) as IpRouteJson[]);
    // Only a host takes redirects (a router's accept_redirects is 0 while it forwards).
    if (tb.plan.host) await this.readCache(tb);
    if (this.d.closed()) return;
    this.rebuild(node, true);
  }

  /**
   * Reads a host's redirect exceptions; re-reads when the first of them lapses. Linux dumps an
   * exception only once a route was cached on it (net/ipv4/route.c fnhe_dump_bucket skips one
   * without fnhe_rth_output), which the next packet to that destination would make: a
   * `route get` of each redirected destination makes it first, as that packet would.
   */
  private async readCache(tb: NodeTable): Promise<void> {
    const lines = [...tb.redirectedTo].map((d) => `route get ${d}`);
    lines.push("route show table all cache");
    const c = await run(
      "ip",
      ["-4", "-j", "-n", tb.plan.netns, "-force", "-batch", "-"],
      `${lines.join("\n")}\n`,
    );
    if (this.d.closed()) return;
    const last = c.stdout.trim().split("\n").pop() ?? "[]";
    let rows: IpRouteJson[];
    try {
      rows = JSON.parse(last || "[]") as IpRouteJson[];
    } catch {
      return; // an unreadable answer: the table stays as last read
    }
    tb.cache = rows.filter((x) => x.cache?.includes("redirected"));
    tb.redirectedTo = new Set(tb.cache.map((x) => x.dst));
    tb.cacheReadAt = performance.now();
    if (tb.cacheTimer) clearTimeout(tb.cacheTimer);
    tb.cacheTimer = null;
    const first = Math.min(...tb.cache.map((x) => x.expires ?? Number.POSITIVE_INFINITY));
    if (Number.isFinite(first)) {
      const node = tb.plan.name;
      tb.cacheTimer = setTimeout(
        () => {
          tb.cacheTimer = null;
          this.scheduleResync(node);
        },
        (first + 1) * 1000,
      );
      tb.cacheTimer.unref?.();
    }
  }

  /** Recomputes the node's table from its rows; emits route events for what differs. */
  private rebuild(node: string, emit: boolean): void {
    const tb = this.t(node);
    const old = new Map(tb.routes.map((x) => [`${x.dest}/${x.len}`, x]));
    const routes = kernelRoutes([...tb.rows.rows.values(), ...tb.cache], tb.plan, (p) => tb.metrics.get(p));
    tb.routes = routes;
    if (routes.some((x) => x.source === "rip")) this.scheduleMetrics(node);
    if (!emit) return;
    const t = this.d.now();
    const seen = new Set<string>();
    for (const x of routes) {
      const k = `${x.dest}/${x.len}`;
      seen.add(k);
      const o = old.get(k);
      if (
        o &&
        o.gateway === x.gateway &&
        o.iface === x.iface &&
        o.source === x.source &&
        (o.nextHops ?? []).join() === (x.nextHops ?? []).join()
      )
        continue;
      this.d.emit(this.routeEvent(t, tb.plan, o ? "change" : "add", x));
    }
    for (const [k, o] of old) if (!seen.has(k)) this.d.emit(this.routeEvent(t, tb.plan, "delete", o));
  }

  /** Fetches zebra's RIP metrics a second after the last change (at most two vtysh at once). */
  private scheduleMetrics(node: string): void {
    const tb = this.t(node);
    if (tb.metricsTimer) clearTimeout(tb.metricsTimer);
    tb.metricsTimer = setTimeout(() => {
      tb.metricsTimer = null;
      if (!this.d.closed()) void this.metricsLimit(() => this.updateMetrics(node));
    }, 1000);
  }

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
    const tb = this.t(node);
    if (this.d.closed()) return;
    tb.metrics = await this.zebraMetrics(node);
    tb.routes = kernelRoutes([...tb.rows.rows.values(), ...tb.cache], tb.plan, (p) => tb.metrics.get(p));
  }

  private routeEvent(
    t: Nanos,
    n: PlannedNode,
    action: "add" | "change" | "delete",
    r: KernelRoute,
  ): LabEvent {
    return {
      kind: "route",
      t,
      node: n.name,
      action,
      dest: formatPrefix({ addr: r.dest, len: r.len }),
      gateway: r.gateway ? formatIpv4(r.gateway) : `link#${r.iface + 1}`,
      ...(r.nextHops === undefined ? {} : { nextHops: r.nextHops.map(formatIpv4) }),
      iface: r.iface === 0 ? "lo0" : (n.ifaces[r.iface - 1]?.name ?? "?"),
      metric: r.metric,
      source: r.source,
      reason: "kernel table changed",
    };
  }

  /** zebra's RIP metrics of a node (prefix → metric); empty for a static node or a stopped zebra. */
  async zebraMetrics(node: string): Promise<Map<string, number>> {
    const vty = this.d.vtyDir(node);
    if (vty === null) return new Map();
    const ns = this.t(node).plan.netns;
    const r = await run("ip", [
      "netns",
      "exec",
      ns,
      ...VTYSH,
      "--vty_socket",
      vty,
      "-c",
      "show ip route json",
    ]);
    return r.code === 0 ? zebraRipMetrics(r.stdout) : new Map();
  }

  /** Stops the timers (the lab closes; its processes are stopped by the lab). */
  close(): void {
    for (const tb of this.tables.values()) {
      if (tb.metricsTimer) clearTimeout(tb.metricsTimer);
      if (tb.resyncTimer) clearTimeout(tb.resyncTimer);
      if (tb.cacheTimer) clearTimeout(tb.cacheTimer);
    }
  }
}
