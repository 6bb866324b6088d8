/**
 * Issue 15, checked against real routers: random graphs on both engines, `link down`, and once
 * both have settled `compareLabs` finds no difference — FRR's ripd on real kernels is the
 * referee. FRR sends its triggered update at once (ripd.c rip_triggered_update), so within 5 s
 * of the cut neither engine may still have a route to the dead link's subnet. Before the fix
 * the simulator held every triggered update back 1–5 s and left stale routes and loops that
 * FRR never had. Needs Linux, root and FRR; skipped elsewhere, but FAILS under CI=true when
 * they are missing. Run it under `flock /tmp/routelab-netns.lock`. RIP timers are shortened on
 * both engines (update 5 s, timeout 30 s, garbage 20 s).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareLabs, formatComparison } from "../../src/cli/compare.js";
import { SECOND } from "../../src/core/time.js";
import { createSimLab } from "../../src/engines/sim/index.js";
import type { Lab } from "../../src/lab/lab.js";
import { loadTopologyText } from "../../src/topology/index.js";
import { linkToCut, randomEdges } from "../random-graph.js";
import { routesSettled as settled } from "../../src/lab/drive.testkit.js";
import { netnsLabPerTest, RUN, skipNetns } from "./netns.testkit.js";

const holders = (lab: Lab, subnet: string) =>
  lab
    .nodes()
    .map((n) => n.name)
    .filter((n) => lab.routes(n).some((r) => r.dest === subnet));

describe.skipIf(skipNetns)("link down on random graphs: simulator and FRR agree (issue 15)", () => {
  const boot = netnsLabPerTest();

  // The seed's routed sent RIP version 1; FRR runs `version 1` (send 1, receive 1 2) from the
  // same file: broadcasts, no masks, the masks inferred from the interfaces (all /24 of 10/8).
  it("version 1: the seed converges to the same tables on both engines, and heals alike", async () => {
    const text = readFileSync(join(import.meta.dirname, "..", "..", "examples", "seed.yaml"), "utf8");
    const topo = loadTopologyText(text.replace(/version: 2 .*/, "version: 1"), "seed-v1.yaml");
    expect(topo.rip.version).toBe(1);
    topo.rip = { ...topo.rip, update: 5 * SECOND, timeout: 30 * SECOND, garbage: 20 * SECOND };
    const sim = createSimLab(topo, { seed: 1 });
    expect(await settled(sim)).toBe(true);
    const net = await boot(topo, { prefix: `rlt-v1-${RUN}` });
    // What FRR sends, from the captures: version 1 responses, broadcast.
    const seen = new Set<string>();
    const off = net.onEvent((e) => {
      if (e.kind === "hop" && e.cls === "rip") seen.add(e.summary.replace(/,.*/, ""));
    });
    expect(await settled(net)).toBe(true);
    off();
    expect([...seen].filter((x) => x.includes("response"))).toEqual(["RIPv1 response"]);
    await net.refreshAll();
    const r = compareLabs(topo, sim, net);
    if (r.differences.length + r.pathDifferences.length > 0) console.log(formatComparison(r));
    expect(r.differences).toEqual([]);
    expect(r.pathDifferences).toEqual([]);
    expect(net.routes("vm1").find((x) => x.dest === "10.0.60.0/24")?.metric).toBe(2);
    sim.setLink("vm1", "vm2", false);
    net.setLink("vm1", "vm2", false);
    expect(await settled(sim)).toBe(true);
    expect(await settled(net)).toBe(true);
    await net.refreshAll();
    const r2 = compareLabs(topo, sim, net);
    expect(r2.differences).toEqual([]);
    expect(r2.pathDifferences).toEqual([]);
    await sim.close();
  }, 300_000);

  for (const [n, seed] of [
    [20, 11],
    [30, 12],
    [25, 13],
  ] as const)
    it(`${n} routers, seed ${seed}`, async () => {
      const topo = loadTopologyText(randomEdges(n, seed), `random-${n}.edges`);
      topo.rip = { ...topo.rip, update: 5 * SECOND, timeout: 30 * SECOND, garbage: 20 * SECOND };
      const sim = createSimLab(topo, { seed });
      expect(await settled(sim)).toBe(true);
      const net = await boot(topo, { prefix: `rlt-ld${seed}-${RUN}` });
      expect(await settled(net)).toBe(true);
      await net.refreshAll();
      const before = compareLabs(topo, sim, net);
      expect(formatComparison(before)).toMatch(/ 0 differences[\s\S]* 0 differences/);

      const link = topo.links[linkToCut(topo.links.length, seed)]!;
      const subnet = sim.links().find((l) => l.id === link.id)!.subnet;
      sim.setLink(link.a.node, link.b.node, false);
      net.setLink(link.a.node, link.b.node, false);
      await sim.advance(5 * SECOND);
      await net.advance(5 * SECOND);
      await net.refreshAll();
      // 5 s after the cut nobody holds a route to the dead subnet, on either engine.
      expect(holders(net, subnet), "FRR").toEqual([]);
      expect(holders(sim, subnet), "simulator").toEqual([]);

      expect(await settled(sim)).toBe(true);
      expect(await settled(net)).toBe(true);
      await net.refreshAll();
      const after = compareLabs(topo, sim, net);
      if (after.differences.length + after.pathDifferences.length > 0) console.log(formatComparison(after));
      expect(after.differences).toEqual([]);
      expect(after.pathDifferences).toEqual([]);
      await sim.close();
    }, 300_000);
});
