/**
 * @module server/users/throttle
 * Failed-login throttling, per user and source address: after a few free tries each further
 * failure doubles the wait before the next attempt is even checked (1 s, 2 s, 4 s … capped), so
 * guessing a classmate's password from the back row takes years while a typo costs nothing.
 * Keyed by user+address so one attacker cannot lock a user out for everyone else. The table is
 * bounded: old entries expire and the oldest are evicted first.
 */

export interface ThrottleOptions {
  /** Failures allowed before any wait (default 3). */
  free?: number;
  /** First wait, ms (default 1000). */
  baseMs?: number;
  /** Longest wait, ms (default 5 minutes). */
  maxMs?: number;
  /** An entry with no failure for this long is forgotten, ms (default 15 minutes). */
  forgetMs?: number;
  /** Most entries kept (default 10000). */
  maxEntries?: number;
  /** Wall clock, ms (injected for tests). */
  now?: () => number;
}

interface Entry {
  failures: number;
  last: number;
  until: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly free: number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly forgetMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(o: ThrottleOptions = {}) {
    this.free = o.free ?? 3;
    this.baseMs = o.baseMs ?? 1000;
    this.maxMs = o.maxMs ?? 5 * 60_000;
    this.forgetMs = o.forgetMs ?? 15 * 60_000;
    this.maxEntries = o.maxEntries ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  private key(user: string, addr: string): string {
    return `${user.slice(0, 64)}\u0000${addr}`;
  }

  private entry(k: string, t: number): Entry | undefined {
    const e = this.entries.get(k);
    if (e && t - e.last > this.forgetMs && t >= e.until) {
      this.entries.delete(k);
      return undefined;
    }
    return e;
  }

  /** Milliseconds to wait before `user` from `addr` may try again; 0 when a try is allowed now. */
  retryAfter(user: string, addr: string): number {
    const t = this.now();
    const e = this.entry(this.key(user, addr), t);
    return e ? Math.max(0, e.until - t) : 0;
  }

  /** Records a failed attempt; returns the wait it imposes (ms). */
  fail(user: string, addr: string): number {
    const t = this.now();
    const k = this.key(user, addr);
    let e = this.entry(k, t);
    if (!e) {
      if (this.entries.size >= this.maxEntries) this.evict(t);
      e = { failures: 0, last: t, until: t };
      this.entries.set(k, e);
    }
    e.failures++;
    e.last = t;
    const over = e.failures - this.free;
    const wait = over <= 0 ? 0 : Math.min(this.maxMs, this.baseMs * 2 ** Math.min(over - 1, 30));
    e.until = t + wait;
    return wait;
  }

  /** A successful login clears the record for that user and address. */
  succeed(user: string, addr: string): void {
    this.entries.delete(this.key(user, addr));
  }

  /** Entries currently held (for tests and the memory figures). */
  get size(): number {
    return this.entries.size;
  }

  private evict(t: number): void {
    for (const [k, e] of this.entries) if (t - e.last > this.forgetMs && t >= e.until) this.entries.delete(k);
    // Still full: drop the oldest tenth (Map keeps insertion order).
    if (this.entries.size >= this.maxEntries) {
      let n = Math.ceil(this.maxEntries / 10);
      for (const k of this.entries.keys()) {
        if (n-- <= 0) break;
        this.entries.delete(k);
      }
    }
  }
}
