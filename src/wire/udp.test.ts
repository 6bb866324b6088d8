import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WireError } from "./error.js";
import { emitUdp, parseUdp, type UdpRepr, udpDstPort, udpLen, udpSrcPort } from "./udp.js";

const SRC = 0xc0a80101; // 192.168.1.1
const DST = 0xc0a80102; // 192.168.1.2
// 48896 → 53, 4 bytes of payload (smoltcp's wire/udp.rs golden packet). Checksum by hand:
// pseudo-header c0a8+0101+c0a8+0102+0011+000c = 0x18370; header bf00+0035+000c = 0xbf41;
// data aa00+00ff = 0xaaff; total 0x2edb0 → fold 0xedb2 → complement 0x124d.
const PACKET = [0xbf, 0x00, 0x00, 0x35, 0x00, 0x0c, 0x12, 0x4d, 0xaa, 0x00, 0x00, 0xff];
const REPR: UdpRepr = { srcPort: 48896, dstPort: 53, payload: Uint8Array.from([0xaa, 0x00, 0x00, 0xff]) };

describe("udp", () => {
  it("deconstruct", () => {
    const b = Uint8Array.from(PACKET);
    expect(udpSrcPort(b, 0)).toBe(48896);
    expect(udpDstPort(b, 0)).toBe(53);
  });
  it("construct: emit writes the golden bytes", () => {
    const b = new Uint8Array(12);
    emitUdp(REPR, b, 0, SRC, DST);
    expect([...b]).toEqual(PACKET);
  });
  it("parse: golden bytes give the Repr", () => {
    expect(parseUdp(Uint8Array.from(PACKET), 0, 12, SRC, DST)).toEqual(REPR);
  });
  it("emit: udpLen", () => {
    expect(udpLen(REPR)).toBe(12);
  });
  it("checks the pseudo-header: wrong addresses fail", () => {
    expect((parseUdp(Uint8Array.from(PACKET), 0, 12, SRC, DST + 1) as WireError).reason).toMatch(/checksum/);
  });
  it("accepts a zero checksum (none computed)", () => {
    const b = Uint8Array.from(PACKET);
    b[6] = 0;
    b[7] = 0;
    expect(parseUdp(b, 0, 12, 1, 2)).toEqual(REPR);
  });
  it("rejects bad lengths", () => {
    const b = Uint8Array.from(PACKET);
    expect((parseUdp(b, 0, 7, SRC, DST) as WireError).reason).toMatch(/truncated/);
    const short = b.slice();
    short[5] = 7;
    expect((parseUdp(short, 0, 12, SRC, DST) as WireError).reason).toMatch(/< 8/);
    const long = b.slice();
    long[5] = 13;
    expect((parseUdp(long, 0, 12, SRC, DST) as WireError).reason).toMatch(/13 > 12/);
  });
  it("ignores bytes after the UDP length", () => {
    const b = new Uint8Array(16);
    b.set(PACKET);
    b.fill(9, 12);
    expect(parseUdp(b, 0, 16, SRC, DST)).toEqual(REPR);
  });
  it("sends a computed checksum of 0 as 0xffff", () => {
    // Find a payload whose checksum computes to 0 by choosing the last word to cancel the sum.
    const p = new Uint8Array(2);
    const r = { srcPort: 1, dstPort: 2, payload: p };
    const b = new Uint8Array(10);
    emitUdp(r, b, 0, 0, 0);
    // Adjust payload so the complement sum becomes 0xffff (checksum 0).
    const c = (b[6]! << 8) | b[7]!;
    p[0] = c >>> 8;
    p[1] = c & 0xff;
    emitUdp(r, b, 0, 0, 0);
    expect([b[6], b[7]]).toEqual([0xff, 0xff]);
    expect(parseUdp(b, 0, 10, 0, 0)).toEqual(r);
  });
  it("property: round trip", () => {
    fc.assert(
      fc.property(
        fc.record({
          srcPort: fc.integer({ min: 0, max: 0xffff }),
          dstPort: fc.integer({ min: 0, max: 0xffff }),
          payload: fc.uint8Array({ maxLength: 300 }),
        }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (r, s, d) => {
          const b = new Uint8Array(udpLen(r) + 2);
          emitUdp(r, b, 2, s, d);
          expect(parseUdp(b, 2, udpLen(r), s, d)).toEqual(r);
        },
      ),
    );
  });
});
