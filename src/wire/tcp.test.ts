/**
 * TCP codec tests on segments Linux 6 wrote: a connection between two network namespaces over a
 * veth pair with transmit checksum offload off, captured with tcpdump (the script is
 * test/fixtures/tcp/capture-linux.sh; tcpdump -v called every checksum correct). Parsing them
 * checks our verifier against the kernel's checksums, and re-emitting each Repr must give the
 * kernel's bytes back exactly (options and their order included).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WireError } from "./error.js";
import { IPV4_HEADER_LEN, ipv4Dst, ipv4Src } from "./ipv4.js";
import { buildTcpPacket } from "./packet.js";
import { classify, summarize } from "./summary.js";
import {
  emitTcp,
  parseTcp,
  parseTcpOptions,
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  type TcpOption,
  type TcpRepr,
  tcpAck,
  tcpChecksum,
  tcpDstPort,
  tcpFlags,
  tcpHeaderLen,
  tcpLen,
  tcpOptionsLen,
  tcpSeq,
  tcpSrcPort,
  tcpWindow,
} from "./tcp.js";

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g)!.map((h) => Number.parseInt(h, 16)));
}

/** IPv4 datagrams (Ethernet header cut off) in capture order. */
const CAPTURED = [
  // 10.99.0.1.60064 > 10.99.0.2.7777: Flags [S], seq 1355954964, win 64240,
  // options [mss 1460,sackOK,TS val 1378996444 ecr 0,nop,wscale 10]
  "4500003c06f1400040061f030a6300010a630002eaa01e6150d23b1400000000a002faf0804d0000020405b40402080a5231d0dc000000000103030a",
  // Flags [S.], seq 3636367587, ack 1355954965, win 65160
  "4500003c00004000400625f40a6300020a6300011e61eaa0d8be90e350d23b15a012fe88fd380000020405b40402080aa9096cbf5231d0dc0103030a",
  // Flags [.], ack 1, win 63, options [nop,nop,TS ...]
  "4500003406f2400040061f0a0a6300010a630002eaa01e6150d23b15d8be90e48010003f2a5200000101080a5231d0dca9096cbf",
  // Flags [P.], seq 1:7, "hello\n"
  "4500003a06f3400040061f030a6300010a630002eaa01e6150d23b15d8be90e48018003fe66700000101080a5231d0dca9096cbf68656c6c6f0a",
  "450000344e8c40004006d76f0a6300020a6300011e61eaa0d8be90e450d23b1b801000402a4b00000101080aa9096cbf5231d0dc",
  // Flags [P.], "hello back\n"
  "4500003f4e8d40004006d7630a6300020a6300011e61eaa0d8be90e450d23b1b80180040167900000101080aa9096cbf5231d0dc68656c6c6f206261636b0a",
  "4500003406f4400040061f080a6300010a630002eaa01e6150d23b1bd8be90ef8010003f2a4100000101080a5231d0dca9096cbf",
  // Flags [F.] from the server (its close), then the client's [F.] and the last ACK
  "450000344e8e40004006d76d0a6300020a6300011e61eaa0d8be90ef50d23b1b801100402a3f00000101080aa9096cbf5231d0dc",
  "4500003406f5400040061f070a6300010a630002eaa01e6150d23b1bd8be90f08011003f2a3a00000101080a5231d0e1a9096cbf",
  "450000344e8f40004006d76c0a6300020a6300011e61eaa0d8be90f050d23b1c801000402a3400000101080aa9096cc45231d0e1",
  // SYN to closed port 23, and the kernel's answer: Flags [R.], seq 0, ack ISS+1, win 0
  "4500003c4e7440004006d77f0a6300010a630002bbca001734cdff2800000000a002faf023130000020405b40402080aed3f3819000000000103030a",
  "4500002800004000400626080a6300020a6300010017bbca0000000034cdff2950140000ab2f0000",
].map(hex);

const SYN = CAPTURED[0]!;
const SYN_OPTIONS: TcpOption[] = [
  { kind: "mss", mss: 1460 },
  { kind: "sack-permitted" },
  { kind: "timestamps", tsVal: 1378996444, tsEcr: 0 },
  { kind: "nop" },
  { kind: "wscale", shift: 10 },
];

function parseIp(ip: Uint8Array): TcpRepr | WireError {
  return parseTcp(ip, IPV4_HEADER_LEN, ip.length - IPV4_HEADER_LEN, ipv4Src(ip), ipv4Dst(ip));
}

describe("tcp codec on Linux's segments", () => {
  it("deconstruct: the SYN's fields in place", () => {
    const o = IPV4_HEADER_LEN;
    expect(tcpSrcPort(SYN, o)).toBe(60064);
    expect(tcpDstPort(SYN, o)).toBe(7777);
    expect(tcpSeq(SYN, o)).toBe(1355954964);
    expect(tcpAck(SYN, o)).toBe(0);
    expect(tcpHeaderLen(SYN, o)).toBe(40);
    expect(tcpFlags(SYN, o)).toBe(TCP_SYN);
    expect(tcpWindow(SYN, o)).toBe(64240);
    expect(tcpChecksum(SYN, o)).toBe(0x804d);
  });

  it("parse: the SYN's Repr, options in order", () => {
    const r = parseIp(SYN) as TcpRepr;
    expect(r).toEqual({
      srcPort: 60064,
      dstPort: 7777,
      seq: 1355954964,
      ack: 0,
      flags: TCP_SYN,
      window: 64240,
      urgent: 0,
      options: SYN_OPTIONS,
      payload: new Uint8Array(0),
    });
  });

  it("parse: data, FIN and RST segments", () => {
    const data = parseIp(CAPTURED[3]!) as TcpRepr;
    expect(data.flags).toBe(TCP_PSH | TCP_ACK);
    expect(new TextDecoder().decode(data.payload)).toBe("hello\n");
    expect((parseIp(CAPTURED[7]!) as TcpRepr).flags).toBe(TCP_FIN | TCP_ACK);
    const rst = parseIp(CAPTURED[11]!) as TcpRepr;
    expect(rst).toMatchObject({ flags: TCP_RST | TCP_ACK, seq: 0, ack: 0x34cdff29, window: 0, options: [] });
  });

  it("construct and emit: every Repr re-emits the kernel's bytes exactly", () => {
    for (const ip of CAPTURED) {
      const r = parseIp(ip) as TcpRepr;
      expect(tcpLen(r)).toBe(ip.length - IPV4_HEADER_LEN);
      const b = new Uint8Array(tcpLen(r));
      emitTcp(r, b, 0, ipv4Src(ip), ipv4Dst(ip));
      expect([...b]).toEqual([...ip.subarray(IPV4_HEADER_LEN)]);
    }
  });

  it("construct: buildTcpPacket gives the whole datagram, IP header included", () => {
    const r = parseIp(CAPTURED[11]!) as TcpRepr;
    const b = buildTcpPacket(
      { tos: 0, id: 0, dontFrag: true, ttl: 64, src: ipv4Src(CAPTURED[11]!), dst: ipv4Dst(CAPTURED[11]!) },
      r,
    );
    expect([...b]).toEqual([...CAPTURED[11]!]);
  });

  it("summaries as tcpdump -S prints them", () => {
    expect(summarize(SYN)).toBe(
      "TCP 60064 > 7777: Flags [S], seq 1355954964, win 64240, options [mss 1460,sackOK,TS val 1378996444 ecr 0,nop,wscale 10], length 0",
    );
    expect(summarize(CAPTURED[3]!)).toBe(
      "TCP 60064 > 7777: Flags [P.], seq 1355954965:1355954971, ack 3636367588, win 63, options [nop,nop,TS val 1378996444 ecr 2835967167], length 6",
    );
    expect(summarize(CAPTURED[2]!)).toMatch(/^TCP 60064 > 7777: Flags \[\.\], ack 3636367588, win 63,/);
    expect(summarize(CAPTURED[11]!)).toBe(
      "TCP 23 > 48074: Flags [R.], seq 0, ack 885915433, win 0, length 0",
    );
    expect(CAPTURED.map(classify)).toEqual(CAPTURED.map(() => "tcp"));
  });
});

describe("tcp codec checks", () => {
  it("a wrong pseudo-header (address) fails the checksum", () => {
    const e = parseTcp(SYN, 20, SYN.length - 20, ipv4Src(SYN), ipv4Dst(SYN) + 1) as WireError;
    expect(e.kind).toBe("checksum");
  });
  it("rejects bad lengths and data offsets", () => {
    expect((parseTcp(SYN, 20, 19, 0, 0) as WireError).reason).toMatch(/truncated/);
    const small = SYN.slice();
    small[32] = 0x40;
    expect((parseTcp(small, 20, 40, 0, 0) as WireError).reason).toMatch(/data offset 4 < 5/);
    expect((parseTcp(SYN, 20, 30, 0, 0) as WireError).reason).toMatch(/header length 40 > 30/);
    expect((parseTcp(SYN, 20, 100, 0, 0) as WireError).reason).toMatch(/beyond buffer/);
  });
  it("options: wrong lengths are errors; unknown kinds and EOL padding are kept", () => {
    expect((parseTcpOptions(Uint8Array.of(2, 3, 5), 0, 3) as WireError).reason).toMatch(/length 3 != 4/);
    expect((parseTcpOptions(Uint8Array.of(2), 0, 1) as WireError).reason).toMatch(/no length byte/);
    expect((parseTcpOptions(Uint8Array.of(30, 9, 0), 0, 3) as WireError).reason).toMatch(/out of bounds/);
    expect((parseTcpOptions(Uint8Array.of(30, 1), 0, 2) as WireError).reason).toMatch(/out of bounds/);
    expect(parseTcpOptions(Uint8Array.of(1, 30, 4, 0xaa, 0xbb, 0, 7, 7), 0, 8)).toEqual([
      { kind: "nop" },
      { kind: "unknown", type: 30, data: Uint8Array.of(0xaa, 0xbb) },
    ]);
  });
  it("an explicit EOL is written, and ends the list when read", () => {
    const opts: TcpOption[] = [{ kind: "mss", mss: 536 }, { kind: "eol" }, { kind: "nop" }];
    const r: TcpRepr = {
      srcPort: 1,
      dstPort: 2,
      seq: 3,
      ack: 4,
      flags: TCP_SYN,
      window: 5,
      urgent: 0,
      options: opts,
      payload: new Uint8Array(0),
    };
    const b = new Uint8Array(tcpLen(r));
    emitTcp(r, b, 0, 7, 8);
    expect([...b.subarray(20)]).toEqual([2, 4, 2, 24, 0, 1, 0, 0]);
    expect((parseTcp(b, 0, b.length, 7, 8) as TcpRepr).options).toEqual([{ kind: "mss", mss: 536 }]);
  });
  it("emit refuses options past 40 bytes", () => {
    const r: TcpRepr = {
      srcPort: 1,
      dstPort: 2,
      seq: 0,
      ack: 0,
      flags: 0,
      window: 0,
      urgent: 0,
      options: [{ kind: "unknown", type: 99, data: new Uint8Array(40) }],
      payload: new Uint8Array(0),
    };
    expect(() => emitTcp(r, new Uint8Array(80), 0, 0, 0)).toThrow(/options of 44 bytes/);
  });
});

const arbOption: fc.Arbitrary<TcpOption> = fc.oneof(
  fc.constant<TcpOption>({ kind: "nop" }),
  fc.integer({ min: 0, max: 0xffff }).map((mss): TcpOption => ({ kind: "mss", mss })),
  fc.integer({ min: 0, max: 255 }).map((shift): TcpOption => ({ kind: "wscale", shift })),
  fc.constant<TcpOption>({ kind: "sack-permitted" }),
  fc
    .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }))
    .map(([tsVal, tsEcr]): TcpOption => ({ kind: "timestamps", tsVal, tsEcr })),
  fc
    .tuple(fc.constantFrom(5, 6, 7, 29, 30, 34, 253, 254), fc.uint8Array({ maxLength: 8 }))
    .map(([type, data]): TcpOption => ({ kind: "unknown", type, data })),
);

/** Options that fit 40 bytes (EOL is not among them: it parses as the end, see parseTcpOptions). */
const arbOptions = fc.array(arbOption, { maxLength: 6 }).filter((opts) => tcpOptionsLen(opts) <= 40);

describe("tcp properties", () => {
  it("parse ∘ emit is the identity on Reprs", () => {
    fc.assert(
      fc.property(
        fc.record({
          srcPort: fc.integer({ min: 0, max: 0xffff }),
          dstPort: fc.integer({ min: 0, max: 0xffff }),
          seq: fc.integer({ min: 0, max: 0xffffffff }),
          ack: fc.integer({ min: 0, max: 0xffffffff }),
          flags: fc.integer({ min: 0, max: 0xff }),
          window: fc.integer({ min: 0, max: 0xffff }),
          urgent: fc.integer({ min: 0, max: 0xffff }),
          options: arbOptions,
          payload: fc.uint8Array({ maxLength: 300 }),
        }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (r, s, d) => {
          const b = new Uint8Array(tcpLen(r) + 3);
          emitTcp(r, b, 3, s, d);
          expect(parseTcp(b, 3, tcpLen(r), s, d)).toEqual(r);
        },
      ),
    );
  });

  it("emit ∘ parse is the identity on bytes the kernel wrote, flipping any one bit breaks the checksum", () => {
    fc.assert(
      fc.property(fc.constantFrom(...CAPTURED), fc.nat(), (ip, bit) => {
        const at = IPV4_HEADER_LEN + ((bit >>> 3) % (ip.length - IPV4_HEADER_LEN));
        const c = ip.slice();
        c[at]! ^= 1 << (bit & 7);
        const r = parseIp(c);
        expect((r as WireError).kind ?? "parsed").not.toBe("parsed");
      }),
    );
  });
});
