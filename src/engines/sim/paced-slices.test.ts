/**
 * The live lab (`routelab up`'s RewindableLab, paced) runs its simulation in bounded slices
 * (issue 23) — and slicing changes nothing the simulation does: the same events, in the same
 * order, as one unpaced run, inputs made between slices replay exactly on rewind.
 * The wall clock is a counter that each look moves on by 5 ms, so a tick (15 ms of budget)
 * ends after a few slices of SLICE_EVENTS events: many ticks, none long, some cut in the middle
 * of a burst, with no wall time measured.
 */
import { describe, expect, it } from "vitest";
import type { LabEvent } from "../../core/events.js";
import { SECOND } from "../../core/time.js";
import { SLICE_EVENTS, TICK_BUDGET_MS } from "../../sim/index.js";
import { loadTopologyText } from "../../topology/index.js";
import type { Topology } from "../../topology/model.js";
import { RewindableLab } from "./rewind.js";

/** An 8×8 grid of RIP routers: its start is a burst of thousands of events within milliseconds. */
function grid(): Topology {
  const lines: string[] = [];
  const name = (x: number, y: number) => `r${y * 8 + x + 1}`;
  for (let y = 0; y < 8; y++)
    for (let x = 0; x < 8; x++) {
      if (x < 7) lines.push(`${name(x, y)} ${name(x + 1, y)} 10.0.${lines.length}.0/24`);
      if (y < 7) lines.push(`${name(x, y)} ${name(x, y + 1)} 10.0.${lines.length}.0/24`);
    }
  return loadTopologyText(`${lines.join("\n")}\n`, "grid-8x8.edges");
}
const LOOK_MS = 5;

function pacedLab() {
  let wall = 0;
  const timers: (() => void)[] = [];
  const lab = new RewindableLab(grid(), {
    seed: 1,
    wallClock: {
      now: () => {
        wall += LOOK_MS;
        return wall;
      },
      setTimer: (fn) => timers.push(fn),
      clearTimer: () => {},
    },
  });
  const tick = () => {
    for (const f of timers.splice(0)) f();
  };
  return { lab, tick };
}

/** Ticks until the clock passes `until` (calling `between` after each), then steps to `end`. */
function runPaced(lab: RewindableLab, tick: () => void, until: number, end: number, between = () => {}) {
  const perTick: number[] = [];
  const s = lab.current.net.scheduler;
  const executed = () => s.executed;
  // A tick cut short ends on a whole nanosecond: what is due within the one it stopped in runs
  // too (runs to a bound between two whole nanoseconds, pacer.ts), outside the tick's budget —
  // a burst of messages arriving at one fractional instant. Those are counted apart.
  let tail = 0;
  const runSlice = s.runSlice.bind(s);
  s.runSlice = (t, maxEvents) => {
    const before = s.executed;
    const reached = runSlice(t, maxEvents);
    if (!Number.isInteger(t)) tail += s.executed - before;
    return reached;
  };
  while (lab.clock().now < until) {
    const before = executed();
    tail = 0;
    tick();
    perTick.push(executed() - before - tail);
    between();
  }
  s.runSlice = runSlice;
  lab.pacer!.pause();
  while (!lab.pacer!.stepToward(end)) tick();
  return perTick;
}

describe("paced lab in slices", () => {
  it("runs the same events as one unpaced run, and no tick runs past its budget", async () => {
    const { lab, tick } = pacedLab();
    const events: LabEvent[] = [];
    lab.onEvent((e) => events.push(e));
    const ping = lab.exec("r1", "ping -c 20 -i 0.5 r64");
    const perTick = runPaced(lab, tick, 20 * SECOND, 25 * SECOND);
    expect(Math.max(...perTick)).toBeLessThanOrEqual(Math.ceil(TICK_BUDGET_MS / LOOK_MS) * SLICE_EVENTS);
    expect(perTick.length).toBeGreaterThan(100);
    expect(lab.pacer!.behind || perTick.some((n) => n >= SLICE_EVENTS)).toBe(true); // bursts were cut

    const ref = new RewindableLab(grid(), { seed: 1 });
    const refEvents: LabEvent[] = [];
    ref.onEvent((e) => refEvents.push(e));
    const refPing = ref.exec("r1", "ping -c 20 -i 0.5 r64");
    await ref.advance(25 * SECOND);
    expect(await ping.done).toBe(await refPing.done);
    expect(refEvents.length).toBeGreaterThan(1000);
    expect(JSON.stringify(events)).toBe(JSON.stringify(refEvents));
    await lab.close();
    await ref.close();
  });

  it("an input made between two slices of a burst is replayed at that very point on rewind", async () => {
    const { lab, tick } = pacedLab();
    const events: LabEvent[] = [];
    lab.onEvent((e) => events.push(e));
    lab.exec("r1", "ping -c 20 -i 0.5 r64");
    let cut = false;
    runPaced(lab, tick, 15 * SECOND, 18 * SECOND, () => {
      if (!cut && lab.clock().now > 8 * SECOND) {
        lab.setLink("r1", "r2", false); // at whatever event the slice stopped
        cut = true;
      }
    });
    const replayed: LabEvent[] = [];
    lab.rewindTo(18 * SECOND - 1, { events: (e) => replayed.push(e) });
    expect(replayed.length).toBeGreaterThan(1000);
    expect(JSON.stringify(replayed)).toBe(JSON.stringify(events.filter((e) => e.t < 18 * SECOND)));
    await lab.close();
  });
});
