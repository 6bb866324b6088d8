import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WireError } from "./error.js";
import {
  emitIcmp,
  ICMP_DEST_UNREACH,
  ICMP_ECHO_REQUEST,
  ICMP_TIME_EXCEEDED,
  type IcmpRepr,
  icmpCode,
  icmpIdent,
  icmpIsError,
  icmpLen,
  icmpSeq,
  icmpType,
  parseIcmp,
  quoteOriginal,
  UNREACH_PORT,
} from "./icmp.js";
import { emitIpv4, IPPROTO_UDP } from "./ipv4.js";

// Echo request id 0x1234 seq 0xabcd with 4 data bytes. Checksum by hand:
// 0800+0000+1234+abcd+aa00+00ff = 0x17100 → fold 0x7101 → complement 0x8efe.
const ECHO = [0x08, 0x00, 0x8e, 0xfe, 0x12, 0x34, 0xab, 0xcd, 0xaa, 0x00, 0x00, 0xff];
const ECHO_REPR: IcmpRepr = {
  type: ICMP_ECHO_REQUEST,
  code: 0,
  ident: 0x1234,
  seq: 0xabcd,
  data: Uint8Array.from([0xaa, 0x00, 0x00, 0xff]),
};

function arbRepr(): fc.Arbitrary<IcmpRepr> {
  return fc.record({
    type: fc.integer({ min: 0, max: 255 }),
    code: fc.integer({ min: 0, max: 255 }),
    ident: fc.integer({ min: 0, max: 0xffff }),
    seq: fc.integer({ min: 0, max: 0xffff }),
    data: fc.uint8Array({ maxLength: 100 }),
  });
}

describe("icmp", () => {
  it("deconstruct: fields of the golden echo request", () => {
    const b = Uint8Array.from([0xee, ...ECHO]);
    expect(icmpType(b, 1)).toBe(ICMP_ECHO_REQUEST);
    expect(icmpCode(b, 1)).toBe(0);
    expect(icmpIdent(b, 1)).toBe(0x1234);
    expect(icmpSeq(b, 1)).toBe(0xabcd);
    expect((b[3]! << 8) | b[4]!).toBe(0x8efe);
    expect(icmpIsError(ICMP_TIME_EXCEEDED) && icmpIsError(ICMP_DEST_UNREACH) && !icmpIsError(0)).toBe(true);
  });

  it("construct: emit writes the golden bytes at an offset", () => {
    const b = new Uint8Array(3 + ECHO.length).fill(0x55);
    emitIcmp(ECHO_REPR, b, 3);
    expect([...b.subarray(3)]).toEqual(ECHO);
    expect([...b.subarray(0, 3)]).toEqual([0x55, 0x55, 0x55]);
  });

  it("parse: golden bytes give the Repr, data is a view", () => {
    const b = Uint8Array.from([0, 0, ...ECHO]);
    const r = parseIcmp(b, 2, ECHO.length) as IcmpRepr;
    expect(r).toEqual(ECHO_REPR);
    expect(r.data.buffer).toBe(b.buffer);
  });

  it("emit: icmpLen matches", () => {
    expect(icmpLen(ECHO_REPR)).toBe(12);
  });

  it("rejects short and bad-checksum messages", () => {
    expect(parseIcmp(Uint8Array.from(ECHO), 0, 7)).toMatchObject({ reason: /truncated/, kind: "malformed" });
    const bad = Uint8Array.from(ECHO);
    bad[9] ^= 1;
    expect(parseIcmp(bad, 0, bad.length)).toMatchObject({ reason: /checksum/, kind: "checksum" });
    expect(parseIcmp(Uint8Array.from(ECHO), 4, 12)).toBeInstanceOf(WireError);
  });

  it("checksums an odd-length message correctly", () => {
    const r = { ...ECHO_REPR, data: Uint8Array.from([1, 2, 3]) };
    const b = new Uint8Array(icmpLen(r));
    emitIcmp(r, b, 0);
    expect(parseIcmp(b, 0, b.length)).toEqual(r);
  });

  it("quotes header + 8 bytes of the original datagram", () => {
    const orig = new Uint8Array(60);
    emitIpv4(
      { tos: 0, id: 7, dontFrag: false, ttl: 1, protocol: IPPROTO_UDP, src: 1, dst: 2, payloadLen: 40 },
      orig,
    );
    for (let i = 20; i < 60; i++) orig[i] = i;
    const q = quoteOriginal(orig);
    expect(q.length).toBe(28);
    expect([...q]).toEqual([...orig.subarray(0, 28)]);
    orig[20] = 99;
    expect(q[20]).toBe(20); // a copy, not a view
  });

  it("quotes less when the original payload is shorter than 8 bytes", () => {
    const orig = new Uint8Array(30);
    emitIpv4({ tos: 0, id: 7, dontFrag: false, ttl: 1, protocol: 1, src: 1, dst: 2, payloadLen: 4 }, orig);
    expect(quoteOriginal(orig).length).toBe(24);
    expect(quoteOriginal(new Uint8Array(5)).length).toBe(5);
  });

  it("builds a port unreachable and a time exceeded that parse back", () => {
    for (const [type, code] of [
      [ICMP_DEST_UNREACH, UNREACH_PORT],
      [ICMP_TIME_EXCEEDED, 0],
    ] as const) {
      const r: IcmpRepr = { type, code, ident: 0, seq: 0, data: new Uint8Array(28).fill(3) };
      const b = new Uint8Array(icmpLen(r));
      emitIcmp(r, b, 0);
      expect([...b.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
      expect(parseIcmp(b, 0, b.length)).toEqual(r);
    }
  });

  it("property: emit/parse round trip", () => {
    fc.assert(
      fc.property(arbRepr(), fc.integer({ min: 0, max: 5 }), (r, off) => {
        const b = new Uint8Array(off + icmpLen(r));
        emitIcmp(r, b, off);
        expect(parseIcmp(b, off, icmpLen(r))).toEqual(r);
      }),
    );
  });
});
