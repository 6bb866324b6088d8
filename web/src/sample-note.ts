/**
 * @module web/sample-note
 * Says in the header when the map shows a sample of the packets (issue 23): past what the page
 * can draw, the server sends every hop of 1 packet in N and counts the rest per link; past what
 * the event log shows, the route changes of 1 router in M. The note stays while samples keep
 * coming and goes a couple of seconds after the last one.
 */
import type { SampleInfo } from "../../src/server/http/stream-messages.js";
import { $, setHidden, setText, setTitle } from "./dom.js";

export type { SampleInfo };

/** Wall ms without a sampled batch before the note goes. */
const LINGER_MS = 2_000;

export class SampleNote {
  private lastSample = Number.NEGATIVE_INFINITY;
  private hidden = 0;
  private every = 1;
  private routeEvery = 1;
  private routesHidden = 0;
  private windowStart = 0;
  /** Hops and route changes left out over the last whole second (the tooltip says them). */
  private lastSecond = { hidden: 0, routesHidden: 0 };

  /** Takes a batch's sample info (none: the batch was complete) at wall time `wall`, ms. */
  batch(sample: SampleInfo | undefined, wall: number): void {
    if (sample) {
      if (wall - this.windowStart > 1_000) {
        this.windowStart = wall;
        this.lastSecond = { hidden: this.hidden, routesHidden: this.routesHidden };
        this.hidden = 0;
        this.routesHidden = 0;
      }
      this.hidden += sample.hidden;
      this.routesHidden += sample.routesHidden ?? 0;
      this.every = sample.every;
      this.routeEvery = sample.routeEvery ?? 1;
      this.lastSample = wall;
    }
    const el = $("sample-note");
    const on = wall - this.lastSample < LINGER_MS;
    setHidden(el, !on);
    if (!on) return;
    // Short, for the header at 1024 wide; the count of what was left out is in the tooltip.
    // Both are written only when they change (once a second at most for the tooltip): every
    // write makes Chromium lay the page out again, and batches come 20 times a second.
    setText(el, sampleText(this.every, this.routeEvery));
    const { hidden, routesHidden } = this.lastSecond;
    setTitle(
      el,
      `past what the page can draw, the server sends every hop of 1 packet in ${this.every}; ${hidden.toLocaleString("en")} hops left out in the last second` +
        (this.routeEvery > 1
          ? `; the route changes of 1 router in ${this.routeEvery}, ${routesHidden.toLocaleString("en")} left out`
          : ""),
    );
  }
}

/** The header's note: "a sample: 1 packet in 16 drawn", or of routes only "a sample: 1 router's routes in 32". */
export function sampleText(every: number, routeEvery = 1): string {
  if (every <= 1 && routeEvery > 1) return `a sample: 1 router's routes in ${routeEvery}`;
  return `a sample: 1 packet in ${every} drawn`;
}
