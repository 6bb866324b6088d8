/**
 * The timeline's labels never pile into unreadable text (issue 23, seen at Kdl): of marks close
 * together only the labels that fit are shown, left to right; the rest keep their marks.
 */
import { describe, expect, it } from "vitest";
import {
  groupMarks,
  groupTitle,
  LABEL_CHAR_PX,
  labelsThatFit,
  MARK_MERGE_PX,
} from "../../web/src/label-room.js";

describe("timeline labels", () => {
  it("show every label when they are far apart", () => {
    expect(labelsThatFit([0, 300, 600], ["link down a b", "link up a b", "node down c"], 1000)).toEqual([
      true,
      true,
      true,
    ]);
  });

  it("leave out a label that would overlap the one before it, whatever the order given", () => {
    const texts = ["link down vm1 vm2", "link up vm1 vm2", "node down vm3", "node up vm3"];
    const shown = labelsThatFit([10, 12, 14, 400], texts, 1000);
    expect(shown).toEqual([true, false, false, true]);
    expect(labelsThatFit([400, 14, 12, 10], [...texts].reverse(), 1000)).toEqual([...shown].reverse());
  });

  it("no two shown labels overlap, for 500 marks on a 1024-px track", () => {
    const xs = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1000);
    const texts = xs.map((_, i) => `link down r${i} r${i + 1}`);
    const shown = labelsThatFit(xs, texts, 1024);
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
