import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { justBefore, Scheduler } from "./scheduler.js";

describe("Scheduler", () => {
  it("runs events in (time, insertion) order", () => {
    const s = new Scheduler();
    const seen: string[] = [];
    const push = (x: string) => seen.push(`${s.now()}:${x}`);
    s.at(20, push, "c");
    s.at(10, push, "a");
    s.at(10, push, "b");
    s.at(5, () => s.after(5, push, "d")); // scheduled later, same time as a/b: runs after them
    s.runUntil(100);
    expect(seen).toEqual(["10:a", "10:b", "10:d", "20:c"]);
    expect(s.now()).toBe(100);
  });

  it("skips cancelled events and stops at the horizon", () => {
    const s = new Scheduler();
    const seen: number[] = [];
    const e = s.at(1, (x: number) => seen.push(x), 1);
    s.at(2, (x: number) => seen.push(x), 2);
    s.at(50, (x: number) => seen.push(x), 3);
    e.cancelled = true;
    s.runUntil(10);
    expect(seen).toEqual([2]);
    expect(s.peekTime()).toBe(50);
  });

  it("orders any random schedule like a stable sort", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (times) => {
        const s = new Scheduler();
        const out: number[] = [];
        times.forEach((t, i) => {
          s.at(t, (x: number) => out.push(x), i);
        });
        s.runUntil(1000);
        const expected = times
          .map((t, i) => ({ t, i }))
          .sort((x, y) => x.t - y.t || x.i - y.i)
          .map((x) => x.i);
        expect(out).toEqual(expected);
      }),
    );
  });

  it("posted events (reused once run) keep the same order as at(), re-posting from inside events", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean(), fc.integer({ min: 0, max: 5 })), {
          maxLength: 150,
        }),
        (plan) => {
          // The same plan twice: every event through at(), then the flagged ones through post().
          const run = (usePost: boolean) => {
            const s = new Scheduler();
            const out: string[] = [];
            const fire = (i: number, depth: number) => {
              out.push(`${i}.${depth}@${s.now()}`);
              // Events schedule more events, as a link's head arrival schedules the next.
              if (depth < plan[i]![2]) {
                const t = s.now() + (i % 3);
                if (usePost && plan[i]![1]) s.post(t, fire, i, depth + 1);
                else s.at(t, fire, i, depth + 1);
              }
            };
            plan.forEach(([t, pooled], i) => {
              if (usePost && pooled) s.post(t, fire, i, 0);
              else s.at(t, fire, i, 0);
            });
            s.runUntil(1000);
            return out;
          };
          expect(run(true)).toEqual(run(false));
        },
      ),
    );
  });

  it("runSliceBefore runs what is due before a whole nanosecond, stops on it, and leaves what is due at it", () => {
    const s = new Scheduler();
    const ran: string[] = [];
    s.at(1.25, () => ran.push("a"));
    s.at(1.999999, () => ran.push("b"));
    s.at(2, () => ran.push("c"));
    s.at(2, () => ran.push("d"));
    s.runSlice(1.25, 16);
    expect(s.now()).toBe(1.25);
    expect(s.runSliceBefore(Math.ceil(s.now()), 16)).toBe(true);
    expect(ran).toEqual(["a", "b"]);
    expect(s.now()).toBe(2);
    // A budget that runs out first leaves the clock where the last event was.
    s.at(2.5, () => ran.push("e"));
    s.at(2.75, () => ran.push("f"));
    expect(s.runSliceBefore(3, 3)).toBe(false);
    expect(ran).toEqual(["a", "b", "c", "d", "e"]);
    expect(s.now()).toBe(2.5);
    expect(justBefore(3)).toBeLessThan(3);
    expect(3 - justBefore(3)).toBe(2 ** -51); // the next double down in [2, 4)
  });
});
