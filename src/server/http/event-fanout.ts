/**
 * @module server/http/event-fanout
 * Streams the lab's event stream to many WebSocket clients without ever making the simulation
 * wait for them (DESIGN "Key shapes": slow consumers get batches and drop-counts).
 *
 * Events are collected as they happen and flushed every `intervalMs` (50 ms) as JSON messages
 * `{type:"batch", clock, events}` of at most `maxBatch` events. Each message is a FanoutView
 * (fanout-view.ts) shared by every client that gets it and encoded once, healthy or slow: a class
 * of 20 browsers costs one JSON.stringify per message, not 20 (issue 23).
 *
 * A client that falls behind (its `bufferedAmount` above `highWater`) keeps a private queue of
 * the shared views it has not been sent, at most `maxBacklog` events and markers in all. The
 * queue is thinned by priority when it overflows or while the socket is congested: routing chatter
 * goes first, then the other hops and deliveries; drops, route, link, node and command events
 * are kept as long as anything else can go (a queued view is swapped for its shared thinner
 * view). What was thinned is reported in-line as `{kind:"missed", t, count}` where the gap is,
 * so the page can say "N events not shown"; as a last resort the oldest messages become one
 * private marker. Memory per client is bounded by `maxBacklog`; a client whose socket stays
 * above `hardWater` gets nothing sent until it drains.
 */
import type { LabEvent } from "../../core/events.js";
import type { ClockState } from "../../lab/lab.js";
import { PacketSampler, type SampleInfo, sampleEvents } from "./fanout-sample.js";
import { FanoutView, isRoutingChatter } from "./fanout-view.js";
import type { MissedMarker, StreamEvent } from "./stream-messages.js";

export { eventPriority } from "./fanout-view.js";

/** What the fanout needs of a WebSocket (ws's WebSocket fits). */
export interface EventSocket {
  send(data: string): void;
  /** Bytes queued but not yet written to the network. */
  readonly bufferedAmount: number;
}

// The messages' types live with the page's other stream types (the page imports them).
export type { BatchMessage, MissedMarker, RewindMarker, StreamEvent } from "./stream-messages.js";

export interface FanoutOptions {
  /** Flush period, ms. */
  intervalMs?: number;
  /** Socket buffer above which a client counts as slow and its events are thinned, bytes. */
  highWater?: number;
  /** Socket buffer above which nothing more is sent to a client until it drains, bytes. */
  hardWater?: number;
  /** Most events kept for one slow client. */
  maxBacklog?: number;
  /** Most events in one message (the rest wait for the next tick). */
  maxBatch?: number;
  /** Send a clock-only batch at least this often while idle, ms (keeps the page's clock true). */
  idleClockMs?: number;
}

const DEFAULTS: Required<FanoutOptions> = {
  intervalMs: 50,
  highWater: 256 * 1024,
  hardWater: 1024 * 1024,
  maxBacklog: 4096,
  maxBatch: 2000,
  idleClockMs: 500,
};

/** The oldest messages of a client's queue, dropped for room: one marker, the client's own. */
interface LostEntry {
  lost: MissedMarker;
  clock: ClockState;
}

type Queued = FanoutView | LostEntry;

/** One connected client and its queue of messages not yet sent (empty while it keeps up). */
class Client {
  queue: Queued[] = [];
  /** Events and markers in `queue` (the bound is `maxBacklog`). */
  queued = 0;
  lastSend = Number.NEGATIVE_INFINITY;
  /** Event kinds the client does not want (e.g. routing chatter hidden on the page). */
  hideRouting = false;
  /** Past what a page can draw, a sample of the packets (the page asks; scripts get all). */
  sample = false;

  constructor(
    readonly socket: EventSocket,
    /** The page's compact encoding (compact-batch.ts), or JSON (scripts, by default). */
    readonly compact: boolean,
  ) {}
}

/**
 * This flush's events, cut into messages, in the versions clients ask for (with or without routing chatter,
 * all packets or a sample), each made once for every client that asks for it.
 */
class Flushed {
  private readonly made = new Map<number, FanoutView[]>();
  private idleText: string | null = null;

  constructor(
    private readonly clock: ClockState,
    readonly events: StreamEvent[],
    private readonly maxBatch: number,
    /** What the clients that asked for a sample get: 1 packet in `every`, the routes of 1 router in `routeEvery`. */
    private readonly sampler: {
      readonly every: number;
      readonly routeEvery: number;
      readonly sampling: boolean;
    },
  ) {}

  views(hideRouting: boolean, sample: boolean): FanoutView[] {
    const key = (hideRouting ? 1 : 0) | (sample && this.sampler.sampling ? 2 : 0);
    let views = this.made.get(key);
    if (!views) {
      const events = hideRouting ? this.events.filter((e) => !isRoutingChatter(e)) : this.events;
      const s = key & 2 ? sampleEvents(events, this.sampler.every, this.sampler.routeEvery) : { events };
      views = this.cut(s.events, s.info);
      this.made.set(key, views);
    }
    return views;
  }

  /** A clock-only message, for a client that has heard nothing for a while. */
  idle(): string {
    this.idleText ??= JSON.stringify({ type: "batch", clock: this.clock, events: [] });
    return this.idleText;
  }

  /** Messages of at most maxBatch events; the first says what the sample left out. */
  private cut(events: readonly StreamEvent[], sample?: SampleInfo): FanoutView[] {
    if (events.length <= this.maxBatch)
      return events.length === 0 ? [] : [FanoutView.of(this.clock, events, sample)];
    const out: FanoutView[] = [];
    for (let i = 0; i < events.length; i += this.maxBatch)
      out.push(FanoutView.of(this.clock, events.slice(i, i + this.maxBatch), i === 0 ? sample : undefined));
    return out;
  }
}

export class EventFanout {
  private readonly opts: Required<FanoutOptions>;
  private readonly clients = new Set<Client>();
  private pending: StreamEvent[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private unsubscribe: (() => void) | null = null;
  /** Events the fanout has dropped for lack of room, all clients together (for /api/stats). */
  thinned = 0;
  private readonly sampler = new PacketSampler();
  private lastFlush: number | undefined;

  constructor(
    private readonly source: {
      onEvent(l: (e: LabEvent) => void): () => void;
      clock(): ClockState;
    },
    opts: FanoutOptions = {},
    /** Wall clock in ms (injected for tests). */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  get size(): number {
    return this.clients.size;
  }

  /** Adds a client; returns a handle to set its preferences and to remove it. */
  add(
    socket: EventSocket,
    opts: { compact?: boolean } = {},
  ): { remove(): void; setHideRouting(hide: boolean): void; setSample(on: boolean): void } {
    const c = new Client(socket, opts.compact ?? false);
    this.clients.add(c);
    if (!this.unsubscribe) this.unsubscribe = this.source.onEvent((e) => this.pending.push(e));
    return {
      remove: () => this.remove(c),
      setHideRouting: (hide: boolean) => {
        c.hideRouting = hide;
      },
      setSample: (on: boolean) => {
        c.sample = on;
      },
    };
  }

  /** Starts the periodic flush (the server does; tests call flush() by hand). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.flush(), this.opts.intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.clients.clear();
    this.pending = [];
  }

  /**
   * The lab was rewound to `t`: events not yet sent belong to the abandoned run, so they are
   * dropped (and every client's queue with them) and a `rewind` marker goes out instead.
   * Two rewinds within one flush period send one marker, the latest: a page needs only that.
   */
  rewound(t: number): void {
    this.pending = this.clients.size > 0 ? [{ kind: "rewind", t }] : [];
    for (const c of this.clients) {
      c.queue = [];
      c.queued = 0;
    }
  }

  /** Wall time spent flushing (read by the server's loop watch, server/loop-watch.ts). */
  readonly work = { flushes: 0, events: 0, ms: 0, longestMs: 0 };

  /** Sends what happened since the last flush to every client. */
  flush(): void {
    const events = this.pending;
    this.pending = [];
    if (this.clients.size === 0) return;
    const now = this.now();
    this.flushTo(events, now);
    const ms = this.now() - now;
    this.work.flushes++;
    this.work.events += events.length;
    this.work.ms += ms;
    if (ms > this.work.longestMs) this.work.longestMs = ms;
  }

  private flushTo(events: StreamEvent[], now: number): void {
    if (this.lastFlush !== undefined) this.sampler.observe(events, (now - this.lastFlush) / 1000);
    this.lastFlush = now;
    const flushed = new Flushed(this.source.clock(), events, this.opts.maxBatch, this.sampler);
    for (const c of this.clients) {
      const buffered = c.socket.bufferedAmount;
      for (const v of flushed.views(c.hideRouting, c.sample)) {
        c.queue.push(v);
        c.queued += v.size;
      }
      if (buffered > this.opts.highWater) this.raise(c, 1);
      this.bound(c);
      if (buffered > this.opts.hardWater) continue; // stalled: keep (bounded) queue, send nothing
      this.sendQueued(c, flushed, now, buffered <= this.opts.highWater);
    }
  }

  private send(c: Client, text: string, now: number): boolean {
    c.lastSend = now;
    try {
      c.socket.send(text);
      return true;
    } catch {
      this.remove(c); // a socket that throws on send is gone
      return false;
    }
  }

  private remove(c: Client): void {
    this.clients.delete(c);
    if (this.clients.size === 0) {
      this.unsubscribe?.();
      this.unsubscribe = null;
      this.pending = [];
    }
  }

  /** Swaps every queued view below `level` for its (shared) thinner view, counting what went. */
  private raise(c: Client, level: 0 | 1): void {
    const queue: Queued[] = [];
    for (const q of c.queue) {
      let next = q;
      if (q instanceof FanoutView && q.level < level) {
        let v: FanoutView = q;
        while (v.level < level) v = v.thinner();
        this.thinned += v.gone - q.gone;
        c.queued += v.size - q.size;
        next = v;
      }
      // Markers only, no event left: the client's own marker, merged with the one before it,
      // so a stalled client's queue holds no message that says nothing but "missed".
      const prev = queue.at(-1);
      if (next instanceof FanoutView && next.shown === 0 && prev && !(prev instanceof FanoutView)) {
        prev.lost.count += next.gone;
        prev.lost.t = next.events.at(-1)!.t;
        prev.clock = next.clock;
        c.queued -= next.size;
        continue;
      }
      if (next instanceof FanoutView && next.shown === 0) {
        const lost: LostEntry = {
          lost: { kind: "missed", t: next.events[0]!.t, count: next.gone },
          clock: next.clock,
        };
        c.queued -= next.size - 1;
        queue.push(lost);
        continue;
      }
      queue.push(next);
    }
    c.queue = queue;
  }

  /** Thins a queue over its bound by rising priority; as a last resort the oldest messages go. */
  private bound(c: Client): void {
    const max = this.opts.maxBacklog;
    for (const level of [0, 1] as const) if (c.queued > max) this.raise(c, level);
    while (c.queued > max && c.queue.length > 0) {
      const first = c.queue[0]!;
      if (first instanceof FanoutView) {
        c.queue[0] = { lost: { kind: "missed", t: 0, count: 0 }, clock: first.clock };
        c.queued += 1;
        this.absorb(c, c.queue[0] as LostEntry, first);
        continue;
      }
      const second = c.queue[1];
      if (!second) break; // one marker: the bound is at least 1
      c.queue.splice(1, 1);
      this.absorb(c, first, second);
    }
  }

  /** Drops a queued message into the marker before it. */
  private absorb(c: Client, into: LostEntry, q: Queued): void {
    if (q instanceof FanoutView) {
      this.thinned += q.shown; // its markers' events were counted when they were made
      into.lost.count += q.shown + q.gone;
      into.lost.t = q.events.at(-1)?.t ?? into.lost.t;
      into.clock = q.clock;
      c.queued -= q.size;
    } else {
      into.lost.count += q.lost.count;
      into.lost.t = q.lost.t;
      into.clock = q.clock;
      c.queued -= 1;
    }
  }

  /** Sends queued messages, at most `maxBatch` events in all (at least one message). */
  private sendQueued(c: Client, flushed: Flushed, now: number, healthy: boolean): void {
    let sent = 0;
    while (c.queue.length > 0) {
      const q = c.queue[0]!;
      const size = q instanceof FanoutView ? q.size : 1;
      if (sent > 0 && sent + size > this.opts.maxBatch) break;
      c.queue.shift();
      c.queued -= size;
      sent += size;
      const text =
        q instanceof FanoutView
          ? c.compact
            ? q.compact
            : q.text
          : JSON.stringify({ type: "batch", clock: q.clock, events: [q.lost] });
      if (!this.send(c, text, now)) return;
    }
    // A healthy viewer whose flush was all routing chatter it hides still hears the clock move, as others do.
    const clockMoved = healthy && flushed.events.length > 0;
    if (sent === 0 && (clockMoved || now - c.lastSend >= this.opts.idleClockMs))
      this.send(c, flushed.idle(), now);
  }
}
