/**
 * @module wire/ipv4
 * The IPv4 header (RFC 791), without options and without fragments.
 *
 * Two levels, as in smoltcp: fast accessors that read or write one field of a header at offset 0
 * of a Uint8Array (the forwarding path uses these and allocates nothing), and a plain `Ipv4Repr`
 * with `parseIpv4` (all checks, returns a WireError on bad bytes) and `emitIpv4`.
 *
 * Layout (RFC 791 §3.1):
 * ```
 * 0  version(4) IHL(4) | 1 TOS | 2-3 total length
 * 4-5 identification   | 6-7 flags(3: 0, DF, MF) fragment offset(13)
 * 8 TTL | 9 protocol   | 10-11 header checksum
 * 12-15 source address | 16-19 destination address
 * ```
 * Options (IHL > 5) and fragments are rejected: no part of routelab creates them, and a lab that
 * meets one should say so rather than mis-handle it.
 */
import { updateChecksum16, internetChecksum } from "./checksum.js";
import { WireError } from "./error.js";
import { get16 as u16, put16, put32 } from "./bytes.js";

export const IPV4_HEADER_LEN = 20;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
/** OSPF (RFC 2328 A.1), straight over IPv4. */
export const IPPROTO_OSPF = 89;

/** Field offsets (smoltcp's `mod field`). */
export const IPV4_FIELD = {
  VER_IHL: 0,
  TOS: 1,
  LENGTH: 2,
  IDENT: 4,
  FLAGS_FRAG: 6,
  TTL: 8,
  PROTOCOL: 9,
  CHECKSUM: 10,
  SRC: 12,
  DST: 16,
} as const;

const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;
const FRAG_OFFSET_MASK = 0x1fff;

/** Version field (4 for IPv4). */
export function ipv4Version(b: Uint8Array): number {
  return b[0]! >>> 4;
}
/** Header length in 32-bit words (5 without options). */
export function ipv4Ihl(b: Uint8Array): number {
  return b[0]! & 0x0f;
}
/** Type of service / DSCP+ECN byte. */
export function ipv4Tos(b: Uint8Array): number {
  return b[IPV4_FIELD.TOS]!;
}
// The fields every router reads at every hop (length, addresses, TTL, checksum) are read byte
// by byte in place rather than through bytes.ts: one call level less on the forwarding path,
// which matters until V8 has optimized it.

/** Total length of the datagram, header included. */
export function ipv4TotalLen(b: Uint8Array): number {
  return (b[2]! << 8) | b[3]!;
}
/** Identification field. */
export function ipv4Id(b: Uint8Array): number {
  return u16(b, IPV4_FIELD.IDENT);
}
/** Don't-fragment flag. */
export function ipv4DontFrag(b: Uint8Array): boolean {
  return (u16(b, IPV4_FIELD.FLAGS_FRAG) & FLAG_DF) !== 0;
}
/** Time to live. */
export function ipv4Ttl(b: Uint8Array): number {
  return b[IPV4_FIELD.TTL]!;
}
/** Protocol number of the payload (1 ICMP, 17 UDP). */
export function ipv4Protocol(b: Uint8Array): number {
  return b[IPV4_FIELD.PROTOCOL]!;
}
/** Header checksum as carried. */
export function ipv4Checksum(b: Uint8Array): number {
  return u16(b, IPV4_FIELD.CHECKSUM);
}
/** Source address, unsigned. */
export function ipv4Src(b: Uint8Array): number {
  return ((b[12]! << 24) | (b[13]! << 16) | (b[14]! << 8) | b[15]!) >>> 0;
}
/** Destination address, unsigned. */
export function ipv4Dst(b: Uint8Array): number {
  return ((b[16]! << 24) | (b[17]! << 16) | (b[18]! << 8) | b[19]!) >>> 0;
}

/** Sets the TTL without touching the checksum (callers that re-checksum anyway). */
export function ipv4SetTtl(b: Uint8Array, ttl: number): void {
  b[IPV4_FIELD.TTL] = ttl & 0xff;
}

/**
 * Decrements the TTL by one and patches the checksum incrementally (RFC 1624 eqn. 3; RFC 1812
 * §5.3.5 allows it). TTL and protocol share one 16-bit word, so that word is what changes.
 * Returns the new TTL. The caller checks TTL > 1 first (RFC 1812 §5.3.1: a router never sends
 * a TTL of 0).
 */
export function ipv4DecrementTtl(b: Uint8Array): number {
  const oldTtl = b[8]!;
  const ttl = (oldTtl - 1) & 0xff;
  b[8] = ttl;
  // The word is TTL << 8 | protocol; the protocol byte is the same on both sides.
  const proto = b[9]!;
  const sum = updateChecksum16((b[10]! << 8) | b[11]!, (oldTtl << 8) | proto, (ttl << 8) | proto);
  b[10] = sum >>> 8;
  b[11] = sum;
  return ttl;
}

/** Whether the header checksum over IHL*4 bytes verifies (false if the buffer is too short). */
export function ipv4HeaderChecksumOk(b: Uint8Array): boolean {
  const hl = ipv4Ihl(b) * 4;
  if (hl < IPV4_HEADER_LEN || b.length < hl) return false;
  if (hl !== IPV4_HEADER_LEN) return internetChecksum(b, 0, hl) === 0;
  // The usual 20-byte header, checked at every hop: its ten words summed in place.
  let s =
    ((b[0]! << 8) | b[1]!) +
    ((b[2]! << 8) | b[3]!) +
    ((b[4]! << 8) | b[5]!) +
    ((b[6]! << 8) | b[7]!) +
    ((b[8]! << 8) | b[9]!) +
    ((b[10]! << 8) | b[11]!) +
    ((b[12]! << 8) | b[13]!) +
    ((b[14]! << 8) | b[15]!) +
    ((b[16]! << 8) | b[17]!) +
    ((b[18]! << 8) | b[19]!);
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return s === 0xffff;
}

/** Recomputes and stores the header checksum of a header at offset 0. */
export function ipv4FillChecksum(b: Uint8Array): void {
  put16(b, IPV4_FIELD.CHECKSUM, 0);
  put16(b, IPV4_FIELD.CHECKSUM, internetChecksum(b, 0, ipv4Ihl(b) * 4));
}

/** The header fields routelab cares about; `payloadLen` is total length minus 20. */
export interface Ipv4Repr {
  tos: number;
  id: number;
  dontFrag: boolean;
  ttl: number;
  protocol: number;
  src: number;
  dst: number;
  payloadLen: number;
}

/**
 * Checks a datagram at offset 0 and reads its header. The buffer may be longer than the
 * datagram (link-layer padding); the payload is `b.subarray(20, 20 + payloadLen)`.
 */
export function parseIpv4(b: Uint8Array): Ipv4Repr | WireError {
  if (b.length < IPV4_HEADER_LEN) return new WireError("truncated IPv4 header");
  if (ipv4Version(b) !== 4) return new WireError(`IP version ${ipv4Version(b)}, not 4`);
  const ihl = ipv4Ihl(b);
  if (ihl < 5) return new WireError(`IPv4 header length ${ihl * 4} < 20`);
  if (ihl !== 5) return new WireError("IPv4 options unsupported");
  const total = ipv4TotalLen(b);
  if (total < IPV4_HEADER_LEN) return new WireError(`IPv4 total length ${total} < 20`);
  if (total > b.length) return new WireError(`IPv4 total length ${total} > ${b.length} bytes received`);
  if (internetChecksum(b, 0, IPV4_HEADER_LEN) !== 0)
    return new WireError("bad IPv4 header checksum", "checksum");
  const ff = u16(b, IPV4_FIELD.FLAGS_FRAG);
  if ((ff & FLAG_MF) !== 0 || (ff & FRAG_OFFSET_MASK) !== 0) {
    return new WireError("fragmented packets unsupported");
  }
  return {
    tos: ipv4Tos(b),
    id: ipv4Id(b),
    dontFrag: (ff & FLAG_DF) !== 0,
    ttl: ipv4Ttl(b),
    protocol: ipv4Protocol(b),
    src: ipv4Src(b),
    dst: ipv4Dst(b),
    payloadLen: total - IPV4_HEADER_LEN,
  };
}

/** Total length of the datagram a Repr describes. */
export function ipv4Len(r: Ipv4Repr): number {
  return IPV4_HEADER_LEN + r.payloadLen;
}

/** Writes the 20-byte header at offset `off` of `b` (0 unless a link header goes first), checksum included. */
export function emitIpv4(r: Ipv4Repr, b: Uint8Array, off = 0): void {
  b[off] = 0x45;
  b[off + IPV4_FIELD.TOS] = r.tos & 0xff;
  put16(b, off + IPV4_FIELD.LENGTH, IPV4_HEADER_LEN + r.payloadLen);
  put16(b, off + IPV4_FIELD.IDENT, r.id);
  put16(b, off + IPV4_FIELD.FLAGS_FRAG, r.dontFrag ? FLAG_DF : 0);
  b[off + IPV4_FIELD.TTL] = r.ttl & 0xff;
  b[off + IPV4_FIELD.PROTOCOL] = r.protocol & 0xff;
  put16(b, off + IPV4_FIELD.CHECKSUM, 0);
  put32(b, off + IPV4_FIELD.SRC, r.src);
  put32(b, off + IPV4_FIELD.DST, r.dst);
  put16(b, off + IPV4_FIELD.CHECKSUM, internetChecksum(b, off, IPV4_HEADER_LEN));
}
