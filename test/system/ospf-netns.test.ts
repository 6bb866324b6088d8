/**
 * OSPF on both engines: the simulator's daemon and FRR 8.4's ospfd on real kernels, the same
 * topology file (FRR configured by topology/protocols/ospf.ts: router ID, area-0 networks,
 * each interface's cost, timers and network type), `compareLabs` after convergence and after
 * `link down` — metrics (OSPF costs, from zebra on netns) and the whole equal-cost next-hop
 * set of every route (Linux's multipath route against the simulator's FIB, strictly: cli/compare.ts).
 * The seed as point-to-point and as broadcast networks (DR/BDR), and random graphs. Needs
 * Linux, root and FRR; skipped elsewhere, but FAILS under CI=true when they are missing. Run it
 * under `flock /tmp/routelab-netns.lock`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareLabs, formatComparison } from "../../src/cli/compare.js";
import { SECOND } from "../../src/core/time.js";
import { createSimLab } from "../../src/engines/sim/index.js";
import type { Lab } from "../../src/lab/lab.js";
import type { Topology } from "../../src/topology/index.js";
import { loadTopologyText } from "../../src/topology/index.js";
import { linkToCut, randomEdges } from "../random-graph.js";
import { routesSettled } from "../../src/lab/drive.testkit.js";
import { netnsLabPerTest, RUN, skipNetns } from "./netns.testkit.js";

const SEED = join(import.meta.dirname, "..", "..", "examples", "seed.yaml");

/** Settled: a route changed, then none for 15 s (OSPF's dead interval is 40 s; FRR is slow to start). */
const settled = (lab: Lab) =>
  routesSettled(lab, { quiet: 15 * SECOND, max: 180 * SECOND, afterAChange: true });

function expectSame(topo: Topology, sim: Lab, net: Lab, when: string) {
  const r = compareLabs(topo, sim, net);
  if (r.differences.length + r.pathDifferences.length > 0) console.log(when, formatComparison(r));
  expect(r.differences, when).toEqual([]);
  expect(r.pathDifferences, when).toEqual([]);
  return r;
}

describe.skipIf(skipNetns)("OSPF: the simulator and FRR ospfd agree", () => {
  const boot = netnsLabPerTest();

  async function both(topo: Topology, tag: string, cut: { a: string; b: string }) {
    const sim = createSimLab(topo, { seed: 1 });
    expect(await settled(sim)).toBe(true);
    const net = await boot(topo, { prefix: `rlo-${tag}-${RUN}` });
    expect(await settled(net)).toBe(true);
    await net.refreshAll();
    const before = expectSame(topo, sim, net, "converged");
    expect(before.routes).toBeGreaterThan(topo.links.length);
    sim.setLink(cut.a, cut.b, false);
    net.setLink(cut.a, cut.b, false);
    expect(await settled(sim)).toBe(true);
    expect(await settled(net)).toBe(true);
    await net.refreshAll();
    expectSame(topo, sim, net, `after link down ${cut.a} ${cut.b}`);
    await sim.close();
  }

  for (const network of ["point-to-point", "broadcast"])
    it(`the seed as ${network} networks`, async () => {
      const text = readFileSync(SEED, "utf8").replace(
        /^ {2}routing: rip .*$/m,
        `  routing: ospf\n  ospf: {network: ${network}}`,
      );
      await both(loadTopologyText(text, `seed-${network}.yaml`), network.slice(0, 2), { a: "vm1", b: "vm2" });
    }, 400_000);

  for (const [n, seed] of [
    [20, 21],
    [30, 22],
  ] as const)
    it(`${n} routers of a random graph, seed ${seed}`, async () => {
      const edges = randomEdges(n, seed).replace(/^/, "# routing: ospf\n");
      const topo = loadTopologyText(edges, `random-${n}.edges`);
      for (const node of topo.nodes) node.routing = "ospf";
      const link = topo.links[linkToCut(topo.links.length, seed)]!;
      await both(topo, `r${seed}`, { a: link.a.node, b: link.b.node });
    }, 400_000);
});
