/**
 * @module sim/multipath
 * Which of a route's equal-cost next hops a packet takes: one per flow, chosen by a hash of its
 * addresses, as Linux forwards over a multipath route (the netns engine's kernel, where FRR
 * installs OSPF's equal-cost paths). Linux (net/ipv4/route.c `fib_multipath_hash`, policy 0,
 * the default `net.ipv4.fib_multipath_hash_policy`) hashes source and destination address with
 * a key drawn once per boot and keeps 31 bits (`mhash >> 1`); `fib_select_multipath`
 * (net/ipv4/fib_semantics.c) takes the first next hop whose upper bound the hash does not
 * pass, the bounds splitting 2³¹ by weight (`fib_rebalance`: `DIV_ROUND_CLOSEST_ULL(w << 31,
 * total) - 1` for the running weight w). Every FRR next hop has weight 1, so n paths get equal
 * shares. Here the key comes from the lab's seed and the node, so runs repeat byte for byte
 * where Linux's differ from boot to boot; the hash is a murmur3 finalizer, not Linux's jhash
 * (no output depends on which flows share a path beyond its being the same every run).
 */

/** A route's next hop: gateway address (0 when directly attached) and interface index. */
export interface NextHop {
  readonly gateway: number;
  readonly iface: number;
}

/** 31 bits of hash of a flow's addresses under `key` (murmur3's fmix32 over a mix of the three). */
export function flowHash(src: number, dst: number, key: number): number {
  let h = (key ^ Math.imul(src | 0, 0xcc9e2d51)) | 0;
  h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  h ^= Math.imul(dst | 0, 0x1b873593);
  h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) >>> 1;
}

/** The index among `n` equal-weight next hops that a 31-bit hash selects (fib_select_multipath). */
export function pathIndex(hash31: number, n: number): number {
  for (let i = 0; i < n - 1; i++) {
    // fib_rebalance's upper bound of hop i: round((i + 1) · 2³¹ / n) − 1, exact in doubles.
    const upper = Math.round(((i + 1) * 2147483648) / n) - 1;
    if (hash31 <= upper) return i;
  }
  return n - 1;
}

/** The next hop of `hops` that the flow src → dst takes under `key`. */
export function flowNextHop(hops: readonly NextHop[], src: number, dst: number, key: number): NextHop {
  return hops[pathIndex(flowHash(src, dst, key), hops.length)]!;
}

/** Whether two next-hop lists hold the same hops in the same order. */
export function sameHops(a: readonly NextHop[] | undefined, b: readonly NextHop[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (a[i]!.gateway !== b[i]!.gateway || a[i]!.iface !== b[i]!.iface) return false;
  return true;
}
