/**
 * The pacer runs the simulation in bounded slices and keeps an honest clock (issue 23: a
 * converging random-2000 held the server's event loop 47.9 s in one `runUntil`). No wall time is
 * measured here: the wall clock is a counter that each simulated event moves on by a fixed cost,
 * so "a tick runs at most ~15 ms of work" becomes "a tick runs at most so many events", a
 * property of the slicing that holds on any machine.
 */
import { describe, expect, it } from "vitest";
import { MS, SECOND } from "../core/time.js";
import { Pacer, SLICE_EVENTS, TICK_BUDGET_MS, type WallClock } from "./pacer.js";
import { Scheduler } from "./scheduler.js";

/** A wall clock moved by hand and by the work done; timers fire when the test says. */
class FakeWall implements WallClock {
  t = 0;
  private timers: { at: number; fn: () => void }[] = [];
  now(): number {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): unknown {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return timer;
  }
  clearTimer(handle: unknown): void {
    this.timers = this.timers.filter((x) => x !== handle);
  }
  /** Fires the next timer (moving the clock to it); false when none is set. */
  fireNext(): boolean {
    const next = this.timers.shift();
    if (!next) return false;
    this.t = Math.max(this.t, next.at);
    next.fn();
    return true;
  }
}

/** Each event costs `costMs` of wall time; a burst of `n` events all due at `at`. */
function burst(s: Scheduler, wall: FakeWall, at: number, n: number, costMs: number): void {
  const work = () => {
    wall.t += costMs;
  };
  s.at(at, () => {
    for (let i = 0; i < n; i++) s.at(at, work);
  });
}

describe("Pacer", () => {
  it("no tick runs more than its budget of work, even inside one burst of events due at the same time", () => {
    const s = new Scheduler();
    const wall = new FakeWall();
    const p = new Pacer(s, wall);
    const cost = 0.01; // ms per event: the burst is 1,000 ms of work
    burst(s, wall, 5 * MS, 100_000, cost);
    p.start();
    const perTick: number[] = [];
    let ticks = 0;
    while (s.executed < 100_001 && ticks++ < 10_000) {
      const before = s.executed;
      wall.fireNext();
      perTick.push(s.executed - before);
    }
    expect(s.executed).toBe(100_001);
    // A tick looks at the wall clock after every slice, so it ends within one slice of its budget.
    const bound = Math.ceil(TICK_BUDGET_MS / cost) + SLICE_EVENTS;
    expect(Math.max(...perTick)).toBeLessThanOrEqual(bound);
    expect(perTick.filter((n) => n > 0).length).toBeGreaterThan(50);
  });

  it("before the slices, one tick ran the whole burst (what held the server)", () => {
    const s = new Scheduler();
    const wall = new FakeWall();
    burst(s, wall, 5 * MS, 100_000, 0.01);
    s.runUntil(20 * MS);
    expect(s.executed).toBe(100_001); // runUntil has no budget: the pacer must not call it per tick
  });

  it("falls behind honestly: the clock slows to what the CPU does, keeps no backlog, and says so", () => {
    const s = new Scheduler();
    const wall = new FakeWall();
    const p = new Pacer(s, wall);
    // A steady load of 4 ms of work per virtual ms: at 1x the CPU can keep a quarter of it.
    const tickEvent = () => {
      wall.t += 0.4;
      s.after(100_000, tickEvent); // every 0.1 virtual ms
    };
    s.at(0, tickEvent);
    p.start();
    while (wall.t < 5_000) wall.fireNext();
    expect(p.behind).toBe(true);
    const actual = p.actualSpeed!;
    expect(actual).toBeGreaterThan(0.15);
    expect(actual).toBeLessThan(0.3);
    // Back-pressure: the clock is where the simulation is, not seconds behind a wall target.
    expect(p.target() - s.now()).toBeLessThan(50 * MS);
    expect(s.size).toBeLessThan(5); // and nothing queued up meanwhile
  });

  it("a tick cut short leaves the clock on a whole nanosecond (a packet's time on a link is fractional)", () => {
    const s = new Scheduler();
    const wall = new FakeWall();
    const p = new Pacer(s, wall);
    const hop = () => {
      wall.t += 0.5;
      s.after(1_000.37, hop); // 8 bits at a fractional rate, as a link's serialisation
    };
    s.at(0, hop);
    p.start();
    for (let i = 0; i < 50; i++) {
      wall.fireNext();
      expect(Number.isInteger(s.now())).toBe(true);
    }
    expect(p.behind).toBe(true);
  });

  it("keeps up when it can: the asked speed, not behind", () => {
    const s = new Scheduler();
    const wall = new FakeWall();
    const p = new Pacer(s, wall);
    const tickEvent = () => {
      wall.t += 0.01;
      s.after(SECOND / 100, tickEvent);
    };
    s.at(0, tickEvent);
    p.setSpeed(2);
    p.start();
    while (wall.t < 5_000) wall.fireNext();
    expect(p.behind).toBe(false);
    expect(p.actualSpeed).toBeCloseTo(2, 1);
    expect(s.now()).toBeGreaterThan(9.9 * SECOND);
  });

  it("stepToward runs one budget at a time toward the step's end", () => {
    const s = new Scheduler();
    const wall = new FakeWall();
    const p = new Pacer(s, wall);
    burst(s, wall, 5 * MS, 10_000, 0.01); // 100 ms of work
    p.pause();
    let calls = 0;
    while (!p.stepToward(SECOND)) calls++;
    expect(calls).toBeGreaterThanOrEqual(100 / TICK_BUDGET_MS - 1);
    expect(s.now()).toBe(SECOND);
    expect(s.executed).toBe(10_001);
  });

  it("counts the wall time it worked and its longest slice, for the server's loop watch", () => {
    const s = new Scheduler();
    const wall = new FakeWall();
    const p = new Pacer(s, wall);
    burst(s, wall, 5 * MS, 1_000, 0.01); // 10 ms of work: one tick
    s.at(6 * MS, () => {
      wall.t += 40; // one event that cannot be cut: a 40 ms slice
    });
    p.start();
    while (s.executed < 1_002 && wall.fireNext());
    expect(p.work.slices).toBeGreaterThanOrEqual(1_000 / SLICE_EVENTS);
    expect(p.work.longestSliceMs).toBeGreaterThanOrEqual(40);
    expect(p.work.longestSliceMs).toBeLessThanOrEqual(40 + SLICE_EVENTS * 0.01 + 1e-9);
    expect(p.work.ms).toBeCloseTo(50, 5);
    expect(p.work.runs).toBeGreaterThanOrEqual(1);
  });
});
