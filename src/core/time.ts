/**
 * @module core/time
 * Virtual time is an integer count of nanoseconds held in a JS number (exact to 2^53 ns,
 * about 104 days): cheaper than bigint on every event, and far beyond any lab's run.
 */
import { LabError } from "./errors.js";

/** Virtual nanoseconds. */
export type Nanos = number;

export const NS = 1;
export const US = 1_000;
export const MS = 1_000_000;
export const SECOND = 1_000_000_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

const UNITS: Record<string, number> = {
  ns: NS,
  us: US,
  µs: US,
  ms: MS,
  s: SECOND,
  m: MINUTE,
  min: MINUTE,
  h: HOUR,
};

/** Parses `500ms`, `30s`, `5m`, `1.5s`, `2h`; a bare number means seconds. Undefined when malformed. */
export function parseDuration(text: string): Nanos | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m|min|h)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * UNITS[m[2] ?? "s"]!;
  return Number.isFinite(n) ? Math.round(n) : undefined;
}

/** Like parseDuration, throwing a LabError naming `what`. */
export function durationOrThrow(text: string, what: string): Nanos {
  const d = parseDuration(text);
  if (d === undefined) throw new LabError(`${what}: '${text}' is not a duration (e.g. 500ms, 30s, 5m)`);
  return d;
}

/** Seconds with millisecond precision, e.g. `t=37.250s`. */
export function formatSeconds(t: Nanos): string {
  return `${(t / SECOND).toFixed(3)}s`;
}

/** Human duration: `90s` → `1m30s`, `250ms`. */
export function formatDuration(t: Nanos): string {
  if (t < SECOND) return `${Math.round(t / MS)}ms`;
  const s = Math.round(t / SECOND);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
}

/** The exact duration in the largest unit that divides it (parses back to the same nanoseconds). */
export function durationText(t: Nanos): string {
  if (t === 0) return "0";
  for (const [unit, n] of [
    ["s", SECOND],
    ["ms", MS],
    ["us", US],
  ] as const)
    if (t % n === 0) return `${t / n}${unit}`;
  return `${t}ns`;
}
