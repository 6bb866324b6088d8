/**
 * Fuzz properties for every parser (smoltcp keeps its fuzzers under fuzz/): random bytes and
 * mutations of valid packets never make a parser throw; the result is a value or a WireError.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WireError } from "./error.js";
import { ICMP_ECHO_REQUEST, parseIcmp, quoteOriginal } from "./icmp.js";
import {
  IPPROTO_OSPF,
  IPV4_HEADER_LEN,
  ipv4DecrementTtl,
  ipv4FillChecksum,
  ipv4HeaderChecksumOk,
  parseIpv4,
} from "./ipv4.js";
import { emitOspf, parseOspf } from "./ospf.js";
import { buildIcmpPacket, buildTcpPacket, buildUdpPacket } from "./packet.js";
import { parsePcap, pcapFileHeader, pcapRecord } from "./pcap.js";
import { emitRip, parseRip, RIP_PORT } from "./rip.js";
import { classify, summarize } from "./summary.js";
import { parseTcp, parseTcpOptions, TCP_SYN } from "./tcp.js";
import { parseUdp } from "./udp.js";

const IP = { tos: 0, id: 1, dontFrag: false, ttl: 64, src: 0x0a000001, dst: 0x0a000002 };
/** An IPv4 datagram carrying an OSPF LS Update with a Router-LSA and a Network-LSA. */
function ospfSeed(): Uint8Array {
  const ospf = emitOspf({
    routerId: 0x01010101,
    areaId: 0,
    body: {
      type: "ls-update",
      lsas: [
        {
          header: {
            age: 1,
            options: 2,
            type: 1,
            id: 1,
            advRouter: 1,
            seq: -0x7fffffff,
            checksum: 0,
            length: 0,
          },
          body: {
            kind: "router",
            flags: 0,
            links: [{ id: 0x0a000002, data: 0x0a000001, type: 2, metric: 10, tos: [] }],
          },
        },
        {
          header: {
            age: 1,
            options: 2,
            type: 2,
            id: 2,
            advRouter: 2,
            seq: -0x7fffffff,
            checksum: 0,
            length: 0,
          },
          body: { kind: "network", mask: 0xffffff00, routers: [1, 2] },
        },
      ],
    },
  });
  const b = new Uint8Array(IPV4_HEADER_LEN + ospf.length);
  b.set([
    0x45,
    0xc0,
    b.length >>> 8,
    b.length & 0xff,
    0,
    1,
    0,
    0,
    1,
    IPPROTO_OSPF,
    0,
    0,
    10,
    0,
    0,
    1,
    224,
    0,
    0,
    5,
  ]);
  b.set(ospf, IPV4_HEADER_LEN);
  ipv4FillChecksum(b);
  return b;
}

const SEEDS: Uint8Array[] = [
  ospfSeed(),
  buildIcmpPacket(IP, { type: ICMP_ECHO_REQUEST, code: 0, ident: 1, seq: 2, data: new Uint8Array(16) }),
  buildUdpPacket(IP, { srcPort: 1, dstPort: 33434, payload: new Uint8Array(12) }),
  buildUdpPacket(IP, {
    srcPort: RIP_PORT,
    dstPort: RIP_PORT,
    payload: emitRip({
      command: 2,
      version: 2,
      entries: [{ afi: 2, tag: 0, addr: 0x0a000000, mask: 0xff000000, nextHop: 0, metric: 1 }],
    }),
  }),
  buildTcpPacket(IP, {
    srcPort: 1024,
    dstPort: 7777,
    seq: 1,
    ack: 0,
    flags: TCP_SYN,
    window: 65535,
    urgent: 0,
    options: [
      { kind: "mss", mss: 1460 },
      { kind: "nop" },
      { kind: "wscale", shift: 3 },
      { kind: "sack-permitted" },
    ],
    payload: new Uint8Array(4),
  }),
];

/** Random bytes, or a valid packet with a few bytes overwritten and maybe cut short. */
const arbBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 120 }),
  fc
    .tuple(
      fc.constantFrom(...SEEDS),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.nat(),
    )
    .map(([seed, edits, cut]) => {
      const b = seed.slice();
      for (const [at, v] of edits) b[at % b.length] = v;
      return b.subarray(0, b.length - (cut % 4 === 0 ? cut % b.length : 0));
    }),
);

function valueOrWireError(x: unknown): boolean {
  return x instanceof WireError || (typeof x === "object" && x !== null);
}

describe("fuzz: parsers never throw", () => {
  it("ipv4, icmp, udp, tcp, rip, ospf over arbitrary bytes and offsets", () => {
    fc.assert(
      fc.property(
        arbBytes,
        fc.integer({ min: -2, max: 130 }),
        fc.integer({ min: -2, max: 130 }),
        (b, off, len) => {
          expect(valueOrWireError(parseIpv4(b))).toBe(true);
          expect(valueOrWireError(parseIcmp(b, off, len))).toBe(true);
          expect(valueOrWireError(parseUdp(b, off, len, 1, 2))).toBe(true);
          expect(valueOrWireError(parseRip(b, off, len))).toBe(true);
          expect(valueOrWireError(parseTcp(b, off, len, 1, 2))).toBe(true);
          expect(valueOrWireError(parseTcpOptions(b, Math.max(0, off), Math.min(b.length, off + len)))).toBe(
            true,
          );
          expect(valueOrWireError(parseRip(b))).toBe(true);
          expect(valueOrWireError(parseOspf(b, off, len))).toBe(true);
          expect(valueOrWireError(parseOspf(b, IPV4_HEADER_LEN))).toBe(true);
          expect(typeof summarize(b)).toBe("string");
          expect(typeof classify(b)).toBe("string");
          expect(quoteOriginal(b).length).toBeLessThanOrEqual(Math.max(b.length, 0));
          ipv4HeaderChecksumOk(b);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("a mutated packet that parses still has a valid header checksum", () => {
    fc.assert(
      fc.property(arbBytes, (b) => {
        const r = parseIpv4(b);
        if (!(r instanceof WireError)) {
          expect(ipv4HeaderChecksumOk(b)).toBe(true);
          const c = b.slice();
          if (c[8]! > 0) {
            ipv4DecrementTtl(c);
            expect(ipv4HeaderChecksumOk(c)).toBe(true);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("pcap reader on random and truncated files", () => {
    const good = new Uint8Array([
      ...pcapFileHeader(),
      ...pcapRecord(5, SEEDS[0]!),
      ...pcapRecord(9, SEEDS[1]!),
    ]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 100 }),
          fc.nat({ max: good.length }).map((n) => good.subarray(0, n)),
          fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, v]) => {
            const c = good.slice();
            c[at % c.length] = v;
            return c;
          }),
        ),
        (b) => {
          expect(valueOrWireError(parsePcap(b))).toBe(true);
        },
      ),
    );
  });
});
