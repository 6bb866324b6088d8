import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocBytes, get16, get32, put16, put32 } from "./bytes.js";

describe("bytes", () => {
  it("reads and writes big-endian fields", () => {
    const b = new Uint8Array(6);
    put16(b, 0, 0x1234);
    put32(b, 2, 0xdeadbeef);
    expect([...b]).toEqual([0x12, 0x34, 0xde, 0xad, 0xbe, 0xef]);
    expect(get16(b, 0)).toBe(0x1234);
    expect(get32(b, 2)).toBe(0xdeadbeef);
  });

  it("allocBytes gives zeroed, disjoint buffers of the asked length", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6000 }), { maxLength: 40 }), (sizes) => {
        const bufs = sizes.map((n) => allocBytes(n));
        bufs.forEach((b, i) => {
          expect(b.length).toBe(sizes[i]);
          expect(b.every((x) => x === 0)).toBe(true);
          b.fill(i + 1);
        });
        bufs.forEach((b, i) => {
          expect(b.every((x) => x === ((i + 1) & 0xff))).toBe(true);
        });
      }),
    );
  });
});
