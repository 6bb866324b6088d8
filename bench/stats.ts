/**
 * @module bench/stats
 * Small numeric helpers: medians of repeated runs, and formatting that keeps the table narrow.
 */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** 1234567 → "1.23 M", 0.0123 → "0.0123". */
export function si(n: number, digits = 3): string {
  if (!Number.isFinite(n)) return "-";
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toPrecision(digits)} G`;
  if (a >= 1e6) return `${(n / 1e6).toPrecision(digits)} M`;
  if (a >= 1e4) return `${(n / 1e3).toPrecision(digits)} k`;
  return `${Number(n.toPrecision(digits))}`;
}

export function seconds(s: number): string {
  if (!Number.isFinite(s)) return "-";
  if (s < 0.001) return `${(s * 1e6).toFixed(0)} µs`;
  if (s < 1) return `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)} ms`;
  return `${s.toFixed(s < 10 ? 2 : 1)} s`;
}

export function bytes(b: number): string {
  if (!Number.isFinite(b)) return "-";
  if (b >= 1 << 30) return `${(b / (1 << 30)).toFixed(2)} GiB`;
  if (b >= 1 << 20) return `${(b / (1 << 20)).toFixed(1)} MiB`;
  if (b >= 1 << 10) return `${(b / (1 << 10)).toFixed(1)} KiB`;
  return `${b.toFixed(0)} B`;
}
