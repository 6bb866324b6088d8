/**
 * @module core/palette
 * User colours for the projected picture, chosen so no two people in the room look alike, to
 * every eye in the room and on a washed-out classroom projector.
 *
 * Distance is CIEDE2000 (ΔE00, Sharma, Wu & Dalal 2005), the CIE's perceptual colour difference:
 * 1 is a just-noticeable difference between two large patches side by side. The page's dots are
 * small, moving, and matched against a legend across a room, so they need far more than that.
 * A pair is measured in four VIEWS: as sent; as a deuteranope and a protanope see it (Machado,
 * Oliveira & Fernandes 2009, the severity-1.0 matrices, applied to linear RGB); and through a
 * washed-out projector (black raised to a quarter of white, see washOut). Its distance is the
 * least of the four (viewDistance).
 *
 * PALETTE holds 7 colours, every pair at least MIN_DISTANCE (22) apart as sent and at least
 * MIN_VIEW_DISTANCE (12) apart in every view: Okabe & Ito's orange, sky blue and bluish green,
 * then four picked by a search that maximises the worst view's distance (the search held the
 * first ones fixed). Okabe & Ito's full set cannot do it: its yellow and orange are 11.5 apart
 * to a deuteranope, and the 13-colour palette this one replaces had pairs 1.3 apart to a
 * protanope (#00EE44 and #F0E442). Past 7 people colour alone cannot keep everyone apart for
 * everyone: the page gives each user a second cue (a mark on their packets and a dash on their
 * trails, web/src/colors.ts), so colour is never the only one.
 *
 * Each new user gets the first palette colour at least MIN_DISTANCE from every colour already
 * in use, so a colour someone chose by hand (`--color`) pushes the automatic ones away from it
 * too. Past that, the colour farthest (in the worst view) from all in use and from the page's
 * own colours (PAGE_COLORS) among bright sRGB colours readable on the page.
 */

export const PALETTE: readonly string[] = [
  "#E69F00", // orange (Okabe-Ito)
  "#56B4E9", // sky blue (Okabe-Ito)
  "#009E73", // bluish green (Okabe-Ito)
  "#FFFF00", // yellow
  "#EE99AA", // pink
  "#6677BB", // slate blue
  "#00EE88", // spring green
];

/** ΔE00 (as sent) every pair of automatic colours keeps while the palette lasts. */
export const MIN_DISTANCE = 22;

/** ΔE00 every pair of palette colours keeps in every view (viewDistance). */
export const MIN_VIEW_DISTANCE = 12;

/**
 * The page's own colours (web/src/colors.ts, style.css): its background, root's packets, routing
 * protocol updates and drop marks. The updates' small grey squares and the red drop crosses
 * differ in shape too.
 */
export const PAGE_COLORS: readonly string[] = ["#0B0F14", "#E0E0E0", "#7F8C9B", "#FF5252"];

/** WCAG contrast a user colour keeps against the page background (AA for text). */
export const MIN_CONTRAST = 4.5;

/** A colour given as `#RGB`/`#RRGGBB` (any case) or one of a few names, normalised to `#RRGGBB`. */
export function normalizeColor(c: string): string | undefined {
  const named: Record<string, string> = {
    orange: "#E69F00",
    skyblue: "#56B4E9",
    blue: "#77AADD",
    green: "#009E73",
    yellow: "#F0E442",
    purple: "#CC79A7",
    red: "#D55E00",
    pink: "#FFAABB",
    mint: "#44BB99",
    cyan: "#99DDFF",
    olive: "#AAAA00",
  };
  const t = c.trim().toLowerCase();
  if (named[t]) return named[t];
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/.exec(t);
  if (!m) return undefined;
  const hex = m[1]!.length === 3 ? [...m[1]!].map((x) => x + x).join("") : m[1]!;
  return `#${hex.toUpperCase()}`;
}

/** CIE L*a*b* coordinates. */
export type LabColor = readonly [l: number, a: number, b: number];

/** Linear-light sRGB channels of `#RRGGBB`. */
function linearRgb(hex: string): [number, number, number] {
  const c = [1, 3, 5].map((i) => {
    const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return [c[0]!, c[1]!, c[2]!];
}

/** WCAG relative luminance of `#RRGGBB`. */
export function luminance(hex: string): number {
  const [r, g, b] = linearRgb(hex);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two `#RRGGBB` colours (1 to 21). */
export function contrast(x: string, y: string): number {
  const [a, b] = [luminance(x), luminance(y)].sort((p, q) => q - p);
  return (a! + 0.05) / (b! + 0.05);
}

/** `#RRGGBB` (sRGB, D65 white) in CIE L*a*b*. */
export function hexToLab(hex: string): LabColor {
  return linearToLab(linearRgb(hex));
}

/** Linear-light sRGB (D65 white) in CIE L*a*b*. */
function linearToLab([r, g, b]: readonly [number, number, number]): LabColor {
  const x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
  const y = 0.2126729 * r + 0.7151522 * g + 0.072175 * b;
  const z = (0.0193339 * r + 0.119192 * g + 0.9503041 * b) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t) / 116 + 16 / 116);
  const [fx, fy, fz] = [f(x), f(y), f(z)];
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** How a colour can be seen in the room (see the module comment). */
export type View = "normal" | "deuteranopia" | "protanopia" | "washed-out";
export const VIEWS: readonly View[] = ["normal", "deuteranopia", "protanopia", "washed-out"];

type Matrix = readonly [readonly number[], readonly number[], readonly number[]];

/**
 * Machado, Oliveira & Fernandes, "A Physiologically-based Model for Simulation of Color Vision
 * Deficiency", IEEE TVCG 15(6), 2009: the matrices for severity 1.0 (dichromacy), applied to
 * linear RGB, as published with the paper and carried by colour-science's
 * colour/blindness/datasets/machado2010.py (CVD_MATRICES_MACHADO2010).
 */
const MACHADO: Record<"deuteranopia" | "protanopia", Matrix> = {
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
};

/**
 * A projector in a lit classroom: the room's light lifts black to a quarter of the projector's
 * white (a 4:1 contrast ratio, where a dark room's gets hundreds). Relative to that white, a
 * channel v (linear) shows as 0.25 + 0.75·v.
 */
const WASHED_BLACK = 0.25;

/** Linear RGB of `#RRGGBB` as seen in `view`, clamped to the gamut. */
function viewLinear(hex: string, view: View): [number, number, number] {
  const c = linearRgb(hex);
  if (view === "normal") return c;
  if (view === "washed-out")
    return [0, 1, 2].map((i) => WASHED_BLACK + (1 - WASHED_BLACK) * c[i]!) as [number, number, number];
  const m = MACHADO[view];
  return m.map((row) => Math.min(1, Math.max(0, row[0]! * c[0] + row[1]! * c[1] + row[2]! * c[2]))) as [
    number,
    number,
    number,
  ];
}

/** `#RRGGBB` in CIE L*a*b* as seen in `view`. */
export function viewLab(hex: string, view: View): LabColor {
  return linearToLab(viewLinear(hex, view));
}

/** `#RRGGBB` in L*a*b* in every view, in VIEWS order. */
function viewLabs(hex: string): LabColor[] {
  return VIEWS.map((v) => viewLab(hex, v));
}

/** The least ΔE00 of two colours' pairs in the same view. */
function leastOf(p: readonly LabColor[], q: readonly LabColor[]): number {
  let d = Number.POSITIVE_INFINITY;
  for (let i = 0; i < p.length; i++) d = Math.min(d, deltaE2000(p[i]!, q[i]!));
  return d;
}

/**
 * How far apart two generated colours are: as sent, or GENERATED_VIEW_WEIGHT times their distance
 * in the other views, whichever is less. Most of the room sees colours as sent; weighing every
 * view alike would give that up for little: ten people are then 13.6 apart as sent and 9.4 in
 * their worst view, with the weight 1.6 17.1 and 9.4, judged as sent only 22.1 and 5.0
 * (nextColors([], 10); the page's second cue carries the rest).
 */
function spread(p: readonly LabColor[], q: readonly LabColor[]): number {
  let d = deltaE2000(p[0]!, q[0]!);
  for (let i = 1; i < p.length; i++) d = Math.min(d, GENERATED_VIEW_WEIGHT * deltaE2000(p[i]!, q[i]!));
  return d;
}

const GENERATED_VIEW_WEIGHT = 1.6;

/** ΔE00 of two `#RRGGBB` colours in the view where they are closest (VIEWS). */
export function viewDistance(x: string, y: string): number {
  return leastOf(viewLabs(x), viewLabs(y));
}

const RAD = Math.PI / 180;

/** Hue angle in degrees, 0 to 360 (0 for a grey). */
function hueDeg(b: number, a: number): number {
  if (a === 0 && b === 0) return 0;
  const h = Math.atan2(b, a) / RAD;
  return h < 0 ? h + 360 : h;
}

/** CIEDE2000 colour difference of two L*a*b* colours (kL = kC = kH = 1). */
export function deltaE2000(p: LabColor, q: LabColor): number {
  const [l1, a1, b1] = p;
  const [l2, a2, b2] = q;
  const cBar = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
  const g = 0.5 * (1 - Math.sqrt(cBar ** 7 / (cBar ** 7 + 25 ** 7)));
  const a1p = (1 + g) * a1;
  const a2p = (1 + g) * a2;
  const c1 = Math.hypot(a1p, b1);
  const c2 = Math.hypot(a2p, b2);
  const h1 = hueDeg(b1, a1p);
  const h2 = hueDeg(b2, a2p);
  const grey = c1 * c2 === 0;
  let dh = grey ? 0 : h2 - h1;
  if (dh > 180) dh -= 360;
  else if (dh < -180) dh += 360;
  const dL = l2 - l1;
  const dC = c2 - c1;
  const dH = 2 * Math.sqrt(c1 * c2) * Math.sin((dh / 2) * RAD);
  const lBar = (l1 + l2) / 2;
  const cBarP = (c1 + c2) / 2;
  let hBar = h1 + h2;
  if (!grey) hBar = Math.abs(h1 - h2) <= 180 ? hBar / 2 : hBar < 360 ? (hBar + 360) / 2 : (hBar - 360) / 2;
  const t =
    1 -
    0.17 * Math.cos((hBar - 30) * RAD) +
    0.24 * Math.cos(2 * hBar * RAD) +
    0.32 * Math.cos((3 * hBar + 6) * RAD) -
    0.2 * Math.cos((4 * hBar - 63) * RAD);
  const sL = 1 + (0.015 * (lBar - 50) ** 2) / Math.sqrt(20 + (lBar - 50) ** 2);
  const sC = 1 + 0.045 * cBarP;
  const sH = 1 + 0.015 * cBarP * t;
  const rC = 2 * Math.sqrt(cBarP ** 7 / (cBarP ** 7 + 25 ** 7));
  const rT = -Math.sin(2 * 30 * Math.exp(-(((hBar - 275) / 25) ** 2)) * RAD) * rC;
  return Math.sqrt((dL / sL) ** 2 + (dC / sC) ** 2 + (dH / sH) ** 2 + rT * (dC / sC) * (dH / sH));
}

/** ΔE00 of two `#RRGGBB` colours. */
export function colorDistance(x: string, y: string): number {
  return deltaE2000(hexToLab(x), hexToLab(y));
}

/** Least chroma (C*) of a generated colour: greys are the page's own (routing updates, root). */
const MIN_CHROMA = 40;

interface Candidate {
  hex: string;
  labs: LabColor[];
}

let candidates: Candidate[] | undefined;

/** Bright sRGB colours (16 levels a channel) readable on the page: where generated colours come from. */
function generatedCandidates(): Candidate[] {
  if (candidates) return candidates;
  const digits = "0123456789ABCDEF";
  candidates = [];
  for (const r of digits)
    for (const g of digits)
      for (const b of digits) {
        const hex = `#${r}${r}${g}${g}${b}${b}`;
        const lab = hexToLab(hex);
        if (Math.hypot(lab[1], lab[2]) >= MIN_CHROMA && contrast(hex, PAGE_COLORS[0]!) >= MIN_CONTRAST)
          candidates.push({ hex, labs: viewLabs(hex) });
      }
  return candidates;
}

/**
 * The next `n` automatic colours, given the colours already in use: palette colours at least
 * MIN_DISTANCE (as sent) and MIN_VIEW_DISTANCE (in every view) from everything in use first,
 * in palette order; then, one at a time, the bright colour farthest (in its worst view) from
 * every colour in use and from the page's own. Deterministic.
 */
export function nextColors(used: Iterable<string>, n: number): string[] {
  const labs = [...used].map(viewLabs);
  const out: string[] = [];
  const take = (hex: string, l: LabColor[]) => {
    out.push(hex);
    labs.push(l);
  };
  for (const hex of PALETTE) {
    if (out.length >= n) return out;
    const l = viewLabs(hex);
    if (labs.every((u) => deltaE2000(l[0]!, u[0]!) >= MIN_DISTANCE && leastOf(l, u) >= MIN_VIEW_DISTANCE))
      take(hex, l);
  }
  if (out.length >= n) return out;
  const cands = generatedCandidates();
  const page = PAGE_COLORS.map(viewLabs);
  // nearest[i]: distance from candidate i to the closest colour in use or of the page (0 for a
  // colour in use, so it comes again only once every candidate is taken).
  const nearest = cands.map((c) => Math.min(...[...labs, ...page].map((u) => spread(c.labs, u))));
  while (out.length < n) {
    let best = 0;
    for (let i = 1; i < cands.length; i++) if (nearest[i]! > nearest[best]!) best = i;
    const pick = cands[best]!;
    take(pick.hex, pick.labs);
    for (let i = 0; i < cands.length; i++)
      nearest[i] = Math.min(nearest[i]!, spread(cands[i]!.labs, pick.labs));
  }
  return out;
}

/** The next automatic colour (see nextColors). */
export function nextColor(used: Iterable<string>): string {
  return nextColors(used, 1)[0]!;
}
