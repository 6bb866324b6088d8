/**
 * @module wire/checksum
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624). IPv4, ICMP and UDP all
 * use it, and the forwarding path recomputes it for every hop, so these functions work on a
 * Uint8Array range in place and never allocate.
 *
 * The sum is kept as a plain number: 16-bit words are added without folding, which is exact up to
 * 2^53, far beyond any packet (65535 bytes give at most 32768 words of 0xffff < 2^31). Folding
 * happens once, in `foldChecksum`.
 */

/**
 * Adds the 16-bit big-endian words of `buf[off, off+len)` to `acc`: the ones' complement sum,
 * not yet complemented. An odd trailing byte is padded with a zero byte on the right, as
 * RFC 1071 says. The result is only defined up to ones' complement equality (it may come back
 * partly folded): `foldChecksum` of it is the checksum.
 *
 * Long ranges (RIP updates are 500-byte datagrams summed by the sender and again by the
 * receiver) are read 32 bits at a time, big-endian, through a DataView over the buffer (any
 * alignment: a UDP header sits at byte 34 of its frame). RFC 1071 §2(C) allows summing in a
 * wider accumulator: a 32-bit word is hi·2^16 + lo ≡ hi + lo (mod 0xffff), so the sum of the
 * 32-bit words, folded, is the sum of the 16-bit ones (nonzero exactly when the data is). Half
 * the loads of the 16-bit words a session-9 build read through a Uint16Array (issue 22).
 */
export function onesSum(buf: Uint8Array, off: number, len: number, acc = 0): number {
  if (len < 32 || off < 0 || off + len > buf.length) return onesSumBytes(buf, off, len, acc);
  const v = viewOf(buf.buffer);
  let i = buf.byteOffset + off;
  const end = i + len;
  // At most 2^14 words of < 2^32 a datagram: the sum stays an exact double (< 2^46).
  let s = 0;
  for (const end16 = end - 15; i < end16; i += 16)
    s += v.getUint32(i) + v.getUint32(i + 4) + v.getUint32(i + 8) + v.getUint32(i + 12);
  for (const end4 = end - 3; i < end4; i += 4) s += v.getUint32(i);
  if (end - i >= 2) {
    s += v.getUint16(i);
    i += 2;
  }
  if (i < end) s += v.getUint8(i) << 8; // the padded byte is the high byte of its word
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return acc + s;
}

/** The plain loop, one big-endian word per step: short ranges, odd offsets, big-endian hosts. */
function onesSumBytes(buf: Uint8Array, off: number, len: number, acc: number): number {
  let sum = acc;
  const end = off + len;
  const evenEnd = end - (len & 1);
  for (let i = off; i < evenEnd; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (len & 1) sum += buf[end - 1]! << 8;
  return sum;
}

/*
 * The DataView of the last buffer summed. Packets are cut from 64 KiB slabs (wire/bytes), so
 * consecutive packets nearly always share a buffer and the view is made once per slab.
 */
let viewBuffer: ArrayBufferLike | null = null;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

function viewOf(b: ArrayBufferLike): DataView<ArrayBufferLike> {
  if (b !== viewBuffer) {
    viewBuffer = b;
    view = new DataView(b);
  }
  return view;
}

/** Folds the carries of a sum into 16 bits and complements it: the value to put on the wire. */
export function foldChecksum(acc: number): number {
  let s = acc;
  // Each round moves the carries down; two or three rounds settle any sum below 2^53.
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** Internet checksum of `buf[off, off+len)`. Over a range that holds a correct checksum it is 0. */
export function internetChecksum(buf: Uint8Array, off: number, len: number): number {
  return foldChecksum(onesSum(buf, off, len));
}

/**
 * RFC 1624 eqn. 3: the new checksum after one 16-bit word of the covered data changed from
 * `oldWord` to `newWord`: HC' = ~(~HC + ~m + m'). Used for the TTL decrement at every hop, so a
 * router need not re-sum the header.
 */
export function updateChecksum16(oldChecksum: number, oldWord: number, newWord: number): number {
  let s = (~oldChecksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}
