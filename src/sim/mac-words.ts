/**
 * @module sim/mac-words
 * A MAC address as two numbers — its first two bytes (`hi`) and its last four (`lo`, unsigned)
 * — kept beside the bytes by interfaces and ARP entries, so the per-frame path compares and
 * writes addresses from fields of objects it holds already (sim/ip-input.ts's fast path).
 */

/** The first two bytes of the MAC at `b[off]`, as a number. */
export function macHi(b: Uint8Array, off: number): number {
  return (b[off]! << 8) | b[off + 1]!;
}

/** The last four bytes of the MAC at `b[off]`, as an unsigned number. */
export function macLo(b: Uint8Array, off: number): number {
  return ((b[off + 2]! << 24) | (b[off + 3]! << 16) | (b[off + 4]! << 8) | b[off + 5]!) >>> 0;
}

/** Writes the MAC `hi`/`lo` at `b[off]`. */
export function putMacWords(b: Uint8Array, off: number, hi: number, lo: number): void {
  b[off] = hi >>> 8;
  b[off + 1] = hi;
  b[off + 2] = lo >>> 24;
  b[off + 3] = lo >>> 16;
  b[off + 4] = lo >>> 8;
  b[off + 5] = lo;
}
