/**
 * @module sim/fib
 * A node's forwarding table: longest-prefix match over routes from several sources.
 *
 * Each source (connected, local, static, rip, …) holds at most one route per prefix; the
 * active route of a prefix is the one from the most preferred source (administrative
 * distance, as FreeBSD's routed never overwrites a static route and FRR ranks connected <
 * static < rip). Lookup walks only the prefix lengths present, longest first, with one Map
 * probe each — the tables are small and the walk allocates nothing.
 *
 * Memory matters at thousands of routers with a route to every subnet: the per-length maps
 * are created on first use, a prefix with a single candidate (nearly all of them) is the route
 * object alone, and a source re-installing its route updates that object in place.
 */
import { maskOf } from "../core/ip.js";

export type RouteSource = "local" | "connected" | "static" | "rip" | string;

/** Administrative distance: lower wins. */
const PREFERENCE: Record<string, number> = { local: 0, connected: 0, static: 1, rip: 120 };
const preferenceOf = (s: string) => PREFERENCE[s] ?? 200;

export interface Route {
  readonly dest: number;
  readonly len: number;
  /** Next hop; 0 for directly connected / local. */
  gateway: number;
  /** Interface index on the node (0 = lo0). */
  iface: number;
  metric: number;
  readonly source: RouteSource;
  /** FreeBSD-style flags without U (added when printed): G gateway, H host, S static. */
  flags: string;
  /** Packets forwarded or sent with this route (netstat's Use). */
  use: number;
}

/** Destinations a FIB remembers the match of (a few KiB a router at most; emptied when full). */
const CACHE_MAX = 256;

export type FibChange = (action: "add" | "change" | "delete", route: Route, old: Route | undefined) => void;

/**
 * One prefix length's routes: the active route of each prefix, and (rarely) the other sources'
 * candidates for it. Nearly every prefix has a single candidate, so it costs one object: the
 * route itself.
 */
interface LenTable {
  best: Map<number, Route>;
  /** Candidates other than the active one, for the few prefixes held by several sources. */
  others: Map<number, Route[]>;
}

export class Fib {
  private byLen: (LenTable | undefined)[] = new Array(33);
  /** Prefix lengths that hold at least one entry, longest first. */
  private lens: number[] = [];
  private masks: number[] = [];
  /** Called when the active route of a prefix changes. */
  onChange: FibChange | null = null;
  /**
   * Destination → its longest match, for the destinations forwarded to lately: one probe per
   * packet instead of one per prefix length (a transit packet misses the /32 of the router's
   * own addresses first). Emptied when a prefix comes or goes or another route becomes active;
   * an active route changing its fields in place (setFields) is the same object, still valid.
   */
  private cache = new Map<number, Route>();

  /** Longest-prefix match; undefined when no route covers `dst`. */
  lookup(dst: number): Route | undefined {
    const hit = this.cache.get(dst);
    if (hit !== undefined) return hit;
    const lens = this.lens;
    const masks = this.masks;
    const byLen = this.byLen;
    for (let i = 0; i < lens.length; i++) {
      const r = byLen[lens[i]!]!.best.get((dst & masks[i]!) >>> 0);
      if (r !== undefined) {
        if (this.cache.size >= CACHE_MAX) this.cache.clear();
        this.cache.set(dst, r);
        return r;
      }
    }
    return undefined;
  }

  /** Exact-prefix lookup of the active route. */
  get(dest: number, len: number): Route | undefined {
    return this.byLen[len]?.best.get(dest);
  }

  /** Installs or replaces the route of `r.source` for its prefix. */
  set(r: Route): void {
    this.setFields(r.source, r.dest, r.len, r.gateway, r.iface, r.metric, r.flags, r);
  }

  /**
   * `set` without a route object: a source re-installing its active route (a routing daemon
   * changing a metric or next hop, thousands of times while a network converges) updates the
   * route in place, so the long-lived object stays and nothing is made. `made` is used as the
   * new route when one is needed, if given.
   */
  setFields(
    source: RouteSource,
    dest: number,
    len: number,
    gateway: number,
    iface: number,
    metric: number,
    flags: string,
    made?: Route,
  ): void {
    let table = this.byLen[len];
    if (table === undefined) {
      table = { best: new Map(), others: new Map() };
      this.byLen[len] = table;
    }
    const best = table.best.get(dest);
    if (best === undefined) {
      const r = made ?? { dest, len, gateway, iface, metric, source, flags, use: 0 };
      table.best.set(dest, r);
      this.cache.clear();
      if (table.best.size === 1) this.refreshLens();
      this.onChange?.("add", r, undefined);
      return;
    }
    if (best.source === source) {
      const changed = best.gateway !== gateway || best.iface !== iface || best.metric !== metric;
      best.gateway = gateway;
      best.iface = iface;
      best.metric = metric;
      best.flags = flags;
      if (changed) this.onChange?.("change", best, undefined);
      return;
    }
    // Another source holds the prefix: this one's route joins (or replaces its own among) the others.
    const r = made ?? { dest, len, gateway, iface, metric, source, flags, use: 0 };
    let others = table.others.get(dest);
    if (others === undefined) {
      others = [];
      table.others.set(dest, others);
    }
    const i = others.findIndex((c) => c.source === source);
    if (i >= 0) {
      r.use += others[i]!.use;
      others[i] = r;
    } else others.push(r);
    this.choose(table, dest, best);
  }

  /** Removes the route of `source` for dest/len; returns whether one existed. */
  delete(source: RouteSource, dest: number, len: number): boolean {
    const table = this.byLen[len];
    const best = table?.best.get(dest);
    if (table === undefined || best === undefined) return false;
    const others = table.others.get(dest);
    if (best.source === source) {
      const next = others?.shift();
      this.cache.clear();
      if (next === undefined) {
        table.best.delete(dest);
        if (table.best.size === 0) this.refreshLens();
        this.onChange?.("delete", best, best);
        return true;
      }
      table.best.set(dest, next);
    } else {
      const i = others?.findIndex((c) => c.source === source) ?? -1;
      if (i < 0) return false;
      others!.splice(i, 1);
    }
    if (others?.length === 0) table.others.delete(dest);
    this.choose(table, dest, best);
    return true;
  }

  /** Removes every route of `source` (a routing daemon stopping). */
  flush(source: RouteSource): void {
    for (const r of this.all(true)) if (r.source === source) this.delete(source, r.dest, r.len);
  }

  /** Active routes (or every candidate), sorted by destination then length. */
  all(candidates = false): Route[] {
    const out: Route[] = [];
    for (const table of this.byLen) {
      if (table === undefined) continue;
      for (const r of table.best.values()) out.push(r);
      if (candidates) for (const list of table.others.values()) out.push(...list);
    }
    return out.sort((a, b) => a.dest - b.dest || a.len - b.len);
  }

  /** Makes the most preferred candidate of `dest` active; reports a change from `old`. */
  private choose(table: LenTable, dest: number, old: Route): void {
    let best = table.best.get(dest)!;
    const others = table.others.get(dest);
    if (others !== undefined) {
      let bi = -1;
      others.forEach((c, i) => {
        if (preferenceOf(c.source) < preferenceOf(best.source)) {
          best = c;
          bi = i;
        }
      });
      if (bi >= 0) {
        others[bi] = table.best.get(dest)!;
        table.best.set(dest, best);
        this.cache.clear();
      }
    }
    if (
      old.source !== best.source ||
      old.gateway !== best.gateway ||
      old.iface !== best.iface ||
      old.metric !== best.metric
    )
      this.onChange?.("change", best, old);
  }

  private refreshLens(): void {
    this.lens = [];
    for (let len = 32; len >= 0; len--) if ((this.byLen[len]?.best.size ?? 0) > 0) this.lens.push(len);
    this.masks = this.lens.map(maskOf);
  }
}
