import { describe, expect, it } from "vitest";
import { ColumnBlock, grownCapacity, MIN_CAPACITY } from "./capacity.js";

describe("grownCapacity", () => {
  it("doubles up to the hint and stops there exactly", () => {
    const steps: number[] = [];
    let cap = MIN_CAPACITY;
    for (let needed = 1; needed <= 1500; needed++) {
      if (needed <= cap) continue;
      cap = grownCapacity(cap, needed, 1500);
      steps.push(cap);
    }
    expect(steps).toEqual([32, 64, 128, 256, 512, 1024, 1500]);
  });

  it("grows by a quarter past the hint, or without one", () => {
    expect(grownCapacity(1500, 1501, 1500)).toBe(1875);
    expect(grownCapacity(16, 17, 0)).toBe(32);
    expect(grownCapacity(400, 401, 0)).toBe(500);
  });

  it("always makes room for what is needed", () => {
    for (const [cap, needed, hint] of [
      [16, 100, 0],
      [16, 100, 50],
      [16, 40, 1000],
      [0, 1, 0],
    ] as const)
      expect(grownCapacity(cap, needed, hint)).toBeGreaterThanOrEqual(needed);
  });
});

describe("ColumnBlock", () => {
  it("carves aligned columns of one buffer that do not overlap", () => {
    const b = new ColumnBlock(5, 8 + 4 + 2 + 1);
    const f = b.f64();
    const u = b.u32();
    const h = b.u16();
    const c = b.u8();
    f.fill(-1);
    u.fill(0xffffffff);
    h.fill(0xffff);
    c.fill(7);
    expect([f.length, u.length, h.length, c.length]).toEqual([5, 5, 5, 5]);
    expect([...f]).toEqual([-1, -1, -1, -1, -1]);
    expect([...u]).toEqual(Array(5).fill(0xffffffff));
    expect([...c]).toEqual([7, 7, 7, 7, 7]);
    expect(b.buffer.byteLength).toBe(75);
  });

  it("refuses a wide column after narrow ones, and more columns than its slot holds", () => {
    const odd = new ColumnBlock(3, 1 + 4);
    odd.u8();
    expect(() => odd.u32()).toThrow(/taken after narrower/);
    const full = new ColumnBlock(4, 4);
    full.u32();
    expect(() => full.u8()).toThrow(/more columns/);
  });
});
