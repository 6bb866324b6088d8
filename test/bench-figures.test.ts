/**
 * Every figure in README's Performance section (and docs/performance.md) comes from a bench
 * workload; here each workload runs at a small size and must have done the work its sentence
 * names (issue 25: "boots and answers a ping" pinged a direct neighbour; the seed's timed ping
 * answered "No route to host"; the forwarding table's "in flight" was the scheduler's queue).
 * No timing is asserted: only that what is timed is the work the figure claims.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadRipLab } from "../bench/engine.js";
import { farthestFrom, parseEdgeList } from "../bench/topologies.js";
import { runCliRun, seedCliRun } from "../bench/workloads/cli-run.js";
import { runForward } from "../bench/workloads/forward.js";
import { renderOspf, runOspfConverge } from "../bench/workloads/ospf.js";
import { runConverge, runRip } from "../bench/workloads/rip.js";
import { runScale } from "../bench/workloads/scale.js";

const dir = mkdtempSync(join(tmpdir(), "routelab-figures-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A ring of n routers as gen-topology.py writes it (`ring n`): r1 … rn, 10.X.Y.0/24 per link. */
function ring(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`r${i + 1} r${((i + 1) % n) + 1} 10.${i >> 8}.${i & 255}.0/24`);
  return `${lines.join("\n")}\n`;
}

describe("README: a RIP network converges from the command line and answers a ping across it", () => {
  it("converges, then r1's ping to the farthest router is answered over every hop", () => {
    const text = ring(12);
    const topo = parseEdgeList(text, "ring-12");
    const far = farthestFrom(topo, "r1");
    expect(far).toEqual({ name: "r7", hops: 6 }); // half-way round the ring
    const file = join(dir, "r12.edges");
    writeFileSync(file, text);
    const r = runCliRun({
      name: "ring-12",
      topoFile: file,
      routers: 12,
      links: 12,
      from: "r1",
      to: far.name,
      hops: far.hops,
      scriptFile: join(dir, "ring.txt"),
    });
    // 5 routers forwarded the reply: it came the whole way, so every route on the path existed.
    expect(r.replyTtl).toBe(59);
    expect(r.convergedAtSimSeconds).toBeGreaterThan(0);
    expect(r.command).toBe("node bin/routelab.js run r12.edges --script p.txt");
  });

  it("refuses a run whose ping did not cross the hops it claims (a neighbour is 1 hop, not 6)", () => {
    writeFileSync(join(dir, "r12b.edges"), ring(12));
    const claim = {
      name: "ring-12",
      topoFile: join(dir, "r12b.edges"),
      routers: 12,
      links: 12,
      from: "r1",
      to: "r2",
      hops: 6,
      scriptFile: join(dir, "ring-b.txt"),
    };
    expect(() => runCliRun(claim)).toThrow(/TTL is 64, not 59/);
  });

  it("the seed network: `wait converged`, then vm1's ping to vm9 is answered (2 hops)", () => {
    const r = runCliRun(seedCliRun(join(dir, "seed.txt")));
    expect(r.replyTtl).toBe(63);
    expect(r.convergedAtSimSeconds).toBe(3.594);
    expect(r.command).toBe("node bin/routelab.js run examples/seed.yaml --script p.txt");
  });
});

describe("README: the RIP workloads against ns-3 and to convergence", () => {
  const topo = parseEdgeList(ring(10), "ring-10");
  const work = { time: 120, pings: 5, interval: 1, failAt: -1, failLink: "", seed: 1 };

  it("ends with every table equal to the shortest paths, and its pings answered", async () => {
    const { create } = await loadRipLab();
    const r = await runRip(create, topo, work);
    expect(r.vsShortestPaths.equal).toBe(true);
    expect(r.vsShortestPaths.compared).toBe(10 * 8); // each router: 10 subnets, 2 connected
    expect(r.pings.sent).toBe(5 * 60);
    expect(r.pings.replies).toBe(r.pings.sent);
    // Memory per route divides by every router's database: 10 routers × 10 subnets.
    expect(r.ripEntries).toBe(10 * 10);
    expect(r.bytesPerRoute).toBeCloseTo((r.retainedHeapBytes + r.retainedBufferBytes) / 100, 6);
  });

  it("converges: every table holds its shortest-path metric at the reported moment", async () => {
    const { create } = await loadRipLab();
    const r = await runConverge(create, topo, work);
    expect(Number.isFinite(r.convergedAtSimSeconds)).toBe(true);
    expect(r.convergedAtSimSeconds).toBeLessThan(work.time);
  });
});

describe("docs/performance.md: OSPF beside RIP, converge and reconverge after a link down", () => {
  const work = { time: 120, pings: 0, interval: 1, failAt: -1, failLink: "", seed: 1 };

  it("both protocols reach the shortest paths, then the ones without link 1, in the same run's rows", async () => {
    const { create } = await loadRipLab();
    const rows = [];
    for (const routing of ["ospf", "rip"] as const) {
      const r = await runOspfConverge(create, parseEdgeList(ring(10), "ring-10"), routing, work);
      expect(r.routing).toBe(routing);
      expect(r.failed).toBe("r1-r2");
      // Each phase ended because the tables held (not at the time limit), and took work.
      for (const p of [r.converge, r.reconverge]) {
        expect(Number.isFinite(p.simSeconds)).toBe(true);
        expect(p.events).toBeGreaterThan(0);
      }
      rows.push({ name: "ring-10", ...r, runs: [0] });
    }
    const text = renderOspf(rows, { skipped: "not root" }).join("\n");
    expect(text).toMatch(/ring-10 +ospf +10 /);
    expect(text).toMatch(/ring-10 +rip +10 /);
    expect(text).toContain("FRR ospfd on netns: skipped: not root");
  });

  it("prints FRR's row on netns when it ran, and its error by name", () => {
    const ran = renderOspf([], {
      name: "seed",
      routers: 9,
      bootWallSeconds: 1.489,
      convergeWallSeconds: 25.4,
      runs: [25.4, 25],
    });
    expect(ran.join("\n")).toContain(
      "FRR ospfd on netns, seed: 9 routers booted in 1.489 s, every OSPF route in the kernel 25.4 s of wall time after boot (runs 25.4/25.0 s)",
    );
    expect(renderOspf([], { name: "seed", error: "workload crashed" }).join("\n")).toContain(
      "FRR ospfd on netns, seed: workload crashed",
    );
  });
});

describe("README: forwarding, packet-hops per second on a router chain", () => {
  it("counts link crossings that happened: every request and reply crossed every link", () => {
    const routers = 8;
    const requests = 400;
    const r = runForward(routers, requests, 1, 1);
    expect(r.replies).toBe(requests);
    expect(r.totalPacketHops).toBe(requests * 2 * (routers - 1));
    expect(r.totalForwarded).toBe(requests * 2 * (routers - 2)); // by the 6 transit routers
    expect(r.packetHops).toBeGreaterThan(0);
    expect(r.packetHops).toBeLessThan(r.totalPacketHops); // the first tenth is untimed
    expect(r.hopsPerSecond).toBe(r.packetHops / r.wallSeconds);
    // "in flight" is packets on the chain: a request every 100 µs and a round trip of 14 ms of
    // links plus per-hop processing, so a little over 140; not the scheduler's queue (one event
    // per busy link direction, plus timers).
    expect(r.peakInFlight).toBeGreaterThanOrEqual(140);
    expect(r.peakInFlight).toBeLessThanOrEqual(150);
  });
});

describe("README: routers boot in one process and forward at that size", () => {
  it("boots every router of the tree, and every ping between random routers is answered", async () => {
    const { create } = await loadRipLab();
    const r = await runScale(create, 300, 30, 1);
    expect(r.routers).toBe(300);
    expect(r.staticRoutes).toBeGreaterThan(300);
    expect(r.sent).toBe(30 * 60);
    expect(r.replies).toBe(r.sent);
    // (Heap per router needs a forced GC, node --expose-gc: the bench's child process has it.)
  });
});
