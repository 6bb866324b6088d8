/**
 * @module server/http/fanout-sample
 * Level of detail for the page (issue 23): past what a page can draw, a viewer that asks for it
 * gets a sample of the packets — every hop and delivery of 1 packet in `every`, whole paths,
 * chosen by a hash of the packet id — and, per link, how many hops were left out, so it can say
 * that what it shows is a sample and how much crossed each link. Drops of data packets, route,
 * link, node and command events are never sampled out. The sample is the same for every viewer
 * that asks for one, made once per flush (the FanoutView design).
 *
 * `every` follows the rate of packet events (smoothed over about a second) so a packet's hops,
 * spread over a few flushes, are mostly kept or left out together; it is a power of two, at most
 * MAX_EVERY.
 */
import type { SampleInfo, StreamEvent } from "./stream-messages.js";
import { eventPriority } from "./fanout-view.js";

/** Hops and deliveries per second a page draws in full; past that it gets a sample. */
export const DRAWABLE_PER_S = 2_000;
const MAX_EVERY = 1 << 16;
/** Weight of the newest flush in the smoothed rate. */
const SMOOTHING = 0.1;

export type { SampleInfo } from "./stream-messages.js";

/** Whether an event is a packet's hop or delivery (what sampling thins). */
function sampleable(e: StreamEvent): e is Extract<StreamEvent, { kind: "hop" | "deliver" | "drop" }> {
  return eventPriority(e) <= 1 && "packet" in e;
}

/** Keeps 1 packet in `every` (a power of two): the top bits of a multiplicative hash of the id. */
export function keepsPacket(packet: number, every: number): boolean {
  if (every <= 1) return true;
  const bits = 31 - Math.clz32(every);
  return Math.imul(packet, 0x9e3779b1) >>> (32 - bits) === 0;
}

export class PacketSampler {
  private rate = 0;
  /** 1 packet in `every` is kept (1: all). */
  every = 1;

  /** Takes this flush's events, `seconds` of wall time after the last flush; sets `every`. */
  observe(events: readonly StreamEvent[], seconds: number): void {
    let n = 0;
    for (const e of events) if (sampleable(e)) n++;
    const now = n / Math.max(seconds, 0.001);
    this.rate = this.rate === 0 ? now : this.rate + SMOOTHING * (now - this.rate);
    let every = 1;
    while (every < MAX_EVERY && Math.max(this.rate, now / 4) / every > DRAWABLE_PER_S) every *= 2;
    this.every = every;
  }
}

/** The events a sampling viewer gets, and what was left out (none when nothing was). */
export function sampleEvents(
  events: readonly StreamEvent[],
  every: number,
): { events: readonly StreamEvent[]; info?: SampleInfo } {
  if (every <= 1) return { events };
  const out: StreamEvent[] = [];
  const links: Record<string, number> = {};
  let hidden = 0;
  for (const e of events) {
    if (!sampleable(e) || keepsPacket(e.packet, every)) {
      out.push(e);
      continue;
    }
    hidden++;
    if (e.kind === "hop") links[e.link] = (links[e.link] ?? 0) + 1;
  }
  return { events: out, info: { every, hidden, links } };
}
