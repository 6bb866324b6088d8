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
 * are created on first use, and a prefix with a single candidate (nearly all of them) keeps
 * it in place of an array.
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

/** The routes of one prefix: the active one, and the others when several sources hold it. */
class PrefixEntry {
  /** Candidates other than `best` (rare: a static route under a connected one, …). */
  others: Route[] | undefined = undefined;
  constructor(public best: Route) {}

  candidates(): Route[] {
    return this.others === undefined ? [this.best] : [this.best, ...this.others];
  }
}

export type FibChange = (action: "add" | "change" | "delete", route: Route, old: Route | undefined) => void;

export class Fib {
  private byLen: (Map<number, PrefixEntry> | undefined)[] = new Array(33);
  /** Prefix lengths that hold at least one entry, longest first. */
  private lens: number[] = [];
  private masks: number[] = [];
  /** Called when the active route of a prefix changes. */
  onChange: FibChange | null = null;

  /** Longest-prefix match; undefined when no route covers `dst`. */
  lookup(dst: number): Route | undefined {
    const lens = this.lens;
    const masks = this.masks;
    const byLen = this.byLen;
    for (let i = 0; i < lens.length; i++) {
      const e = byLen[lens[i]!]!.get((dst & masks[i]!) >>> 0);
      if (e !== undefined) return e.best;
    }
    return undefined;
  }

  /** Exact-prefix lookup of the active route. */
  get(dest: number, len: number): Route | undefined {
    return this.byLen[len]?.get(dest)?.best;
  }

  /** Installs or replaces the route of `r.source` for its prefix. */
  set(r: Route): void {
    let table = this.byLen[r.len];
    if (table === undefined) {
      table = new Map();
      this.byLen[r.len] = table;
    }
    const e = table.get(r.dest);
    if (e === undefined) {
      table.set(r.dest, new PrefixEntry(r));
      if (table.size === 1) this.refreshLens();
      this.onChange?.("add", r, undefined);
      return;
    }
    const old = e.best;
    if (old.source === r.source) {
      r.use += old.use;
      e.best = r;
    } else {
      const others = e.others ?? [];
      e.others = others;
      const i = others.findIndex((c) => c.source === r.source);
      if (i >= 0) {
        r.use += others[i]!.use;
        others[i] = r;
      } else others.push(r);
    }
    this.choose(e, old);
  }

  /** Removes the route of `source` for dest/len; returns whether one existed. */
  delete(source: RouteSource, dest: number, len: number): boolean {
    const table = this.byLen[len];
    const e = table?.get(dest);
    if (table === undefined || e === undefined) return false;
    const old = e.best;
    if (old.source === source) {
      const next = e.others?.shift();
      if (next === undefined) {
        table.delete(dest);
        if (table.size === 0) this.refreshLens();
        this.onChange?.("delete", old, old);
        return true;
      }
      e.best = next;
    } else {
      const i = e.others?.findIndex((c) => c.source === source) ?? -1;
      if (i < 0) return false;
      e.others!.splice(i, 1);
    }
    if (e.others?.length === 0) e.others = undefined;
    this.choose(e, old);
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
      for (const e of table.values()) {
        if (candidates) out.push(...e.candidates());
        else out.push(e.best);
      }
    }
    return out.sort((a, b) => a.dest - b.dest || a.len - b.len);
  }

  /** Makes the most preferred candidate active; reports a change from `old`. */
  private choose(e: PrefixEntry, old: Route): void {
    if (e.others !== undefined) {
      let bi = -1;
      let best = e.best;
      e.others.forEach((c, i) => {
        if (preferenceOf(c.source) < preferenceOf(best.source)) {
          best = c;
          bi = i;
        }
      });
      if (bi >= 0) {
        e.others[bi] = e.best;
        e.best = best;
      }
    }
    const best = e.best;
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
    for (let len = 32; len >= 0; len--) if ((this.byLen[len]?.size ?? 0) > 0) this.lens.push(len);
    this.masks = this.lens.map(maskOf);
  }
}
