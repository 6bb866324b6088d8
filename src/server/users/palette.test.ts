import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DROP_COLOR, RIP_COLOR, userColor } from "../../../web/src/colors.js";
import {
  colorDistance,
  contrast,
  deltaE2000,
  MIN_CONTRAST,
  MIN_DISTANCE,
  nextColor,
  nextColors,
  normalizeColor,
  PAGE_COLORS,
  PALETTE,
} from "../../core/palette.js";

const BACKGROUND = PAGE_COLORS[0]!;

/** The smallest ΔE00 between two of `colors`. */
function closestPair(colors: readonly string[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < colors.length; i++)
    for (let j = 0; j < i; j++) min = Math.min(min, colorDistance(colors[i]!, colors[j]!));
  return min;
}

describe("CIEDE2000", () => {
  it("matches Sharma, Wu & Dalal's published test pairs", () => {
    const pairs: [[number, number, number], [number, number, number], number][] = [
      [[50, 2.6772, -79.7751], [50, 0, -82.7485], 2.0425],
      [[50, 0, 0], [50, -1, 2], 2.3669],
      [[50, 2.5, 0], [50, 3.1736, 0.5854], 1.0],
      [[50, 2.5, 0], [73, 25, -18], 27.1492],
      [[50, 2.5, 0], [61, -5, 29], 22.8977],
      [[50, 2.5, 0], [56, -27, -3], 31.903],
      [[50, 2.5, 0], [58, 24, 15], 19.4535],
    ];
    for (const [a, b, want] of pairs) {
      expect(deltaE2000(a, b)).toBeCloseTo(want, 4);
      expect(deltaE2000(b, a)).toBeCloseTo(want, 4);
    }
    expect(colorDistance("#E69F00", "#E69F00")).toBe(0);
  });
});

describe("palette", () => {
  it("gives the palette first, every pair at least MIN_DISTANCE apart and apart from the page's colours", () => {
    const first = nextColors([], PALETTE.length);
    expect(first).toEqual([...PALETTE]);
    expect(closestPair(first)).toBeGreaterThanOrEqual(MIN_DISTANCE);
    // The old palette's light blue sat 6.6 from its sky blue, its mint 9.8 from its bluish green.
    // (Slate blue is 12.9 from RIP's grey: RIP's packets are small squares, a shape of their own.)
    for (const c of first) {
      expect(Math.min(...PAGE_COLORS.map((p) => colorDistance(c, p))), c).toBeGreaterThanOrEqual(12);
      expect(contrast(c, BACKGROUND), c).toBeGreaterThanOrEqual(MIN_CONTRAST);
    }
  });

  it("keeps the first instructor apart from every student, one by one as the file grows", () => {
    const used: string[] = [];
    for (let i = 0; i < PALETTE.length; i++) used.push(nextColor(used));
    expect(used).toEqual([...PALETTE]);
    const instructor = used[0]!;
    for (const student of used.slice(1))
      expect(colorDistance(instructor, student)).toBeGreaterThanOrEqual(20);
  });

  it("keeps automatic colours away from one chosen by hand", () => {
    // #FF8800 is 12.5 from the palette's orange (and 0.6 to a colour-blind eye): passed over.
    const far = PALETTE.filter((c) => colorDistance(c, "#FF8800") >= MIN_DISTANCE);
    expect(PALETTE.filter((c) => !far.includes(c))).toEqual(["#E69F00"]);
    expect(nextColors(["#FF8800"], far.length)).toEqual(far);
    expect(closestPair(["#FF8800", ...far])).toBeGreaterThanOrEqual(MIN_DISTANCE);
    // Past the palette, generated colours keep away from it as well as they can.
    const more = nextColors(["#FF8800"], 24);
    expect(Math.min(...more.map((c) => colorDistance(c, "#FF8800")))).toBeGreaterThanOrEqual(14);
  });

  it("goes on far beyond the list: distinct, readable, still apart", () => {
    const used = nextColors([], 60);
    expect(new Set(used).size).toBe(60);
    for (const c of used) expect(contrast(c, BACKGROUND), c).toBeGreaterThanOrEqual(MIN_CONTRAST);
    // Farthest-point picks (weighing colour-blind and projector views too, core/palette's
    // spread): 16 people stay 12 apart as sent, 40 still 7 (different dots; the page adds a
    // second cue to each user's packets and trails).
    expect(closestPair(used.slice(0, 16))).toBeGreaterThanOrEqual(12);
    expect(closestPair(used.slice(0, 40))).toBeGreaterThanOrEqual(7);
    // Incremental and batch assignment agree.
    const one: string[] = [];
    for (let i = 0; i < 20; i++) one.push(nextColor(one));
    expect(one).toEqual(used.slice(0, 20));
  });

  it("knows the page's own colours", () => {
    expect(PAGE_COLORS).toContain(RIP_COLOR.toUpperCase());
    expect(PAGE_COLORS).toContain(DROP_COLOR.toUpperCase());
    const css = readFileSync(join(import.meta.dirname, "../../../web/src/style.css"), "utf8");
    expect(PAGE_COLORS).toContain(/--bg:\s*(#[0-9a-f]{6})/i.exec(css)![1]!.toUpperCase());
  });

  it("normalises colours", () => {
    expect(normalizeColor("#abc")).toBe("#AABBCC");
    expect(normalizeColor("e69f00")).toBe("#E69F00");
    expect(normalizeColor("Orange")).toBe("#E69F00");
    expect(normalizeColor("#12345")).toBeUndefined();
  });
});

describe("the page's own colours for users the server named none for", () => {
  it("come from the same palette: the first users of a lab without logins are MIN_DISTANCE apart", () => {
    const colors = Array.from({ length: PALETTE.length }, (_, i) => userColor(`student${i}`));
    expect(new Set(colors).size).toBe(PALETTE.length);
    for (const c of colors) expect(PALETTE).toContain(c);
    expect(closestPair(colors)).toBeGreaterThanOrEqual(MIN_DISTANCE);
  });
});
