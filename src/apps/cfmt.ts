/**
 * @module apps/cfmt
 * The few printf conversions FreeBSD's tools use, done exactly as C does them, so columns and
 * numbers match the real output character for character.
 */

/**
 * `%.<digits>f`. Differs from `Number.prototype.toFixed` in two places where C does: exact
 * ties round to even (printf rounds the exact binary value, 0.0625 → "0.062"), and NaN and
 * infinities print as `nan` / `inf` (FreeBSD libc drops the sign of NaN).
 */
export function fixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const s = x.toFixed(digits);
  // toFixed rounds ties away from zero; detect an exact tie from the exact expansion. A value
  // that is exactly halfway at `digits` is a dyadic rational whose expansion ends within a few
  // more digits, so 25 extra digits show it exactly.
  const long = Math.abs(x).toFixed(Math.min(100, digits + 25));
  const tail = long.slice(long.length - 25);
  if (tail !== `5${"0".repeat(24)}`) return s;
  const kept = long.slice(0, long.length - 25).replace(/\.$/, "");
  const lastDigit = Number(kept[kept.length - 1]);
  if (lastDigit % 2 === 1) return s; // rounding up to even: toFixed already did
  // Round down to the even digit: truncate.
  return x < 0 ? `-${kept}` : kept;
}

/** `%-<w>s`: left-aligned in at least `w` columns. */
export function left(s: string, w: number): string {
  return s.length >= w ? s : s + " ".repeat(w - s.length);
}

/** `%<w>s`: right-aligned in at least `w` columns. */
export function right(s: string, w: number): string {
  return s.length >= w ? s : " ".repeat(w - s.length) + s;
}

/** `%-<w>.<w>s`: left-aligned and cut to exactly `w` columns. */
export function leftCut(s: string, w: number): string {
  return left(s.slice(0, w), w);
}

/** `%<w>.<w>s`: right-aligned and cut to `w` columns. */
export function rightCut(s: string, w: number): string {
  return right(s.slice(0, w), w);
}

/** `%0<w>x`: lower-case hex, zero-padded to `w` digits. */
export function hex(n: number, w: number): string {
  const s = (n >>> 0).toString(16);
  return s.length >= w ? s : "0".repeat(w - s.length) + s;
}
