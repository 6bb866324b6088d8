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

/** One direction of a link: from `from` to `to`. */
export class LinkDirection {
  busyUntil: Nanos = 0;
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
    readonly delay: Nanos,
    readonly bandwidth: number,
    readonly loss: number,
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
