/**
 * The OSPF daemon's state machines on a small simulated network (sim/build on a chain of
 * routers, every packet on the wire decoded again): RFC 2328 §10's neighbour states to Full
 * with the database exchange's master/slave rules (§10.6, §10.8), retransmission over a lossy
 * link (§13.6), LSRefreshTime and MaxAge (§14), the DR election (§9.4) and which instance of
 * an LSA is newer (§13.1).
 */
import { describe, expect, it } from "vitest";
import { formatIpv4 } from "../../core/ip.js";
import { MINUTE, SECOND } from "../../core/time.js";
import { buildNetwork } from "../../sim/build.js";
import { chainTopology } from "../../sim/test-topology.js";
import type { Topology } from "../../topology/model.js";
import { ETHERNET_HEADER_LEN, ethernetType, ETHERTYPE_IPV4 } from "../../wire/ethernet.js";
import { IPPROTO_OSPF, IPV4_HEADER_LEN } from "../../wire/ipv4.js";
import { DD_INIT, DD_MASTER, DD_MORE, type OspfRepr, parseOspf } from "../../wire/ospf.js";
import { LSA_INITIAL_SEQ } from "../../wire/ospf-lsa.js";
import { WireError } from "../../wire/error.js";
import { compareInstances, LS_REFRESH_TIME, lsaKey } from "./lsdb.js";
import { elect, type OspfDaemon } from "./ospf.js";
import { OSPF_PROTOCOL } from "./register.js";

function ospfChain(n: number, tweak: (t: Topology) => void = () => {}, seed = 1) {
  const topo = chainTopology(n);
  for (const node of topo.nodes) node.routing = "ospf";
  tweak(topo);
  const net = buildNetwork(topo, seed);
  const packets: { t: number; link: string; p: OspfRepr }[] = [];
  net.capture = (link, t, frame) => {
    if (ethernetType(frame) !== ETHERTYPE_IPV4 || frame[ETHERNET_HEADER_LEN + 9] !== IPPROTO_OSPF) return;
    const p = parseOspf(frame, ETHERNET_HEADER_LEN + IPV4_HEADER_LEN);
    if (!(p instanceof WireError)) packets.push({ t, link: link.id, p });
  };
  const daemons: OspfDaemon[] = [];
  for (const node of topo.nodes) {
    const d = OSPF_PROTOCOL.daemon(topo, node) as OspfDaemon;
    daemons.push(d);
    net.scheduler.at(0, () => d.start(net.byName.get(node.name)!));
  }
  const run = (t: number) => net.scheduler.runUntil(t);
  return { topo, net, packets, daemons, run };
}

const states = (d: OspfDaemon) => d.ifaces.flatMap((i) => [...i.neighbors.values()].map((n) => n.state));

describe("the neighbour state machine (RFC 2328 §10)", () => {
  it("reaches Full; the higher router ID is master, the slave echoes its DD sequence numbers", () => {
    const { packets, daemons, run } = ospfChain(2);
    const [r1, r2] = daemons;
    run(20 * SECOND);
    expect(states(r1!)).toEqual(["Full"]);
    expect(states(r2!)).toEqual(["Full"]);
    const dds = packets.filter((x) => x.p.body.type === "dd");
    const body = (x: (typeof dds)[number]) => x.p.body as Extract<OspfRepr["body"], { type: "dd" }>;
    // Both open with an empty I|M|MS packet (§10.8).
    const init = dds.filter((x) => body(x).flags === (DD_INIT | DD_MORE | DD_MASTER));
    expect(new Set(init.map((x) => formatIpv4(x.p.routerId)))).toEqual(new Set(["10.0.0.1", "10.0.0.2"]));
    for (const x of init) expect(body(x).lsaHeaders).toEqual([]);
    // r2 (10.0.0.2) is master: r1 answers with MS clear and r2's sequence number (§10.6).
    const master = dds.filter((x) => x.p.routerId === r2!.routerId && (body(x).flags & DD_INIT) === 0);
    const slave = dds.filter((x) => x.p.routerId === r1!.routerId && (body(x).flags & DD_INIT) === 0);
    expect(master.every((x) => (body(x).flags & DD_MASTER) !== 0)).toBe(true);
    expect(slave.every((x) => (body(x).flags & DD_MASTER) === 0)).toBe(true);
    const masterInit = init.find((x) => x.p.routerId === r2!.routerId)!;
    expect(body(slave[0]!).seq).toBe(body(masterInit).seq);
    for (let i = 0; i < master.length; i++)
      expect(body(master[i]!).seq).toBe((body(masterInit).seq + i + 1) >>> 0);
    // The slave described its Router-LSA; the LSDBs are the same.
    expect(slave.flatMap((x) => body(x).lsaHeaders.map((h) => formatIpv4(h.advRouter)))).toContain(
      "10.0.0.1",
    );
    const instances = (d: OspfDaemon) => d.db.entries().map((e) => ({ ...e.lsa.header, age: 0 }));
    expect(instances(r1!)).toEqual(instances(r2!));
  });

  it("forgets a silent neighbour after the dead interval (InactivityTimer)", () => {
    const { net, daemons, run } = ospfChain(2);
    run(20 * SECOND);
    daemons[1]!.stop(); // r2 falls silent
    const t = net.scheduler.now();
    // Its last Hello came at most a hello interval (10 s) before: Full 29 s on, gone at 41.
    run(t + 29 * SECOND);
    expect(states(daemons[0]!)).toEqual(["Full"]);
    run(t + 41 * SECOND);
    expect(states(daemons[0]!)).toEqual([]);
    // r1's Router-LSA lost its point-to-point link to r2 and kept its stub network.
    const mine = daemons[0]!.db.router(daemons[0]!.routerId)!.lsa.body;
    expect(mine.kind === "router" && mine.links.map((l) => l.type)).toEqual([3]);
  });

  it("synchronizes over a lossy link by retransmitting (RxmtInterval 5 s)", () => {
    const { daemons, packets, run } = ospfChain(
      3,
      (t) => {
        for (const l of t.links) l.loss = 0.3;
      },
      4,
    );
    run(5 * MINUTE);
    for (const d of daemons)
      expect(
        states(d).every((s) => s === "Full"),
        formatIpv4(d.routerId),
      ).toBe(true);
    const headers = (d: OspfDaemon) =>
      d.db.entries().map((e) => `${e.lsa.header.advRouter}:${e.lsa.header.seq}`);
    expect(headers(daemons[0]!)).toEqual(headers(daemons[2]!));
    expect(headers(daemons[0]!)).toHaveLength(3);
    // Some LSA went out more than once to the same link: a retransmission.
    const sent = packets
      .filter((x) => x.p.body.type === "ls-update")
      .flatMap((x) =>
        (x.p.body as Extract<OspfRepr["body"], { type: "ls-update" }>).lsas.map(
          (l) => `${x.link} ${x.p.routerId} ${l.header.advRouter} ${l.header.seq}`,
        ),
      );
    expect(new Set(sent).size).toBeLessThan(sent.length);
  });
});

describe("LSA ageing (RFC 2328 §14)", () => {
  it("re-originates its own LSAs every LSRefreshTime and flushes a dead router's at MaxAge", () => {
    const { net, daemons, run } = ospfChain(3);
    run(20 * SECOND);
    const [r1, , r3] = daemons;
    const own = () => r1!.db.router(r1!.routerId)!.lsa.header.seq;
    const before = own();
    expect(before).toBeGreaterThanOrEqual(LSA_INITIAL_SEQ);
    run((LS_REFRESH_TIME + 30) * SECOND);
    expect(own()).toBe(before + 1);
    // r3 dies silently: its Router-LSA stays until it is MaxAge old, then leaves every database.
    r3!.stop();
    const r3Key = lsaKey(1, r3!.routerId, r3!.routerId);
    run(net.scheduler.now() + 10 * MINUTE);
    expect(r1!.db.get(r3Key)).toBeDefined();
    run(2 * 3600 * SECOND);
    expect(r1!.db.get(r3Key)).toBeUndefined();
    expect(daemons[1]!.db.get(r3Key)).toBeUndefined();
  });
});

describe("which LSA instance is newer (RFC 2328 §13.1)", () => {
  const h = {
    age: 10,
    options: 2,
    type: 1,
    id: 1,
    advRouter: 1,
    seq: LSA_INITIAL_SEQ,
    checksum: 0x100,
    length: 36,
  };
  it("by sequence number, then checksum, then MaxAge, then an age difference beyond MaxAgeDiff", () => {
    expect(compareInstances({ ...h, seq: h.seq + 1 }, h)).toBeGreaterThan(0);
    expect(compareInstances({ ...h, seq: -1 }, { ...h, seq: 5 })).toBeLessThan(0); // signed
    expect(compareInstances({ ...h, checksum: 0x200 }, h)).toBeGreaterThan(0);
    expect(compareInstances({ ...h, age: 3600 }, h)).toBeGreaterThan(0);
    expect(compareInstances({ ...h, age: 1000 }, h)).toBeLessThan(0);
    expect(compareInstances({ ...h, age: 800 }, h)).toBe(0);
  });
});

describe("the DR election (RFC 2328 §9.4)", () => {
  const r = (id: number, prio = 1, dr = 0, bdr = 0) => ({ id, addr: id, prio, dr, bdr });
  it("makes the highest priority, then router ID, BDR and then DR when nobody claims DR", () => {
    expect(elect([r(1), r(2), r(3)])).toEqual([3, 0]); // step 3 then step 4 runs again
    expect(elect([r(1), r(2), r(3, 1, 3)])).toEqual([3, 2]);
    expect(elect([r(1, 5), r(2), r(3, 1, 3)])).toEqual([3, 1]);
  });
  it("keeps a DR and BDR that claim it (no preemption by a higher ID)", () => {
    expect(elect([r(1, 1, 1), r(2, 1, 1, 2), r(9)])).toEqual([1, 2]);
  });
});
