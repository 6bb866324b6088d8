/**
 * @module sim/pacer
 * Runs a scheduler in real time times a speed factor, or paused and stepped. The wall clock
 * and the timer are injected (performance.now / setTimeout in practice), so this file stays
 * free of any environment and tests can drive it by hand.
 *
 * Virtual time follows wall time: v = v0 + (wall − w0) × speed, re-anchored on every change of
 * speed or pause so the clock never jumps.
 */
import type { Nanos } from "../core/time.js";
import type { Scheduler } from "./scheduler.js";

export interface WallClock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export class Pacer {
  private speed_ = 1;
  private paused_ = false;
  private anchorWall = 0;
  private anchorVirtual: Nanos = 0;
  private handle: unknown = null;
  private running = false;
  /** Called after each batch of events ran (the server flushes its event batches here). */
  onTick: (() => void) | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly wall: WallClock,
    /** Longest wall-clock pause between ticks, ms (keeps the picture fluid). */
    private readonly tickMs = 10,
  ) {}

  get speed(): number {
    return this.speed_;
  }
  get paused(): boolean {
    return this.paused_;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.anchor();
    this.schedule();
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
  }

  pause(): void {
    this.catchUp();
    this.paused_ = true;
  }

  resume(): void {
    this.paused_ = false;
    this.anchor();
  }

  /** While paused: advance virtual time by `ns` at once (single step). */
  step(ns: Nanos): void {
    this.scheduler.runUntil(this.scheduler.now() + ns);
    this.anchor();
    this.onTick?.();
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

  private catchUp(): void {
    if (!this.paused_ && this.running) this.scheduler.runUntil(this.target());
  }

  private schedule(): void {
    if (!this.running) return;
    this.handle = this.wall.setTimer(() => this.tick(), this.tickMs);
  }

  private tick(): void {
    this.handle = null;
    if (!this.running) return;
    if (!this.paused_) this.scheduler.runUntil(this.target());
    this.onTick?.();
    this.schedule();
  }
}
