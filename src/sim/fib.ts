/**
 * @module sim/fib
 * A node's forwarding table: longest-prefix match over routes from several sources.
 *
 * Each source (connected, local, static, rip, …) holds at most one route per prefix; the
 * active route of a prefix is the one from the most preferred source (administrative
 * distance, as FreeBSD's routed never overwrites a static route and FRR ranks connected <
 * static < rip). Lookup walks only the prefix lengths present, longest first, with one Map
 * probe each — the tables are small and the walk allocates nothing.
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

class PrefixEntry {
  candidates: Route[] = [];
  best: Route | undefined;
}

export type FibChange = (action: "add" | "change" | "delete", route: Route, old: Route | undefined) => void;

export class Fib {
  private byLen: Map<number, PrefixEntry>[] = [];
  /** Prefix lengths that hold at least one entry, longest first. */
  private lens: number[] = [];
  private masks: number[] = [];
  /** Called when the active route of a prefix changes. */
  onChange: FibChange | null = null;

  constructor() {
    for (let i = 0; i <= 32; i++) this.byLen.push(new Map());
  }

  /** Longest-prefix match; undefined when no route covers `dst`. */
  lookup(dst: number): Route | undefined {
    const lens = this.lens;
    const masks = this.masks;
    for (let i = 0; i < lens.length; i++) {
      const e = this.byLen[lens[i]!]!.get((dst & masks[i]!) >>> 0);
      if (e !== undefined && e.best !== undefined) return e.best;
    }
    return undefined;
  }

  /** Exact-prefix lookup of the active route. */
  get(dest: number, len: number): Route | undefined {
    return this.byLen[len]!.get(dest)?.best;
  }

  /** Installs or replaces the route of `r.source` for its prefix. */
  set(r: Route): void {
    const table = this.byLen[r.len]!;
    let e = table.get(r.dest);
    if (e === undefined) {
      e = new PrefixEntry();
      table.set(r.dest, e);
      this.refreshLens();
    }
    const i = e.candidates.findIndex((c) => c.source === r.source);
    if (i >= 0) {
      r.use += e.candidates[i]!.use;
      e.candidates[i] = r;
    } else e.candidates.push(r);
    this.choose(e);
  }

  /** Removes the route of `source` for dest/len; returns whether one existed. */
  delete(source: RouteSource, dest: number, len: number): boolean {
    const table = this.byLen[len]!;
    const e = table.get(dest);
    if (e === undefined) return false;
    const i = e.candidates.findIndex((c) => c.source === source);
    if (i < 0) return false;
    e.candidates.splice(i, 1);
    if (e.candidates.length === 0) {
      const old = e.best;
      table.delete(dest);
      this.refreshLens();
      if (old !== undefined) this.onChange?.("delete", old, old);
    } else this.choose(e);
    return true;
  }

  /** Removes every route of `source` (a routing daemon stopping). */
  flush(source: RouteSource): void {
    for (const r of this.all(true)) if (r.source === source) this.delete(source, r.dest, r.len);
  }

  /** Active routes (or every candidate), sorted by destination then length. */
  all(candidates = false): Route[] {
    const out: Route[] = [];
    for (const table of this.byLen)
      for (const e of table.values()) {
        if (candidates) out.push(...e.candidates);
        else if (e.best) out.push(e.best);
      }
    return out.sort((a, b) => a.dest - b.dest || a.len - b.len);
  }

  private choose(e: PrefixEntry): void {
    let best: Route | undefined;
    for (const c of e.candidates)
      if (best === undefined || preferenceOf(c.source) < preferenceOf(best.source)) best = c;
    const old = e.best;
    e.best = best;
    if (best === undefined) return;
    if (old === undefined) this.onChange?.("add", best, undefined);
    else if (
      old.source !== best.source ||
      old.gateway !== best.gateway ||
      old.iface !== best.iface ||
      old.metric !== best.metric
    )
      this.onChange?.("change", best, old);
  }

  private refreshLens(): void {
    this.lens = [];
    for (let len = 32; len >= 0; len--) if (this.byLen[len]!.size > 0) this.lens.push(len);
    this.masks = this.lens.map(maskOf);
  }
}
