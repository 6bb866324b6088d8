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
 * Adds the 16-bit big-endian words of `buf[off, off+len)` to `acc` (ones' complement sum, not yet
 * folded). An odd trailing byte is padded with a zero byte on the right, as RFC 1071 says.
 */
export function onesSum(buf: Uint8Array, off: number, len: number, acc = 0): number {
  let sum = acc;
  const end = off + len;
  const evenEnd = end - (len & 1);
  for (let i = off; i < evenEnd; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (len & 1) sum += buf[end - 1]! << 8;
  return sum;
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
