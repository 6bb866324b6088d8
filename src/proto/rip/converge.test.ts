import { describe, expect, it } from "vitest";
import { MINUTE, SECOND } from "../../core/time.js";
import { RipDaemon } from "./rip.js";
import { SEED9, TestNet, table } from "./test-net.js";

describe("RIP on the seed network", () => {
  for (const seed of [1, 2, 3, 42]) {
    it(`vm1 converges to the seed post's table (seed ${seed})`, () => {
      const net = TestNet.fromEdges(SEED9, { seed });
      net.start(() => new RipDaemon());
      net.runFor(3 * MINUTE);
      // Seed README: 10.0.30.0 via vm2 (heard first), 60/70 via vm2, 80/90 via vm3.
      expect(table(net, "vm1")).toEqual([
        "10.0.10.0/24 link epair0a",
        "10.0.20.0/24 link epair1a",
        "10.0.30.0/24 10.0.10.2 epair0a 2",
        "10.0.40.0/24 link epair3a",
        "10.0.50.0/24 link epair4a",
        "10.0.60.0/24 10.0.10.2 epair0a 2",
        "10.0.70.0/24 10.0.10.2 epair0a 2",
        "10.0.80.0/24 10.0.20.2 epair1a 2",
        "10.0.90.0/24 10.0.20.2 epair1a 2",
      ]);
      // Stable afterwards: no route of anyone changes over 30 more minutes of updates.
      const before = net.routeLog.length;
      net.runFor(30 * MINUTE);
      expect(net.routeLog.slice(before)).toEqual([]);
    });
  }

  it("keeps whichever equal route it heard first: list vm1–vm3 first and vm1 keeps vm3", () => {
    const lines = SEED9.trim().split("\n");
    const swapped = [lines[1], lines[0], ...lines.slice(2)].join("\n");
    const net = TestNet.fromEdges(swapped);
    net.start(() => new RipDaemon());
    net.runFor(3 * MINUTE);
    // Now epair0a faces vm3 (10.0.20.0/24) and is asked first.
    expect(net.node("vm1").routeTo("10.0.30.0/24")).toEqual({
      gateway: "10.0.20.2",
      iface: "epair0a",
      metric: 2,
      source: "rip",
    });
  });

  it("converges within seconds: the start-up requests are answered at once", () => {
    const net = TestNet.fromEdges(SEED9);
    net.start(() => new RipDaemon());
    // vm8 to 10.0.40.0 is 3 links away; answers and triggered updates (1–5 s each) carry it there.
    const ok = net.runUntilTrue(() => net.node("vm8").routeTo("10.0.40.0/24") !== undefined, 30 * SECOND);
    expect(ok).toBe(true);
    expect(net.now).toBeLessThan(20 * SECOND);
    expect(net.node("vm8").routeTo("10.0.40.0/24")).toEqual({
      gateway: "10.0.80.1",
      iface: "epair7b",
      metric: 3,
      source: "rip",
    });
  });

  it("every node reaches every subnet with hop-count metrics", () => {
    const net = TestNet.fromEdges(SEED9);
    net.start(() => new RipDaemon());
    net.runFor(2 * MINUTE);
    expect(table(net, "vm9")).toEqual([
      "10.0.10.0/24 10.0.90.1 epair8b 3",
      "10.0.20.0/24 10.0.90.1 epair8b 2",
      "10.0.30.0/24 10.0.90.1 epair8b 2",
      "10.0.40.0/24 10.0.90.1 epair8b 3",
      "10.0.50.0/24 10.0.90.1 epair8b 3",
      "10.0.60.0/24 10.0.90.1 epair8b 3",
      "10.0.70.0/24 10.0.90.1 epair8b 3",
      "10.0.80.0/24 10.0.90.1 epair8b 2",
      "10.0.90.0/24 link epair8b",
    ]);
  });
});
