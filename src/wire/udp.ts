/**
 * @module wire/udp
 * UDP (RFC 768): source port, destination port, length, checksum, payload.
 *
 * The checksum covers a pseudo-header (source and destination address, zero, protocol 17, UDP
 * length) and the whole datagram. A received checksum of 0 means the sender did not compute one
 * and is accepted; a computed checksum of 0 is sent as 0xffff (RFC 768).
 */
import { get16, put16 } from "./bytes.js";
import { foldChecksum, onesSum } from "./checksum.js";
import { WireError } from "./error.js";
import { IPPROTO_UDP } from "./ipv4.js";

export const UDP_HEADER_LEN = 8;

/** A UDP datagram. `payload` is a view into the received buffer when parsed. */
export interface UdpRepr {
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
}

/** Source port of a UDP header at `b[off]` (no checks). */
export function udpSrcPort(b: Uint8Array, off: number): number {
  return get16(b, off);
}
/** Destination port of a UDP header at `b[off]` (no checks). */
export function udpDstPort(b: Uint8Array, off: number): number {
  return get16(b, off + 2);
}

/** Ones' complement sum of the IPv4 pseudo-header for a transport segment of `len` bytes. */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, len: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + len;
}

/**
 * Parses the datagram in `b[off, off+len)` (len = IP payload length) sent from `src` to `dst`.
 * The UDP length field must be ≥ 8 and ≤ len; bytes beyond it are ignored (padding).
 */
export function parseUdp(
  b: Uint8Array,
  off: number,
  len: number,
  src: number,
  dst: number,
): UdpRepr | WireError {
  if (off < 0 || len < 0 || off + len > b.length) return new WireError("UDP datagram beyond buffer");
  if (len < UDP_HEADER_LEN) return new WireError(`truncated UDP header (${len} bytes)`);
  const ulen = get16(b, off + 4);
  if (ulen < UDP_HEADER_LEN) return new WireError(`UDP length ${ulen} < 8`);
  if (ulen > len) return new WireError(`UDP length ${ulen} > ${len} bytes received`);
  if (get16(b, off + 6) !== 0) {
    const sum = onesSum(b, off, ulen, pseudoHeaderSum(src, dst, IPPROTO_UDP, ulen));
    if (foldChecksum(sum) !== 0) return new WireError("bad UDP checksum", "checksum");
  }
  return {
    srcPort: get16(b, off),
    dstPort: get16(b, off + 2),
    payload: b.subarray(off + UDP_HEADER_LEN, off + ulen),
  };
}

/** Length in bytes of the datagram a Repr describes. */
export function udpLen(r: UdpRepr): number {
  return UDP_HEADER_LEN + r.payload.length;
}

/** Writes the datagram at `b[off]` with its checksum for addresses `src` → `dst`. */
export function emitUdp(r: UdpRepr, b: Uint8Array, off: number, src: number, dst: number): void {
  const ulen = UDP_HEADER_LEN + r.payload.length;
  put16(b, off, r.srcPort);
  put16(b, off + 2, r.dstPort);
  put16(b, off + 4, ulen);
  put16(b, off + 6, 0);
  // (A payload built in place behind its headers, wire/packet's allocUdpPayload, is not copied.)
  if (r.payload.buffer !== b.buffer || r.payload.byteOffset !== b.byteOffset + off + UDP_HEADER_LEN)
    b.set(r.payload, off + UDP_HEADER_LEN);
  const c = foldChecksum(onesSum(b, off, ulen, pseudoHeaderSum(src, dst, IPPROTO_UDP, ulen)));
  put16(b, off + 6, c === 0 ? 0xffff : c);
}
