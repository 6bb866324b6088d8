import { describe, expect, it } from "vitest";
import { flowHash, flowNextHop, pathIndex } from "./multipath.js";

describe("multipath next-hop choice (Linux fib_select_multipath over fib_multipath_hash)", () => {
  it("splits the 31-bit hash space into equal shares by upper bound, as fib_rebalance does", () => {
    // Two hops: bound round(2^31 / 2) - 1 = 2^30 - 1.
    expect(pathIndex(0, 2)).toBe(0);
    expect(pathIndex(2 ** 30 - 1, 2)).toBe(0);
    expect(pathIndex(2 ** 30, 2)).toBe(1);
    expect(pathIndex(2 ** 31 - 1, 2)).toBe(1);
    // Three: bounds round(2^31/3)-1 = 715827882, round(2^32/3)-1 = 1431655764.
    expect(pathIndex(715827882, 3)).toBe(0);
    expect(pathIndex(715827883, 3)).toBe(1);
    expect(pathIndex(1431655765, 3)).toBe(2);
    expect(pathIndex(123, 1)).toBe(0);
  });

  it("is one hop per flow, the same every run, spread about evenly, and keyed", () => {
    const hops = [
      { gateway: 1, iface: 1 },
      { gateway: 2, iface: 2 },
      { gateway: 3, iface: 3 },
    ];
    const counts = [0, 0, 0];
    for (let s = 0; s < 3000; s++) {
      const src = (0x0a000000 + s * 7) >>> 0;
      const h = flowHash(src, 0x0a001e01, 42);
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThan(2 ** 31);
      expect(flowNextHop(hops, src, 0x0a001e01, 42)).toBe(flowNextHop(hops, src, 0x0a001e01, 42));
      counts[flowNextHop(hops, src, 0x0a001e01, 42).gateway - 1]!++;
    }
    for (const c of counts) expect(c).toBeGreaterThan(850); // 1000 each, ±15 %
    // Another key moves flows to other hops (Linux's key differs from boot to boot).
    let moved = 0;
    for (let s = 0; s < 100; s++) if (flowHash(s, 7, 42) !== flowHash(s, 7, 43)) moved++;
    expect(moved).toBe(100);
  });
});
