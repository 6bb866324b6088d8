/**
 * @module bench/engine
 * Finds the simulator engine's factory, `createSimLab(topology, {seed})` (src/engines/sim/), at
 * run time, so that the harness starts, and says why, while the engine is missing or renamed.
 */
import { buildNetwork } from "../src/sim/build.js";
import type { Network } from "../src/sim/network.js";
import type { Topology } from "../src/topology/model.js";

/** What the benchmark uses of a SimLab. */
export interface BenchLab {
  readonly net: Network;
  setLink(a: string, b: string, up: boolean): void;
  close(): Promise<void>;
}

export type CreateLab = (topology: Topology, opts: { seed?: number }) => BenchLab | Promise<BenchLab>;

const CANDIDATES = [
  "../src/engines/sim/index.js",
  "../src/engines/sim/create.js",
  "../src/engines/sim/sim-lab.js",
];

export async function loadCreateSimLab(): Promise<CreateLab> {
  const tried: string[] = [];
  for (const spec of CANDIDATES) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(spec)) as Record<string, unknown>;
    } catch (e) {
      tried.push(`${spec}: ${(e as Error).message.split("\n")[0]}`);
      continue;
    }
    if (typeof mod.createSimLab === "function") return mod.createSimLab as CreateLab;
    tried.push(`${spec}: no createSimLab export`);
  }
  throw new Error(`the sim engine's createSimLab(topology, {seed}) is not available (${tried.join("; ")})`);
}

/**
 * A lab without daemons or shell, straight from sim/build: enough for static-route workloads
 * (forwarding, the 10,000-router tree) while the engine is missing. Results say which was used.
 */
export const bareLab: CreateLab = (topology, opts) => {
  if (topology.nodes.some((n) => n.routing !== "static")) throw new Error("bareLab: only static routing");
  const net = buildNetwork(topology, opts.seed ?? 1);
  return {
    net,
    setLink() {
      throw new Error("bareLab: no link control");
    },
    async close() {},
  };
};
