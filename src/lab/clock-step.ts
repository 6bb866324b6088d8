/**
 * @module lab/clock-step
 * The instructor's clock step (`POST /api/clock {"step": "30s"}`, the browser edition's worker),
 * bounded and in slices. A step runs the simulator through that much virtual time; taken in one
 * call, `{"step":"5000h"}` held the server for 98 s (issue 17) and no one else got an answer.
 * So a step is at most MAX_DURATION (a day, as a scenario's `wait`), and it runs in slices of
 * about `SLICE_MS` of work each, yielding to the event loop between them: other requests, the
 * event stream and the terminals are served while a long step runs. One step at a time per lab.
 */
import { LabError } from "../core/errors.js";
import { limitText, MAX_DURATION } from "../core/limits.js";
import { type Nanos, parseDuration, SECOND } from "../core/time.js";
import type { ClockState, Lab, PacerControl } from "./lab.js";

/** Wall milliseconds of simulation per slice before the step yields. */
const SLICE_MS = 20;

/** Labs stepping now (a second step is refused, not queued). */
const stepping = new WeakSet<Lab>();

/** Whether a step is running on `lab` (a rewind waits for it to end). */
export function isStepping(lab: Lab): boolean {
  return stepping.has(lab);
}

/** A step as the API takes it: a duration text (`"100ms"`) or whole nanoseconds; at most a day. */
export function parseClockStep(step: unknown): Nanos {
  const ns = typeof step === "number" ? step : typeof step === "string" ? parseDuration(step) : undefined;
  if (ns !== undefined && ns > MAX_DURATION)
    throw new LabError(`'${step}' is longer than the longest step, ${limitText(MAX_DURATION)}`, {
      field: "step",
    });
  if (ns === undefined || !Number.isSafeInteger(ns) || ns <= 0)
    throw new LabError(`'${step}' is not a duration (e.g. 100ms, 1s)`, { field: "step" });
  return ns;
}

export interface StepOptions {
  /** Wall clock, ms (injected for tests). */
  now?: () => number;
  /** Gives the event loop a turn between slices. */
  yieldTurn?: () => Promise<void>;
}

const macrotask = () => new Promise<void>((r) => setTimeout(r, 0));

/**
 * Advances `lab`'s clock by `ns` (a paced lab is paused first and left paused), in slices whose
 * length in virtual time adapts so that each takes about SLICE_MS of work.
 */
export async function stepClock(lab: Lab, ns: Nanos, o: StepOptions = {}): Promise<void> {
  if (stepping.has(lab))
    throw new LabError(
      "the clock is already stepping: wait for that step to end",
      { field: "step" },
      "conflict",
    );
  const now = o.now ?? (() => performance.now());
  const yieldTurn = o.yieldTurn ?? macrotask;
  const pacer = lab.pacer;
  if (pacer && !pacer.paused) pacer.pause();
  stepping.add(lab);
  try {
    const end = lab.clock().now + ns;
    if (pacer) {
      // Bounded by work, not by virtual time: a slice of a second's simulation in a converging
      // random-2000 took seconds (issue 23).
      while (!pacer.stepToward(end)) await yieldTurn();
      return;
    }
    let slice: Nanos = SECOND;
    for (let first = true; lab.clock().now < end; first = false) {
      if (!first) await yieldTurn();
      const take = Math.min(slice, end - lab.clock().now);
      const [t0, v0] = [now(), lab.clock().now];
      await lab.advance(take);
      if (lab.clock().now <= v0) break; // a lab whose clock does not move (a test double): no spin
      const spent = now() - t0;
      if (spent < SLICE_MS / 2) slice = Math.min(slice * 2, MAX_DURATION);
      else if (spent > SLICE_MS * 2) slice = Math.max(Math.floor(slice / 2), 1_000_000);
    }
  } finally {
    stepping.delete(lab);
  }
}

/** A lab's clock as the API shows it: with a pacer, its speed, pause and how fast it really runs. */
export function clockState(now: Nanos, pacer: PacerControl | undefined): ClockState {
  const c: ClockState = { now, speed: pacer?.speed ?? 0, paused: pacer?.paused ?? false };
  if (!pacer) return c;
  const actual = pacer.actualSpeed;
  if (actual !== undefined) c.actualSpeed = Math.round(actual * 1000) / 1000;
  if (pacer.behind) c.behind = true;
  return c;
}
