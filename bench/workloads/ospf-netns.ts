/**
 * @module bench/workloads/ospf-netns
 * FRR's ospfd on netns (real namespaces, veths, zebra + ospfd per router): the other side of the
 * OSPF rows, since ns-3 has no OSPF. Boots the topology with every router on OSPF, records the
 * wall-clock moment of every route change the kernel reports, and polls (every second) until
 * every node's table holds the referee's OSPF costs (bench/workloads/ospf.ts: 10 times the
 * hop metric, FRR's default interface cost), read from zebra. Convergence is the last route
 * change before the tables first held, from the end of the boot — the poll's own cost is not
 * counted. Root, Linux and FRR only (`netnsBootUnavailable` says why not).
 */
import type { Topology } from "../../src/topology/model.js";
import { bfsMetrics } from "./rip.js";

export interface OspfFrrResult {
  routers: number;
  /** Wall seconds of the boot (namespaces, links, FRR started). */
  bootWallSeconds: number;
  /** Wall seconds from the end of the boot to the last route change before the tables held. */
  convergeWallSeconds: number;
}

export async function runOspfFrr(topo: Topology, prefix = "rlospf"): Promise<OspfFrrResult> {
  const { createNetnsLab } = await import("../../src/engines/netns/index.js");
  for (const n of topo.nodes) if (n.kind !== "host") n.routing = "ospf";
  const want = new Map([...bfsMetrics(topo, new Set())].map(([k, v]) => [k, 10 * v]));
  const t0 = performance.now();
  let lastChange = t0;
  const lab = await createNetnsLab(topo, { prefix, capture: false });
  const booted = performance.now();
  const off = lab.onEvent((e) => {
    if (e.kind === "route") lastChange = performance.now();
  });
  try {
    const deadline = booted + 180_000;
    for (;;) {
      await lab.refreshAll();
      const have = new Map<string, number>();
      for (const n of topo.nodes)
        for (const r of lab.routes(n.name))
          if (r.source === "ospf") have.set(`${n.name} ${r.dest}`, r.metric);
      if ([...want].every(([k, v]) => have.get(k) === v)) break;
      if (performance.now() > deadline)
        throw new Error("FRR's tables did not reach the shortest paths in 180 s");
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    off();
    await lab.close();
  }
  return {
    routers: topo.nodes.length,
    bootWallSeconds: (booted - t0) / 1000,
    convergeWallSeconds: Math.max(0, lastChange - booted) / 1000,
  };
}
