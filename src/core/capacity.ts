/**
 * @module core/capacity
 * How a table's typed columns grow. A routing table's columns are copied whenever they grow, and
 * the copies left behind are garbage outside V8's heap that only a full collection frees: growing
 * by a quarter from 16 slots to 1,500 (a router of random-1000) made ~4× the final columns in
 * copies, and left up to a fifth of the last one unused (issue 22: random-1000's peak RSS).
 * A table is told how many entries it will most likely hold (the lab's prefixes: a router that
 * learns every route holds that many), doubles up to that size and stops there exactly; past it
 * (more routes than the hint said), it grows by a quarter.
 */

/**
 * A table's columns as views of one buffer, carved widest first so each starts aligned to its
 * element size. One allocation per growth instead of one per column: V8 charges every
 * ArrayBuffer allocation against its external-memory limit, and past that limit each one does a
 * step of the collector's marking on the spot (~1 ms or more on this machine), so a RIP table's
 * 18 columns made one growth cost as much as 18 marking steps (issue 23: the longest stalls of
 * the live server while random-2000 converged were in the column constructors).
 */
export class ColumnBlock {
  readonly buffer: ArrayBuffer;
  private offset = 0;

  constructor(
    readonly capacity: number,
    bytesPerSlot: number,
  ) {
    this.buffer = new ArrayBuffer(capacity * bytesPerSlot);
  }

  f64(): Float64Array {
    return new Float64Array(this.buffer, this.carve(8), this.capacity);
  }
  u32(): Uint32Array {
    return new Uint32Array(this.buffer, this.carve(4), this.capacity);
  }
  i32(): Int32Array {
    return new Int32Array(this.buffer, this.carve(4), this.capacity);
  }
  u16(): Uint16Array {
    return new Uint16Array(this.buffer, this.carve(2), this.capacity);
  }
  u8(): Uint8Array {
    return new Uint8Array(this.buffer, this.carve(1), this.capacity);
  }

  /** The next column's byte offset; columns must be taken widest first (aligned). */
  private carve(bytes: number): number {
    const at = this.offset;
    if (at % bytes !== 0) throw new Error(`columns: a ${bytes}-byte column taken after narrower ones`);
    this.offset += bytes * this.capacity;
    if (this.offset > this.buffer.byteLength) throw new Error("columns: more columns than bytesPerSlot");
    return at;
  }
}

/** The smallest column a table starts with. */
export const MIN_CAPACITY = 16;

/**
 * The next capacity for columns of `capacity` slots that must hold `needed`: doubling, capped at
 * `hint` (the entries the table will most likely hold; 0 when unknown), or a quarter more past it.
 */
export function grownCapacity(capacity: number, needed: number, hint: number): number {
  if (needed <= hint) return Math.min(hint, Math.max(needed, capacity * 2, MIN_CAPACITY));
  return Math.max(needed, capacity + Math.max(MIN_CAPACITY, capacity >> 2));
}
