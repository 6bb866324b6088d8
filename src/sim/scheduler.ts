/**
 * @module sim/scheduler
 * The discrete-event kernel: a binary min-heap of events keyed by (time, sequence), as ns-3's
 * EventKey. Ties break by insertion order, so a run is a pure function of its inputs.
 *
 * Events are plain objects holding a function and two arguments, so hot callers (links,
 * forwarding) schedule a shared function with their own state as arguments instead of
 * allocating a closure per packet. Cancel is lazy (a flag; the event is skipped when popped).
 */
import type { Nanos } from "../core/time.js";

// biome-ignore lint/suspicious/noExplicitAny: each event function types its own two arguments
export type EventFn = (a: any, b: any) => void;

export interface ScheduledEvent {
  t: Nanos;
  seq: number;
  fn: EventFn;
  a: unknown;
  b: unknown;
  cancelled: boolean;
  /** Made by `post`: nobody holds it, so it is reused once it has run. */
  pooled: boolean;
}

export class Scheduler {
  private heap: ScheduledEvent[] = [];
  /** Events of `post` that have run, ready for reuse. */
  private spare: ScheduledEvent[] = [];
  private seq = 0;
  private _now: Nanos = 0;
  /** Number of events run so far (for benchmarks and progress). */
  executed = 0;

  now(): Nanos {
    return this._now;
  }

  /** Number of pending events (including lazily cancelled ones). */
  get size(): number {
    return this.heap.length;
  }

  /** Schedules `fn(a, b)` at absolute time `t` (never before now). */
  at(t: Nanos, fn: EventFn, a?: unknown, b?: unknown): ScheduledEvent {
    const ev: ScheduledEvent = { t, seq: 0, fn, a, b, cancelled: false, pooled: false };
    this.insert(ev, t);
    return ev;
  }

  /**
   * Schedules `fn(a, b)` at `t` without a handle (it cannot be cancelled): the event object is
   * reused after it runs. For the per-packet events (a packet reaching the end of a link), which
   * would otherwise allocate an object per hop. Same order as `at`: the sequence number is taken
   * the same way.
   */
  post(t: Nanos, fn: EventFn, a?: unknown, b?: unknown): void {
    let ev = this.spare.pop();
    if (ev === undefined) ev = { t, seq: 0, fn, a, b, cancelled: false, pooled: true };
    else {
      ev.fn = fn;
      ev.a = a;
      ev.b = b;
    }
    this.insert(ev, t);
  }

  /** Stamps `ev` with its time (never before now) and sequence number, and puts it in the heap. */
  private insert(ev: ScheduledEvent, t: Nanos): void {
    ev.t = t < this._now ? this._now : t;
    ev.seq = this.seq++;
    const h = this.heap;
    let i = h.length;
    h.push(ev);
    // sift up
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = h[p]!;
      if (pe.t < ev.t || (pe.t === ev.t && pe.seq < ev.seq)) break;
      h[i] = pe;
      i = p;
    }
    h[i] = ev;
  }

  /** Schedules `fn(a, b)` after `delay`. */
  after(delay: Nanos, fn: EventFn, a?: unknown, b?: unknown): ScheduledEvent {
    return this.at(this._now + delay, fn, a, b);
  }

  /** Time of the next live event, or Infinity. */
  peekTime(): Nanos {
    const h = this.heap;
    while (h.length > 0 && h[0]!.cancelled) this.pop();
    return h.length > 0 ? h[0]!.t : Number.POSITIVE_INFINITY;
  }

  private pop(): ScheduledEvent {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    const n = h.length;
    if (n > 0) {
      // sift down
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        let ce = h[l]!;
        if (r < n) {
          const re = h[r]!;
          if (re.t < ce.t || (re.t === ce.t && re.seq < ce.seq)) {
            c = r;
            ce = re;
          }
        }
        if (last.t < ce.t || (last.t === ce.t && last.seq < ce.seq)) break;
        h[i] = ce;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }

  /**
   * Runs every event due at or before `until`, then sets the clock to `until`.
   * Returns false when stopped early by `stop()`.
   */
  runUntil(until: Nanos): boolean {
    this.stopped = false;
    if (!this.drain(until)) return false;
    if (until !== Number.POSITIVE_INFINITY && until > this._now) this._now = until;
    return true;
  }

  /**
   * Runs at most `maxEvents` events due at or before `until` (a bounded slice: the live lab's
   * pacer runs the simulation so, with the event loop served between slices). Returns true when
   * it got to `until` (the clock is then set to it), false when the budget ran out first or
   * `stop()` was called (the clock stays at the last event run).
   */
  runSlice(until: Nanos, maxEvents: number): boolean {
    this.stopped = false;
    this.budget = maxEvents;
    const done = this.drain(until);
    this.budget = Number.POSITIVE_INFINITY;
    if (!done) return false;
    if (until !== Number.POSITIVE_INFINITY && until > this._now) this._now = until;
    return true;
  }

  /**
   * Runs at most `maxEvents` events due strictly before `until`; true when none is left before
   * it, and the clock is then set to `until` — events due at `until` itself wait for the next
   * run. The live pacer ends a tick cut short so, on a whole nanosecond: what is due within the
   * nanosecond it stopped in runs, and not what is due at the next whole one (a RIP daemon's
   * messages, one event each at a whole nanosecond: proto/rip/outbox.ts).
   */
  runSliceBefore(until: Nanos, maxEvents: number): boolean {
    if (!this.runSlice(justBefore(until), maxEvents)) return false;
    this.advanceTo(until);
    return true;
  }

  /** Moves the clock on to `t` when nothing is due before it (else it stays where it is). */
  advanceTo(t: Nanos): void {
    if (t > this._now && !(this.peekTime() < t)) this._now = t;
  }

  /** Events `drain` may still run before it returns false (runSlice's budget). */
  private budget = Number.POSITIVE_INFINITY;

  /**
   * The event loop of `runUntil`, on its own so that nothing follows the loop but a return:
   * V8 compiles a long-running loop on the fly (on-stack replacement) before the code after it
   * has ever run, and with that code inside, every later call left the compiled loop through a
   * deoptimisation (60 times in a 600-second bench run, one per 10-second slice).
   */
  private drain(until: Nanos): boolean {
    const h = this.heap;
    while (h.length > 0) {
      const top = h[0]!;
      if (top.t > until) return true;
      if (this.budget <= 0) return false;
      this.pop();
      if (top.cancelled) continue;
      this._now = top.t;
      this.executed++;
      this.budget--;
      top.fn(top.a, top.b);
      if (top.pooled) this.recycle(top);
      if (this.stopped) return false;
    }
    return true;
  }

  /** Runs the single next live event; returns false when none is left. */
  step(): boolean {
    const t = this.peekTime();
    if (t === Number.POSITIVE_INFINITY) return false;
    const ev = this.pop();
    this._now = ev.t;
    this.executed++;
    ev.fn(ev.a, ev.b);
    if (ev.pooled) this.recycle(ev);
    return true;
  }

  private recycle(ev: ScheduledEvent): void {
    ev.a = undefined; // let the packet go
    ev.b = undefined;
    this.spare.push(ev);
  }

  private stopped = false;
  /** Makes the current runUntil return after the running event. */
  stop(): void {
    this.stopped = true;
  }
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The largest double below `t` (t > 0): a bound that takes in every time before t and not t. */
export function justBefore(t: Nanos): Nanos {
  if (!(t > 0)) return t - 1;
  f64[0] = t;
  u64[0]! -= 1n;
  return f64[0]!;
}
