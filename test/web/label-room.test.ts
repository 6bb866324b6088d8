/**
 * The timeline's labels never pile into unreadable text (issue 23, seen at Kdl): of marks close
 * together only the labels that fit are shown, left to right; the rest keep their marks.
 */
import { describe, expect, it } from "vitest";
import { LABEL_CHAR_PX, labelsThatFit } from "../../web/src/label-room.js";

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
