import { describe, expect, it } from "vitest";
import { grownCapacity, MIN_CAPACITY } from "./capacity.js";

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
