/**
 * OSPF on the seed network (examples/seed.yaml with `routing: ospf`), on the simulator: every
 * adjacency Full, every table what a plain Dijkstra over the topology file gives (test/ospf-lab.ts
 * `expectedTables`, written apart from the daemon's SPF): costs and the whole equal-cost
 * next-hop set of the daemon's routes, and the FIB's route one of them at that metric; the
 * same after a link goes down, and back after it comes up; the same event log for the same seed.
 */
import { describe, expect, it } from "vitest";
import { formatIpv4, formatPrefix } from "../src/core/ip.js";
import { flowNextHop, Packet } from "../src/sim/index.js";
import { buildUdpPacket } from "../src/wire/index.js";
import type { LabEvent } from "../src/core/events.js";
import { MINUTE, SECOND } from "../src/core/time.js";
import { parseScenario, runScenario } from "../src/lab/scenario.js";
import { quietInterval } from "../src/topology/index.js";
import type { SimLab } from "../src/engines/sim/index.js";
import type { Topology } from "../src/topology/model.js";
import { daemonOf, expectedTables, ospfLab, ospfTable, seedOspf } from "./ospf-lab.js";

/** A node's routes as the daemon holds them: prefix -> cost and next-hop set. */
function daemonTable(lab: SimLab, node: string) {
  const d = daemonOf(lab, node);
  const out = new Map<string, { cost: number; hops: Set<string> }>();
  for (const r of d.routes) {
    if (r.nextHops.length === 0 || r.nextHops[0]!.gateway === 0) continue; // directly attached
    const name = (i: number) => d.ifaces.find((x) => x.index === i)!.name;
    out.set(formatPrefix({ addr: r.dest, len: r.len }), {
      cost: r.cost,
      hops: new Set(r.nextHops.map((h) => `${formatIpv4(h.gateway)} ${name(h.iface)}`)),
    });
  }
  return out;
}

function expectTablesMatch(lab: SimLab, topo: Topology, down: ReadonlySet<string> = new Set()) {
  for (const n of topo.nodes) {
    const want = expectedTables(topo, n.name, down);
    expect(daemonTable(lab, n.name), n.name).toEqual(want);
    // The FIB holds the whole equal-cost next-hop set of each route, at the OSPF cost (as
    // FRR's zebra installs it in Linux's FIB on netns).
    const node = lab.node(n.name);
    const fib = node.fib.all().filter((r) => r.source === "ospf");
    expect(fib.length, n.name).toBe(want.size);
    for (const r of fib) {
      const prefix = formatPrefix({ addr: r.dest, len: r.len });
      const hops = (r.multipath ?? [r]).map((h) => `${formatIpv4(h.gateway)} ${node.ifaces[h.iface]!.name}`);
      expect(new Set(hops), `${n.name} ${prefix}`).toEqual(want.get(prefix)!.hops);
      expect(hops.length, `${n.name} ${prefix}`).toBe(want.get(prefix)!.hops.size);
      expect(r.metric).toBe(want.get(prefix)!.cost);
    }
  }
}

describe("OSPF on the seed network", () => {
  it("brings every adjacency to Full and every table to the plain Dijkstra's, ECMP sets included", () => {
    const topo = seedOspf();
    const lab = ospfLab(topo);
    lab.net.scheduler.runUntil(60 * SECOND);
    for (const n of topo.nodes)
      for (const oi of daemonOf(lab, n.name).ifaces)
        expect(
          [...oi.neighbors.values()].map((x) => x.state),
          `${n.name} ${oi.name}`,
        ).toEqual(["Full"]);
    expectTablesMatch(lab, topo);
    // vm1 reaches 10.0.30.0/24 (vm2–vm3) both ways at cost 20: the triangle's equal-cost pair.
    expect(daemonTable(lab, "vm1").get("10.0.30.0/24")).toEqual({
      cost: 20,
      hops: new Set(["10.0.10.2 epair0a", "10.0.20.2 epair1a"]),
    });
    // Then quiet: no route changes over 40 more minutes (LSAs refreshed at 30 min change nothing).
    const routes: LabEvent[] = [];
    lab.onEvent((e) => e.kind === "route" && routes.push(e));
    lab.net.scheduler.runUntil(41 * MINUTE);
    expect(routes).toEqual([]);
  });

  it("forwards each flow over one of a multipath route's next hops, by a hash of its addresses, spread over both", () => {
    const topo = seedOspf();
    const lab = ospfLab(topo);
    lab.net.scheduler.runUntil(60 * SECOND);
    const vm1 = lab.node("vm1");
    const route = vm1.fib.get(0x0a001e00, 24)!; // 10.0.30.0/24, vm2–vm3, cost 20 both ways
    expect(route.multipath?.length).toBe(2);
    // Flows from many sources to one address past vm1: each leaves by the hop the flow's hash
    // picks (sim/multipath.ts), and both hops carry some.
    const linkTo = (peer: string) =>
      topo.links.find((l) => [l.a.node, l.b.node].sort().join() === ["vm1", peer].sort().join())!.id;
    const want: Record<string, number[]> = { [linkTo("vm2")]: [], [linkTo("vm3")]: [] };
    const sources: number[] = [];
    for (let k = 0; k < 16; k++) sources.push((0xc0a80001 + k) >>> 0); // 192.168.0.1, .2, …
    for (const src of sources) {
      const hop = flowNextHop(route.multipath!, src, 0x0a001e02, vm1.multipathKey);
      want[hop.iface === route.multipath![0]!.iface ? linkTo("vm2") : linkTo("vm3")]!.push(src);
    }
    expect(want[linkTo("vm2")]!.length).toBeGreaterThan(0);
    expect(want[linkTo("vm3")]!.length).toBeGreaterThan(0);
    // ARP both neighbours first, so no datagram waits in an ARP entry (which holds one).
    for (const gw of ["10.0.10.2", "10.0.20.2"]) lab.exec("vm1", `ping -c 1 ${gw}`);
    lab.net.scheduler.runUntil(62 * SECOND);
    // The datagrams themselves, arriving at vm1 from vm4's side, and where each left.
    const seen: Record<string, number[]> = { [linkTo("vm2")]: [], [linkTo("vm3")]: [] };
    lab.net.capture = (link, _t, frame) => {
      if (frame[12] !== 0x08 || frame[13] !== 0x00 || frame[14 + 9] !== 17) return;
      const src = new DataView(frame.buffer, frame.byteOffset).getUint32(14 + 12);
      if (src >>> 24 === 192 && seen[link.id]) seen[link.id]!.push(src);
    };
    const inIface = vm1.ifaces.find((i) => i.peer?.node?.name === "vm4")!;
    sources.forEach((src, k) => {
      const b = buildUdpPacket(
        { tos: 0, id: k, dontFrag: false, ttl: 64, src, dst: 0x0a001e02 },
        { srcPort: 4000, dstPort: 33434, payload: new Uint8Array(8) },
      );
      vm1.input(Packet.ipv4(b, 90000 + k, "root", "udp"), inIface);
    });
    lab.net.scheduler.runUntil(63 * SECOND);
    expect(seen).toEqual(want);
  });

  it("reports the route changes after link down as events, a lost equal-cost hop too", () => {
    const topo = seedOspf();
    const lab = ospfLab(topo);
    lab.net.scheduler.runUntil(60 * SECOND);
    const seen: LabEvent[] = [];
    lab.onEvent((e) => e.kind === "route" && e.source === "ospf" && seen.push(e));
    // vm1–vm3 down: vm1 keeps 10.0.30.0/24 over vm2 alone (its first hop stays the same).
    lab.setLink("vm1", "vm3", false);
    lab.net.scheduler.runUntil(70 * SECOND);
    const text = seen.map((e) =>
      e.kind === "route"
        ? `${e.node} ${e.action} ${e.dest} ${e.nextHops?.join("+") ?? e.gateway} ${e.metric}`
        : "",
    );
    expect(text).toContain("vm1 change 10.0.30.0/24 10.0.10.2 20");
    // vm1's way to vm3's leaves now runs over vm2 (vm3's own SPF ran first: delete, then add).
    expect(text.filter((l) => l.startsWith("vm1 ") && l.includes(" 10.0.80.0/24 ")).at(-1)).toBe(
      "vm1 add 10.0.80.0/24 10.0.10.2 30",
    );
    expect(text.filter((l) => l.startsWith("vm8 ") || l.startsWith("vm9 ")).length).toBeGreaterThan(0);
    const first = seen.find((e) => e.kind === "route" && e.node === "vm1" && e.dest === "10.0.30.0/24")!;
    expect(first.kind === "route" && first.reason).toMatch(/^ospf: SPF, cost 20 via 10\.0\.10\.2$/);
    // And back: the pair again, as one event listing both hops.
    lab.setLink("vm1", "vm3", true);
    lab.net.scheduler.runUntil(130 * SECOND);
    expect(
      seen.some(
        (e) =>
          e.kind === "route" &&
          e.node === "vm1" &&
          e.dest === "10.0.30.0/24" &&
          e.nextHops?.join() === "10.0.10.2,10.0.20.2",
      ),
    ).toBe(true);
  });

  it("netstat -rn shows one route per prefix, as FreeBSD 8 without RADIX_MPATH holds", async () => {
    const topo = seedOspf();
    const lab = ospfLab(topo);
    lab.net.scheduler.runUntil(60 * SECOND);
    let text = "";
    const x = lab.exec("vm1", "netstat -rn", { write: (c) => (text += c) });
    lab.net.scheduler.runUntil(61 * SECOND);
    await x.done;
    const lines = text.split("\n").filter((l) => l.startsWith("10.0.30.0/24"));
    expect(lines).toEqual([expect.stringMatching(/^10\.0\.30\.0\/24\s+10\.0\.10\.2\s+UG\s/)]);
    // vtysh has both, as zebra lists a multipath route (one line per next hop).
    let vt = "";
    const v = lab.exec("vm1", 'vtysh -c "show ip route"', { write: (c) => (vt += c) });
    lab.net.scheduler.runUntil(62 * SECOND);
    await v.done;
    // zebra_vty.c:1104-1117: the second next hop on a line of its own under the first.
    expect(vt).toMatch(
      /O>\* 10\.0\.30\.0\/24 \[110\/20\] via 10\.0\.10\.2, epair0a, weight 1, [\d:]+\n +\* +via 10\.0\.20\.2, epair1a, weight 1, /,
    );
  });

  it("uses interface costs: a slow link is avoided and the other way around the triangle taken", () => {
    const topo = seedOspf("  ospf: {reference-bandwidth: 100Gbit}\n");
    topo.links[0]!.bandwidth = 1_000_000_000; // vm1–vm2 at 1 Gbit/s: cost 100
    const lab = ospfLab(topo);
    lab.net.scheduler.runUntil(60 * SECOND);
    expectTablesMatch(lab, topo);
    expect(ospfTable(lab, "vm1")).toContain("10.0.60.0/24 10.0.20.2 epair1a 30");
  });

  it("reconverges after a link goes down, and again when it comes back", () => {
    const topo = seedOspf();
    const lab = ospfLab(topo);
    lab.net.scheduler.runUntil(60 * SECOND);
    lab.setLink("vm1", "vm2", false);
    lab.net.scheduler.runUntil(70 * SECOND);
    const cut = topo.links.find((l) => l.a.node === "vm1" && l.b.node === "vm2")!;
    expectTablesMatch(lab, topo, new Set([cut.id]));
    expect(ospfTable(lab, "vm1")).toContain("10.0.60.0/24 10.0.20.2 epair1a 30");
    lab.setLink("vm1", "vm2", true);
    lab.net.scheduler.runUntil(130 * SECOND);
    expectTablesMatch(lab, topo);
  });

  it("repeats itself: the same seed gives the same events, another seed other timings", () => {
    const run = (seed: number) => {
      const lab = ospfLab(seedOspf(), seed);
      const log: string[] = [];
      lab.onEvent((e) => log.push(JSON.stringify(e)));
      lab.net.scheduler.runUntil(45 * SECOND);
      return log;
    };
    const a = run(7);
    expect(a.length).toBeGreaterThan(100);
    expect(run(7)).toEqual(a);
    expect(run(8)).not.toEqual(a);
  });
});

describe("OSPF on the seed network run as broadcast networks (DR/BDR, RFC 2328 §9.4)", () => {
  it("elects the higher router ID DR on each link after the Wait timer, with Network-LSAs and the same tables", () => {
    const topo = seedOspf("  ospf: {network: broadcast}\n");
    const lab = ospfLab(topo);
    // Waiting lasts RouterDeadInterval (40 s): no adjacency, so no route, before it.
    lab.net.scheduler.runUntil(39 * SECOND);
    expect(ospfTable(lab, "vm1")).toEqual([]);
    lab.net.scheduler.runUntil(100 * SECOND);
    for (const l of topo.links) {
      const [lo, hi] = [l.a, l.b].sort((x, y) => x.addr - y.addr);
      // Router IDs are each node's highest address; the DR is the one with the higher ID.
      const idOf = (node: string) => daemonOf(lab, node).routerId;
      const [drEnd, bdrEnd] = idOf(lo!.node) > idOf(hi!.node) ? [lo!, hi!] : [hi!, lo!];
      const oi = daemonOf(lab, l.a.node).ifaces.find((i) => i.name === l.a.iface)!;
      expect([formatIpv4(oi.dr), formatIpv4(oi.bdr)], l.id).toEqual([
        formatIpv4(drEnd.addr),
        formatIpv4(bdrEnd.addr),
      ]);
      const drOi = daemonOf(lab, drEnd.node).ifaces.find((i) => i.name === drEnd.iface)!;
      expect(drOi.state).toBe("DR");
      expect(daemonOf(lab, bdrEnd.node).ifaces.find((i) => i.name === bdrEnd.iface)!.state).toBe("Backup");
      // The DR's Network-LSA lists both routers, and every router has it.
      const net = daemonOf(lab, "vm5").db.network(drEnd.addr)!;
      expect(net.lsa.body).toEqual({
        kind: "network",
        mask: 0xffffff00,
        routers: [idOf(drEnd.node), idOf(bdrEnd.node)],
      });
    }
    expectTablesMatch(lab, topo);
  });

  it("a router of priority 0 never becomes DR or BDR", () => {
    const topo = seedOspf("  ospf: {network: broadcast}\n");
    topo.nodes.find((n) => n.name === "vm9")!.ospf = { priority: { "*": 0 } };
    const lab = ospfLab(topo);
    lab.net.scheduler.runUntil(100 * SECOND);
    const vm9 = daemonOf(lab, "vm9").ifaces[0]!;
    expect(vm9.state).toBe("DROther");
    expect(formatIpv4(vm9.dr)).toBe("10.0.90.1");
    expect(vm9.bdr).toBe(0);
    expectTablesMatch(lab, topo);
  });
});

describe("wait converged with OSPF", () => {
  it("reports convergence once no route changed for the dead interval and a sixth, and the tables are whole", async () => {
    const topo = seedOspf();
    const lab = ospfLab(topo);
    let out = "";
    const code = await runScenario(
      lab,
      parseScenario("wait converged\nvm9: netstat -rn\n", "t", new Set(topo.nodes.map((n) => n.name))),
      "t",
      {
        write: (s) => {
          out += s;
        },
        quietInterval: quietInterval(topo),
      },
    );
    expect(code).toBe(0);
    expect(quietInterval(topo)).toBe(40 * SECOND);
    const at = Number(/converged at t=([\d.]+)s/.exec(out)![1]);
    // The last route change: Full within seconds (the first Router-LSAs wait out
    // MinLSInterval, 5 s); the wait then saw 40 s + 40/6 s without one.
    expect(at).toBeGreaterThan(4);
    expect(at).toBeLessThan(10);
    expect(lab.clock().now).toBeGreaterThanOrEqual((at + 40 + 40 / 6) * SECOND);
    expect(out).toContain("10.0.10.0/24       10.0.90.1          UG");
    await lab.close();
  });
});
