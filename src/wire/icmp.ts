/**
 * @module wire/icmp
 * ICMP messages (RFC 792): echo request/reply and the errors a router sends (destination
 * unreachable, time exceeded, redirect).
 *
 * Layout: type(1) code(1) checksum(2) then 4 bytes whose meaning depends on the type, then data.
 * For echo those 4 bytes are identifier and sequence number; for the errors routelab sends they
 * are "unused" (zero) — a redirect's hold the gateway address — and the data is the quoted original datagram: its IP header plus the first
 * 64 bits of its payload (RFC 792; FreeBSD's `icmp_quotelen` default of 8). `IcmpRepr` always maps
 * the 4 bytes to `ident`/`seq`, so any type parses and re-emits byte for byte.
 *
 * The checksum covers the whole ICMP message (type through the end of data).
 */
import { get16, put16 } from "./bytes.js";
import { internetChecksum } from "./checksum.js";
import { WireError } from "./error.js";
import { IPV4_HEADER_LEN, ipv4Ihl, ipv4TotalLen } from "./ipv4.js";

export const ICMP_ECHO_REPLY = 0;
export const ICMP_DEST_UNREACH = 3;
/** Redirect (RFC 792): bytes 4-7 name the better first hop, the data quotes the datagram. */
export const ICMP_REDIRECT = 5;
export const ICMP_ECHO_REQUEST = 8;
export const ICMP_TIME_EXCEEDED = 11;

/** Destination unreachable codes (RFC 792). */
export const UNREACH_NET = 0;
export const UNREACH_HOST = 1;
export const UNREACH_PROTOCOL = 2;
export const UNREACH_PORT = 3;

/** Redirect codes (RFC 792): for the network, the host, TOS and network, TOS and host. */
export const REDIRECT_NET = 0;
export const REDIRECT_HOST = 1;

/** Time exceeded codes (RFC 792). */
export const TIMXCEED_INTRANS = 0;
export const TIMXCEED_REASS = 1;

export const ICMP_HEADER_LEN = 8;

/** How many payload bytes of the offending datagram an ICMP error quotes (RFC 792, FreeBSD). */
export const ICMP_QUOTE_LEN = 8;

/** One ICMP message. `data` follows the 8-byte header (echo payload or quoted datagram). */
export interface IcmpRepr {
  type: number;
  code: number;
  /** Bytes 4-5: echo identifier; zero ("unused") for errors. */
  ident: number;
  /** Bytes 6-7: echo sequence number; zero ("unused") for errors. */
  seq: number;
  data: Uint8Array;
}

/** Type of the ICMP message at `b[off]` (no checks). */
export function icmpType(b: Uint8Array, off: number): number {
  return b[off]!;
}
/** Code of the ICMP message at `b[off]` (no checks). */
export function icmpCode(b: Uint8Array, off: number): number {
  return b[off + 1]!;
}
/** Echo identifier (bytes 4-5) of the ICMP message at `b[off]` (no checks). */
export function icmpIdent(b: Uint8Array, off: number): number {
  return get16(b, off + 4);
}
/** Echo sequence number (bytes 6-7) of the ICMP message at `b[off]` (no checks). */
export function icmpSeq(b: Uint8Array, off: number): number {
  return get16(b, off + 6);
}

/** The gateway address of a redirect (bytes 4-7, `icmp_gwaddr`) of the ICMP message at `b[off]`. */
export function icmpGateway(b: Uint8Array, off: number): number {
  return ((b[off + 4]! << 24) | (b[off + 5]! << 16) | (b[off + 6]! << 8) | b[off + 7]!) >>> 0;
}

/** Whether an ICMP type is an error message (one that quotes a datagram). */
export function icmpIsError(type: number): boolean {
  return type === ICMP_DEST_UNREACH || type === ICMP_TIME_EXCEEDED || type === 4 || type === 5 || type === 12;
}

/**
 * Parses the ICMP message in `b[off, off+len)` (len = the IP payload length). Checks the length
 * and the checksum. `data` is a view into `b`, not a copy.
 */
export function parseIcmp(b: Uint8Array, off: number, len: number): IcmpRepr | WireError {
  if (off < 0 || len < 0 || off + len > b.length) return new WireError("ICMP message beyond buffer");
  if (len < ICMP_HEADER_LEN) return new WireError(`truncated ICMP message (${len} bytes)`);
  if (internetChecksum(b, off, len) !== 0) return new WireError("bad ICMP checksum", "checksum");
  return {
    type: b[off]!,
    code: b[off + 1]!,
    ident: get16(b, off + 4),
    seq: get16(b, off + 6),
    data: b.subarray(off + ICMP_HEADER_LEN, off + len),
  };
}

/** Length in bytes of the message a Repr describes. */
export function icmpLen(r: IcmpRepr): number {
  return ICMP_HEADER_LEN + r.data.length;
}

/** Writes the message at `b[off]` with its checksum. `b` needs `icmpLen(r)` bytes from `off`. */
export function emitIcmp(r: IcmpRepr, b: Uint8Array, off: number): void {
  b[off] = r.type & 0xff;
  b[off + 1] = r.code & 0xff;
  put16(b, off + 2, 0);
  put16(b, off + 4, r.ident);
  put16(b, off + 6, r.seq);
  b.set(r.data, off + ICMP_HEADER_LEN);
  put16(b, off + 2, internetChecksum(b, off, ICMP_HEADER_LEN + r.data.length));
}

/**
 * The part of an offending datagram an ICMP error quotes: its header plus at most 8 payload
 * bytes, bounded by its total length (FreeBSD `icmp_error`: min(hlen + icmp_quotelen, ip_len)).
 * Returns a copy, so the caller may reuse the original buffer. Tolerates damaged headers (the
 * quote is then clamped to the bytes present).
 */
export function quoteOriginal(ipPacket: Uint8Array): Uint8Array {
  if (ipPacket.length < IPV4_HEADER_LEN) return ipPacket.slice();
  const hl = Math.max(IPV4_HEADER_LEN, ipv4Ihl(ipPacket) * 4);
  const total = ipv4TotalLen(ipPacket);
  let n = hl + ICMP_QUOTE_LEN;
  if (total >= hl && total < n) n = total;
  if (n > ipPacket.length) n = ipPacket.length;
  return ipPacket.slice(0, n);
}
