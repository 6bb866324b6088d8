/**
 * `routelab compare` holds OSPF's equal-cost next-hop sets strictly (cli/compare.ts): the
 * simulator's converged seed against a copy of itself whose one multipath route lost a hop,
 * or kept only the first (what the simulator's FIB held before it kept sets), must differ;
 * the same set in another order (Linux lists hops in the order zebra gave them) must not.
 */
import { describe, expect, it } from "vitest";
import { compareLabs } from "../src/cli/compare.js";
import { SECOND } from "../src/core/time.js";
import type { Lab, RouteInfo } from "../src/lab/lab.js";
import { ospfLab, seedOspf } from "./ospf-lab.js";

/** `lab` with vm1's route to 10.0.30.0/24 rewritten by `edit`. */
function edited(lab: Lab, edit: (r: RouteInfo) => RouteInfo): Lab {
  return {
    routes: (node: string) =>
      lab.routes(node).map((r) => (node === "vm1" && r.dest === "10.0.30.0/24" ? edit(r) : r)),
  } as unknown as Lab;
}

describe("compare: ECMP next-hop sets", () => {
  const topo = seedOspf();
  const sim = ospfLab(topo);
  sim.net.scheduler.runUntil(60 * SECOND);
  const route = sim.routes("vm1").find((r) => r.dest === "10.0.30.0/24")!;

  it("finds the seed's multipath route on the simulator: vm1 to vm2–vm3 over both", () => {
    expect(route.nextHops).toEqual(["10.0.10.2", "10.0.20.2"]);
    const same = compareLabs(topo, sim, sim);
    expect(same.differences).toEqual([]);
    expect(same.equalCost).toBe(0);
  });

  it("a set in another order is the same set", () => {
    const r = compareLabs(
      topo,
      sim,
      edited(sim, (x) => ({ ...x, gateway: "10.0.20.2", nextHops: ["10.0.20.2", "10.0.10.2"] })),
    );
    expect(r.differences).toEqual([]);
  });

  it("a set missing a hop, or one next hop where the other engine has two, is a difference", () => {
    const lost = compareLabs(
      topo,
      sim,
      edited(sim, ({ nextHops: _, ...x }) => ({ ...x, gateway: "10.0.20.2" })),
    );
    expect(lost.differences).toEqual([
      {
        node: "vm1",
        dest: "10.0.30.0/24",
        sim: "metric 20 via 10.0.10.2 (vm2), 10.0.20.2 (vm3)",
        netns: "metric 20 via 10.0.20.2 (vm3)",
      },
    ]);
    const first = compareLabs(
      topo,
      sim,
      edited(sim, ({ nextHops: _, ...x }) => x),
    );
    expect(first.differences.map((d) => `${d.node} ${d.dest}`)).toEqual(["vm1 10.0.30.0/24"]);
  });
});
