import { describe, expect, it } from "vitest";
import { ICMP_DEST_UNREACH, ICMP_ECHO_REPLY, ICMP_ECHO_REQUEST, ICMP_TIME_EXCEEDED } from "./icmp.js";
import { emitIpv4 } from "./ipv4.js";
import { buildIcmpPacket, buildUdpPacket } from "./packet.js";
import { emitRip, RIP_PORT, wholeTableRequest } from "./rip.js";
import { classify, summarize } from "./summary.js";

const IP = { tos: 0, id: 1, dontFrag: false, ttl: 64, src: 0x0a000001, dst: 0x0a000002 };
const icmp = (type: number, code: number, ident = 0, seq = 0) =>
  buildIcmpPacket(IP, { type, code, ident, seq, data: new Uint8Array(28) });
const udp = (srcPort: number, dstPort: number, payload: Uint8Array = new Uint8Array(12)) =>
  buildUdpPacket(IP, { srcPort, dstPort, payload });
const route = { afi: 2, tag: 0, addr: 0x0a000000, mask: 0xffffff00, nextHop: 0, metric: 1 };

describe("summarize and classify", () => {
  const cases: [string, Uint8Array, string, string][] = [
    [
      "echo request",
      icmp(ICMP_ECHO_REQUEST, 0, 0x1234, 3),
      "ICMP echo request id=0x1234 seq=3",
      "echo-request",
    ],
    ["echo reply", icmp(ICMP_ECHO_REPLY, 0, 0x00ab, 0), "ICMP echo reply id=0x00ab seq=0", "echo-reply"],
    ["time exceeded", icmp(ICMP_TIME_EXCEEDED, 0), "ICMP time exceeded", "icmp-error"],
    ["net unreachable", icmp(ICMP_DEST_UNREACH, 0), "ICMP net unreachable", "icmp-error"],
    ["host unreachable", icmp(ICMP_DEST_UNREACH, 1), "ICMP host unreachable", "icmp-error"],
    ["protocol unreachable", icmp(ICMP_DEST_UNREACH, 2), "ICMP protocol unreachable", "icmp-error"],
    ["port unreachable", icmp(ICMP_DEST_UNREACH, 3), "ICMP port unreachable", "icmp-error"],
    ["other icmp", icmp(13, 0), "ICMP type 13 code 0", "other"],
    ["traceroute probe", udp(41234, 33435), "UDP 41234 > 33435 (traceroute probe)", "traceroute"],
    ["plain udp", udp(1000, 53), "UDP 1000 > 53", "udp"],
    [
      "rip response",
      udp(RIP_PORT, RIP_PORT, emitRip({ command: 2, version: 2, entries: new Array(7).fill(route) })),
      "RIPv2 response, 7 routes",
      "rip",
    ],
    [
      "rip whole-table request",
      udp(RIP_PORT, RIP_PORT, emitRip(wholeTableRequest())),
      "RIPv2 request (whole table)",
      "rip",
    ],
    [
      "rip specific request",
      udp(1234, RIP_PORT, emitRip({ command: 1, version: 2, entries: [route] })),
      "RIPv2 request, 1 route",
      "rip",
    ],
    ["malformed rip", udp(RIP_PORT, RIP_PORT, new Uint8Array(3)), "UDP 520 > 520 (malformed RIP)", "rip"],
  ];
  for (const [name, pkt, text, cls] of cases) {
    it(name, () => {
      expect(summarize(pkt)).toBe(text);
      expect(classify(pkt)).toBe(cls);
    });
  }

  it("other protocols and garbage", () => {
    const b = new Uint8Array(40);
    emitIpv4({ ...IP, protocol: 47, payloadLen: 20 }, b);
    expect(summarize(b)).toBe("IPv4 proto 47");
    expect(classify(b)).toBe("other");
    // TCP with a zero data offset: named, not decoded (tcp.test.ts has the real segments).
    emitIpv4({ ...IP, protocol: 6, payloadLen: 20 }, b);
    expect(summarize(b)).toBe("TCP 0 > 0 (bad header length)");
    expect(classify(b)).toBe("tcp");
    expect(summarize(b.subarray(0, 30))).toBe("TCP (truncated)");
    expect(summarize(new Uint8Array(3))).toBe("malformed");
    // OSPF (protocol 89): named by its header, as tcpdump does, whatever its body or checksum.
    emitIpv4({ ...IP, protocol: 89, payloadLen: 20 }, b);
    expect(summarize(b)).toBe("OSPF (truncated)");
    expect(classify(b)).toBe("ospf");
    const c = new Uint8Array(44);
    emitIpv4({ ...IP, protocol: 89, payloadLen: 24 }, c);
    c.set([2, 9], 20);
    expect(summarize(c)).toBe("OSPFv2, type 9, length 24");
    c.set([2, 4], 20);
    expect(summarize(c)).toBe("OSPFv2, LS-Update, length 24");
    expect(summarize(new Uint8Array(20).fill(0x60))).toBe("malformed");
    expect(classify(new Uint8Array(0))).toBe("other");
    const t = icmp(ICMP_ECHO_REQUEST, 0).subarray(0, 24);
    expect(summarize(t)).toBe("ICMP (truncated)");
  });
});
