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

/*
 * Packet buffers come from 64 KiB slabs. V8 keeps typed arrays of up to 64 bytes on the JS heap
 * but gives every larger one its own off-heap backing store, which costs microseconds (measured
 * on Node 20: `new Uint8Array(84)` ≈ 2.7 µs, a slab view ≈ 50 ns). Node's Buffer pool does the
 * same thing. A slab is never reused, only dropped, so every view starts zeroed; it stays alive
 * while any packet cut from it does, which is fine for short-lived packets.
 */
const SLAB_SIZE = 64 * 1024;
const SLAB_MAX_ALLOC = 4 * 1024;
let slab = new Uint8Array(SLAB_SIZE);
let slabOff = 0;

/**
 * A zeroed byte buffer of length `n`, cheap to make. It is a view into a shared slab, so code
 * must respect its `byteOffset` (never `new Uint8Array(x.buffer)`), and must not grow it.
 */
export function allocBytes(n: number): Uint8Array {
  if (n > SLAB_MAX_ALLOC) return new Uint8Array(n);
  if (slabOff + n > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    slabOff = 0;
  }
  const v = slab.subarray(slabOff, slabOff + n);
  slabOff = (slabOff + n + 7) & ~7; // keep views 8-byte aligned
  return v;
}
