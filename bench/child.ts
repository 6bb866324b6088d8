/**
 * @module bench/child
 * Runs one workload in a fresh process (spawned by bench/main.ts with --expose-gc), so that
 * its memory figures and JIT state owe nothing to the workloads before it. Reads the job as
 * JSON from argv[2]; prints `RESULT {json}` as its last line. Modules are imported per job, so
 * that a workload runs as long as the layers it needs load.
 */
import { readFileSync } from "node:fs";
import type { CreateLab } from "./engine.js";
import type { WorkloadOptions } from "./options.js";

export type Job =
  | { kind: "scheduler"; pending: number; events: number; seed: number }
  | { kind: "forward"; routers: number; requests: number; burst: number; seed: number; bandwidth?: number }
  | { kind: "rip"; name: string; topoFile: string; options: WorkloadOptions; peerDump?: string }
  | { kind: "converge"; name: string; topoFile: string; options: WorkloadOptions }
  | { kind: "scale"; routers: number; flows: number; seed: number }
  | { kind: "netns-boot"; name: string; topoFile: string }
  | { kind: "ospf"; name: string; topoFile: string; routing: "ospf" | "rip"; options: WorkloadOptions }
  | { kind: "ospf-frr"; topoFile: string };

async function engineOrBare(): Promise<{ create: CreateLab; engine: string }> {
  const { bareLab, loadCreateSimLab } = await import("./engine.js");
  try {
    return { create: await loadCreateSimLab(), engine: "createSimLab" };
  } catch {
    return { create: bareLab, engine: "sim/build (no engine yet)" };
  }
}

async function loadTopo(name: string, file: string) {
  const { parseEdgeList } = await import("./topologies.js");
  const t0 = performance.now();
  const topo = parseEdgeList(readFileSync(file, "utf8"), name);
  return { topo, parseSeconds: (performance.now() - t0) / 1000 };
}

async function run(job: Job): Promise<unknown> {
  switch (job.kind) {
    case "scheduler": {
      const { runScheduler } = await import("./workloads/scheduler.js");
      return runScheduler(job.pending, job.events, job.seed);
    }
    case "forward": {
      const { runForward } = await import("./workloads/forward.js");
      return runForward(job.routers, job.requests, job.burst, job.seed, job.bandwidth);
    }
    case "rip": {
      const { create, engine } = await (await import("./engine.js")).loadRipLab();
      const { runRip } = await import("./workloads/rip.js");
      const { topo, parseSeconds } = await loadTopo(job.name, job.topoFile);
      return { engine, parseSeconds, ...(await runRip(create, topo, job.options, job.peerDump)) };
    }
    case "converge": {
      const { create, engine } = await (await import("./engine.js")).loadRipLab();
      const { runConverge } = await import("./workloads/rip.js");
      const { topo, parseSeconds } = await loadTopo(job.name, job.topoFile);
      return { engine, parseSeconds, ...(await runConverge(create, topo, job.options)) };
    }
    case "ospf": {
      const { create, engine } = await (await import("./engine.js")).loadRipLab();
      const { runOspfConverge } = await import("./workloads/ospf.js");
      const topo = job.topoFile.endsWith(".yaml")
        ? (await import("../src/topology/index.js")).loadTopologyText(
            readFileSync(job.topoFile, "utf8"),
            job.topoFile,
          )
        : (await loadTopo(job.name, job.topoFile)).topo;
      return { engine, ...(await runOspfConverge(create, topo, job.routing, job.options)) };
    }
    case "ospf-frr": {
      const { runOspfFrr } = await import("./workloads/ospf-netns.js");
      const { loadTopologyText } = await import("../src/topology/index.js");
      return runOspfFrr(loadTopologyText(readFileSync(job.topoFile, "utf8"), job.topoFile));
    }
    case "scale": {
      const { runScale } = await import("./workloads/scale.js");
      const { create, engine } = await engineOrBare();
      return { engine, ...(await runScale(create, job.routers, job.flows, job.seed)) };
    }
    case "netns-boot": {
      const { runNetnsBoot } = await import("./workloads/netns-boot.js");
      const { loadTopologyText } = await import("../src/topology/index.js");
      return runNetnsBoot(loadTopologyText(readFileSync(job.topoFile, "utf8"), job.topoFile));
    }
  }
}

const job = JSON.parse(process.argv[2] ?? "null") as Job;
try {
  const result = await run(job);
  process.stdout.write(`RESULT ${JSON.stringify({ ok: true, result })}\n`);
} catch (e) {
  process.stdout.write(`RESULT ${JSON.stringify({ ok: false, error: (e as Error).message })}\n`);
}
