/**
 * @module bench/workloads/rip
 * RIP on a generated topology, as the ns-3 peer runs it: every router a RIPv2 daemon with RFC
 * 2453 timers, K ping flows from 60 s, an optional link failure, `time` simulated seconds.
 * Reports wall time of the run, events, memory, and the final tables checked two ways: against
 * shortest paths computed here (always), and against the peer's dump (when there is one).
 *
 * Memory is measured in a fresh process per run (see bench/child.ts): heap retained by the lab
 * after a forced GC, over the heap before it was built, per router; and the peak heap, sampled
 * every 10 simulated seconds.
 */
import { readFileSync } from "node:fs";
import { SECOND } from "../../src/core/time.js";
import { RipDaemon } from "../../src/proto/rip/index.js";
import type { Network } from "../../src/sim/network.js";
import type { SimNode } from "../../src/sim/node.js";
import type { Topology } from "../../src/topology/model.js";
import type { BenchLab, CreateLab } from "../engine.js";
import type { WorkloadOptions } from "../options.js";
import { type Comparison, compare, readDump } from "../ns3-compare.js";
import { type PingCounters, startPingFlows } from "../pings.js";
import { expectedMetrics, ipText } from "../topologies.js";

// The comparison lives in bench/ns3-compare.ts, shared with the ns-3 cross-check system test.
export { type Comparison, compare };

export interface RipResult {
  nodes: number;
  links: number;
  simSeconds: number;
  bootSeconds: number;
  wallSeconds: number;
  /** CPU time of the run (user + system, all threads): steadier than wall on a busy machine. */
  cpuSeconds: number;
  /**
   * CPU time of the simulation's own thread (Linux schedstat), without V8's compiler and GC
   * helper threads; NaN where /proc is not there. For A/B comparisons of the code itself.
   */
  mainCpuSeconds: number;
  events: number;
  /** V8's heap and the array buffers outside it (the tables' columns) kept by the lab, after a GC. */
  retainedHeapBytes: number;
  retainedBufferBytes: number;
  bytesPerRouter: number;
  /** Every router's RIP database entries, connected routes included (as `npm run bench:memory` counts). */
  ripEntries: number;
  /** (heap + buffers) / ripEntries (issue 22: ≤ 125 B). */
  bytesPerRoute: number;
  peakHeapBytes: number;
  maxRssBytes: number;
  ripRoutes: number;
  pings: PingCounters;
  /** Against shortest paths (BFS). */
  vsShortestPaths: Comparison;
  /** Against the ns-3 peer's dump, when given. */
  vsPeer?: Comparison;
}

export interface ConvergeResult {
  nodes: number;
  bootSeconds: number;
  /** Virtual seconds until every table held its shortest-path metrics; NaN if never. */
  convergedAtSimSeconds: number;
  /** Wall time of the simulation up to that point (checks excluded). */
  convergeWallSeconds: number;
  convergeCpuSeconds: number;
  events: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
/**
 * Memory in use after a GC, twice a moment apart (a dead array buffer's storage is freed by a
 * task after the GC): heap and array buffers, as `npm run bench:memory` reads them too.
 */
export async function memoryNow(): Promise<{ heap: number; buffers: number; rss: number }> {
  gc?.();
  await new Promise((r) => setTimeout(r, 200));
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers, rss: m.rss };
}

function ripDatabaseEntries(net: Network): number {
  let n = 0;
  for (const node of net.nodes)
    for (const d of node.daemons) if (d instanceof RipDaemon) n += d.routeTable.size;
  return n;
}

function failLinks(lab: BenchLab, o: WorkloadOptions): Set<string> {
  const down = new Set<string>();
  if (!(o.failAt >= 0) || !o.failLink) return down;
  const [a, b] = o.failLink.split(",") as [string, string];
  const matching = lab.net.links.filter(
    (l) => (l.a.node.name === a && l.b.node.name === b) || (l.a.node.name === b && l.b.node.name === a),
  );
  if (matching.length === 0) throw new Error(`--failLink ${o.failLink}: no such link in this topology`);
  for (const l of matching) down.add(l.id);
  lab.net.scheduler.at(o.failAt * SECOND, () => lab.setLink(a, b, false));
  return down;
}

export async function runRip(
  createLab: CreateLab,
  topo: Topology,
  o: WorkloadOptions,
  peerDump?: string,
): Promise<RipResult> {
  const mem0 = await memoryNow();
  const t0 = performance.now();
  const lab = await createLab(topo, { seed: o.seed });
  const bootSeconds = (performance.now() - t0) / 1000;
  const pings = startPingFlows(lab.net, o);
  const down = failLinks(lab, o);
  const s = lab.net.scheduler;
  const end = o.time * SECOND;
  let peakHeap = process.memoryUsage().heapUsed;
  let wall = 0;
  let cpu = 0;
  let main = 0;
  for (let t = 0; t < end; ) {
    t = Math.min(end, t + 10 * SECOND);
    const a = performance.now();
    const c = process.cpuUsage();
    const m = mainThreadNs();
    s.runUntil(t);
    main += mainThreadNs() - m;
    const dc = process.cpuUsage(c);
    cpu += dc.user + dc.system;
    wall += performance.now() - a;
    const h = process.memoryUsage().heapUsed;
    if (h > peakHeap) peakHeap = h;
  }
  const mem1 = await memoryNow();
  const retained = mem1.heap - mem0.heap + (mem1.buffers - mem0.buffers);
  const ours = ourMetrics(lab.net);
  const entries = ripDatabaseEntries(lab.net);
  const result: RipResult = {
    nodes: topo.nodes.length,
    links: topo.links.length,
    simSeconds: o.time,
    bootSeconds,
    wallSeconds: wall / 1000,
    cpuSeconds: cpu / 1e6,
    mainCpuSeconds: main / 1e9,
    events: s.executed,
    retainedHeapBytes: mem1.heap - mem0.heap,
    retainedBufferBytes: mem1.buffers - mem0.buffers,
    bytesPerRouter: retained / topo.nodes.length,
    ripEntries: entries,
    bytesPerRoute: retained / entries,
    peakHeapBytes: peakHeap,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    ripRoutes: ours.size,
    pings,
    vsShortestPaths: compare(ours, bfsMetrics(topo, down)),
  };
  if (peerDump) {
    result.vsPeer = compare(ours, readDump(readFileSync(peerDump, "utf8")));
  }
  await lab.close();
  return result;
}

export async function runConverge(
  createLab: CreateLab,
  topo: Topology,
  o: WorkloadOptions,
): Promise<ConvergeResult> {
  const t0 = performance.now();
  const lab = await createLab(topo, { seed: o.seed });
  const bootSeconds = (performance.now() - t0) / 1000;
  const want = wants(lab.net, bfsMetrics(topo, new Set()));
  const s = lab.net.scheduler;
  const step = SECOND / 10;
  let wall = 0;
  let cpu = 0;
  let at = Number.NaN;
  for (let t = step; t <= o.time * SECOND; t += step) {
    const a = performance.now();
    const c = process.cpuUsage();
    s.runUntil(t);
    const dc = process.cpuUsage(c);
    cpu += dc.user + dc.system;
    wall += performance.now() - a;
    if (holds(want)) {
      at = t / SECOND;
      break;
    }
  }
  const events = s.executed;
  await lab.close();
  return {
    nodes: topo.nodes.length,
    bootSeconds,
    convergedAtSimSeconds: at,
    convergeWallSeconds: wall / 1000,
    convergeCpuSeconds: cpu / 1e6,
    events,
  };
}

/** Nanoseconds this thread has run on a CPU (first field of Linux's schedstat); NaN elsewhere. */
function mainThreadNs(): number {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "latin1").split(" ", 1)[0]);
  } catch {
    return Number.NaN;
  }
}

/** "node a.b.c.d/len" → metric of every active RIP route below 16. */
function ourMetrics(net: Network): Map<string, number> {
  const m = new Map<string, number>();
  for (const n of net.nodes)
    for (const r of n.fib.all())
      if (r.source === "rip" && r.metric < 16) m.set(`${n.name} ${ipText(r.dest)}/${r.len}`, r.metric);
  return m;
}

export function bfsMetrics(topo: Topology, down: ReadonlySet<string>): Map<string, number> {
  const m = new Map<string, number>();
  expectedMetrics(topo, down, (node, subnet, metric) => m.set(`${node} ${subnet}`, metric));
  return m;
}

interface Want {
  node: SimNode;
  dest: number;
  len: number;
  metric: number;
}

export function wants(net: Network, want: Map<string, number>): Want[] {
  const out: Want[] = [];
  for (const [key, metric] of want) {
    const sp = key.indexOf(" ");
    const [addr, len] = key.slice(sp + 1).split("/") as [string, string];
    const p = addr.split(".").map(Number) as [number, number, number, number];
    const dest = ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
    out.push({ node: net.byName.get(key.slice(0, sp))!, dest, len: Number(len), metric });
  }
  return out;
}

/** Whether every expected route is in place with its metric (exact-prefix probes, no allocation). */
export function holds(want: readonly Want[]): boolean {
  return holdsFor(want, "rip");
}

/** `holds`, for the routes of protocol `source` (the FIB's route source: rip, ospf). */
export function holdsFor(want: readonly Want[], source: string): boolean {
  for (const w of want) {
    const r = w.node.fib.get(w.dest, w.len);
    if (r === undefined || r.source !== source || r.metric !== w.metric) return false;
  }
  return true;
}
