/**
 * @module proto/rip/table
 * The RIP routing database's storage: one Map per prefix length keyed by the address as a
 * signed 32-bit integer. V8 keeps such keys as small integers, where a combined
 * `dest * 33 + len` key would be a heap number hashed on every lookup — and every entry of
 * every received message is looked up here.
 */
import type { Nanos } from "../../core/time.js";
import { RIP_INFINITY } from "../../wire/rip.js";
import type { RipRoute } from "./types.js";

/**
 * When a route was last heard. A usable learned route is heard exactly `timeout` before it
 * expires, so a refresh writes only `expires` (the hot path: every entry of every update);
 * `heard` itself is kept for connected routes and frozen when the deletion process starts.
 */
export function heardAt(r: RipRoute, timeout: Nanos): Nanos {
  return !r.connected && r.metric < RIP_INFINITY ? r.expires - timeout : r.heard;
}

export class RouteTable {
  private byLen: (Map<number, RipRoute> | undefined)[] = new Array(33).fill(undefined);
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(dest: number, len: number): RipRoute | undefined {
    return this.byLen[len]?.get(dest | 0);
  }

  /** Adds a route whose prefix is not in the table yet. */
  add(r: RipRoute): void {
    let m = this.byLen[r.len];
    if (m === undefined) {
      m = new Map();
      this.byLen[r.len] = m;
    }
    if (!m.has(r.dest | 0)) this.count++;
    m.set(r.dest | 0, r);
  }

  delete(r: RipRoute): void {
    if (this.byLen[r.len]?.delete(r.dest | 0)) this.count--;
  }

  clear(): void {
    this.byLen.fill(undefined);
    this.count = 0;
  }

  *values(): IterableIterator<RipRoute> {
    for (const m of this.byLen) if (m !== undefined) yield* m.values();
  }

  /** Calls `fn` for every route (no iterator allocation on the hot paths). */
  forEach(fn: (r: RipRoute) => void): void {
    for (const m of this.byLen) if (m !== undefined) for (const r of m.values()) fn(r);
  }
}
