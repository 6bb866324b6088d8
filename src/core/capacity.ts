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
