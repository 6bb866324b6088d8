/**
 * @module server/http/fanout-view
 * One flush's events as one group of viewers sees them, encoded once for all of them (issue 23,
 * "a stream built once"). A view at level -1 is every event (routing chatter left out for the
 * viewers who hide it); `thinner()` is the same events with the next priority level cut out and `missed`
 * markers in the gaps (level 0: routing chatter,
 * core/routing-traffic.ts; level 1: every hop and delivery). Views are
 * immutable and each caches its JSON and its thinner view, so twenty slow viewers at the same
 * level cost one JSON.stringify and one thinning, not twenty.
 */
import { isRoutingTraffic } from "../../core/index.js";
import type { ClockState } from "../../lab/lab.js";
import { encodeCompact } from "./compact-batch.js";
import type { MissedMarker, StreamEvent } from "./event-fanout.js";
import type { SampleInfo } from "./fanout-sample.js";

export type ThinLevel = -1 | 0 | 1;

/** 0: routing chatter (thinned first), 1: other hops/deliveries, 2: everything else (kept longest). */
export function eventPriority(e: StreamEvent): 0 | 1 | 2 {
  switch (e.kind) {
    case "hop":
    case "deliver":
      return isRoutingTraffic(e.cls) ? 0 : 1;
    case "drop":
      return isRoutingTraffic(e.cls) ? 1 : 2;
    default:
      return 2;
  }
}

/** A routing protocol's packet's hop, delivery or drop: what a viewer hiding routing chatter does not get. */
export function isRoutingChatter(e: StreamEvent): boolean {
  return (e.kind === "hop" || e.kind === "deliver" || e.kind === "drop") && isRoutingTraffic(e.cls);
}

export class FanoutView {
  private thinnerView: FanoutView | null = null;
  private encoded: string | null = null;
  private compactText: string | null = null;

  constructor(
    readonly clock: ClockState,
    /** The events and markers a viewer of this view receives. */
    readonly events: readonly StreamEvent[],
    readonly level: ThinLevel,
    /** Real events among `events` (markers aside). */
    readonly shown: number,
    /** Events the markers among `events` stand for. */
    readonly gone: number,
    /** For a viewer that asked for a sample: what this batch left out (fanout-sample.ts). */
    readonly sample?: SampleInfo,
  ) {}

  /** A flush's events, nothing thinned. */
  static of(clock: ClockState, events: readonly StreamEvent[], sample?: SampleInfo): FanoutView {
    let gone = 0;
    for (const e of events) if (e.kind === "missed") gone += e.count;
    return new FanoutView(clock, events, -1, events.length - countMarkers(events), gone, sample);
  }

  /** The message `{type:"batch", clock, events[, sample]}`, made the first time a viewer needs it. */
  get text(): string {
    this.encoded ??= JSON.stringify(
      this.sample
        ? { type: "batch", clock: this.clock, events: this.events, sample: this.sample }
        : { type: "batch", clock: this.clock, events: this.events },
    );
    return this.encoded;
  }

  /** The same message in the page's compact encoding (compact-batch.ts), made once too. */
  get compact(): string {
    this.compactText ??= encodeCompact(this.clock, this.events, this.sample);
    return this.compactText;
  }

  /** Events of the message, markers included (what a viewer's backlog bound counts). */
  get size(): number {
    return this.events.length;
  }

  /** The view with the next priority level cut out (itself at level 1, the last). */
  thinner(): FanoutView {
    if (this.level === 1) return this;
    this.thinnerView ??= this.cut((this.level + 1) as 0 | 1);
    return this.thinnerView;
  }

  /** Removes every event of priority ≤ `upTo`, leaving one `missed` marker per gap. */
  private cut(upTo: 0 | 1): FanoutView {
    const out: StreamEvent[] = [];
    let gap: MissedMarker | null = null;
    let shown = 0;
    let gone = 0;
    for (const e of this.events) {
      const count = e.kind === "missed" ? e.count : eventPriority(e) <= upTo ? 1 : 0;
      if (count === 0) {
        gap = null;
        out.push(e);
        shown++;
        continue;
      }
      // Markers are shared by every viewer of a view: a new one per gap, never mutated later.
      if (!gap) {
        gap = { kind: "missed", t: e.t, count: 0 };
        out.push(gap);
      }
      gap.count += count;
      gone += count;
    }
    return new FanoutView(this.clock, out, upTo, shown, gone, this.sample);
  }
}

function countMarkers(events: readonly StreamEvent[]): number {
  let n = 0;
  for (const e of events) if (e.kind === "missed") n++;
  return n;
}
