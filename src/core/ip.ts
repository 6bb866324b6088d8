/**
 * @module core/ip
 * IPv4 addresses and prefixes as unsigned 32-bit numbers. Numbers, not strings or objects,
 * because the forwarding path compares and masks them millions of times a second.
 */
import { LabError } from "./errors.js";

/** An IPv4 address as an unsigned 32-bit integer (0 … 2^32-1). */
export type Ipv4 = number;

/** A prefix: network address (host bits zero) and length 0…32. */
export interface Prefix {
  readonly addr: Ipv4;
  readonly len: number;
}

/** Netmask for a prefix length, as an unsigned number. */
export function maskOf(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** Prefix length of a contiguous netmask, or -1 when the mask has holes. */
export function lenOfMask(mask: number): number {
  const inv = ~mask >>> 0;
  if ((inv & (inv + 1)) !== 0) return -1;
  return Math.clz32(inv);
}

/** Parses dotted-quad text; returns undefined when it is not exactly four decimal octets. */
export function parseIpv4(text: string): Ipv4 | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = v * 256 + n;
  }
  return v;
}

/** Dotted-quad text of an address. */
export function formatIpv4(a: Ipv4): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** Parses `A.B.C.D/LEN`; `strict` requires the host bits to be zero. */
export function parsePrefix(text: string, strict = true): Prefix | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text.trim());
  if (!m) return undefined;
  const addr = parseIpv4(m[1]!);
  const len = Number(m[2]);
  if (addr === undefined || len > 32) return undefined;
  const net = (addr & maskOf(len)) >>> 0;
  if (strict && net !== addr) return undefined;
  return { addr: net, len };
}

/** `A.B.C.D/LEN` text of a prefix. */
export function formatPrefix(p: Prefix): string {
  return `${formatIpv4(p.addr)}/${p.len}`;
}

/** Whether address `a` lies inside prefix `p`. */
export function prefixContains(p: Prefix, a: Ipv4): boolean {
  return (a & maskOf(p.len)) >>> 0 === p.addr;
}

/** Whether two prefixes share any address. */
export function prefixesOverlap(p: Prefix, q: Prefix): boolean {
  const len = Math.min(p.len, q.len);
  const m = maskOf(len);
  return (p.addr & m) >>> 0 === (q.addr & m) >>> 0;
}

/** Parses an address or throws a LabError naming `what`. */
export function ipv4OrThrow(text: string, what: string): Ipv4 {
  const a = parseIpv4(text);
  if (a === undefined) throw new LabError(`${what}: '${text}' is not an IPv4 address`);
  return a;
}

export const IPV4_BROADCAST: Ipv4 = 0xffffffff;
export const IPV4_LOOPBACK: Ipv4 = 0x7f000001;
/** True for 224.0.0.0/4. */
export function isMulticast(a: Ipv4): boolean {
  return a >>> 28 === 0xe;
}
