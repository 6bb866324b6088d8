import { describe, expect, it } from "vitest";
import { ICMP_ECHO_REQUEST, type IcmpRepr, parseIcmp } from "./icmp.js";
import { IPPROTO_ICMP, IPPROTO_UDP, type Ipv4Repr, parseIpv4 } from "./ipv4.js";
import { allocUdpPayload, buildIcmpPacket, buildIpPacket, buildTcpPacket, buildUdpPacket } from "./packet.js";
import type { TcpRepr } from "./tcp.js";
import { parseUdp } from "./udp.js";

const IP = { tos: 0, id: 0x4242, dontFrag: false, ttl: 64, src: 0x0a000101, dst: 0x0a000202 };

describe("packet builders", () => {
  it("builds an ICMP echo request that parses at every layer", () => {
    const icmp: IcmpRepr = {
      type: ICMP_ECHO_REQUEST,
      code: 0,
      ident: 0x1234,
      seq: 3,
      data: new Uint8Array(56).fill(7),
    };
    const p = buildIcmpPacket(IP, icmp);
    expect(p.length).toBe(84);
    const ip = parseIpv4(p) as Ipv4Repr;
    expect(ip).toEqual({ ...IP, protocol: IPPROTO_ICMP, payloadLen: 64 });
    expect(parseIcmp(p, 20, ip.payloadLen)).toEqual(icmp);
  });

  it("builds a UDP datagram with a valid pseudo-header checksum", () => {
    const udp = { srcPort: 41234, dstPort: 33435, payload: new Uint8Array(12).fill(1) };
    const p = buildUdpPacket(IP, udp);
    expect(p.length).toBe(40);
    const ip = parseIpv4(p) as Ipv4Repr;
    expect(ip.protocol).toBe(IPPROTO_UDP);
    expect(parseUdp(p, 20, ip.payloadLen, ip.src, ip.dst)).toEqual(udp);
  });
  it("with headroom, writes the same datagram after that many zero bytes (the sim's Ethernet frame)", () => {
    const icmp: IcmpRepr = {
      type: ICMP_ECHO_REQUEST,
      code: 0,
      ident: 7,
      seq: 1,
      data: new Uint8Array(33).fill(9),
    };
    const udp = { srcPort: 520, dstPort: 520, payload: new Uint8Array(24).fill(3) };
    const tcp: TcpRepr = {
      srcPort: 1024,
      dstPort: 22,
      seq: 1,
      ack: 0,
      flags: 0x02,
      window: 65535,
      urgent: 0,
      options: [],
      payload: new Uint8Array(5).fill(1),
    };
    const pairs: [Uint8Array, Uint8Array][] = [
      [buildIcmpPacket(IP, icmp), buildIcmpPacket(IP, icmp, 14)],
      [buildUdpPacket(IP, udp), buildUdpPacket(IP, udp, 14)],
      [
        buildIpPacket(IP, 89, new Uint8Array([1, 2, 3])),
        buildIpPacket(IP, 89, new Uint8Array([1, 2, 3]), 14),
      ],
      [buildTcpPacket(IP, tcp), buildTcpPacket(IP, tcp, 14)],
    ];
    for (const [bare, framed] of pairs) {
      expect(framed.length).toBe(bare.length + 14);
      expect([...framed.subarray(0, 14)]).toEqual(new Array(14).fill(0));
      expect([...framed.subarray(14)]).toEqual([...bare]);
    }
  });
  it("builds a datagram around a payload from allocUdpPayload without copying it, once", () => {
    const udp = (payload: Uint8Array) => ({ srcPort: 520, dstPort: 520, payload });
    const p = allocUdpPayload(24);
    p.fill(5, 0, 20); // the last 4 bytes left out below, as a short last RIP message is cut
    const short = p.subarray(0, 20);
    const copied = buildUdpPacket(IP, udp(short.slice()), 14);
    const framed = buildUdpPacket(IP, udp(short), 14);
    expect([...framed]).toEqual([...copied]);
    expect(framed.buffer).toBe(p.buffer);
    expect(framed.byteOffset + 14 + 28).toBe(p.byteOffset); // the payload stayed where it was
    // Claimed once: sent again, it is copied into a frame of its own, and the first is intact.
    const again = buildUdpPacket(IP, udp(short), 14);
    expect(again.byteOffset + 42).not.toBe(p.byteOffset);
    expect([...again]).toEqual([...copied]);
    expect([...framed]).toEqual([...copied]);
    // Without room for the headroom asked, or any other buffer: copied.
    const q = allocUdpPayload(8);
    expect(buildUdpPacket(IP, udp(q), 15).byteOffset + 15 + 28).not.toBe(q.byteOffset);
    expect(buildUdpPacket(IP, udp(new Uint8Array(8)), 14).length).toBe(50);
  });
});
