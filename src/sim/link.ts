/**
 * @module sim/link
 * Point-to-point links: propagation delay, serialization at a bandwidth, random loss and a
 * bounded output queue per direction.
 *
 * The queue is modelled by the time each direction is busy until: a packet starts
 * transmitting when the previous one has left, and is dropped when the backlog would exceed
 * `queue` packets of 1500 bytes. No event is needed for a packet leaving the queue, so a
 * hop costs exactly one scheduler event (its arrival).
 */
import type { Nanos } from "../core/time.js";
import type { Iface } from "./iface.js";

/**
 * One direction of a link: from `from` to `to`.
 *
 * A link is first in, first out, so the packets in flight on one direction arrive in the order
 * they left: they wait here in a ring, and only the head has an event in the scheduler. The
 * heap then holds one entry per busy link direction instead of one per packet in flight, which
 * keeps the scheduler fast with tens of thousands of packets on the wires.
 */
export class LinkDirection {
  busyUntil: Nanos = 0;
  /** Arrival time of the last packet queued: later packets never arrive before it. */
  lastArrival: Nanos = 0;
  /** Packets in flight and their arrival times, a ring from `head` of `count` entries. */
  flight: unknown[] = new Array(8);
  times: Float64Array = new Float64Array(8);
  head = 0;
  count = 0;

  /** Queues a packet arriving at `t` (≥ every earlier one). */
  push(pkt: unknown, t: Nanos): void {
    if (this.count === this.flight.length) this.grow();
    const i = (this.head + this.count) & (this.flight.length - 1);
    this.flight[i] = pkt;
    this.times[i] = t;
    this.count++;
  }

  /** Removes and returns the head packet. */
  shift(): unknown {
    const i = this.head;
    const p = this.flight[i];
    this.flight[i] = undefined;
    this.head = (i + 1) & (this.flight.length - 1);
    this.count--;
    return p;
  }

  /** Arrival time of the head packet. */
  headTime(): Nanos {
    return this.times[this.head]!;
  }

  private grow(): void {
    const n = this.flight.length;
    const flight = new Array(n * 2);
    const times = new Float64Array(n * 2);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & (n - 1);
      flight[k] = this.flight[i];
      times[k] = this.times[i]!;
    }
    this.flight = flight;
    this.times = times;
    this.head = 0;
  }

  constructor(
    readonly link: Link,
    readonly from: Iface,
    readonly to: Iface,
  ) {}
}

export class Link {
  up = true;
  /** Down without telling either end (a fibre cut behind a switch): both interfaces stay up. */
  silent = false;
  readonly ab: LinkDirection;
  readonly ba: LinkDirection;
  /** ns to serialize one byte; 0 when bandwidth is unlimited. */
  readonly nsPerByte: number;
  /** Largest backlog, in ns of transmission, before the queue is full. */
  readonly maxBacklog: Nanos;

  constructor(
    readonly id: string,
    readonly a: Iface,
    readonly b: Iface,
    /** Changed mid-run by the lab (setLinkShape): FIFO still holds, as `lastArrival` bounds arrivals. */
    public delay: Nanos,
    readonly bandwidth: number,
    /** Changed mid-run by the lab (setLinkShape); read at each arrival. */
    public loss: number,
    readonly queue: number,
  ) {
    this.ab = new LinkDirection(this, a, b);
    this.ba = new LinkDirection(this, b, a);
    this.nsPerByte = bandwidth > 0 ? 8e9 / bandwidth : 0;
    this.maxBacklog = this.nsPerByte * 1500 * queue;
    a.link = this;
    a.out = this.ab;
    b.link = this;
    b.out = this.ba;
  }

  /** Whether packets get through: up and not silently cut. */
  get passing(): boolean {
    return this.up && !this.silent;
  }
}
