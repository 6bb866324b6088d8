/**
 * @module engines/sim/journal-quota
 * Bounds on the rewind journal (issue 17: one student made 35,000 entries, 142 MB, in 48 s).
 * The journal keeps every input of a lesson so the lab can be rebuilt at any moment, so it
 * cannot forget old entries; instead it is bounded in entries and bytes (a full journal refuses
 * new inputs, saying so), and each person may add entries only at a fair rate: a token bucket
 * of JOURNAL_BURST entries refilled at JOURNAL_RATE a second, on the wall clock. Limits are in
 * core/limits.ts.
 */
import { LabError } from "../../core/errors.js";
import { JOURNAL_BURST, JOURNAL_MAX_BYTES, JOURNAL_MAX_ENTRIES, JOURNAL_RATE } from "../../core/limits.js";

/** Fixed cost of one entry besides its text, bytes (its stamp, kind and ids). */
export const ENTRY_OVERHEAD = 64;

/** Buckets kept at most; full ones are forgotten first (they hold nothing a new one would not). */
const MAX_BUCKETS = 10_000;

export class JournalQuota {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    /** Wall clock, ms; none: no rate limit (scripts and tests run unpaced, as fast as they like). */
    private readonly now: (() => number) | undefined,
    readonly maxEntries = JOURNAL_MAX_ENTRIES,
    readonly maxBytes = JOURNAL_MAX_BYTES,
    readonly rate = JOURNAL_RATE,
    readonly burst = JOURNAL_BURST,
  ) {}

  /**
   * Admits one entry of `bytes` by `user` to a journal holding `entries` entries and `held`
   * bytes, or throws a LabError (code `limit`) saying which bound it met.
   */
  admit(user: string | undefined, bytes: number, entries: number, held: number): void {
    if (entries >= this.maxEntries || held + bytes > this.maxBytes)
      throw new LabError(
        `the lesson's journal is full (at most ${this.maxEntries} inputs, ${this.maxBytes / 1024 / 1024} MiB): nothing more can be recorded; start the lab again for a new lesson`,
        {},
        "limit",
      );
    if (!this.now || user === undefined) return;
    const t = this.now();
    const b = this.buckets.get(user) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.rate);
    b.at = t;
    if (b.tokens < 1) {
      this.buckets.set(user, b);
      throw new LabError(
        `${user}: too many commands at once (at most ${this.rate} a second, ${this.burst} in a burst); wait a moment`,
        {},
        "limit",
      );
    }
    b.tokens -= 1;
    this.buckets.delete(user); // re-inserted last: the map stays in order of use
    this.buckets.set(user, b);
    if (this.buckets.size > MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value!);
  }
}
