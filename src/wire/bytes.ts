/**
 * @module wire/bytes
 * Big-endian field reads and writes on a Uint8Array. Hand-written rather than DataView because a
 * DataView per packet is an allocation, and these inline well in V8.
 */

/** Reads an unsigned 16-bit big-endian value at `o`. */
export function get16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

/** Reads an unsigned 32-bit big-endian value at `o`. */
export function get32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** Writes the low 16 bits of `v` big-endian at `o`. */
export function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}

/** Writes the low 32 bits of `v` big-endian at `o`. */
export function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}
