import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { internetChecksum } from "./checksum.js";
import { WireError } from "./error.js";
import {
  emitIpv4,
  IPPROTO_UDP,
  IPV4_HEADER_LEN,
  type Ipv4Repr,
  ipv4Checksum,
  ipv4DecrementTtl,
  ipv4Dst,
  ipv4HeaderChecksumOk,
  ipv4Id,
  ipv4Ihl,
  ipv4Len,
  ipv4Protocol,
  ipv4Src,
  ipv4Tos,
  ipv4TotalLen,
  ipv4Ttl,
  ipv4Version,
  parseIpv4,
} from "./ipv4.js";

// Wikipedia's IPv4 checksum example header (192.168.0.1 → 192.168.0.199, UDP, DF, TTL 64,
// total length 0x73 = 115), followed by 95 payload bytes.
const HEADER = [
  0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8,
  0x00, 0xc7,
];
function packet(): Uint8Array {
  const b = new Uint8Array(115);
  b.set(HEADER);
  for (let i = 20; i < 115; i++) b[i] = i & 0xff;
  return b;
}
const REPR: Ipv4Repr = {
  tos: 0,
  id: 0,
  dontFrag: true,
  ttl: 64,
  protocol: IPPROTO_UDP,
  src: 0xc0a80001,
  dst: 0xc0a800c7,
  payloadLen: 95,
};

function arbRepr(): fc.Arbitrary<Ipv4Repr> {
  return fc.record({
    tos: fc.integer({ min: 0, max: 255 }),
    id: fc.integer({ min: 0, max: 0xffff }),
    dontFrag: fc.boolean(),
    ttl: fc.integer({ min: 0, max: 255 }),
    protocol: fc.integer({ min: 0, max: 255 }),
    src: fc.integer({ min: 0, max: 0xffffffff }),
    dst: fc.integer({ min: 0, max: 0xffffffff }),
    payloadLen: fc.integer({ min: 0, max: 200 }),
  });
}

/** A copy of `b` with one byte changed and the header checksum made valid again. */
function patched(b: Uint8Array, at: number, v: number): Uint8Array {
  const c = b.slice();
  c[at] = v;
  c[10] = 0;
  c[11] = 0;
  const s = internetChecksum(c, 0, 20);
  c[10] = s >>> 8;
  c[11] = s & 0xff;
  return c;
}

/** A copy of `b` with one byte changed, checksum left as it was. */
function withByte(b: Uint8Array, at: number, v: number): Uint8Array {
  const c = b.slice();
  c[at] = v;
  return c;
}

describe("ipv4", () => {
  it("deconstruct: accessors read the golden header", () => {
    const b = packet();
    expect(ipv4Version(b)).toBe(4);
    expect(ipv4Ihl(b)).toBe(5);
    expect(ipv4Tos(b)).toBe(0);
    expect(ipv4TotalLen(b)).toBe(115);
    expect(ipv4Id(b)).toBe(0);
    expect(ipv4Ttl(b)).toBe(64);
    expect(ipv4Protocol(b)).toBe(17);
    expect(ipv4Checksum(b)).toBe(0xb861);
    expect(ipv4Src(b)).toBe(0xc0a80001);
    expect(ipv4Dst(b)).toBe(0xc0a800c7);
    expect(ipv4HeaderChecksumOk(b)).toBe(true);
  });

  it("construct: emit writes the golden header bytes, checksum included", () => {
    const b = new Uint8Array(20).fill(0xee);
    emitIpv4(REPR, b);
    expect([...b]).toEqual(HEADER);
  });

  it("parse: the golden packet gives the Repr", () => {
    expect(parseIpv4(packet())).toEqual(REPR);
  });

  it("emit then parse: Repr round trip", () => {
    const b = packet();
    b.fill(0, 0, 20);
    emitIpv4(REPR, b);
    expect(parseIpv4(b)).toEqual(REPR);
    expect(ipv4Len(REPR)).toBe(115);
  });

  it("accepts trailing bytes beyond total length (link padding)", () => {
    const b = new Uint8Array(130);
    b.set(packet());
    expect(parseIpv4(b)).toEqual(REPR);
  });

  const rejects: [string, () => Uint8Array, RegExp][] = [
    ["short buffer", () => packet().subarray(0, 19), /truncated/],
    ["version 6", () => patched(packet(), 0, 0x65), /version 6/],
    ["IHL 4", () => patched(packet(), 0, 0x44), /header length 16/],
    ["IHL 6 (options)", () => patched(packet(), 0, 0x46), /options unsupported/],
    ["total length 19", () => patched(patched(packet(), 2, 0), 3, 19), /total length 19 < 20/],
    ["total length > buffer", () => patched(packet(), 3, 0x74), /116 > 115/],
    ["bad checksum", () => withByte(packet(), 11, 0x62), /checksum/],
    ["more fragments", () => patched(packet(), 6, 0x20), /fragmented/],
    ["fragment offset", () => patched(patched(packet(), 6, 0), 7, 1), /fragmented/],
  ];
  for (const [name, make, re] of rejects) {
    it(`rejects ${name}`, () => {
      const r = parseIpv4(make());
      expect(r).toBeInstanceOf(WireError);
      expect((r as WireError).reason).toMatch(re);
    });
  }

  it("decrements TTL keeping the checksum valid (golden: b861 → b961)", () => {
    const b = packet();
    expect(ipv4DecrementTtl(b)).toBe(63);
    expect(ipv4Ttl(b)).toBe(63);
    expect(ipv4Checksum(b)).toBe(0xb961);
    expect(ipv4HeaderChecksumOk(b)).toBe(true);
  });

  it("property: emit/parse round trip for random Reprs", () => {
    fc.assert(
      fc.property(arbRepr(), (r) => {
        const b = new Uint8Array(IPV4_HEADER_LEN + r.payloadLen);
        emitIpv4(r, b);
        expect(parseIpv4(b)).toEqual(r);
      }),
    );
  });

  it("property: TTL decrement keeps checksum valid for any header", () => {
    fc.assert(
      fc.property(arbRepr(), (r) => {
        fc.pre(r.ttl > 0);
        const b = new Uint8Array(IPV4_HEADER_LEN + r.payloadLen);
        emitIpv4(r, b);
        ipv4DecrementTtl(b);
        expect(ipv4HeaderChecksumOk(b)).toBe(true);
        expect(parseIpv4(b)).toEqual({ ...r, ttl: r.ttl - 1 });
      }),
    );
  });

  it("property: the 20-byte header check agrees with the general checksum on any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.boolean(), (bytes, fix) => {
        const b = Uint8Array.from(bytes);
        b[0] = 0x45;
        if (fix) {
          // Make it a valid header: the checksum field set so that the sum verifies.
          b[10] = 0;
          b[11] = 0;
          const c = internetChecksum(b, 0, 20);
          b[10] = c >>> 8;
          b[11] = c & 0xff;
        }
        expect(ipv4HeaderChecksumOk(b)).toBe(internetChecksum(b, 0, 20) === 0);
        if (fix) expect(ipv4HeaderChecksumOk(b)).toBe(true);
      }),
    );
  });

  it("property: header checksum detects any single-byte change", () => {
    fc.assert(
      fc.property(
        arbRepr(),
        fc.integer({ min: 0, max: 19 }),
        fc.integer({ min: 1, max: 255 }),
        (r, at, x) => {
          const b = new Uint8Array(IPV4_HEADER_LEN + r.payloadLen);
          emitIpv4(r, b);
          b[at] = b[at]! ^ x;
          expect(ipv4HeaderChecksumOk(b) && parseIpv4(b) instanceof WireError === false).toBe(false);
        },
      ),
    );
  });
});
