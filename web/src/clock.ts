/**
 * @module web/clock
 * Maps the lab's virtual time onto the page's frames. The server stamps each batch with its
 * clock `{now, speed, paused}`; between batches the page extrapolates `now` at `speed`.
 *
 * The picture runs a little behind the server (LAG_MS of wall time) so that a hop's event has
 * arrived before its dot must start moving: events come in 50 ms batches. Display time
 * advances at the clock's speed, so a slowed clock slows every dot; it never runs ahead of
 * what the server has reported, and when it falls far behind (a step of 10 s while paused, a
 * stalled tab) it jumps forward rather than crawl.
 *
 * Slow motion, so short hops can be seen: the seed's links take 1 ms, a frame at 1× lasts
 * 16 ms, so a dot would cross its link between two frames. While a hop shorter than
 * MIN_FLIGHT_MS of wall time is on screen (or about to be), the whole picture slows down so
 * that it lasts MIN_FLIGHT_MS: every dot still moves in step with virtual time and with every
 * other dot (nothing is reordered or stretched on its own), the picture just falls behind the
 * lab for a moment. The time it borrowed is paid back, fast, while nothing is in flight, never
 * skipping the start of a hop. The more it owes, the less it slows (none at MAX_DEBT_MS), so a
 * busy network shows real time with trails instead of an ever-growing delay. The header's
 * clock shows the moment on screen, marked while slowed.
 */

const LAG_MS = 150;
/** Longest catch-up animation, in wall ms, before display time jumps. */
const MAX_BEHIND_MS = 1500;
/** An unpaced lab (speed 0) jumps in bulk; animate its jumps as if at 1×. */
const UNPACED_RATE = 1;
/** Shortest time a hop takes on screen in slow motion, wall ms. */
export const MIN_FLIGHT_MS = 250;
/** Most delay slow motion may build up, wall ms at the clock's speed. */
const MAX_DEBT_MS = 3000;
/** Paying back the delay takes about this long once nothing moves, wall ms. */
const PAYBACK_MS = 250;

/** What is on screen, for slow motion: the scene reports it each frame. */
export interface FlightHint {
  /** Shortest duration (virtual ns) of a hop in flight or starting within a frame; Infinity if none. */
  shortest: number;
  /** Virtual time of the next hop to start; Infinity if none is waiting. */
  nextStart: number;
}

const NO_FLIGHT: FlightHint = { shortest: Infinity, nextStart: Infinity };

export class DisplayClock {
  private serverNow = 0;
  private speed = 1;
  private paused = false;
  private recvWall = 0;
  private display = 0;
  private lastWall = 0;
  private started = false;
  /** Virtual ns the picture is behind because of slow motion. */
  private debt = 0;
  /** Slow motion on (the page's toggle). */
  slowMotion = true;
  /** How much slower than the clock the last frame ran (1: not slowed). */
  slowedBy = 1;

  /** A clock sample from the server, received at wall time `wall` (ms). */
  sample(
    c: { now: number; speed: number; paused: boolean; actualSpeed?: number; behind?: boolean },
    wall: number,
  ): void {
    this.serverNow = c.now;
    // A clock that cannot keep up runs at what it manages: extrapolate at that, not the asked speed.
    this.speed = c.behind && c.actualSpeed !== undefined && c.actualSpeed > 0 ? c.actualSpeed : c.speed;
    this.paused = c.paused;
    this.recvWall = wall;
    if (!this.started) {
      this.started = true;
      this.display = Math.max(0, c.now - this.lagNs());
      this.lastWall = wall;
    }
  }

  get isPaused(): boolean {
    return this.paused;
  }
  get currentSpeed(): number {
    return this.speed;
  }

  /** Server virtual time extrapolated to `wall`. */
  serverTime(wall: number): number {
    if (this.paused || this.speed === 0) return this.serverNow;
    return this.serverNow + (wall - this.recvWall) * 1e6 * this.speed;
  }

  /** Virtual ns per wall ms the picture moves at. */
  private rate(): number {
    return (this.speed > 0 ? this.speed : UNPACED_RATE) * 1e6;
  }

  private lagNs(): number {
    return this.paused || this.speed === 0 ? 0 : LAG_MS * this.rate();
  }

  /** Advances display time to wall time `wall` (call once per frame); returns it. */
  tick(wall: number, hint: FlightHint = NO_FLIGHT): number {
    const dt = Math.max(0, Math.min(wall - this.lastWall, 250));
    this.lastWall = wall;
    const target = Math.max(0, this.serverTime(wall) - this.lagNs());
    const prev = this.display;
    const base = this.rate();
    let next = prev + dt * base;
    this.slowedBy = 1;
    if (this.slowMotion && hint.shortest < Infinity) {
      const want = Math.max(hint.shortest, 1) / MIN_FLIGHT_MS;
      if (want < base) {
        // From `want` towards `base` as the debt grows, geometrically: the first hops of a
        // burst get their full time, a flood gets real time.
        const owed = Math.min(1, this.debt / (MAX_DEBT_MS * base));
        const rate = want * (base / want) ** (owed * owed);
        next = prev + dt * rate;
        this.debt += (base - rate) * dt;
        this.slowedBy = base / rate;
      }
    } else if (this.debt > 0) {
      // Nothing in flight: pay back, but stop where the next hop starts so it is not skipped.
      const pay = Math.min(this.debt, Math.max((this.debt * dt) / PAYBACK_MS, 2 * dt * base));
      const free = prev + dt * base;
      next = free + pay;
      if (hint.nextStart > prev && next > hint.nextStart) next = hint.nextStart;
      this.debt += free - next; // less what was paid back (more if it stopped short of a frame)
    }
    const maxBehind = MAX_BEHIND_MS * base + this.debt;
    if (target - next > maxBehind) {
      next = target - MAX_BEHIND_MS * base;
      this.debt = 0;
    }
    // Never ahead of what the server reported, and never backwards (an extrapolation that
    // overshot a pause just waits), unless the server restarted with a younger clock.
    if (next > target) next = Math.max(prev, target);
    if (target < prev - 10 * MAX_BEHIND_MS * base) next = target;
    this.debt = Math.max(0, Math.min(this.debt, target - next));
    this.display = next;
    return next;
  }

  /** Starts over from `c` (the lab was rewound: display time may go back). */
  reset(c: { now: number; speed: number; paused: boolean }, wall: number): void {
    this.started = false;
    this.debt = 0;
    this.sample(c, wall);
  }

  /** Display time as of the last tick. */
  get now(): number {
    return this.display;
  }
}
