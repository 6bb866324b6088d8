/**
 * @module proto/rip/outbox
 * The daemon's outgoing messages, at most 8 to a simulation event (issue 23: the live lab answers
 * within 100 ms while random-2000 converges).
 *
 * routed sends a whole-table update in one loop (output.c supply(): a message goes out each
 * time its buffer fills), and so did this daemon, in the one event of its timer: at
 * random-2000 a table of ~3,000 routes is 120 messages an interface, and an update out of three
 * interfaces was one event of ~700 sends, 10–20 ms of CPU that no slice of the live server's
 * pacer could cut. Here an event sends at most 8 messages: what an update lists is encoded at
 * once, when the timer fires (the table as it is then, as before); the messages leave in the
 * order they were encoded, MESSAGES_PER_EVENT (8) at once when nothing waits, the rest 8 an
 * event in events of their own at the same instant — rounded up to its whole nanosecond when
 * it is between two (a packet's arrival is at a fractional time; the pacer stops on whole
 * nanoseconds). The packets and their bytes are those of one loop; other events due at the
 * same instant (another router's timer, an arrival) may now run between two groups of
 * messages, deterministically. An update of up to 8 messages (most triggered updates) leaves
 * in its own event, as before.
 *
 * When a send fails (the interface went down), the rest of that interface's messages are
 * dropped, as the loop gave up on its first failed send. `clear` (the daemon stops) forgets
 * what waits.
 */
import type { Nanos } from "../../core/time.js";
import type { Host, SendOptions, TimerHandle } from "../../sim/host.js";

/** What kind of message, for the interface counters. */
export type OutKind = "update" | "triggered" | "answer" | "request";

/** Sends one message now; false when the node refused it. */
export type SendNow = (
  payload: Uint8Array,
  dst: number,
  port: number,
  opts: SendOptions,
  ifIndex: number,
  kind: OutKind,
) => boolean;

/** One message waiting for its event. */
interface Waiting {
  payload: Uint8Array;
  dst: number;
  port: number;
  opts: SendOptions;
  ifIndex: number;
  kind: OutKind;
  /** The messages of one update (or answer) on one interface share it. */
  burst: number;
}

/**
 * Messages one event may send: ~25 µs of CPU each at random-2000 (a node's IP, Ethernet and
 * link for a 504-byte message), so an event stays well under a millisecond, while the usual
 * triggered update (a message or two out of each of a few interfaces) still leaves in the
 * event that made it, as before.
 */
export const MESSAGES_PER_EVENT = 8;

export class RipOutbox {
  private waiting: Waiting[] = [];
  private head = 0;
  /** Armed while messages wait: the event that sends the next of them. */
  private timer: TimerHandle | null = null;
  /** Messages that may still go at once at the instant `allowanceAt`. */
  private allowance = 0;
  private allowanceAt = Number.NaN;
  private bursts = 0;
  /** The burst whose send failed: its later messages are dropped. */
  private failed = -1;
  private readonly next = (): void => this.sendNext();

  constructor(
    private readonly host: () => Host,
    private readonly sendNow: SendNow,
  ) {}

  /** A new burst: the messages of one update (or answer) out of one interface. */
  newBurst(): number {
    return this.bursts++;
  }

  /** Messages waiting for their event. */
  get pending(): number {
    return this.waiting.length - this.head;
  }

  /**
   * Sends a message of `burst` at once while nothing waits and this instant's allowance
   * (MESSAGES_PER_EVENT, shared by the events of one instant) lasts; otherwise it waits for an
   * event after those before it. False when it was sent at once and refused (the caller stops
   * its burst there).
   */
  send(
    payload: Uint8Array,
    dst: number,
    port: number,
    opts: SendOptions,
    ifIndex: number,
    kind: OutKind,
    burst: number,
  ): boolean {
    if (burst === this.failed) return false;
    this.waiting.push({ payload, dst, port, opts, ifIndex, kind, burst });
    if (this.timer !== null) return true;
    // Nothing else waits (a timer is armed whenever something does): this message goes now
    // if this instant's allowance lasts, through the one send loop `sendNext` runs too, so
    // that the node's send path is compiled into that loop once rather than into every caller.
    const now = this.host().now();
    if (now !== this.allowanceAt) {
      this.allowanceAt = now;
      this.allowance = MESSAGES_PER_EVENT;
    }
    if (this.allowance === 0) {
      this.arm(now);
      return true;
    }
    this.allowance = this.drain(this.allowance);
    return burst !== this.failed;
  }

  /** Forgets what waits (the daemon stops). */
  clear(): void {
    this.timer?.cancel();
    this.timer = null;
    this.waiting = [];
    this.head = 0;
    this.failed = -1;
    this.allowanceAt = Number.NaN;
  }

  /**
   * The next event: at this instant, or at the next whole nanosecond when it is between two.
   * The live pacer ends a tick cut short on a whole nanosecond, running first what is due
   * before it (sim/pacer.ts): messages left at a fractional instant would all be run there at
   * once. (ceil(now) - now is exact, and so is now plus it: the two are within a factor of two.)
   */
  private arm(now: number): void {
    this.timer = this.host().timer((Math.ceil(now) - now) as Nanos, this.next);
  }

  /** One event: up to MESSAGES_PER_EVENT waiting messages go out; the rest wait for another. */
  private sendNext(): void {
    this.timer = null;
    const n = this.drain(MESSAGES_PER_EVENT);
    const now = this.host().now();
    if (this.pending > 0) this.arm(now);
    else {
      // What this event did not use, later events of the same instant may.
      this.allowanceAt = now;
      this.allowance = n;
    }
  }

  /**
   * Sends up to `n` waiting messages in order, a failed send dropping the rest of its burst;
   * forgets the queue once it is empty. Returns how many of the `n` were not used.
   */
  private drain(n: number): number {
    for (; n > 0 && this.pending > 0; n--) {
      const w = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined as unknown as Waiting;
      if (w.burst !== this.failed && !this.sendNow(w.payload, w.dst, w.port, w.opts, w.ifIndex, w.kind))
        this.failed = w.burst;
    }
    if (this.pending === 0) {
      this.waiting = [];
      this.head = 0;
    }
    return n;
  }
}
