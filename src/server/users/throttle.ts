/**
 * @module server/users/throttle
 * Failed-login throttling, one table for the page, the API and SSH. An attempt is *reserved*
 * before the password (or key signature, or admin token) is checked, and counted as a failure
 * from that moment: a burst of simultaneous guesses cannot all slip past the check while the
 * first ones are still being verified (scrypt takes tens of milliseconds). A success refunds it.
 *
 * Two counters are charged for every attempt:
 * - user + source address: after `free` failures each further one doubles the wait before the
 *   next attempt is even checked (1 s, 2 s, 4 s … capped at `maxMs`), so guessing a
 *   classmate's password from the back row takes years while a typo costs nothing. Keyed by
 *   address too, so an attacker cannot lock a user out for everyone else: alice at her own desk
 *   logs in while someone hammers her name from another.
 * - source address alone, with `addressFree` failures before it waits: one machine spraying a
 *   guess over many user names is slowed the same way.
 * The table is bounded: old entries expire and the oldest are evicted first.
 */

export interface ThrottleOptions {
  /** Failures of one user from one address allowed before any wait (default 3). */
  free?: number;
  /** Failures from one address, over all user names, before any wait (default 20). */
  addressFree?: number;
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

/** A reserved attempt: already counted as a failure; `succeed` gives it back. */
export interface LoginAttempt {
  /** The credential was right: forget this user's failures from this address, refund the address's. */
  succeed(): void;
  /** The credential was wrong: the wait it imposes on the next attempt (ms). */
  fail(): number;
}

/** Key of the address-wide counter (no user name contains a NUL). */
const ANY_USER = "\u0000*";

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  readonly free: number;
  readonly addressFree: number;
  readonly baseMs: number;
  readonly maxMs: number;
  private readonly forgetMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(o: ThrottleOptions = {}) {
    this.free = o.free ?? 3;
    this.addressFree = o.addressFree ?? 20;
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
    const wait = (k: string) => {
      const e = this.entry(k, t);
      return e ? Math.max(0, e.until - t) : 0;
    };
    return Math.max(wait(this.key(user, addr)), wait(this.key(ANY_USER, addr)));
  }

  /**
   * Reserves an attempt of `user` from `addr` before its credential is checked: the attempt,
   * or the milliseconds to wait when none is allowed now (nothing is then checked or counted).
   */
  begin(user: string, addr: string): LoginAttempt | number {
    const wait = this.retryAfter(user, addr);
    if (wait > 0) return wait;
    const imposed = this.fail(user, addr);
    let settled = false;
    return {
      succeed: () => {
        if (settled) return;
        settled = true;
        this.succeed(user, addr);
      },
      fail: () => {
        settled = true;
        return imposed;
      },
    };
  }

  /** Records a failed attempt (both counters); returns the wait it imposes (ms). */
  fail(user: string, addr: string): number {
    const t = this.now();
    return Math.max(
      this.count(this.key(user, addr), this.free, t),
      this.count(this.key(ANY_USER, addr), this.addressFree, t),
    );
  }

  /** A successful login: clears the user+address record and refunds one address-wide failure. */
  succeed(user: string, addr: string): void {
    this.entries.delete(this.key(user, addr));
    const k = this.key(ANY_USER, addr);
    const e = this.entries.get(k);
    if (!e) return;
    e.failures = Math.max(0, e.failures - 1);
    if (e.failures <= this.addressFree) e.until = Math.min(e.until, this.now());
    if (e.failures === 0) this.entries.delete(k);
  }

  /** Entries currently held (for tests and the memory figures). */
  get size(): number {
    return this.entries.size;
  }

  private count(k: string, free: number, t: number): number {
    let e = this.entry(k, t);
    if (!e) {
      if (this.entries.size >= this.maxEntries) this.evict(t);
      e = { failures: 0, last: t, until: t };
      this.entries.set(k, e);
    }
    e.failures++;
    e.last = t;
    const over = e.failures - free;
    const wait = over <= 0 ? 0 : Math.min(this.maxMs, this.baseMs * 2 ** Math.min(over - 1, 30));
    e.until = t + wait;
    return wait;
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
