/**
 * @module web/timeline
 * The lesson's timeline strip under the bar: virtual time from boot to the furthest moment
 * reached (the rewind horizon), the fault schedule as marks (upcoming ones bright, done ones
 * dimmed), the inputs people made (journal), the moments checks are judged at, and a cursor
 * at now. An instructor clicks or drags on it to rewind to that moment, or presses ← to step
 * back 10 s. Pure DOM (no canvas), so it stays crisp on a projector and readable to tests.
 */
import { $, h, setText } from "./dom.js";
import { estimatedWidth, groupMarks, groupTitle, labelsThatFit, timelineTicks } from "./label-room.js";
import type { CheckResult, Journal, LessonStatus } from "./lesson-api.js";

const SECOND = 1e9;
/** ← steps back this much. */
export const STEP_BACK = 10 * SECOND;

/** `95s` → `1:35`, `3600s` → `1:00:00`. */
export function fmtClock(ns: number): string {
  const s = Math.max(0, Math.floor(ns / SECOND));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return hh > 0 ? `${hh}:${String(mm).padStart(2, "0")}:${ss}` : `${mm}:${ss}`;
}

/** A tick spacing that gives about `n` ticks over `span` ns. */
export function tickStep(span: number, n = 8): number {
  const steps = [
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 21_600, 43_200, 86_400,
  ].map((x) => x * SECOND);
  return steps.find((s) => span / s <= n) ?? steps[steps.length - 1]!;
}

export interface TimelineOptions {
  /** The lab's virtual time now (extrapolated between batches). */
  now: () => number;
  /** Whether this viewer may rewind. */
  control: () => boolean;
  /** Rewind to `t` (ns). */
  rewind: (t: number) => void;
}

export class Timeline {
  readonly el: HTMLElement;
  private readonly track: HTMLElement;
  private readonly reached: HTMLElement;
  private readonly marks: HTMLElement;
  private readonly ticks: HTMLElement;
  private readonly cursor: HTMLElement;
  private readonly ghost: HTMLElement;
  private readonly time: HTMLElement;
  private status: LessonStatus | null = null;
  private journal: Journal | null = null;
  private end = 60 * SECOND;
  private drawnEnd = -1;
  private dragging = false;
  /** The track's width the marks were laid out for. */
  private laidOutWidth = -1;
  /** Measures the labels' text (a canvas of its own; null until first needed). */
  private measurer: CanvasRenderingContext2D | null = null;

  constructor(private readonly o: TimelineOptions) {
    this.reached = h("div", { className: "tl-reached" });
    this.marks = h("div", { className: "tl-marks" });
    this.ticks = h("div", { className: "tl-ticks" });
    this.cursor = h("div", { className: "tl-now" });
    this.ghost = h("div", { className: "tl-ghost" });
    this.ghost.hidden = true;
    this.track = h(
      "div",
      { className: "tl-track" },
      this.reached,
      this.ticks,
      this.marks,
      this.cursor,
      this.ghost,
    );
    this.track.setAttribute("role", "slider");
    this.track.setAttribute("aria-label", "lesson timeline");
    this.time = h("span", { className: "tl-time" });
    const back = h("button", { type: "button", className: "tl-back control", textContent: "⟲ 10 s" });
    back.title = "rewind 10 seconds (←)";
    back.addEventListener("click", () => this.stepBack());
    this.el = h("div", { className: "timeline" }, back, this.track, this.time);
    this.el.id = "timeline";
    $("bar").after(this.el);
    // The header's notes that hang under the bar (761-1280 px wide: "running at 0.3×", "a
    // sample") hang under the timeline instead, not over its ticks (style.css; seen at Kdl).
    document.body.classList.add("with-timeline");
    new ResizeObserver(() =>
      document.body.style.setProperty("--timeline-h", `${this.el.offsetHeight}px`),
    ).observe(this.el);
    // Marks, labels and ticks are laid out for the track's width: again when it changes (a
    // window resized, projector mode), else labels chosen for a wide track pile up on a narrow one.
    new ResizeObserver(() => {
      if (this.track.clientWidth !== this.laidOutWidth) this.render();
    }).observe(this.track);
    this.wire();
    setInterval(() => this.tick(), 200);
  }

  private wire(): void {
    const at = (e: PointerEvent) => {
      const r = this.track.getBoundingClientRect();
      const f = Math.min(1, Math.max(0, (e.clientX - r.left) / Math.max(r.width, 1)));
      return Math.min(f * this.end, this.horizon());
    };
    this.track.addEventListener("pointerdown", (e) => {
      if (!this.o.control()) return;
      this.dragging = true;
      this.track.setPointerCapture(e.pointerId);
      this.showGhost(at(e));
    });
    this.track.addEventListener("pointermove", (e) => {
      if (this.dragging) this.showGhost(at(e));
      else this.track.title = this.o.control() ? `rewind to ${fmtClock(at(e))}` : "";
    });
    const finish = (e: PointerEvent, go: boolean) => {
      if (!this.dragging) return;
      this.dragging = false;
      this.ghost.hidden = true;
      if (go) this.o.rewind(at(e));
    };
    this.track.addEventListener("pointerup", (e) => finish(e, true));
    this.track.addEventListener("pointercancel", (e) => finish(e, false));
    window.addEventListener("keydown", (e) => {
      if (e.key !== "ArrowLeft" || e.altKey || e.ctrlKey || e.metaKey) return;
      const t = e.target;
      if (
        t instanceof HTMLInputElement ||
        t instanceof HTMLTextAreaElement ||
        t instanceof HTMLSelectElement ||
        (t instanceof HTMLElement && (t.isContentEditable || t.closest(".xterm, .terminal")))
      )
        return;
      e.preventDefault();
      this.stepBack();
    });
  }

  /** ←: back 10 s (instructors). */
  stepBack(): void {
    if (!this.o.control()) return;
    this.o.rewind(Math.max(0, this.o.now() - STEP_BACK));
  }

  private showGhost(t: number): void {
    this.ghost.hidden = false;
    this.ghost.style.left = this.pct(t);
    this.ghost.textContent = fmtClock(t);
  }

  private horizon(): number {
    return Math.max(this.status?.horizon ?? 0, this.journal?.horizon ?? 0, this.o.now());
  }

  private pct(t: number): string {
    return `${((100 * Math.min(t, this.end)) / this.end).toFixed(3)}%`;
  }

  /** New status and journal from the server. */
  update(status: LessonStatus, journal: Journal | null): void {
    this.status = status;
    this.journal = journal;
    this.drawnEnd = -1;
    this.tick();
  }

  /** The span shown: everything scheduled or reached, with room ahead. */
  private span(): number {
    const s = this.status;
    const latest = Math.max(
      this.horizon(),
      ...(s?.schedule.map((e) => e.at) ?? []),
      ...(s?.checks.map((c) => c.at ?? 0) ?? []),
    );
    return Math.max(60 * SECOND, latest * 1.1);
  }

  /** Moves the cursor (every 200 ms); rebuilds the marks when the span changed. */
  private tick(): void {
    const now = this.o.now();
    const want = this.span();
    // Grow in steps, so marks do not creep leftwards every frame as time passes.
    if (want > this.end || want < this.end / 2 || this.drawnEnd < 0) {
      this.end = Math.ceil(want / (30 * SECOND)) * 30 * SECOND;
      this.render();
    }
    // Written only when they change (a paused clock, a lesson between steps): each write
    // makes Chromium style and lay out the page again.
    const left = this.pct(now);
    if (this.cursor.style.left !== left) this.cursor.style.left = left;
    const reached = this.pct(this.horizon());
    if (this.reached.style.width !== reached) this.reached.style.width = reached;
    setText(this.time, `${fmtClock(now)} / ${fmtClock(this.horizon())}`);
    this.el.classList.toggle("can-rewind", this.o.control());
    const at = String(Math.round(now));
    if (this.el.dataset.now !== at) this.el.dataset.now = at;
  }

  /** Widths of `texts` in the marks' labels' font, px (estimated before the page is laid out). */
  private labelWidths(texts: string[]): number[] {
    if (!this.measurer) this.measurer = document.createElement("canvas").getContext("2d");
    const ctx = this.measurer;
    const root = Number.parseFloat(getComputedStyle(document.documentElement).fontSize);
    if (!ctx || !(root > 0)) return texts.map(estimatedWidth);
    // .tl-label: 0.8rem in the track's family (lesson.css); 2 px for rounding.
    ctx.font = `${0.8 * root}px ${getComputedStyle(this.track).fontFamily}`;
    return texts.map((t) => ctx.measureText(t).width + 2);
  }

  private render(): void {
    this.drawnEnd = this.end;
    const width = this.track.clientWidth;
    this.laidOutWidth = width;
    // As many ticks as their labels have room for (about 8 on a wide track).
    const ticks = (width > 0 ? timelineTicks(this.end, width, fmtClock, tickStep) : []).map((k) => {
      const tk = h("span", { className: "tl-tick", textContent: k.label });
      tk.style.left = this.pct(k.t);
      return tk;
    });
    this.ticks.replaceChildren(...ticks);
    const marks: HTMLElement[] = [];
    // Marks closer than a few pixels are one mark that lists them (issue 23: at Kdl 64 flows
    // started at once piled 64 marks on one pixel); with no width yet, one mark each.
    const groups = (ts: number[]) =>
      width === 0 ? ts.map((_, i) => [i]) : groupMarks(ts.map((t) => (t / this.end) * width));
    const schedule = this.status?.schedule ?? [];
    const schedGroups = groups(schedule.map((e) => e.at));
    const labelOf = (g: number[]) => schedule[g[0]!]!.text + (g.length > 1 ? ` +${g.length - 1}` : "");
    // Labels that would overlap are left out (the mark and its tooltip stay).
    const fits =
      width === 0
        ? schedGroups.map(() => true)
        : labelsThatFit(
            schedGroups.map((g) => (schedule[g[0]!]!.at / this.end) * width),
            this.labelWidths(schedGroups.map(labelOf)),
            width,
          );
    schedGroups.forEach((g, k) => {
      const e = schedule[g[0]!]!;
      const m = h("div", { className: `tl-mark sched ${e.done ? "done" : "upcoming"} k-${e.kind}` });
      m.style.left = this.pct(e.at);
      m.title = groupTitle(
        g.map((i) => {
          const x = schedule[i]!;
          return `${fmtClock(x.at)} ${x.text}${x.done ? " (done)" : ""}`;
        }),
      );
      m.dataset.id = e.id;
      if (g.length > 1) m.dataset.count = String(g.length);
      if (fits[k]) m.append(h("span", { className: "tl-label", textContent: labelOf(g) }));
      marks.push(m);
    });
    const checks = this.checkMoments();
    for (const g of groups(checks.map((c) => c.at ?? 0))) {
      const c = checks[g[0]!]!;
      const m = h("div", { className: `tl-mark check ${c.status}` });
      m.style.left = this.pct(c.at ?? 0);
      m.title = groupTitle(
        g.map((i) => `${fmtClock(checks[i]!.at ?? 0)} check: ${checks[i]!.text} — ${checks[i]!.status}`),
      );
      if (g.length > 1) m.dataset.count = String(g.length);
      marks.push(m);
    }
    const j = this.journal;
    for (const [all, cls] of [
      [j?.past ?? [], "past"],
      [j?.future ?? [], "future"],
    ] as const) {
      const list = all.filter((i) => i.kind !== "interrupt");
      for (const g of groups(list.map((i) => i.t))) {
        const first = list[g[0]!]!;
        const m = h("div", { className: `tl-mark input ${cls}${g.length > 1 ? " many" : ""}` });
        m.style.left = this.pct(first.t);
        const tail = cls === "future" ? " (recorded: plays again)" : "";
        m.title = groupTitle(g.map((i) => `${fmtClock(list[i]!.t)} ${list[i]!.text}${tail}`));
        if (g.length > 1) m.dataset.count = String(g.length);
        marks.push(m);
      }
    }
    this.marks.replaceChildren(...marks);
  }

  /** Checks judged at a moment of their own (one mark per moment and status). */
  private checkMoments(): CheckResult[] {
    const seen = new Set<string>();
    const out: CheckResult[] = [];
    for (const c of this.status?.checks ?? []) {
      if (c.at === undefined) continue;
      const k = `${c.at}/${c.status}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(c);
    }
    return out;
  }
}
