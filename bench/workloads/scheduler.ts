/**
 * @module bench/workloads/scheduler
 * Scheduler events per second: `pending` timers, each re-arming itself at a random delay when it
 * fires (the shape of a network's event queue: many outstanding arrivals and timers), until
 * `events` have run. Measures the heap's push/pop and the dispatch, nothing else.
 */
import { Rng } from "../../src/core/rng.js";
import { Scheduler } from "../../src/sim/scheduler.js";

export interface SchedulerResult {
  pending: number;
  events: number;
  wallSeconds: number;
  cpuSeconds: number;
  eventsPerSecond: number;
}

interface Timer {
  s: Scheduler;
  rng: Rng;
}

function fire(t: Timer): void {
  // Up to 1 ms ahead, in whole ns, as packet arrivals and jittered timers land.
  t.s.after(1 + Math.floor(t.rng.float() * 1_000_000), fire, t);
}

export function runScheduler(pending: number, events: number, seed: number): SchedulerResult {
  const s = new Scheduler();
  const rng = new Rng(seed);
  const t: Timer = { s, rng };
  for (let i = 0; i < pending; i++) s.after(Math.floor(rng.float() * 1_000_000), fire, t);
  // Warm the JIT on a first slice, then time the rest.
  const warm = Math.min(200_000, events >> 4);
  while (s.executed < warm) s.step();
  const start = s.executed;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  // runUntil is the engine's own loop; step in large virtual slices until enough have run.
  // About 200,000 events a slice: delays average 0.5 ms, so `pending` timers fire pending/0.5ms.
  const slice = Math.max(1_000, Math.round((200_000 * 500_000) / pending));
  let until = s.now();
  while (s.executed - start < events) {
    until += slice;
    s.runUntil(until);
  }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const ran = s.executed - start;
  return {
    pending,
    events: ran,
    wallSeconds: wall,
    cpuSeconds: (c.user + c.system) / 1e6,
    eventsPerSecond: ran / wall,
  };
}
