/**
 * @module server/http/event-fanout
 * Streams the lab's event stream to many WebSocket clients without ever making the simulation
 * wait for them (DESIGN "Key shapes": slow consumers get batches and drop-counts).
 *
 * Events are collected as they happen and flushed to every client every `intervalMs` (50 ms)
 * as one JSON message `{type:"batch", clock, events}`. A healthy client (empty backlog, socket
 * buffer below the bound) gets the one string serialised for everybody, so a class of 100
 * browsers costs one JSON.stringify per tick, not 100.
 *
 * A client that falls behind (its `bufferedAmount` above `highWater`) gets a private backlog of
 * at most `maxBacklog` events. The backlog is thinned by priority when it overflows or while
 * the socket is congested: RIP chatter goes first, then the other hops and deliveries; drops,
 * route, link, node and command events are kept as long as anything else can go. What was
 * thinned is reported in-line as `{kind:"missed", t, count}` where the gap is, so the page
 * can say "N events not shown". Memory per client is bounded by `maxBacklog`; a client whose
 * socket stays above `hardWater` gets nothing sent until it drains.
 */
import type { LabEvent } from "../../core/events.js";
import type { ClockState } from "../../lab/lab.js";

/** What the fanout needs of a WebSocket (ws's WebSocket fits). */
export interface EventSocket {
  send(data: string): void;
  /** Bytes queued but not yet written to the network. */
  readonly bufferedAmount: number;
}

/** A gap in a client's stream: `count` events were thinned out here. */
export interface MissedMarker {
  kind: "missed";
  t: number;
  count: number;
}

/**
 * The lab was rewound to `t` (issue 9): everything shown before is history of another branch,
 * so the page clears its picture and re-reads nodes, links and routes.
 */
export interface RewindMarker {
  kind: "rewind";
  t: number;
}

export type StreamEvent = LabEvent | MissedMarker | RewindMarker;

/** The message the page receives. */
export interface BatchMessage {
  type: "batch";
  clock: ClockState;
  events: StreamEvent[];
}

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

/** 0: RIP packets (thinned first), 1: other hops/deliveries, 2: everything else (kept longest). */
export function eventPriority(e: StreamEvent): 0 | 1 | 2 {
  switch (e.kind) {
    case "hop":
    case "deliver":
      return e.cls === "rip" ? 0 : 1;
    case "drop":
      return e.cls === "rip" ? 1 : 2;
    default:
      return 2;
  }
}

/** One connected client and its private backlog (empty while it keeps up). */
class Client {
  backlog: StreamEvent[] = [];
  missed = 0;
  lastSend = Number.NEGATIVE_INFINITY;
  /** Event kinds the client does not want (e.g. RIP chatter hidden on the page). */
  hideRip = false;

  constructor(readonly socket: EventSocket) {}
}

export class EventFanout {
  private readonly opts: Required<FanoutOptions>;
  private readonly clients = new Set<Client>();
  private pending: StreamEvent[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private unsubscribe: (() => void) | null = null;
  /** Events the fanout has dropped for lack of room, all clients together (for /api/stats). */
  thinned = 0;

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
  add(socket: EventSocket): { remove(): void; setHideRip(hide: boolean): void } {
    const c = new Client(socket);
    this.clients.add(c);
    if (!this.unsubscribe) this.unsubscribe = this.source.onEvent((e) => this.pending.push(e));
    return {
      remove: () => this.remove(c),
      setHideRip: (hide: boolean) => {
        c.hideRip = hide;
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
   * dropped (and every client's backlog with them) and a `rewind` marker goes out instead.
   * Two rewinds within one flush period send one marker, the latest: a page needs only that.
   */
  rewound(t: number): void {
    this.pending = this.clients.size > 0 ? [{ kind: "rewind", t }] : [];
    for (const c of this.clients) {
      c.backlog = [];
      c.missed = 0;
    }
  }

  /** Sends what happened since the last flush to every client. */
  flush(): void {
    const events = this.pending;
    this.pending = [];
    if (this.clients.size === 0) return;
    const now = this.now();
    const clock = this.source.clock();
    let shared: string | null = null;
    let sharedNoRip: string | null = null;
    for (const c of this.clients) {
      const buffered = c.socket.bufferedAmount;
      const healthy = buffered <= this.opts.highWater && c.backlog.length === 0 && c.missed === 0;
      if (healthy && events.length <= this.opts.maxBatch) {
        if (events.length === 0 && now - c.lastSend < this.opts.idleClockMs) continue;
        if (c.hideRip) {
          sharedNoRip ??= JSON.stringify({ type: "batch", clock, events: events.filter((e) => !isRip(e)) });
          this.send(c, sharedNoRip, now);
        } else {
          shared ??= JSON.stringify({ type: "batch", clock, events });
          this.send(c, shared, now);
        }
        continue;
      }
      this.enqueue(c, events);
      if (buffered > this.opts.highWater) this.thin(c, 1);
      if (buffered > this.opts.hardWater) continue; // stalled: keep (bounded) backlog, send nothing
      this.sendBacklog(c, clock, now);
    }
  }

  private send(c: Client, text: string, now: number): void {
    c.lastSend = now;
    try {
      c.socket.send(text);
    } catch {
      this.remove(c); // a socket that throws on send is gone
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

  /** Appends to a client's backlog, thinning it when it would overflow. */
  private enqueue(c: Client, events: StreamEvent[]): void {
    for (const e of events) if (!(c.hideRip && isRip(e))) c.backlog.push(e);
    if (c.backlog.length <= this.opts.maxBacklog) return;
    // Thin by rising priority until it fits; as a last resort drop the oldest.
    for (let p = 0; p <= 1 && c.backlog.length > this.opts.maxBacklog; p++) this.thin(c, p as 0 | 1);
    const excess = c.backlog.length - this.opts.maxBacklog;
    if (excess > 0) {
      const gone = c.backlog.splice(0, excess + 1, { kind: "missed", t: 0, count: 0 });
      const count = countReal(gone);
      const marker = c.backlog[0] as MissedMarker;
      marker.t = eventTime(gone[gone.length - 1]!);
      marker.count = count;
      // Markers among `gone` were counted when they were made: add only the events dropped now.
      let fresh = 0;
      for (const e of gone) if (e.kind !== "missed") fresh++;
      c.missed += fresh;
      this.thinned += fresh;
    }
  }

  /** Removes every event of priority ≤ `upTo` from the backlog, leaving `missed` markers in the gaps. */
  private thin(c: Client, upTo: 0 | 1): void {
    const out: StreamEvent[] = [];
    let gap: MissedMarker | null = null;
    for (const e of c.backlog) {
      if (e.kind === "missed") {
        if (gap) gap.count += e.count;
        else {
          gap = e;
          out.push(e);
        }
        continue;
      }
      if (eventPriority(e) <= upTo) {
        if (!gap) {
          gap = { kind: "missed", t: eventTime(e), count: 0 };
          out.push(gap);
        }
        gap.count++;
        c.missed++;
        this.thinned++;
      } else {
        gap = null;
        out.push(e);
      }
    }
    c.backlog = out;
  }

  private sendBacklog(c: Client, clock: ClockState, now: number): void {
    if (c.backlog.length === 0 && now - c.lastSend < this.opts.idleClockMs) return;
    const events =
      c.backlog.length <= this.opts.maxBatch ? c.backlog : c.backlog.slice(0, this.opts.maxBatch);
    c.backlog = c.backlog.length <= this.opts.maxBatch ? [] : c.backlog.slice(this.opts.maxBatch);
    if (c.backlog.length === 0) c.missed = 0;
    this.send(c, batchOf(clock, events), now);
  }
}

/**
 * Each event's JSON, made once however many slow viewers' backlogs hold it (the backlogs share
 * the event objects): a slow viewer's message is then a join of strings already made, not a
 * JSON.stringify of its own (issue 23: 20 slow viewers cost 20 serialisations of every event).
 * Weak, so an event is forgotten with the last backlog that held it.
 */
const eventJson = new WeakMap<StreamEvent, string>();

function jsonOf(e: StreamEvent): string {
  let text = eventJson.get(e);
  if (text === undefined) {
    text = JSON.stringify(e);
    // Markers are one viewer's own (and change while they wait): never cached.
    if (e.kind !== "missed") eventJson.set(e, text);
  }
  return text;
}

/** The message `{type:"batch", clock, events}`, from the events' cached JSON. */
function batchOf(clock: ClockState, events: readonly StreamEvent[]): string {
  const parts = new Array<string>(events.length);
  for (let i = 0; i < events.length; i++) parts[i] = jsonOf(events[i]!);
  return `{"type":"batch","clock":${JSON.stringify(clock)},"events":[${parts.join(",")}]}`;
}

function isRip(e: StreamEvent): boolean {
  return (e.kind === "hop" || e.kind === "deliver" || e.kind === "drop") && e.cls === "rip";
}

function eventTime(e: StreamEvent): number {
  return e.t;
}

function countReal(events: StreamEvent[]): number {
  let n = 0;
  for (const e of events) n += e.kind === "missed" ? e.count : 1;
  return n;
}
