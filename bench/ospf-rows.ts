/**
 * @module bench/ospf-rows
 * The OSPF family's rows for bench/main.ts: each topology of OSPF_TOPOLOGIES with every router
 * on OSPF and then on RIP (bench/workloads/ospf.ts, a fresh child each), and FRR's ospfd on
 * netns on the seed (bench/workloads/ospf-netns.ts) when this machine can run it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Job } from "./child.js";
import type { WorkloadOptions } from "./options.js";
import type { Report } from "./report.js";
import { generateEdges, REPO } from "./topologies.js";
import type { OSPF_TOPOLOGIES, OspfResult, OspfRow } from "./workloads/ospf.js";
import type { OspfFrrResult } from "./workloads/ospf-netns.js";

/** bench/main.ts's medianOf with its run count and progress bound: a job's median run, or why not. */
export type Measure = <T>(
  job: Job,
  key: (r: T) => number,
  label: string,
) => { ok: true; result: T; values: number[] } | { ok: false; error: string };

export function ospfRows(
  topos: readonly (typeof OSPF_TOPOLOGIES)[number][],
  work: WorkloadOptions,
  dir: string,
  seed: number,
  measure: Measure,
): OspfRow[] {
  const rows: OspfRow[] = [];
  for (const t of topos) {
    const topoFile = "file" in t ? join(REPO, t.file) : join(dir, `ospf-${t.name}.edges`);
    if ("gen" in t) writeFileSync(topoFile, generateEdges({ name: t.name, args: [...t.gen] }, seed));
    for (const routing of ["ospf", "rip"] as const) {
      const r = measure<OspfResult>(
        { kind: "ospf", name: t.name, topoFile, routing, options: work },
        (x) => x.converge.cpuSeconds + x.reconverge.cpuSeconds,
        `${t.name}: ${routing} converge, link down, reconverge`,
      );
      rows.push(
        r.ok ? { name: t.name, ...r.result, runs: r.values } : { name: t.name, routing, error: r.error },
      );
    }
  }
  return rows;
}

/**
 * FRR's ospfd on netns on the seed (median of the convergence wall time), when this machine can
 * (root, Linux, FRR; `why` says why not). Only the seed: random-100 would be 100 namespaces with
 * zebra and ospfd each, minutes of a shared machine for one figure.
 */
export function ospfFrrRow(why: string | null, measure: Measure): Report["ospfFrr"] {
  if (why !== null) return { skipped: why };
  const r = measure<OspfFrrResult>(
    { kind: "ospf-frr", topoFile: join(REPO, "examples", "seed.yaml") },
    (x) => x.convergeWallSeconds,
    "seed: FRR ospfd on netns",
  );
  return r.ok ? { name: "seed", ...r.result, runs: r.values } : { name: "seed", error: r.error };
}
