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
 */

const LAG_MS = 150;
/** Longest catch-up animation, in wall ms, before display time jumps. */
const MAX_BEHIND_MS = 1500;
/** An unpaced lab (speed 0) jumps in bulk; animate its jumps as if at 1×. */
const UNPACED_RATE = 1;

export class DisplayClock {
  private serverNow = 0;
  private speed = 1;
  private paused = false;
  private recvWall = 0;
  private display = 0;
  private lastWall = 0;
  private started = false;

  /** A clock sample from the server, received at wall time `wall` (ms). */
  sample(c: { now: number; speed: number; paused: boolean }, wall: number): void {
    this.serverNow = c.now;
    this.speed = c.speed;
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
  tick(wall: number): number {
    const dt = Math.max(0, Math.min(wall - this.lastWall, 250));
    this.lastWall = wall;
    const target = Math.max(0, this.serverTime(wall) - this.lagNs());
    const prev = this.display;
    let next = prev + dt * this.rate();
    const maxBehind = MAX_BEHIND_MS * this.rate();
    if (target - next > maxBehind) next = target - maxBehind;
    // Never ahead of what the server reported, and never backwards (an extrapolation that
    // overshot a pause just waits), unless the server restarted with a younger clock.
    if (next > target) next = Math.max(prev, target);
    if (target < prev - 10 * maxBehind) next = target;
    this.display = next;
    return next;
  }

  /** Starts over from `c` (the lab was rewound: display time may go back). */
  reset(c: { now: number; speed: number; paused: boolean }, wall: number): void {
    this.started = false;
    this.sample(c, wall);
  }

  /** Display time as of the last tick. */
  get now(): number {
    return this.display;
  }
}
