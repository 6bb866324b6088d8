/**
 * Real packets, captured on Linux 6 loopback with tcpdump (`ping -c1 -s 16 127.0.0.1`, then a UDP
 * datagram to closed port 33435, which the kernel answered with a port unreachable). Checksums,
 * lengths and layouts here were written by the Linux kernel, not by us: parsing them checks our
 * verifiers, and re-emitting each Repr must give back the kernel's bytes exactly. tshark 4.0
 * decoded the same file: IPv4 and ICMP checksums Good, the UDP one Bad (offload, see below).
 */
import { describe, expect, it } from "vitest";
import { WireError } from "./error.js";
import { emitIcmp, type IcmpRepr, parseIcmp } from "./icmp.js";
import { emitIpv4, type Ipv4Repr, parseIpv4 } from "./ipv4.js";
import { LINKTYPE_ETHERNET, type PcapFile, parsePcap } from "./pcap.js";
import { classify, summarize } from "./summary.js";
import { emitUdp, parseUdp, type UdpRepr } from "./udp.js";

/** The tcpdump file as written (little-endian, microseconds, Ethernet link type). */
const PCAP_HEX =
  "d4c3b2a1020004000000000000000000000004000100000086eb086bd3be0d003a0000003a00000000000000000000000000000008004500002c08a040004001342f7f0000017f00000108009e167dd4000186eb086b000000003fbd0d000000000086eb086beabe0d003a0000003a00000000000000000000000000000008004500002c08a100004001742e7f0000017f0000010000a6167dd4000186eb086b000000003fbd0d000000000087eb086b93ae0200380000003800000000000000000000000000000008004500002a1d91400040111f307f0000017f000001c9cb829b0016fe2968656c6c6f20726f7574656c616287eb086bbdae02005400000054000000000000000000000000000000080045c0004608da00004001731b7f0000017f0000010303bfb0000000004500002a1d91400040111f307f0000017f000001c9cb829b0016fe2968656c6c6f20726f7574656c6162";

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g)!.map((h) => Number.parseInt(h, 16)));
}

const ETH_LEN = 14;
const file = parsePcap(hex(PCAP_HEX)) as PcapFile;
const ip = file.records.map((r) => r.packet.subarray(ETH_LEN));

describe("packets captured from Linux", () => {
  it("tcpdump's file reads back", () => {
    expect(file).not.toBeInstanceOf(WireError);
    expect(file.linktype).toBe(LINKTYPE_ETHERNET);
    expect(file.nanos).toBe(false);
    expect(file.records.length).toBe(4);
    expect(file.records[1]!.sec).toBe(file.records[0]!.sec);
    expect(file.records[1]!.nsec - file.records[0]!.nsec).toBe(23_000);
  });

  it("summaries", () => {
    expect(ip.map(summarize)).toEqual([
      "ICMP echo request id=0x7dd4 seq=1",
      "ICMP echo reply id=0x7dd4 seq=1",
      "UDP 51659 > 33435 (traceroute probe)",
      "ICMP port unreachable",
    ]);
    expect(ip.map(classify)).toEqual(["echo-request", "echo-reply", "traceroute", "icmp-error"]);
  });

  it("echo request and reply: parse every layer, re-emit byte for byte", () => {
    for (const [i, type] of [
      [0, 8],
      [1, 0],
    ] as const) {
      const b = ip[i]!;
      const h = parseIpv4(b) as Ipv4Repr;
      expect(h).toMatchObject({ src: 0x7f000001, dst: 0x7f000001, ttl: 64, protocol: 1, payloadLen: 24 });
      expect(h.dontFrag).toBe(i === 0); // Linux sets DF on the request, not on the kernel's reply
      const m = parseIcmp(b, 20, h.payloadLen) as IcmpRepr;
      expect(m).toMatchObject({ type, code: 0, ident: 0x7dd4, seq: 1 });
      const out = new Uint8Array(b.length);
      emitIpv4(h, out);
      emitIcmp(m, out, 20);
      expect([...out]).toEqual([...b]);
    }
  });

  it("UDP datagram: the kernel's offload checksum is refused, as tshark refuses it", () => {
    // On loopback Linux leaves the UDP checksum partial (checksum offload): the capture holds
    // 0xfe29 and tshark reports "Bad checksum [should be 0xc2b3]". Our verifier must agree.
    const b = ip[2]!;
    const h = parseIpv4(b) as Ipv4Repr;
    expect((parseUdp(b, 20, h.payloadLen, h.src, h.dst) as WireError).reason).toMatch(/checksum/);
    const fixed = b.slice();
    fixed[26] = 0xc2;
    fixed[27] = 0xb3;
    const u = parseUdp(fixed, 20, h.payloadLen, h.src, h.dst) as UdpRepr;
    expect(u.srcPort).toBe(51659);
    expect(u.dstPort).toBe(33435);
    expect(new TextDecoder().decode(u.payload)).toBe("hello routelab");
    const out = new Uint8Array(b.length);
    emitIpv4(h, out);
    emitUdp(u, out, 20, h.src, h.dst);
    expect([...out]).toEqual([...fixed]);
  });

  it("port unreachable: TOS 0xc0, quotes the original datagram exactly", () => {
    const b = ip[3]!;
    const h = parseIpv4(b) as Ipv4Repr;
    expect(h.tos).toBe(0xc0);
    const m = parseIcmp(b, 20, h.payloadLen) as IcmpRepr;
    expect(m).toMatchObject({ type: 3, code: 3, ident: 0, seq: 0 });
    // Linux quotes as much as fits in 576 bytes; here the whole 42-byte datagram.
    expect([...m.data]).toEqual([...ip[2]!]);
    const out = new Uint8Array(b.length);
    emitIpv4(h, out);
    emitIcmp(m, out, 20);
    expect([...out]).toEqual([...b]);
  });

  it("a flipped bit anywhere is caught by one of the checksums", () => {
    const udpFixed = ip[2]!.slice();
    udpFixed[26] = 0xc2;
    udpFixed[27] = 0xb3;
    for (const b of [ip[0]!, ip[1]!, udpFixed, ip[3]!]) {
      const h0 = parseIpv4(b) as Ipv4Repr;
      const ok =
        h0.protocol === 1 ? parseIcmp(b, 20, h0.payloadLen) : parseUdp(b, 20, h0.payloadLen, h0.src, h0.dst);
      expect(ok).not.toBeInstanceOf(WireError);
      for (let at = 0; at < b.length; at++) {
        const c = b.slice();
        c[at] = c[at]! ^ 0x10;
        const h = parseIpv4(c);
        if (h instanceof WireError) continue;
        const body =
          h.protocol === 1 ? parseIcmp(c, 20, h.payloadLen) : parseUdp(c, 20, h.payloadLen, h.src, h.dst);
        expect(body, `byte ${at}`).toBeInstanceOf(WireError);
      }
    }
  });
});
