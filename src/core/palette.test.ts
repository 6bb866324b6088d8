import { describe, expect, it } from "vitest";
import {
  colorDistance,
  contrast,
  deltaE2000,
  MIN_CONTRAST,
  MIN_DISTANCE,
  MIN_VIEW_DISTANCE,
  nextColors,
  PAGE_COLORS,
  PALETTE,
  VIEWS,
  type View,
  viewDistance,
  viewLab,
} from "./palette.js";

/** The closest pair of `colors` as seen in `view`, with its distance. */
function closestIn(colors: readonly string[], view: View): { d: number; pair: string } {
  let best = { d: Number.POSITIVE_INFINITY, pair: "" };
  for (let i = 0; i < colors.length; i++)
    for (let j = 0; j < i; j++) {
      const d = deltaE2000(viewLab(colors[i]!, view), viewLab(colors[j]!, view));
      if (d < best.d) best = { d, pair: `${colors[j]} ${colors[i]}` };
    }
  return best;
}

/** The palette this one replaced (before issue 16): 20 apart as sent, nothing more. */
const OLD_PALETTE = [
  "#E69F00",
  "#56B4E9",
  "#009E73",
  "#F0E442",
  "#CC79A7",
  "#D55E00",
  "#77FFEE",
  "#00EE44",
  "#778800",
  "#AA44FF",
  "#FFAA88",
  "#BBAAFF",
  "#3377EE",
];

describe("colour-vision views (Machado, Oliveira & Fernandes 2009)", () => {
  it("keep white white and greys grey: each matrix row sums to 1", () => {
    for (const view of ["deuteranopia", "protanopia"] as const)
      for (const grey of ["#FFFFFF", "#808080", "#000000"])
        expect(deltaE2000(viewLab(grey, view), viewLab(grey, "normal")), `${grey} ${view}`).toBeLessThan(0.5);
  });

  it("fold red and green together for a dichromat, not blue and yellow", () => {
    // Red and green are 86 apart as sent; a deuteranope sees two olives far closer together.
    expect(colorDistance("#FF0000", "#00FF00")).toBeGreaterThan(80);
    for (const view of ["deuteranopia", "protanopia"] as const) {
      const rg = deltaE2000(viewLab("#CC4400", view), viewLab("#558800", view));
      expect(rg, view).toBeLessThan(12);
      const by = deltaE2000(viewLab("#0044CC", view), viewLab("#CCAA00", view));
      expect(by, view).toBeGreaterThan(50);
    }
  });

  it("wash out a projected colour: the same pair is closer on a lit-room projector", () => {
    for (const [a, b] of [
      ["#E69F00", "#D55E00"],
      ["#56B4E9", "#6677BB"],
    ] as const)
      expect(deltaE2000(viewLab(a, "washed-out"), viewLab(b, "washed-out"))).toBeLessThan(
        colorDistance(a, b),
      );
  });
});

describe("the palette", () => {
  it(`keeps every pair ${MIN_DISTANCE} apart as sent and ${MIN_VIEW_DISTANCE} apart in every view`, () => {
    expect(closestIn(PALETTE, "normal").d).toBeGreaterThanOrEqual(MIN_DISTANCE);
    for (const view of VIEWS)
      expect(closestIn(PALETTE, view).d, view).toBeGreaterThanOrEqual(MIN_VIEW_DISTANCE);
    for (let i = 0; i < PALETTE.length; i++)
      for (let j = 0; j < i; j++)
        expect(viewDistance(PALETTE[i]!, PALETTE[j]!)).toBeGreaterThanOrEqual(MIN_VIEW_DISTANCE);
  });

  it("is what the old palette was not: its closest pairs for colour-blind eyes were 1.3 and 3.0 apart", () => {
    expect(closestIn(OLD_PALETTE, "normal").d).toBeGreaterThanOrEqual(20);
    expect(closestIn(OLD_PALETTE, "protanopia")).toEqual({
      d: expect.closeTo(1.3, 1),
      pair: "#F0E442 #00EE44",
    });
    expect(closestIn(OLD_PALETTE, "deuteranopia").d).toBeLessThan(MIN_VIEW_DISTANCE);
    expect(closestIn(OLD_PALETTE, "washed-out").d).toBeLessThan(MIN_VIEW_DISTANCE);
    // Okabe & Ito's own six: yellow and orange 11.5 apart to a deuteranope.
    expect(closestIn(OLD_PALETTE.slice(0, 6), "deuteranopia").d).toBeLessThan(MIN_VIEW_DISTANCE);
  });

  it("stays readable on the page and apart from the page's own colours", () => {
    // The page's grey RIP squares and red drop crosses differ in shape as well: a looser floor.
    for (const c of PALETTE) {
      expect(contrast(c, PAGE_COLORS[0]!), c).toBeGreaterThanOrEqual(MIN_CONTRAST);
      for (const p of PAGE_COLORS) {
        expect(colorDistance(c, p), `${c} ${p}`).toBeGreaterThanOrEqual(12);
        expect(viewDistance(c, p), `${c} ${p}`).toBeGreaterThanOrEqual(9);
      }
    }
  });

  it("past the palette, picks the colours farthest apart in the worst view", () => {
    const used = nextColors([], 14);
    expect(used.slice(0, PALETTE.length)).toEqual([...PALETTE]);
    const more = used.slice(PALETTE.length);
    // Each generated colour keeps clear of the palette in every view as well as the gamut allows.
    for (const c of more)
      expect(Math.min(...PALETTE.map((p) => viewDistance(c, p))), c).toBeGreaterThanOrEqual(7);
  });
});
