import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { foldChecksum, internetChecksum, onesSum, updateChecksum16 } from "./checksum.js";

// The header from Wikipedia's "IPv4 header checksum" example; b861 is the checksum it carries.
const WIKI = Uint8Array.from([
  0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8,
  0x00, 0xc7,
]);

describe("internet checksum", () => {
  it("verifies the Wikipedia header (sum over a correct header is 0)", () => {
    expect(internetChecksum(WIKI, 0, 20)).toBe(0);
  });

  it("computes b861 for the Wikipedia header with the checksum zeroed", () => {
    const h = WIKI.slice();
    h[10] = 0;
    h[11] = 0;
    expect(internetChecksum(h, 0, 20)).toBe(0xb861);
  });

  it("matches the RFC 1071 §3 example sum (ddf2 over 00 01 f2 03 f4 f5 f6 f7)", () => {
    const b = Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
    expect(foldChecksum(onesSum(b, 0, 8))).toBe(~0xddf2 & 0xffff);
  });

  it("pads an odd trailing byte with zero on the right", () => {
    const b = Uint8Array.from([0x12, 0x34, 0x56]);
    expect(onesSum(b, 0, 3)).toBe(0x1234 + 0x5600);
  });

  it("honours offset and accumulator", () => {
    const b = Uint8Array.from([0xff, 0x00, 0x01, 0x00, 0x02]);
    expect(onesSum(b, 1, 4, 7)).toBe(7 + 0x0001 + 0x0002);
  });

  it("folds multiple carries", () => {
    expect(foldChecksum(0x2fffd)).toBe(~0xffff & 0xffff); // 0xfffd + 2 = 0xffff
    expect(foldChecksum(0)).toBe(0xffff);
  });

  it("incremental update equals recomputation (RFC 1624)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 0xffff }),
        (hdr, word, nv) => {
          fc.pre(word !== 5); // word 5 holds the checksum itself
          const h = hdr.slice();
          h[10] = 0;
          h[11] = 0;
          const c = internetChecksum(h, 0, 20);
          h[10] = c >>> 8;
          h[11] = c & 0xff;
          const old = (h[word * 2]! << 8) | h[word * 2 + 1]!;
          h[word * 2] = nv >>> 8;
          h[word * 2 + 1] = nv & 0xff;
          const upd = updateChecksum16(c, old, nv);
          h[10] = upd >>> 8;
          h[11] = upd & 0xff;
          expect(internetChecksum(h, 0, 20)).toBe(0);
        },
      ),
    );
  });
});

describe("onesSum's word-at-a-time path", () => {
  /** RFC 1071 as written: big-endian words, one at a time. */
  function reference(b: Uint8Array, off: number, len: number, acc: number): number {
    let s = acc;
    for (let i = 0; i < len; i += 2) s += (b[off + i]! << 8) | (i + 1 < len ? b[off + i + 1]! : 0);
    return s;
  }

  it("gives the checksum of the byte-by-byte sum for any offset, length and accumulator", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 1600 }),
        fc.nat(),
        fc.nat(),
        fc.nat({ max: 0x3ffff }),
        fc.nat({ max: 7 }),
        (bytes, a, b, acc, shift) => {
          // A view at an odd or even offset into a larger buffer, as packets cut from a slab are.
          const backing = new Uint8Array(bytes.length + 8);
          const view = backing.subarray(shift, shift + bytes.length);
          view.set(bytes);
          const off = bytes.length === 0 ? 0 : a % bytes.length;
          const len = bytes.length === 0 ? 0 : b % (bytes.length - off + 1);
          expect(foldChecksum(onesSum(view, off, len, acc))).toBe(
            foldChecksum(reference(view, off, len, acc)),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("verifies a long all-ones range and an all-zero range", () => {
    const ones = new Uint8Array(600).fill(0xff);
    expect(foldChecksum(onesSum(ones, 0, 600))).toBe(foldChecksum(reference(ones, 0, 600, 0)));
    const zeros = new Uint8Array(600);
    expect(foldChecksum(onesSum(zeros, 2, 500, 0))).toBe(0xffff);
  });
});
