/**
 * The timeline's labels never pile into unreadable text (issue 23, seen at Kdl): of marks close
 * together only the labels that fit are shown, left to right; the rest keep their marks.
 */
import { describe, expect, it } from "vitest";
import {
  groupMarks,
  estimatedWidth,
  groupTitle,
  LABEL_CHAR_PX,
  labelsThatFit,
  MARK_MERGE_PX,
  TICK_CHAR_PX,
  type Tick,
  timelineTicks,
} from "../../web/src/label-room.js";
import { fmtClock, tickStep } from "../../web/src/timeline.js";

const est = (texts: string[]) => texts.map(estimatedWidth);

describe("timeline labels", () => {
  it("take the room their letters take as measured: no overlap, and none hidden for an estimate", () => {
    // Widths of .tl-label texts (0.8rem DejaVu Sans) measured in headless Chromium: the
    // estimate of 7.5 px a character is 30 px too wide for the first and 5 px too narrow for
    // the second (docs/performance.md, "Frame times, session 9").
    const texts = ["cut silently r1 r2 +3", "node down vm3", "link down Mount_Union12 Pennington_Gap12"];
    const measured = [128.0, 102.8, 289.8];
    const xs = [0, 150, 280];
    const shown = labelsThatFit(xs, measured, 1024);
    expect(shown).toEqual([true, true, true]);
    // By the estimate the first would have hidden the second, which has room.
    expect(labelsThatFit(xs, est(texts), 1024)).toEqual([true, false, true]);
    for (let i = 1; i < xs.length; i++)
      expect(xs[i]! + 16).toBeGreaterThan(xs[i - 1]! + 16 + measured[i - 1]!);
    // Many marks: shown labels never overlap by their measured widths.
    const many = Array.from({ length: 300 }, (_, i) => (i * 7919) % 1000);
    const widths = many.map((_, i) => measured[i % 3]!);
    const ok = labelsThatFit(many, widths, 1024);
    const spans = many
      .map((x, i) => ({ x0: x + 16, x1: x + 16 + widths[i]!, shown: ok[i] }))
      .filter((s) => s.shown)
      .sort((a, b) => a.x0 - b.x0);
    expect(spans.length).toBeGreaterThan(2);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.x0).toBeGreaterThan(spans[i - 1]!.x1);
  });

  it("show every label when they are far apart", () => {
    expect(labelsThatFit([0, 300, 600], est(["link down a b", "link up a b", "node down c"]), 1000)).toEqual([
      true,
      true,
      true,
    ]);
  });

  it("leave out a label that would overlap the one before it, whatever the order given", () => {
    const texts = ["link down vm1 vm2", "link up vm1 vm2", "node down vm3", "node up vm3"];
    const shown = labelsThatFit([10, 12, 14, 400], est(texts), 1000);
    expect(shown).toEqual([true, false, false, true]);
    expect(labelsThatFit([400, 14, 12, 10], est([...texts].reverse()), 1000)).toEqual([...shown].reverse());
  });

  it("no two shown labels overlap, for 500 marks on a 1024-px track", () => {
    const xs = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1000);
    const texts = xs.map((_, i) => `link down r${i} r${i + 1}`);
    const shown = labelsThatFit(xs, est(texts), 1024);
    const spans = xs
      .map((x, i) => ({ x, w: texts[i]!.length * LABEL_CHAR_PX, shown: shown[i] }))
      .filter((s) => s.shown)
      .sort((a, b) => a.x - b.x);
    expect(spans.length).toBeGreaterThan(3);
    for (let i = 1; i < spans.length; i++)
      expect(spans[i]!.x).toBeGreaterThanOrEqual(spans[i - 1]!.x + spans[i - 1]!.w);
    for (const s of spans) expect(s.x + 16 + s.w).toBeLessThanOrEqual(1024);
  });
});

describe("timeline marks", () => {
  it("64 inputs made at once (Kdl's 64 ping flows) are one mark whose tooltip says how many", () => {
    const xs = Array.from({ length: 64 }, (_, i) => 500 + i * 0.01);
    const groups = groupMarks(xs);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toHaveLength(64);
    const title = groupTitle(groups[0]!.map((i) => `input ${i}`));
    expect(title.split("\n")).toHaveLength(13);
    expect(title).toMatch(/… and 52 more$/);
  });

  it("marks farther apart than the gap stay apart, and no two drawn marks are closer", () => {
    expect(groupMarks([0, MARK_MERGE_PX, 2 * MARK_MERGE_PX])).toEqual([[0], [1], [2]]);
    const xs = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1024) as number[];
    const groups = groupMarks(xs);
    const drawnAt = groups.map((g) => xs[g[0]!]!);
    for (let i = 1; i < drawnAt.length; i++)
      expect(drawnAt[i]! - drawnAt[i - 1]!).toBeGreaterThanOrEqual(MARK_MERGE_PX);
    // Every mark is in exactly one group, each group within the gap of where it is drawn.
    expect(groups.flat().sort((a, b) => a - b)).toEqual(xs.map((_, i) => i));
    for (const g of groups) for (const i of g) expect(xs[i]! - xs[g[0]!]!).toBeLessThan(MARK_MERGE_PX);
    expect(groups.length).toBeLessThanOrEqual(1024 / MARK_MERGE_PX + 1);
  });
});

describe("timeline ticks", () => {
  /** Each tick label's span (px), the first from its mark rightwards, the others centred. */
  const spans = (ticks: Tick[]) =>
    ticks.map((k, i) => {
      const w = k.label.length * TICK_CHAR_PX;
      return i === 0 ? [k.x, k.x + w] : [k.x - w / 2, k.x + w / 2];
    });

  it("labels never overlap, on tracks from a phone's to a projector's, for spans from a minute to ten hours", () => {
    for (const width of [160, 240, 320, 480, 760, 1024, 1920])
      for (const end of [60, 90, 300, 600, 1800, 3600, 7200, 36_000].map((s) => s * 1e9)) {
        const ticks = timelineTicks(end, width, fmtClock, tickStep);
        expect(ticks.length, `${width} px, ${end / 1e9} s`).toBeGreaterThanOrEqual(1);
        const s = spans(ticks);
        for (let i = 1; i < s.length; i++)
          expect(
            s[i]![0],
            `${width} px, ${end / 1e9} s: ${ticks[i - 1]!.label} / ${ticks[i]!.label}`,
          ).toBeGreaterThan(s[i - 1]![1]!);
        // Only the last may hang past the end by half its label (it sits at the track's end).
        for (const [a, b] of s.slice(0, -1)) expect(a >= 0 && b <= width).toBe(true);
      }
  });

  it("a wide track still gets about eight ticks", () => {
    expect(timelineTicks(60e9, 1800, fmtClock, tickStep).map((k) => k.label)).toEqual([
      "0:00",
      "0:10",
      "0:20",
      "0:30",
      "0:40",
      "0:50",
      "1:00",
    ]);
  });
});
