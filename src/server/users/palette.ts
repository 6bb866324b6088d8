/**
 * @module server/users/palette
 * User colours for the projected picture. The first eight are Okabe & Ito's colour-blind-safe
 * set (minus black and the dark blue, which vanish on a dark background) followed by Paul Tol's
 * "light" scheme; both were designed to stay apart under the common colour-vision deficiencies.
 * Every entry has enough luminance to read on the page's near-black canvas. Beyond the list,
 * colours are generated around the hue circle by the golden angle, light enough to read.
 */

export const PALETTE: readonly string[] = [
  "#E69F00", // orange (Okabe-Ito)
  "#56B4E9", // sky blue
  "#009E73", // bluish green
  "#F0E442", // yellow
  "#CC79A7", // reddish purple
  "#D55E00", // vermillion
  "#EE8866", // light orange (Tol light)
  "#77AADD", // light blue
  "#44BB99", // mint
  "#FFAABB", // pink
  "#BBCC33", // pear
  "#99DDFF", // light cyan
  "#EEDD88", // light yellow
  "#AAAA00", // olive
];

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

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const v = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(v * 255)
      .toString(16)
      .padStart(2, "0");
  };
  return `#${f(0)}${f(8)}${f(4)}`.toUpperCase();
}

/** The first palette colour nobody uses; past the palette, a generated one that nobody uses. */
export function nextColor(used: Iterable<string>): string {
  const taken = new Set([...used].map((c) => c.toUpperCase()));
  for (const c of PALETTE) if (!taken.has(c)) return c;
  for (let i = 0; ; i++) {
    // Golden-angle hue steps spread any number of colours; lightness alternates to separate neighbours.
    const c = hslToHex((i * 137.508) % 360, 0.65, i % 2 === 0 ? 0.68 : 0.78);
    if (!taken.has(c)) return c;
  }
}
