/**
 * Raw IP protocols on the Host interface (`ipBind` / `sendIp`): what OSPF (protocol 89) and TCP
 * (6) run on. A datagram of a bound protocol reaches its handler; one of an unbound protocol is
 * answered with ICMP protocol unreachable, as FreeBSD's rip_input does when no raw socket took
 * it (sys/netinet/raw_ip.c, rip_input: `icmp_error(m, ICMP_UNREACH, ICMP_UNREACH_PROTOCOL, 0, 0)`).
 */
import { describe, expect, it } from "vitest";
import { LabError } from "../core/errors.js";
import type { LabEvent } from "../core/events.js";
import { SECOND } from "../core/time.js";
import {
  ETHERNET_HEADER_LEN,
  ETHERTYPE_IPV4,
  ethernetType,
  ICMP_DEST_UNREACH,
  internetChecksum,
  ipv4Protocol,
  parseIpv4,
  UNREACH_PROTOCOL,
} from "../wire/index.js";
import { buildNetwork } from "./build.js";
import type { IcmpMessage, IpDatagram } from "./host.js";
import { chainTopology, withChainStatics } from "./test-topology.js";

const ip = (s: string) => s.split(".").reduce((a, o) => a * 256 + Number(o), 0);
const OSPF = 89;
const ALL_SPF_ROUTERS = ip("224.0.0.5");

function chain(n: number) {
  const net = buildNetwork(withChainStatics(chainTopology(n)), 1);
  const events: LabEvent[] = [];
  const wire: Uint8Array[] = [];
  net.trace = (e) => events.push(e);
  // The IPv4 datagrams inside the links' Ethernet frames (ARP left out).
  net.capture = (_link, _t, frame) => {
    if (ethernetType(frame) === ETHERTYPE_IPV4) wire.push(frame.slice(ETHERNET_HEADER_LEN));
  };
  return { net, events, wire, node: (name: string) => net.byName.get(name)! };
}

describe("raw IP protocols", () => {
  it("a protocol-89 datagram from r1 reaches the handler bound on its neighbour, header and checksum right", () => {
    const { net, wire, node } = chain(2);
    const got: IpDatagram[] = [];
    node("r2").ipBind(OSPF, (d) => got.push({ ...d, payload: d.payload.slice() }));
    const payload = new Uint8Array([2, 1, 0, 44, 10, 0, 0, 1, 0, 0, 0, 0]);
    const sent = node("r1").sendIp(ip("10.0.0.2"), OSPF, payload, { ttl: 1, tos: 0xc0 });
    expect(sent.ok).toBe(true);
    net.scheduler.runUntil(SECOND);

    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      src: ip("10.0.0.1"),
      dst: ip("10.0.0.2"),
      protocol: OSPF,
      ttl: 1,
      tos: 0xc0,
      iface: 1,
    });
    expect([...got[0]!.payload]).toEqual([...payload]);
    expect(wire).toHaveLength(1);
    const b = wire[0]!;
    expect(b[0]).toBe(0x45); // version 4, 20-byte header
    expect(internetChecksum(b, 0, 20)).toBe(0); // the header checksum verifies
    expect(parseIpv4(b)).toMatchObject({
      protocol: OSPF,
      ttl: 1,
      tos: 0xc0,
      src: ip("10.0.0.1"),
      dst: ip("10.0.0.2"),
      payloadLen: payload.length,
    });
    expect(b.length).toBe(20 + payload.length);
  });

  it("multicast to a group the neighbour joined is delivered (OSPF's AllSPFRouters, out of one interface)", () => {
    const { net, node } = chain(3);
    const got: IpDatagram[] = [];
    node("r2").joinGroup(ALL_SPF_ROUTERS);
    node("r2").ipBind(OSPF, (d) => got.push(d));
    node("r3").ipBind(OSPF, (d) => got.push(d));
    expect(node("r1").sendIp(ALL_SPF_ROUTERS, OSPF, new Uint8Array(24), { iface: 1, ttl: 1 }).ok).toBe(true);
    net.scheduler.runUntil(SECOND);
    expect(got.map((d) => [d.dst, d.iface])).toEqual([[ALL_SPF_ROUTERS, 1]]);
  });

  it("a datagram routed across a router arrives with its TTL decremented", () => {
    const { net, node } = chain(3);
    const got: IpDatagram[] = [];
    node("r3").ipBind(OSPF, (d) => got.push(d));
    node("r1").sendIp(ip("10.0.1.2"), OSPF, new Uint8Array([7]));
    net.scheduler.runUntil(SECOND);
    expect(got.map((d) => d.ttl)).toEqual([63]);
  });

  it("an unbound protocol is answered with ICMP protocol unreachable quoting the datagram", () => {
    const { net, events, node } = chain(2);
    const icmp: IcmpMessage[] = [];
    node("r1").icmpListen((m) => icmp.push({ ...m, data: m.data.slice() }));
    node("r1").sendIp(ip("10.0.0.2"), OSPF, new Uint8Array([1, 2, 3, 4]));
    net.scheduler.runUntil(SECOND);
    expect(events.some((e) => e.kind === "drop" && e.reason === "proto-unreachable" && e.node === "r2")).toBe(
      true,
    );
    expect(icmp).toHaveLength(1);
    expect(icmp[0]).toMatchObject({ src: ip("10.0.0.2"), type: ICMP_DEST_UNREACH, code: UNREACH_PROTOCOL });
    expect(ipv4Protocol(icmp[0]!.data)).toBe(OSPF); // the quoted original header
  });

  it("after close the protocol is unbound again; multicast to it gets no ICMP answer", () => {
    const { net, node } = chain(2);
    const got: IpDatagram[] = [];
    const icmp: IcmpMessage[] = [];
    node("r1").icmpListen((m) => icmp.push(m));
    node("r2").joinGroup(ALL_SPF_ROUTERS);
    node("r2")
      .ipBind(OSPF, (d) => got.push(d))
      .close();
    node("r1").sendIp(ALL_SPF_ROUTERS, OSPF, new Uint8Array(4), { iface: 1, ttl: 1 });
    net.scheduler.runUntil(SECOND);
    expect(got).toEqual([]);
    expect(icmp).toEqual([]); // RFC 1812 4.3.2.7: no ICMP error about a multicast datagram
    node("r1").sendIp(ip("10.0.0.2"), OSPF, new Uint8Array(4));
    net.scheduler.runUntil(2 * SECOND);
    expect(icmp.map((m) => m.code)).toEqual([UNREACH_PROTOCOL]);
  });

  it("refuses ICMP, UDP, numbers outside 1…255 and a second bind of the same protocol", () => {
    const { node } = chain(2);
    const r1 = node("r1");
    for (const p of [0, 1, 17, 256, 1.5]) expect(() => r1.ipBind(p, () => {})).toThrow(LabError);
    const first = r1.ipBind(6, () => {});
    expect(() => r1.ipBind(6, () => {})).toThrow(/already bound/);
    first.close();
    expect(() => r1.ipBind(6, () => {}).close()).not.toThrow();
    expect(r1.sendIp(ip("10.0.0.2"), OSPF, new Uint8Array(65536)).ok).toBe(false);
  });
});
