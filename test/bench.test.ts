/**
 * The benchmark's own pieces that decide what a figure means: option parsing (the ns-3 peer's
 * flags), the shortest-path referee for RIP metrics, the 10,000-router tree's static routes,
 * and the ping flows. A wrong referee would make "equal metrics" meaningless.
 */
import { describe, expect, it } from "vitest";
import { bareLab } from "../bench/engine.js";
import { parseOptions } from "../bench/options.js";
import { startPingFlows } from "../bench/pings.js";
import { median } from "../bench/stats.js";
import { expectedMetrics, parseEdgeList, staticTree } from "../bench/topologies.js";
import { SECOND } from "../src/core/time.js";

describe("bench options", () => {
  it("defaults to the reference workload and the peer's flag names", () => {
    const o = parseOptions([]);
    expect(o).not.toBe("help");
    if (o === "help") return;
    expect([o.time, o.pings, o.interval, o.failAt, o.failLink, o.seed, o.runs]).toEqual([
      600,
      50,
      1,
      -1,
      "",
      1,
      3,
    ]);
    const q = parseOptions([
      "--quick",
      "--time",
      "120",
      "--failAt",
      "300",
      "--failLink",
      "r1,r2",
      "--only",
      "rip",
    ]);
    if (q === "help") throw new Error("help");
    expect([q.runs, q.time, q.failAt, q.failLink, q.only]).toEqual([1, 120, 300, "r1,r2", ["rip"]]);
  });
  it("refuses malformed workload flags", () => {
    expect(() => parseOptions(["--failLink", "r1"])).toThrow(/A,B/);
    expect(() => parseOptions(["--failLink", "r1,r2"])).toThrow(/--failAt/);
    expect(() => parseOptions(["--time", "soon"])).toThrow(/--time/);
    expect(() => parseOptions(["--bogus"])).toThrow();
  });
});

describe("shortest-path referee", () => {
  const topo = parseEdgeList(
    "a b 10.0.0.0/24\nb c 10.0.1.0/24\nc d 10.0.2.0/24\na d 10.0.3.0/24\n",
    "square",
  );
  const metrics = (down: Set<string>) => {
    const m = new Map<string, number>();
    expectedMetrics(topo, down, (n, s, v) => m.set(`${n} ${s}`, v));
    return m;
  };
  it("gives 1 + hops to the nearer end, and no route for connected subnets", () => {
    const m = metrics(new Set());
    expect(m.get("a 10.0.1.0/24")).toBe(2); // b is one hop from a
    expect(m.get("a 10.0.2.0/24")).toBe(2); // d is one hop from a
    expect(m.has("a 10.0.0.0/24")).toBe(false);
    expect(m.size).toBe(4 * 2); // each node: 4 subnets, 2 connected
  });
  it("drops a failed link's subnet and routes around it", () => {
    const m = metrics(new Set([topo.links[3]!.id])); // a-d down
    expect(m.get("a 10.0.2.0/24")).toBe(3); // now via b, c
    expect([...m.keys()].some((k) => k.endsWith("10.0.3.0/24"))).toBe(false);
  });
});

describe("static tree and ping flows", () => {
  it("every ping between random routers of the tree is answered", async () => {
    const topo = staticTree(60, 3);
    const lab = await bareLab(topo, { seed: 3 });
    const c = startPingFlows(lab.net, {
      time: 70,
      pings: 20,
      interval: 1,
      failAt: -1,
      failLink: "",
      seed: 3,
    });
    lab.net.scheduler.runUntil(71 * SECOND);
    expect(c.flows).toBe(20);
    expect(c.sent).toBe(20 * 10);
    expect(c.unsent).toBe(0);
    expect(c.replies).toBe(c.sent);
  });
  it("median", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
