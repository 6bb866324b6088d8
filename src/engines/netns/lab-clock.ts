/**
 * @module engines/netns/lab-clock
 * The netns lab's time: the wall clock since boot, in nanoseconds. Advancing sleeps (after the
 * lab's queued kernel changes have run); capture timestamps (epoch seconds and nanoseconds) are
 * turned into lab time.
 */
import { performance } from "node:perf_hooks";
import type { ClockState } from "../../lab/lab.js";
import { MS, type Nanos } from "../../core/time.js";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class LabClock {
  /** performance.now() at boot. */
  t0 = performance.now();

  /** Waits for the lab's queued kernel changes (rethrowing the first that failed). */
  constructor(private readonly settle: () => Promise<void>) {}

  /** Nanoseconds since boot. */
  now(): Nanos {
    return Math.round((performance.now() - this.t0) * MS);
  }

  /** Lab time of a capture timestamp (epoch seconds and nanoseconds). */
  epochToLab(sec: number, nsec: number): Nanos {
    const baseMs = performance.timeOrigin + this.t0;
    const baseSec = Math.floor(baseMs / 1000);
    return (sec - baseSec) * 1e9 + nsec - Math.round((baseMs - baseSec * 1000) * MS);
  }

  state(): ClockState {
    return { now: this.now(), speed: 1, paused: false };
  }

  async advance(ns: Nanos): Promise<void> {
    const end = performance.now() + ns / MS;
    await this.settle();
    const left = end - performance.now();
    if (left > 0) await sleep(left);
  }

  async advanceUntil(cond: () => boolean, max: Nanos): Promise<boolean> {
    const end = performance.now() + max / MS;
    await this.settle();
    for (;;) {
      if (cond()) return true;
      const left = end - performance.now();
      if (left <= 0) return cond();
      await sleep(Math.min(20, left));
    }
  }
}
