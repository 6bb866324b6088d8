/**
 * @module topology/values
 * Parsers for the scalar values topology files contain (CIDR prefixes, addresses, durations,
 * bandwidths, loss rates, names, static routes). Each returns a value or a message saying what
 * is wrong and what would be right; the format parsers add the position. Shared by every format
 * so that `2ms` or `10Mbit` mean the same in YAML, containerlab and edge lists.
 */
import { formatIpv4, formatPrefix, type Ipv4, maskOf, type Prefix, parseIpv4 } from "../core/ip.js";
import { limitText, MAX_DURATION, MAX_LINK_DELAY, MAX_QUEUE } from "../core/limits.js";
import { type Nanos, parseDuration } from "../core/time.js";

/** A parsed value, or the reason it could not be parsed (a complete sentence fragment). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** Node names become hostnames, shell words and netns names later: keep them plain. */
export const NODE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
/**
 * Interface names: Linux allows 15 characters (IFNAMSIZ 16 with the NUL); no shell specials.
 * `/` is allowed for containerlab's SR Linux names (`ethernet-1/1`); engines map names as needed.
 */
export const IFACE_NAME = /^[A-Za-z][A-Za-z0-9_./-]{0,14}$/;

/** Lab names become file and directory names on export (containerlab's own pattern). */
export const LAB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkLabName(name: string): Parsed<string> {
  if (LAB_NAME.test(name)) return ok(name);
  return fail(`bad lab name '${name}': use letters, digits, '.', '_' or '-' (it names files on export)`);
}

export function checkNodeName(name: string): Parsed<string> {
  if (NODE_NAME.test(name)) return ok(name);
  return fail(
    `bad node name '${name}': use a letter then up to 31 letters, digits, '_' or '-' (names become hostnames and shell words)`,
  );
}

export function checkIfaceName(name: string): Parsed<string> {
  if (!IFACE_NAME.test(name))
    return fail(
      `bad interface name '${name}': use a letter then up to 14 letters, digits, '_', '.', '/' or '-'`,
    );
  if (/^lo\d*$/.test(name)) return fail(`interface name '${name}' is reserved for the loopback`);
  return ok(name);
}

/** `A.B.C.D/LEN` with the host bits zero. */
export function parseSubnet(text: string): Parsed<Prefix> {
  const m = /^\s*([^/\s]+)\/(\d{1,2})\s*$/.exec(text);
  const addr = m ? parseIpv4(m[1]!) : undefined;
  const len = m ? Number(m[2]) : NaN;
  if (addr === undefined || !(len <= 32))
    return fail(`'${text}' is not a CIDR prefix (write A.B.C.D/LEN, e.g. 10.0.10.0/24)`);
  const net = (addr & maskOf(len)) >>> 0;
  if (net !== addr)
    return fail(`'${text}' has host bits set: the subnet is ${formatPrefix({ addr: net, len })}`);
  return ok({ addr: net, len });
}

/** An interface address: `A.B.C.D` (len undefined) or `A.B.C.D/LEN`. */
export function parseHostAddress(text: string): Parsed<{ addr: Ipv4; len?: number }> {
  const m = /^\s*([^/\s]+)(?:\/(\d{1,2}))?\s*$/.exec(text);
  const addr = m ? parseIpv4(m[1]!) : undefined;
  if (!m || addr === undefined)
    return fail(`'${text}' is not an IPv4 address (write A.B.C.D or A.B.C.D/LEN)`);
  if (m[2] === undefined) return ok({ addr });
  const len = Number(m[2]);
  if (len > 32) return fail(`'${text}': prefix length must be 0…32`);
  return ok({ addr, len });
}

export function parseAddress(text: string): Parsed<Ipv4> {
  const a = parseIpv4(text.trim());
  return a === undefined ? fail(`'${text}' is not an IPv4 address (write A.B.C.D)`) : ok(a);
}

/**
 * A duration with a unit (`2ms`, `30s`, `5m`). A bare number other than 0 is refused: `delay: 2`
 * could mean 2 s or 2 ms, and guessing wrong makes a lab behave strangely without a word.
 * At most `max` (core/limits.ts: a day unless the value is a link's delay).
 */
export function parseDurationText(text: string, max: Nanos = MAX_DURATION, what = "duration"): Parsed<Nanos> {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t) && Number(t) !== 0)
    return fail(`'${t}' has no unit: write e.g. ${t}ms or ${t}s`);
  const d = parseDuration(t);
  if (d === undefined) return fail(`'${t}' is not a duration (e.g. 500us, 2ms, 30s, 5m)`);
  if (d > max) return fail(`'${t}' is longer than the longest ${what}, ${limitText(max)}`);
  return ok(d);
}

/** A link's one-way delay: a duration of at most MAX_LINK_DELAY. */
export function parseDelay(text: string): Parsed<Nanos> {
  return parseDurationText(text, MAX_LINK_DELAY, "link delay");
}

/** A link's delay given as whole nanoseconds (the API's other spelling), checked as parseDelay. */
export function checkDelayNanos(ns: number): Parsed<Nanos> {
  if (!(Number.isSafeInteger(ns) && ns >= 0)) return fail(`${ns} is not a whole number of nanoseconds ≥ 0`);
  if (ns > MAX_LINK_DELAY)
    return fail(`${ns} ns is longer than the longest link delay, ${limitText(MAX_LINK_DELAY)}`);
  return ok(ns);
}

const RATE_UNITS: Record<string, number> = { "": 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 };

/**
 * Bandwidth in bits per second: a number (bits/s) or `10Mbit`, `10Mbps`, `1Gbit/s`, `64kbit`,
 * `unlimited`. `bps` means bits here, as network engineers say it (tc(8) alone reads it as
 * bytes). 0 and `unlimited` mean no rate limit.
 */
export function parseBandwidth(v: string | number): Parsed<number> {
  if (typeof v === "number") {
    if (!Number.isFinite(v) || v < 0) return fail(`bandwidth ${v} must be a number of bits per second ≥ 0`);
    return ok(Math.round(v));
  }
  const t = v.trim();
  if (/^(unlimited|none|0)$/i.test(t)) return ok(0);
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(bit|bits|bps|bit\/s|b\/s)?$/i.exec(t);
  if (!m || (m[2] === "" && m[3] === undefined && !/^\d+$/.test(t)))
    return fail(`'${t}' is not a bandwidth (e.g. 10Mbit, 1Gbps, 64kbit, or a number of bits per second)`);
  const n = Number(m[1]) * RATE_UNITS[m[2]!.toLowerCase()]!;
  return ok(Math.round(n));
}

/** Loss probability per packet: a number 0…1 or a percentage `1%`. */
export function parseLoss(v: string | number): Parsed<number> {
  let n: number;
  if (typeof v === "number") n = v;
  else {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(v);
    if (!m) return fail(`'${v}' is not a loss rate (write 0.01 or 1%)`);
    n = m[2] ? Number(m[1]) / 100 : Number(m[1]);
  }
  if (!(n >= 0 && n <= 1))
    return fail(`loss ${v} is outside 0…1 (write 0.01 or 1% for one packet in a hundred)`);
  return ok(n);
}

/** Queue length in packets, a whole number ≥ 1. */
export function parseQueue(v: string | number): Parsed<number> {
  const n = typeof v === "number" ? v : /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_QUEUE)
    return fail(`queue '${v}' must be a whole number of packets, 1…${MAX_QUEUE}`);
  return ok(n);
}

/** `DEST via GATEWAY`, DEST a CIDR prefix or `default`. */
export function parseStaticRouteText(text: string): Parsed<{ dest: Prefix; gateway: Ipv4 }> {
  const m = /^\s*(\S+)\s+via\s+(\S+)\s*$/.exec(text);
  if (!m)
    return fail(
      `'${text}' is not a static route (write 'PREFIX via GATEWAY', e.g. '10.0.0.0/8 via 10.0.10.2')`,
    );
  const dest = parseRouteDest(m[1]!);
  if (!dest.ok) return dest;
  const gw = parseAddress(m[2]!);
  if (!gw.ok) return gw;
  return ok({ dest: dest.value, gateway: gw.value });
}

/** A route destination: CIDR prefix or `default` (0.0.0.0/0). */
export function parseRouteDest(text: string): Parsed<Prefix> {
  if (text.trim() === "default") return ok({ addr: 0, len: 0 });
  return parseSubnet(text);
}

/** `1s-5s` (or `1s..5s`) → [min, max]. */
export function parseDurationRange(text: string): Parsed<[Nanos, Nanos]> {
  const m = /^\s*([^-\s.][^-\s]*?)\s*(?:-|\.\.)\s*(\S+)\s*$/.exec(text);
  if (!m) {
    const one = parseDurationText(text);
    return one.ok ? ok([one.value, one.value]) : fail(`'${text}' is not a duration range (write e.g. 1s-5s)`);
  }
  const lo = parseDurationText(m[1]!);
  if (!lo.ok) return lo;
  const hi = parseDurationText(m[2]!);
  if (!hi.ok) return hi;
  if (lo.value > hi.value) return fail(`range '${text}' goes backwards (min > max)`);
  return ok([lo.value, hi.value]);
}

/** Text of an address for messages. */
export const ip = formatIpv4;
