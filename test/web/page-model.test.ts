/**
 * The page's DOM-free parts, in Node: the display clock (virtual → wall time mapping) and the
 * automatic layout (stable between reloads).
 */
import { describe, expect, it } from "vitest";
import { DisplayClock } from "../../web/src/clock.js";
import { layout } from "../../web/src/layout.js";

const MS = 1e6;

describe("DisplayClock", () => {
  it("runs a little behind the server at the clock's speed, so a slowed clock slows the picture", () => {
    const c = new DisplayClock();
    c.sample({ now: 1000 * MS, speed: 1, paused: false }, 0);
    const t0 = c.tick(0);
    expect(t0).toBe(850 * MS); // 150 ms behind
    expect(c.tick(100) - t0).toBeCloseTo(100 * MS, -3);
    c.sample({ now: c.serverTime(100), speed: 0.1, paused: false }, 100);
    const a = c.tick(200);
    const b = c.tick(300);
    expect(b - a).toBeCloseTo(10 * MS, -3); // 100 ms of wall time at 0.1× is 10 ms of virtual time
  });

  it("never runs ahead of what the server reported, nor backwards", () => {
    const c = new DisplayClock();
    c.sample({ now: 0, speed: 1, paused: false }, 0);
    for (let w = 0; w <= 1000; w += 16) c.tick(w);
    // The server paused at 500 ms while the page extrapolated further: the picture waits.
    const before = c.now;
    c.sample({ now: 500 * MS, speed: 1, paused: true }, 1000);
    const after = c.tick(1016);
    expect(after).toBeGreaterThanOrEqual(Math.min(before, 500 * MS));
    expect(after).toBeLessThanOrEqual(Math.max(before, 500 * MS));
    for (let w = 1016; w < 3000; w += 16) expect(c.tick(w)).toBeLessThanOrEqual(Math.max(before, 500 * MS));
  });

  it("animates a step while paused, and jumps when far behind", () => {
    const c = new DisplayClock();
    c.sample({ now: 0, speed: 1, paused: true }, 0);
    c.tick(0);
    c.sample({ now: 100 * MS, speed: 1, paused: true }, 10);
    expect(c.tick(60)).toBeCloseTo(60 * MS, -3); // a 100 ms step unfolds over 100 ms at 1×
    expect(c.tick(200)).toBe(100 * MS);
    c.sample({ now: 3600_000 * MS, speed: 1, paused: true }, 210); // an hour ahead
    expect(3600_000 * MS - c.tick(226)).toBeLessThanOrEqual(1500 * MS);
  });
});

describe("layout", () => {
  const names = Array.from({ length: 60 }, (_, i) => `r${i}`);
  const edges: [string, string][] = names.slice(1).map((n, i) => [names[Math.floor(i / 3)]!, n]);

  it("is the same on every run (stable between reloads)", () => {
    const a = layout(names, edges, new Map());
    const b = layout([...names], [...edges], new Map());
    expect([...a.entries()]).toEqual([...b.entries()]);
  });

  it("keeps positions from the topology file and spreads the others apart", () => {
    const fixed = new Map([["r0", { x: 5, y: 7 }]]);
    const p = layout(names, edges, fixed);
    expect(p.get("r0")).toEqual({ x: 5, y: 7 });
    const pts = [...p.values()];
    let closest = Infinity;
    for (let i = 0; i < pts.length; i++)
      for (let j = i + 1; j < pts.length; j++)
        closest = Math.min(closest, Math.hypot(pts[i]!.x - pts[j]!.x, pts[i]!.y - pts[j]!.y));
    expect(closest).toBeGreaterThan(10);
    for (const q of pts) expect(Number.isFinite(q.x) && Number.isFinite(q.y)).toBe(true);
  });
});
