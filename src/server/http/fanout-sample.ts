/**
 * @module server/http/fanout-sample
 * Level of detail for the page (issue 23): past what a page can draw, a viewer that asks for it
 * gets a sample of the packets — every hop and delivery of 1 packet in `every`, whole paths,
 * chosen by a hash of the packet id — and, per link, how many hops were left out, so it can say
 * that what it shows is a sample and how much crossed each link. Drops of data packets, link,
 * node and command events are never sampled out (route changes: below). The sample is the same for every viewer
 * that asks for one, made once per flush (the FanoutView design).
 *
 * `every` follows the rate of packet events (smoothed over about a second) so a packet's hops,
 * spread over a few flushes, are mostly kept or left out together; it is a power of two, at most
 * MAX_EVERY.
 *
 * Route changes too, past what the page's event log can show (DRAWABLE_ROUTES_PER_S): a
 * converging random-1000 makes ~150,000 a simulated second, 85 % of its events and of the
 * stream's bytes (issue 23, bench:class: the server spent as long flushing them to 20 viewers
 * as simulating). A sampling viewer then gets every route change of 1 router in `routeEvery`
 * (a hash of the router's name: a kept router's table is seen converging whole) and the count
 * of those left out; links, nodes, commands and data drops are still never left out.
 */
import type { SampleInfo, StreamEvent } from "./stream-messages.js";
import { eventPriority } from "./fanout-view.js";

/** Hops and deliveries per second a page draws in full; past that it gets a sample. */
export const DRAWABLE_PER_S = 2_000;
/** Route changes per second the page's event log shows in full; past that, a sample of routers. */
export const DRAWABLE_ROUTES_PER_S = 500;
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

/** Keeps the route changes of 1 router in `every`: keepsPacket of a hash (FNV-1a) of its name. */
export function keepsRouter(node: string, every: number): boolean {
  if (every <= 1) return true;
  let h = 0x811c9dc5;
  for (let i = 0; i < node.length; i++) h = Math.imul(h ^ node.charCodeAt(i), 0x01000193);
  return keepsPacket(h, every);
}

/** A power of two (at most MAX_EVERY) that brings `rate` (smoothed) or a quarter of `now` under `drawable`. */
function everyFor(rate: number, now: number, drawable: number): number {
  let every = 1;
  while (every < MAX_EVERY && Math.max(rate, now / 4) / every > drawable) every *= 2;
  return every;
}

export class PacketSampler {
  private rate = 0;
  private routeRate = 0;
  /** 1 packet in `every` is kept (1: all). */
  every = 1;
  /** The route changes of 1 router in `routeEvery` are kept (1: all). */
  routeEvery = 1;

  /** Takes this flush's events, `seconds` of wall time after the last flush; sets `every` and `routeEvery`. */
  observe(events: readonly StreamEvent[], seconds: number): void {
    let n = 0;
    let routes = 0;
    for (const e of events)
      if (sampleable(e)) n++;
      else if (e.kind === "route") routes++;
    const span = Math.max(seconds, 0.001);
    const now = n / span;
    const routesNow = routes / span;
    this.rate = this.rate === 0 ? now : this.rate + SMOOTHING * (now - this.rate);
    this.routeRate =
      this.routeRate === 0 ? routesNow : this.routeRate + SMOOTHING * (routesNow - this.routeRate);
    this.every = everyFor(this.rate, now, DRAWABLE_PER_S);
    this.routeEvery = everyFor(this.routeRate, routesNow, DRAWABLE_ROUTES_PER_S);
  }

  /** Whether a sampling viewer gets less than everything now. */
  get sampling(): boolean {
    return this.every > 1 || this.routeEvery > 1;
  }
}

/** The events a sampling viewer gets, and what was left out (none when nothing was). */
export function sampleEvents(
  events: readonly StreamEvent[],
  every: number,
  routeEvery = 1,
): { events: readonly StreamEvent[]; info?: SampleInfo } {
  if (every <= 1 && routeEvery <= 1) return { events };
  const out: StreamEvent[] = [];
  const links: Record<string, number> = {};
  let hidden = 0;
  let routesHidden = 0;
  for (const e of events) {
    if (e.kind === "route") {
      if (keepsRouter(e.node, routeEvery)) out.push(e);
      else routesHidden++;
      continue;
    }
    if (!sampleable(e) || keepsPacket(e.packet, every)) {
      out.push(e);
      continue;
    }
    hidden++;
    if (e.kind === "hop") links[e.link] = (links[e.link] ?? 0) + 1;
  }
  const info: SampleInfo = { every, hidden, links };
  if (routeEvery > 1) {
    info.routeEvery = routeEvery;
    info.routesHidden = routesHidden;
  }
  return { events: out, info };
}
