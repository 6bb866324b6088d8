/**
 * @module sim/pacer
 * Runs a scheduler in real time times a speed factor, or paused and stepped. The wall clock
 * and the timer are injected (performance.now / setTimeout in practice), so this file stays
 * free of any environment and tests can drive it by hand.
 *
 * Virtual time follows wall time: v = v0 + (wall − w0) × speed, re-anchored on every change of
 * speed or pause so the clock never jumps.
 *
 * Bounded slices (issue 23): a tick runs events in slices of at most SLICE_EVENTS, looking at
 * the wall clock between slices, and gives the event loop back once TICK_BUDGET_MS of work is
 * done, even in the middle of a burst (random-2000's convergence held the server 47.9 s in one
 * `runUntil`). When a tick's budget runs out before the clock reached where wall time says it
 * should be, the CPU cannot keep the asked speed: the pacer re-anchors at where the simulation
 * got to, so virtual time slows to what the CPU can do (back-pressure: no backlog of virtual
 * time is kept to catch up later), and `actualSpeed` says how fast it really runs.
 */
import type { Nanos } from "../core/time.js";

/** What the pacer drives: a Scheduler, or a lab's journal that runs one (rewind). */
export interface SliceRunner {
  now(): Nanos;
  /** Runs at most `maxEvents` events due by `until`; true when it got to `until`. */
  runSlice(until: Nanos, maxEvents: number): boolean;
  /** The same for events due strictly before `until` (scheduler.ts runSliceBefore). */
  runSliceBefore(until: Nanos, maxEvents: number): boolean;
  /** Runs everything due by `until` (the paused lab's single step). */
  runUntil(until: Nanos): boolean;
}

export interface WallClock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/**
 * The wall clock of the machine the lab runs on: performance.now and setTimeout exist in Node
 * and in browsers (the browser edition's worker) alike. `routelab up` and the tests pace with it.
 */
export const systemWallClock: WallClock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Events run between two looks at the wall clock. Small: on a loaded machine (load 20 on 2
 * cores) one event of a converging random-2000 took ~1 ms of wall time, and 256 events between
 * looks made slices of hundreds of ms; a look (performance.now) costs ~50 ns.
 */
export const SLICE_EVENTS = 16;
/**
 * Wall milliseconds of simulation per tick before the event loop gets a turn. Below the ~20 ms
 * the issue asks for, leaving room for the slice that crosses it and for the flush after it.
 */
export const TICK_BUDGET_MS = 15;
/** Wall milliseconds over which `actualSpeed` is measured. */
const SPEED_WINDOW_MS = 2_000;
/** Pause after a tick that fell behind: the event loop's turn, short so the CPU stays busy. */
const BEHIND_PAUSE_MS = 1;

/**
 * What the pacer has run so far, in wall time (counters only ever grow, except `longestSliceMs`,
 * which a reader may reset): the server's loop watch reads it to say what ran during a stall.
 */
export interface PacerWork {
  /** Bounded runs: ticks, catch-ups before a change of speed, instructor's steps. */
  runs: number;
  slices: number;
  ms: number;
  /** The longest single slice (at most SLICE_EVENTS events) since the last reset. */
  longestSliceMs: number;
}

export class Pacer {
  private speed_ = 1;
  private paused_ = false;
  private anchorWall = 0;
  private anchorVirtual: Nanos = 0;
  private handle: unknown = null;
  private running = false;
  /** (wall ms, virtual ns) after each tick within SPEED_WINDOW_MS, oldest first. */
  private samples: { wall: number; virtual: Nanos; behind: boolean }[] = [];
  /** Called after each batch of events ran (the server flushes its event batches here). */
  onTick: (() => void) | null = null;
  /** Wall time spent running the simulation (read by the server's loop watch). */
  readonly work: PacerWork = { runs: 0, slices: 0, ms: 0, longestSliceMs: 0 };

  constructor(
    private readonly scheduler: SliceRunner,
    private readonly wall: WallClock,
    /** Longest wall-clock pause between ticks, ms (keeps the picture fluid). */
    private readonly tickMs = 10,
    /** Wall ms of work per tick (TICK_BUDGET_MS; tests shorten it). */
    private readonly budgetMs = TICK_BUDGET_MS,
  ) {}

  get speed(): number {
    return this.speed_;
  }
  get paused(): boolean {
    return this.paused_;
  }

  /**
   * The speed the clock really kept over the last two seconds of wall time (virtual seconds per
   * wall second), undefined while paused or before there is a window to measure.
   */
  get actualSpeed(): number | undefined {
    const s = this.samples;
    if (this.paused_ || s.length < 2) return undefined;
    const [a, b] = [s[0]!, s.at(-1)!];
    if (b.wall - a.wall < SPEED_WINDOW_MS / 4) return undefined;
    return (b.virtual - a.virtual) / ((b.wall - a.wall) * 1e6);
  }

  /** Whether a tick in the last window ran out of budget before the clock caught up. */
  get behind(): boolean {
    return !this.paused_ && this.samples.some((x) => x.behind);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.anchor();
    this.schedule(this.tickMs);
  }

  stop(): void {
    this.running = false;
    if (this.handle !== null) this.wall.clearTimer(this.handle);
    this.handle = null;
  }

  setSpeed(x: number): void {
    this.catchUp();
    this.speed_ = x;
    this.anchor();
    this.samples = [];
  }

  pause(): void {
    this.catchUp();
    this.paused_ = true;
    this.samples = [];
  }

  resume(): void {
    this.paused_ = false;
    this.anchor();
  }

  /** While paused: advance virtual time by `ns` at once (single step; unbounded). */
  step(ns: Nanos): void {
    this.scheduler.runUntil(this.scheduler.now() + ns);
    this.anchor();
    this.onTick?.();
  }

  /**
   * While paused: runs toward the virtual time `until` for one tick's budget of work; true once
   * the clock is there. The instructor's long step calls it again after each turn of the event
   * loop (lab/clock-step.ts).
   */
  stepToward(until: Nanos): boolean {
    const reached = this.runBounded(until);
    this.anchor();
    this.onTick?.();
    return reached;
  }

  /** Virtual time the clock should show now. */
  target(): Nanos {
    if (this.paused_) return this.scheduler.now();
    return this.anchorVirtual + Math.floor((this.wall.now() - this.anchorWall) * 1e6 * this.speed_);
  }

  private anchor(): void {
    this.anchorWall = this.wall.now();
    this.anchorVirtual = this.scheduler.now();
  }

  /** Runs to the clock's target before a change of speed or a pause, within one budget. */
  private catchUp(): void {
    if (!this.paused_ && this.running) this.runBounded(this.target());
  }

  /** Runs slices toward `until` until it is reached or the budget is spent; true if reached. */
  private runBounded(until: Nanos): boolean {
    const t0 = this.wall.now();
    let sliceStart = t0;
    for (;;) {
      const reached = this.scheduler.runSlice(until, SLICE_EVENTS);
      const t = this.wall.now();
      this.noteSlice(t - sliceStart);
      sliceStart = t;
      if (reached) return this.noteRun(t - t0, true);
      if (t - t0 >= this.budgetMs) break;
    }
    // Stop on a whole nanosecond, as a tick that got to its target does: a packet's time on a
    // link is fractional, and the clock is shown, stepped and rewound to in whole nanoseconds
    // (the page rounds what it asks for). What is due within that nanosecond runs first; what
    // is due at the next whole one waits for the next tick.
    const now = this.scheduler.now();
    if (!Number.isInteger(now))
      for (let i = 0; i < 64 && !this.scheduler.runSliceBefore(Math.ceil(now), SLICE_EVENTS); i++);
    return this.noteRun(this.wall.now() - t0, false);
  }

  private noteSlice(ms: number): void {
    this.work.slices++;
    if (ms > this.work.longestSliceMs) this.work.longestSliceMs = ms;
  }

  private noteRun(ms: number, reached: boolean): boolean {
    this.work.runs++;
    this.work.ms += ms;
    return reached;
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.handle = this.wall.setTimer(() => this.tick(), ms);
  }

  private tick(): void {
    this.handle = null;
    if (!this.running) return;
    let behind = false;
    if (!this.paused_) {
      behind = !this.runBounded(this.target());
      // Back-pressure: the clock goes on from where the simulation got to, not from where
      // wall time says it should be, so no backlog grows while the CPU cannot keep up.
      if (behind) this.anchor();
      this.sample(behind);
    }
    this.onTick?.();
    this.schedule(behind ? BEHIND_PAUSE_MS : this.tickMs);
  }

  private sample(behind: boolean): void {
    const wall = this.wall.now();
    const s = this.samples;
    s.push({ wall, virtual: this.scheduler.now(), behind });
    while (s.length > 2 && wall - s[0]!.wall > SPEED_WINDOW_MS) s.shift();
  }
}
