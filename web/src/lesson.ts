/**
 * @module web/lesson
 * The lesson on the page: the timeline strip and the checks panel, fed by /api/lesson. The
 * status costs the server a replay per probe check, so it is asked for when something that
 * can change a check happens (a link, a router, a command, a route, a lost packet, a rewind),
 * at most once every REFRESH_MS, and otherwise every IDLE_MS while the clock runs (a check's
 * moment comes, a scheduled change is due). A lab without a lesson timeline (404) shows
 * neither.
 */
import "./lesson.css";
import { ApiFailure, type StreamEvent } from "./api.js";
import { ChecksPanel } from "./checks-panel.js";
import { JournalCache } from "./journal-cache.js";
import { type Journal, lessonApi } from "./lesson-api.js";
import { Timeline } from "./timeline.js";
import { isRoutingTraffic } from "../../src/core/routing-traffic.js";

const REFRESH_MS = 2000;
const IDLE_MS = 5000;

export interface LessonOptions {
  now: () => number;
  control: () => boolean;
  colorOf: (user: string) => string;
  report: (e: unknown) => void;
}

export class LessonView {
  private timeline: Timeline | null = null;
  private checks: ChecksPanel | null = null;
  private busy = false;
  private again = false;
  private lastAsk = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastNow = -1;
  private readonly journal = new JournalCache((since, gen) => lessonApi.journal(since, gen));
  /** Status replies received (test hook). */
  refreshes = 0;

  constructor(private readonly o: LessonOptions) {
    void this.start();
  }

  private async start(): Promise<void> {
    let status: Awaited<ReturnType<typeof lessonApi.status>>;
    try {
      status = await lessonApi.status();
    } catch (e) {
      if (!(e instanceof ApiFailure && e.status === 404)) this.o.report(e);
      return;
    }
    this.timeline = new Timeline({
      now: this.o.now,
      control: this.o.control,
      rewind: (t) => {
        lessonApi.rewind(t).catch(this.o.report);
      },
    });
    this.checks = new ChecksPanel(this.o.colorOf);
    this.show(status, null);
    this.refresh();
    setInterval(() => {
      const now = this.o.now();
      if (now !== this.lastNow) this.refresh();
    }, IDLE_MS);
  }

  /** Events from the stream: ask again (throttled) when one may change a check. */
  seen(events: StreamEvent[]): void {
    if (!this.timeline) return;
    // After a rewind what is shown is of another moment: ask at once, not after the throttle.
    if (events.some((e) => e.kind === "rewind")) this.lastAsk = 0;
    for (const e of events)
      if (
        e.kind === "link" ||
        e.kind === "node" ||
        e.kind === "command" ||
        e.kind === "route" ||
        e.kind === "rewind" ||
        (e.kind === "drop" && !isRoutingTraffic(e.cls) && e.cls !== "arp")
      ) {
        this.refresh();
        return;
      }
  }

  /** Fetches status and journal now, or as soon as REFRESH_MS has passed since the last ask. */
  refresh(): void {
    if (!this.timeline) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    const wait = this.lastAsk + REFRESH_MS - performance.now();
    if (wait > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = null;
        this.refresh();
      }, wait);
      return;
    }
    this.busy = true;
    this.lastAsk = performance.now();
    this.lastNow = this.o.now();
    // The journal is the instructor's (it holds everyone's commands), and comes in pages.
    Promise.all([lessonApi.status(), this.o.control() ? this.journal.update() : null])
      .then(([s, j]) => this.show(s, j))
      .catch(this.o.report)
      .finally(() => {
        this.busy = false;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  private show(s: Awaited<ReturnType<typeof lessonApi.status>>, j: Journal | null) {
    this.refreshes++;
    this.timeline?.update(s, j);
    this.checks?.show(s.checks);
  }

  /** Test hook: what the panel and timeline show. */
  get shown(): { checks: number; refreshes: number } {
    return {
      checks: this.checks ? Number(this.checks.el.querySelectorAll("li.check").length) : 0,
      refreshes: this.refreshes,
    };
  }
}
