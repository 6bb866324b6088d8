import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type RouteInit, RouteTable } from "./table.js";

function init(dest: number, len: number, metric = 2): RouteInit {
  return {
    dest,
    len,
    metric,
    from: 0x0a000001,
    nextHop: 0x0a000001,
    iface: 1,
    tag: 0,
    connected: false,
    expires: 1e9,
    heard: 0,
    reason: "test",
  };
}

describe("RIP route table", () => {
  it("keeps routes in prefix order (address unsigned, then length) and finds them", () => {
    const t = new RouteTable();
    for (const [d, l] of [
      [0xc0a80000, 24],
      [0x0a000000, 8],
      [0x0a000000, 24],
      [0xe0000000 - 256, 24],
    ] as const)
      t.add(init(d, l));
    expect(t.sorted().map((r) => [r.dest, r.len])).toEqual([
      [0x0a000000, 8],
      [0x0a000000, 24],
      [0xc0a80000, 24],
      [0xe0000000 - 256, 24],
    ]);
    expect(t.get(0x0a000000, 24)?.len).toBe(24);
    expect(t.get(0x0a000000, 16)).toBeUndefined();
    expect(() => t.add(init(0x0a000000, 8))).toThrow(/already/);
  });

  it("a route object reads and writes the columns; a deleted one keeps its values when its slot is reused", () => {
    const t = new RouteTable();
    const a = t.add(init(0x0a000000, 24, 3));
    a.metric = 5;
    a.expires = 42;
    expect(t.cols.metric[t.slotOf(0x0a000000, 24)]).toBe(5);
    t.delete(a);
    const b = t.add(init(0x0b000000, 24, 7));
    expect([a.dest, a.metric, a.expires]).toEqual([0x0a000000, 5, 42]);
    expect([b.dest, b.metric]).toEqual([0x0b000000, 7]);
    expect(t.size).toBe(1);
  });

  it("matches a Map under any sequence of adds, deletes and lookups (growing past its first size)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.nat({ max: 60 }), fc.constantFrom(8, 16, 24, 32)), {
          maxLength: 300,
        }),
        (ops) => {
          const t = new RouteTable();
          const model = new Map<string, number>();
          for (const [add, n, len] of ops) {
            const dest = (n * 0x01010100) >>> 0;
            const k = `${dest}/${len}`;
            const r = t.get(dest, len);
            expect(r === undefined).toBe(!model.has(k));
            if (add && r === undefined) {
              t.add(init(dest, len, (n % 15) + 1));
              model.set(k, (n % 15) + 1);
            } else if (!add && r !== undefined) {
              expect(r.metric).toBe(model.get(k));
              t.delete(r);
              model.delete(k);
            }
          }
          const keys = t.sorted().map((r) => r.dest * 64 + r.len);
          expect(keys).toEqual([...keys].sort((x, y) => x - y));
          expect(t.size).toBe(model.size);
          expect([...t.orderedSlots()].map((s) => t.at(s).metric).sort()).toEqual([...model.values()].sort());
        },
      ),
      { numRuns: 300 },
    );
  });
});
