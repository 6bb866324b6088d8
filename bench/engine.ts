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

/** The engine's factory, or (while it is missing) SimLab wired with RipDaemon here, and which. */
export async function loadRipLab(): Promise<{ create: CreateLab; engine: string }> {
  try {
    return { create: await loadCreateSimLab(), engine: "createSimLab" };
  } catch (missing) {
    try {
      const { SimLab } = await import("../src/engines/sim/sim-lab.js");
      const { RipDaemon } = await import("../src/proto/rip/index.js");
      const create: CreateLab = (topology, opts) =>
        new SimLab(topology, {
          seed: opts.seed ?? 1,
          daemonsFor: (t, name) => {
            const n = t.nodes.find((x) => x.name === name);
            return n?.routing === "rip" ? [new RipDaemon({ ...t.rip, ...n.rip })] : [];
          },
        });
      return { create, engine: "SimLab + RipDaemon (bench wiring; createSimLab missing)" };
    } catch (e) {
      throw new Error(`${(missing as Error).message}; no fallback either: ${(e as Error).message}`);
    }
  }
}

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
