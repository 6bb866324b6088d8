/**
 * @module bench/workloads/ospf
 * OSPF beside RIP on the same topology, in virtual time: every router switched to `routing`
 * (ospf or rip, the topology's defaults otherwise: FRR 8.4's OSPF, RFC 2453's RIP), booted,
 * run until every table holds its shortest-path metrics (checked every 0.1 simulated s), then
 * one link taken down (carrier lost at both ends) and run until the tables hold the shortest
 * paths without it. Reports, per phase, the virtual seconds, wall and CPU time and the events
 * run, and events per CPU second over both.
 *
 * The referee is bench/topologies.ts's breadth-first search, written apart from both daemons:
 * RIP's metric is 1 + hops to the subnet's nearer end; OSPF's cost, every interface at FRR's
 * default 10 (no bandwidth in these files), is 10 times that. ns-3 has no OSPF, so there is no
 * ns-3 column here; FRR's ospfd on netns is the other side (bench/workloads/ospf-netns.ts).
 */
import { SECOND } from "../../src/core/time.js";
import type { Topology } from "../../src/topology/model.js";
import type { CreateLab } from "../engine.js";
import type { WorkloadOptions } from "../options.js";
import { bfsMetrics, holdsFor, wants } from "./rip.js";

/** The seed network (its file) and a random graph (gen-topology.py's arguments), as netns-boot's. */
export const OSPF_TOPOLOGIES = [
  { name: "seed", file: "examples/seed.yaml" },
  { name: "random-100", gen: ["random", "100", "--degree", "3"] },
] as const;

export interface ConvergePhase {
  /** Virtual seconds from the phase's start until every table held; NaN if never. */
  simSeconds: number;
  wallSeconds: number;
  cpuSeconds: number;
  events: number;
}

export interface OspfResult {
  routing: "ospf" | "rip";
  nodes: number;
  links: number;
  bootSeconds: number;
  converge: ConvergePhase;
  /** The link taken down after convergence (its id). */
  failed: string;
  reconverge: ConvergePhase;
  /** Simulator events per CPU second over both phases. */
  eventsPerCpuSecond: number;
}

/** The metric the referee expects from `routing`: RIP hops, or OSPF's cost of 10 an interface. */
function expected(topo: Topology, routing: "ospf" | "rip", down: ReadonlySet<string>): Map<string, number> {
  const m = bfsMetrics(topo, down);
  if (routing === "ospf") for (const [k, v] of m) m.set(k, 10 * v);
  return m;
}

export async function runOspfConverge(
  createLab: CreateLab,
  topo: Topology,
  routing: "ospf" | "rip",
  o: WorkloadOptions,
): Promise<OspfResult> {
  for (const n of topo.nodes) if (n.kind !== "host") n.routing = routing;
  const t0 = performance.now();
  const lab = await createLab(topo, { seed: o.seed });
  const bootSeconds = (performance.now() - t0) / 1000;
  const s = lab.net.scheduler;
  const phase = (want: Map<string, number>): ConvergePhase => {
    const ready = wants(lab.net, want);
    const start = s.now();
    const events0 = s.executed;
    let wall = 0;
    let cpu = 0;
    let at = Number.NaN;
    for (let t = start + SECOND / 10; t <= start + o.time * SECOND; t += SECOND / 10) {
      const a = performance.now();
      const c = process.cpuUsage();
      s.runUntil(t);
      const dc = process.cpuUsage(c);
      cpu += dc.user + dc.system;
      wall += performance.now() - a;
      if (holdsFor(ready, routing)) {
        at = (t - start) / SECOND;
        break;
      }
    }
    return { simSeconds: at, wallSeconds: wall / 1000, cpuSeconds: cpu / 1e6, events: s.executed - events0 };
  };
  const converge = phase(expected(topo, routing, new Set()));
  const link = topo.links[0]!;
  lab.setLink(link.a.node, link.b.node, false);
  const reconverge = phase(expected(topo, routing, new Set([link.id])));
  await lab.close();
  const cpu = converge.cpuSeconds + reconverge.cpuSeconds;
  return {
    routing,
    nodes: topo.nodes.length,
    links: topo.links.length,
    bootSeconds,
    converge,
    failed: link.id,
    reconverge,
    eventsPerCpuSecond: cpu > 0 ? (converge.events + reconverge.events) / cpu : Number.NaN,
  };
}

/** A row of the OSPF family: a run (median of `runs`) or why not. */
export type OspfRow = { name: string; routing: "ospf" | "rip" } & (
  | (OspfResult & { runs: number[] })
  | { error: string }
);

/** FRR's ospfd on netns on the same topology, or why it was not run. */
export type OspfFrrRow =
  | { name: string; routers: number; bootWallSeconds: number; convergeWallSeconds: number; runs: number[] }
  | { name: string; error: string }
  | { skipped: string };

export function renderOspf(rows: readonly OspfRow[], frr: OspfFrrRow | undefined): string[] {
  const s = (x: number) => `${x.toFixed(x < 10 ? 3 : 1)} s`;
  const sim = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} s sim` : "never");
  const out = [
    "OSPF beside RIP (same topology; until every table holds the shortest paths, checked every 0.1 simulated s; then link 1 down)",
    "  topology      routing  routers  converged at  wall     cpu      events  | link down: reconverged  wall     cpu      events  | events/cpu s",
  ];
  for (const r of rows) {
    if ("error" in r) {
      out.push(`  ${r.name.padEnd(13)} ${r.routing.padEnd(8)} ${r.error}`);
      continue;
    }
    const c = r.converge;
    const d = r.reconverge;
    out.push(
      `  ${r.name.padEnd(13)} ${r.routing.padEnd(8)} ${String(r.nodes).padStart(7)}  ${sim(c.simSeconds).padStart(12)}  ${s(c.wallSeconds).padEnd(8)} ${s(c.cpuSeconds).padEnd(8)} ${String(c.events).padStart(6)}  |            ${sim(d.simSeconds).padStart(11)}  ${s(d.wallSeconds).padEnd(8)} ${s(d.cpuSeconds).padEnd(8)} ${String(d.events).padStart(6)}  | ${Math.round(r.eventsPerCpuSecond)}`,
    );
  }
  if (frr !== undefined) {
    if ("skipped" in frr) out.push(`  FRR ospfd on netns: skipped: ${frr.skipped}`);
    else if ("error" in frr) out.push(`  FRR ospfd on netns, ${frr.name}: ${frr.error}`);
    else
      out.push(
        `  FRR ospfd on netns, ${frr.name}: ${frr.routers} routers booted in ${s(frr.bootWallSeconds)}, every OSPF route in the kernel ${s(frr.convergeWallSeconds)} of wall time after boot (runs ${frr.runs.map((x) => x.toFixed(1)).join("/")} s)`,
      );
  }
  out.push(
    "  (ns-3 has no OSPF; the simulator's times are CPU for virtual time, FRR's are wall time on real kernels)",
  );
  return [...out, ""];
}
