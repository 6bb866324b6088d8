/**
 * @module web/label-room
 * Which of the timeline's mark labels fit (issue 23: at Kdl the labels piled into unreadable
 * text). Labels are laid left to right; one that would start before the one before it ends (plus
 * a gap) is left out — its mark stays, and the mark's tooltip still says it.
 */

/** Average width of a character of the labels' font (0.8rem sans), px, with some margin (an estimate: the timeline measures). */
export const LABEL_CHAR_PX = 7.5;
/** Where a label starts, right of its mark, px (lesson.css .tl-label left). */
const LABEL_OFFSET_PX = 16;
const GAP_PX = 8;

/** A label's width estimated from its length, px (where it cannot be measured: no layout yet, tests). */
export function estimatedWidth(text: string): number {
  return text.length * LABEL_CHAR_PX;
}

/**
 * For marks at `xs` (px from the track's left, any order) with labels `widths` px wide (as
 * measured in the labels' font), on a track `width` px wide: whether each label is shown. A
 * label is also left out when it would run past the track's right end.
 */
export function labelsThatFit(xs: readonly number[], widths: readonly number[], width: number): boolean[] {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]! || a - b);
  const shown = xs.map(() => false);
  let freeFrom = Number.NEGATIVE_INFINITY;
  for (const i of order) {
    const start = xs[i]! + LABEL_OFFSET_PX;
    const end = start + widths[i]!;
    if (start < freeFrom || end > width) continue;
    shown[i] = true;
    freeFrom = end + GAP_PX;
  }
  return shown;
}

/** Marks closer than this, px, are drawn as one (its tooltip lists them). */
export const MARK_MERGE_PX = 6;

/**
 * Marks at `xs` (px) gathered so that no two drawn marks are closer than `minGap` px: sorted
 * left to right, a mark within `minGap` of its group's first joins that group. Returns groups of
 * indices into `xs`, left to right, each in time order. At Kdl 64 ping flows started at once
 * were 64 marks on one pixel; now they are one mark that says 64.
 */
export function groupMarks(xs: readonly number[], minGap = MARK_MERGE_PX): number[][] {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]! || a - b);
  const groups: number[][] = [];
  let start = Number.NEGATIVE_INFINITY;
  for (const i of order) {
    const last = groups.at(-1);
    if (last && xs[i]! - start < minGap) last.push(i);
    else {
      groups.push([i]);
      start = xs[i]!;
    }
  }
  return groups;
}

/** A group's tooltip: its lines, at most `max`, then how many more. */
export function groupTitle(lines: readonly string[], max = 12): string {
  if (lines.length <= max) return lines.join("\n");
  return `${lines.slice(0, max).join("\n")}\n… and ${lines.length - max} more`;
}

/** Average width of a digit or colon of the ticks' font (0.7rem, tabular numbers), px, with some margin. */
export const TICK_CHAR_PX = 7.5;
/** About this many steps on a wide track. */
const MAX_TICK_STEPS = 8;
/** Room between two tick labels, px. */
const TICK_GAP_PX = 10;

/** A tick of the timeline: its time, where it sits (px from the track's left) and its label. */
export interface Tick {
  t: number;
  x: number;
  label: string;
}

/**
 * The ticks of a track `width` px wide showing 0…`end` ns: as many as their labels (`fmt`)
 * leave room for, at a round step (`stepFor(end, n)`: about n ticks), none overlapping the
 * next or running past the track's ends (the first is drawn from its mark rightwards, the
 * others centred on theirs).
 */
export function timelineTicks(
  end: number,
  width: number,
  fmt: (t: number) => string,
  stepFor: (span: number, n: number) => number,
): Tick[] {
  // A step must leave room for a label and a gap, and one and a half labels after the first
  // (drawn rightwards from 0:00, the next centred on its mark); at most MAX_TICK_STEPS steps.
  const w = fmt(end).length * TICK_CHAR_PX;
  const n = Math.min(MAX_TICK_STEPS, width / (1.5 * w + TICK_GAP_PX));
  const step = stepFor(end, n);
  const ticks: Tick[] = [];
  for (let t = 0; t <= end; t += step) ticks.push({ t, x: (t / end) * width, label: fmt(t) });
  return ticks;
}
