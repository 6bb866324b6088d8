import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { explain, type RouteInit, RouteTable, WHY } from "./table.js";

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
  it("grows its columns to the hint it is given and no further (no copy left unused)", () => {
    const t = new RouteTable();
    t.capacityHint = () => 1000;
    for (let i = 0; i < 1000; i++) t.add(init((0x0a000000 + i * 256) >>> 0, 24));
    expect(t.cols.dest.length).toBe(1000);
    expect(t.size).toBe(1000);
    expect(t.get(0x0a000000 + 999 * 256, 24)?.metric).toBe(2);
  });

  it("routes are views of slots: a reused slot starts afresh, a deleted route keeps its values", () => {
    const t = new RouteTable();
    const a = t.add(init(0x0a010000, 24));
    explain(a, WHY.better, 0x0a000002, 0x0a000003, 3, 5);
    a.state = "garbage";
    a.gcAt = 7e9;
    a.installed = true;
    // Another view of the slot sees the same route (every field is in the columns).
    const again = t.get(0x0a010000, 24)!;
    expect([again.state, again.gcAt, again.installed]).toEqual(["garbage", 7e9, true]);
    expect(again.reason).toBe("better metric 3 via 10.0.0.2 (was 5 via 10.0.0.3)");
    t.delete(a);
    const b = t.add({ ...init(0x0a020000, 24, 4), reason: "interface em1 up" });
    // The slot is reused by b, which starts with its own values, not a's.
    expect([b.state, b.gcAt, b.installed, b.metric, b.reason]).toEqual([
      "active",
      Number.POSITIVE_INFINITY,
      false,
      4,
      "interface em1 up",
    ]);
    // The deleted view kept a's last values.
    expect([a.dest, a.state, a.gcAt, a.reason]).toEqual([
      0x0a010000,
      "garbage",
      7e9,
      "better metric 3 via 10.0.0.2 (was 5 via 10.0.0.3)",
    ]);
  });

  it("makes every reason's text from its code", () => {
    const t = new RouteTable();
    const r = t.add(init(0x0a010000, 24));
    const texts: [Parameters<typeof explain>, string][] = [
      [[r, WHY.learned, 0x0a000002], "learned from 10.0.0.2"],
      [[r, WHY.learnedMetric, 0x0a000002, 0, 3], "learned from 10.0.0.2 (metric 3)"],
      [[r, WHY.metricChanged, 0x0a000002, 0, 6, 2], "metric changed 2 → 6 by 10.0.0.2"],
      [[r, WHY.better, 0x0a000002, 0, 2, 4], "better metric 2 via 10.0.0.2 (was 4 connected)"],
      [[r, WHY.nextHop, 0x0a000002, 0x0a000009], "next hop 10.0.0.9 from 10.0.0.2"],
      [
        [r, WHY.switched, 0x0a000002, 0x0a000003, 2, 0, 95],
        "10.0.0.3 silent for 95s: switched to 10.0.0.2 (metric 2)",
      ],
      [[r, WHY.withdrawn, 0x0a000002], "withdrawn by 10.0.0.2 (metric 16)"],
    ];
    for (const [args, text] of texts) {
      explain(...args);
      expect(r.reason).toBe(text);
    }
  });

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
