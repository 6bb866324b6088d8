import { describe, expect, it } from "vitest";
import type { LabEvent } from "../core/events.js";
import { Rng } from "../core/rng.js";
import { MS, SECOND } from "../core/time.js";
import {
  buildUdpPacket,
  emitIpv4,
  ICMP_DEST_UNREACH,
  ICMP_ECHO_REPLY,
  ICMP_TIME_EXCEEDED,
  IPPROTO_ICMP,
  IPPROTO_UDP,
  internetChecksum,
  ipv4HeaderChecksumOk,
} from "../wire/index.js";
import type { IcmpMessage } from "./host.js";
import { buildNetwork } from "./build.js";
import { Packet } from "./packet.js";
import { chainTopology, withChainStatics } from "./test-topology.js";

const ip = (s: string) => s.split(".").reduce((a, o) => a * 256 + Number(o), 0);

function chain(n: number) {
  const net = buildNetwork(withChainStatics(chainTopology(n)), 1);
  const events: LabEvent[] = [];
  net.trace = (e) => events.push(e);
  return { net, events, node: (name: string) => net.byName.get(name)! };
}

describe("forwarding", () => {
  it("delivers an echo across a chain and the reply comes back with TTL decremented", () => {
    const { net, events, node } = chain(4);
    const got: IcmpMessage[] = [];
    node("r1").icmpListen((m) => got.push({ ...m, data: m.data.slice() }));
    const sent = node("r1").sendIcmpEcho(ip("10.0.2.2"), 0x1234, 7, new Uint8Array([1, 2, 3, 4]), {
      user: "alice",
    });
    expect(sent.ok).toBe(true);
    net.scheduler.runUntil(SECOND);
    expect(got).toHaveLength(1);
    expect(got[0]!.type).toBe(ICMP_ECHO_REPLY);
    expect(got[0]!.ident).toBe(0x1234);
    expect(got[0]!.seq).toBe(7);
    expect(got[0]!.ttl).toBe(62); // replied with 64, crossed r3 and r2
    expect([...got[0]!.data]).toEqual([1, 2, 3, 4]);
    // 3 hops out, 3 back, each 1 ms (ARP frames aside: see arp.test.ts)
    const hops = events.filter((e) => e.kind === "hop" && e.cls !== "arp");
    expect(hops.map((h) => (h.kind === "hop" ? `${h.from}>${h.to}:${h.user}` : ""))).toEqual([
      "r1>r2:alice",
      "r2>r3:alice",
      "r3>r4:alice",
      "r4>r3:alice",
      "r3>r2:alice",
      "r2>r1:alice",
    ]);
    const ipEnds = events.filter((e) => (e.kind === "deliver" || e.kind === "drop") && e.cls !== "arp");
    expect(ipEnds.map((e) => e.kind)).toEqual(["deliver", "deliver"]);
    expect(net.created).toBe(net.delivered + net.dropped);
  });

  it("keeps the IPv4 checksum valid on every hop", () => {
    const { net, node } = chain(5);
    const seen: boolean[] = [];
    net.capture = (_l, _t, frame) => {
      if (frame[12] !== 0x08 || frame[13] !== 0x00) return; // ARP
      const bytes = frame.subarray(14);
      seen.push(ipv4HeaderChecksumOk(bytes) && internetChecksum(bytes, 0, 20) === 0);
    };
    node("r1").sendIcmpEcho(ip("10.0.3.2"), 1, 1, new Uint8Array(56));
    net.scheduler.runUntil(SECOND);
    expect(seen.length).toBe(8);
    expect(seen.every(Boolean)).toBe(true);
  });

  it("names why a message its codec refused died: a wrong sum, or too few bytes for its header", () => {
    const { events, node } = chain(2);
    const r2 = node("r2");
    const to = r2.ifaces[1]!;
    const ipFields = { tos: 0, id: 1, dontFrag: false, ttl: 64, src: ip("10.0.0.1"), dst: to.addr };
    /** An IPv4 datagram (valid header) carrying `payload` as protocol `proto`. */
    const datagram = (proto: number, payload: number[]) => {
      const b = new Uint8Array(20 + payload.length);
      emitIpv4({ ...ipFields, protocol: proto, payloadLen: payload.length }, b);
      b.set(payload, 20);
      return b;
    };
    const badSum = buildUdpPacket(ipFields, { srcPort: 1000, dstPort: 2000, payload: new Uint8Array(4) });
    badSum[20 + 6] ^= 0x55; // the UDP checksum
    const sent: [string, Uint8Array][] = [
      ["udp bad sum", badSum],
      ["udp 4 bytes", datagram(IPPROTO_UDP, [0x03, 0xe8, 0x07, 0xd0])], // ports only: no length, no sum
      ["udp length 40 in 12 bytes", datagram(IPPROTO_UDP, [0x03, 0xe8, 0x07, 0xd0, 0, 40, 0, 0, 1, 2, 3, 4])],
      ["icmp 3 bytes", datagram(IPPROTO_ICMP, [8, 0, 0])],
    ];
    for (const [i, [, bytes]] of sent.entries()) r2.input(Packet.ipv4(bytes, 9000 + i, "alice", "udp"), to);
    const reasons = events.flatMap((e) => (e.kind === "drop" && e.packet >= 9000 ? [e.reason] : []));
    expect(reasons).toEqual(["bad-checksum", "malformed", "malformed", "malformed"]);
  });

  it("answers TTL expiry with time exceeded from the router's interface towards the sender", () => {
    const { net, events, node } = chain(4);
    const got: IcmpMessage[] = [];
    node("r1").icmpListen((m) => got.push(m));
    node("r1").sendIcmpEcho(ip("10.0.2.2"), 1, 1, new Uint8Array(8), { ttl: 2 });
    net.scheduler.runUntil(SECOND);
    expect(got).toHaveLength(1);
    expect(got[0]!.type).toBe(ICMP_TIME_EXCEEDED);
    expect(got[0]!.src).toBe(ip("10.0.1.2")); // r3's address on the r2-r3 link, facing r1
    expect(events.some((e) => e.kind === "drop" && e.reason === "ttl-expired" && e.node === "r3")).toBe(true);
  });

  // FreeBSD 8's ip_forward: no route -> icmp_error(ICMP_UNREACH, ICMP_UNREACH_HOST)
  // (sys/netinet/ip_input.c:1432 in the FreeBSD tree of 2010), never ICMP_UNREACH_NET.
  it("answers a missing route with host unreachable (code 1), and a closed UDP port with port unreachable", () => {
    const { net, node } = chain(3);
    const got: IcmpMessage[] = [];
    node("r1").icmpListen((m) => got.push({ ...m, data: m.data.slice() }));
    node("r2").deleteRoute("static", ip("10.9.0.0"), 24, "test"); // no-op: never existed
    node("r1").setRoute(
      "static",
      { dest: ip("10.9.0.0"), len: 24, gateway: ip("10.0.0.2"), iface: 1, metric: 1 },
      "test",
    );
    node("r1").sendIcmpEcho(ip("10.9.0.1"), 1, 1, new Uint8Array(8));
    // Later, or ARP would hold only the second (one packet per unresolved neighbour).
    net.scheduler.runUntil(100 * MS);
    node("r1").sendUdp(ip("10.0.1.2"), 40000, 33435, new Uint8Array(12));
    net.scheduler.runUntil(SECOND);
    expect(got.map((m) => `${m.type}/${m.code}`).sort()).toEqual([
      `${ICMP_DEST_UNREACH}/1`,
      `${ICMP_DEST_UNREACH}/3`,
    ]);
    // the quoted original is the offending IP header + 8 bytes
    for (const m of got) expect(m.data.length).toBe(28);
  });

  it("reports no route to host at the sender when nothing matches", () => {
    const { node } = chain(2);
    expect(node("r1").sendIcmpEcho(ip("192.0.2.1"), 1, 1, new Uint8Array(8))).toEqual({
      ok: false,
      error: "EHOSTUNREACH",
    });
  });

  it("serializes at the link bandwidth and drops when the queue is full", () => {
    const t = withChainStatics(chainTopology(2, { bandwidth: 1_000_000, delay: 0 }));
    t.links[0]!.queue = 2;
    const net = buildNetwork(t, 1);
    const arrivals: number[] = [];
    net.trace = (e) => {
      if (e.kind === "hop" && e.summary.startsWith("UDP")) arrivals.push(e.t + e.duration);
    };
    const r1 = net.byName.get("r1")!;
    // Resolve r2's MAC first (ARP holds one packet per unresolved neighbour).
    r1.sendUdp(ip("10.0.0.2"), 5000, 9, new Uint8Array(8));
    net.scheduler.runUntil(SECOND);
    arrivals.length = 0;
    const t0 = net.scheduler.now();
    for (let i = 0; i < 10; i++) r1.sendUdp(ip("10.0.0.2"), 5000, 9, new Uint8Array(1472)); // 1500-byte packets
    net.scheduler.runUntil(2 * SECOND);
    // 1500 B in a 1514-byte frame at 1 Mbit/s = 12.112 ms each; backlog beyond 2 packets' worth
    // (24 ms) is refused, so the third is already too many (each plus 10–50 µs of processing)
    expect(arrivals).toHaveLength(2);
    arrivals.forEach((t, k) => {
      expect(t - t0 - (k + 1) * 12_112_000).toBeGreaterThanOrEqual(10_000);
      expect(t - t0 - (k + 1) * 12_112_000).toBeLessThan(50_000);
    });
    expect(net.dropsByReason["queue-full"]).toBeGreaterThan(0);
    expect(net.created).toBe(net.delivered + net.dropped);
  });
});

describe("random streams", () => {
  it("the node's TCP draws nothing from the node's stream, so daemons' timers are as before TCP", () => {
    // Network: root Rng(seed), lossRng = fork(0x1055), node i = fork(i + 1); SimNode forks procRng.
    const net = buildNetwork(chainTopology(2), 9);
    const root = new Rng(9);
    root.fork(0x1055);
    const r1 = root.fork(1);
    r1.fork(0x9e37);
    expect(net.byName.get("r1")!.rng.u32()).toBe(r1.u32());
  });
});
