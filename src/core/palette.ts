/**
 * @module core/palette
 * User colours for the projected picture, chosen so no two people in the room look alike.
 *
 * Distance is CIEDE2000 (ΔE00, Sharma, Wu & Dalal 2005), the CIE's perceptual colour difference:
 * 1 is a just-noticeable difference between two large patches side by side. The page's dots are
 * small, moving, and matched against a legend across a room, so they need far more than that:
 * MIN_DISTANCE (20) is what the closest pair of Okabe & Ito's colour-blind-safe set keeps (21.7)
 * and more than Tableau 10's closest pair (18.1), two palettes made for telling categories apart.
 *
 * PALETTE holds 13 colours, every pair at least 20 apart: Okabe & Ito's six that read on the
 * page's near-black background (no black, no dark blue), then seven picked by farthest-point
 * search among bright colours. Each new user gets the first palette colour that is at least
 * MIN_DISTANCE from every colour already in use, so a colour someone chose by hand (`--color`)
 * pushes the automatic ones away from it too. Past that, the colour farthest from all in use and
 * from the page's own colours (PAGE_COLORS) among bright sRGB colours readable on the page.
 */

export const PALETTE: readonly string[] = [
  "#E69F00", // orange (Okabe-Ito)
  "#56B4E9", // sky blue
  "#009E73", // bluish green
  "#F0E442", // yellow
  "#CC79A7", // reddish purple
  "#D55E00", // vermillion
  "#77FFEE", // aquamarine
  "#00EE44", // green
  "#778800", // olive
  "#AA44FF", // violet
  "#FFAA88", // peach
  "#BBAAFF", // lavender
  "#3377EE", // blue
];

/** ΔE00 every pair of automatic colours keeps while the palette lasts. */
export const MIN_DISTANCE = 20;

/**
 * The page's own colours (web/src/colors.ts, style.css): its background, root's packets, RIP
 * updates and drop marks. RIP's small grey squares and the red drop crosses differ in shape too.
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
  const [r, g, b] = linearRgb(hex);
  const x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
  const y = 0.2126729 * r + 0.7151522 * g + 0.072175 * b;
  const z = (0.0193339 * r + 0.119192 * g + 0.9503041 * b) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t) / 116 + 16 / 116);
  const [fx, fy, fz] = [f(x), f(y), f(z)];
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
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

/** Least chroma (C*) of a generated colour: greys are the page's own (RIP, root). */
const MIN_CHROMA = 40;

let candidates: { hex: string; lab: LabColor }[] | undefined;

/** Bright sRGB colours (16 levels a channel) readable on the page: where generated colours come from. */
function generatedCandidates(): { hex: string; lab: LabColor }[] {
  if (candidates) return candidates;
  const digits = "0123456789ABCDEF";
  candidates = [];
  for (const r of digits)
    for (const g of digits)
      for (const b of digits) {
        const hex = `#${r}${r}${g}${g}${b}${b}`;
        const lab = hexToLab(hex);
        if (Math.hypot(lab[1], lab[2]) >= MIN_CHROMA && contrast(hex, PAGE_COLORS[0]!) >= MIN_CONTRAST)
          candidates.push({ hex, lab });
      }
  return candidates;
}

/**
 * The next `n` automatic colours, given the colours already in use: palette colours at least
 * MIN_DISTANCE from everything in use first, in palette order; then, one at a time, the bright
 * colour farthest (ΔE00) from every colour in use and from the page's own. Deterministic.
 */
export function nextColors(used: Iterable<string>, n: number): string[] {
  const labs = [...used].map(hexToLab);
  const out: string[] = [];
  const take = (hex: string, lab: LabColor) => {
    out.push(hex);
    labs.push(lab);
  };
  for (const hex of PALETTE) {
    if (out.length >= n) return out;
    const lab = hexToLab(hex);
    if (labs.every((u) => deltaE2000(lab, u) >= MIN_DISTANCE)) take(hex, lab);
  }
  if (out.length >= n) return out;
  const cands = generatedCandidates();
  const page = PAGE_COLORS.map(hexToLab);
  // nearest[i]: distance from candidate i to the closest colour in use or of the page (0 for a
  // colour in use, so it comes again only once every candidate is taken).
  const nearest = cands.map((c) => Math.min(...[...labs, ...page].map((u) => deltaE2000(c.lab, u))));
  while (out.length < n) {
    let best = 0;
    for (let i = 1; i < cands.length; i++) if (nearest[i]! > nearest[best]!) best = i;
    const pick = cands[best]!;
    take(pick.hex, pick.lab);
    for (let i = 0; i < cands.length; i++)
      nearest[i] = Math.min(nearest[i]!, deltaE2000(cands[i]!.lab, pick.lab));
  }
  return out;
}

/** The next automatic colour (see nextColors). */
export function nextColor(used: Iterable<string>): string {
  return nextColors(used, 1)[0]!;
}
