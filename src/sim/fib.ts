/**
 * @module sim/fib
 * A node's forwarding table: longest-prefix match over routes from several sources.
 *
 * Each source (connected, local, static, a routing protocol's name, …) holds at most one route
 * per prefix; the active route of a prefix is the one from the most preferred source
 * (administrative distance, as FreeBSD's routed never overwrites a static route and FRR ranks
 * connected < static < the protocols, each protocol's distance from its spec,
 * topology/protocols/). Lookup walks only the prefix lengths present, longest first, with one Map
 * probe each — the tables are small and the walk allocates nothing.
 *
 * Memory matters at thousands of routers with a route to every subnet (1.5 M routes at a
 * thousand routers): the active routes live in typed columns (fib-store.ts), and a
 * `Route` handed out is a view of a slot, made when asked for. The rare candidates hidden under
 * another source's route of the same prefix are plain objects beside them.
 *
 * A route may have several equal-cost next hops (OSPF's ECMP, as FRR installs them in Linux's
 * FIB on the netns engine). The columns hold the first; the whole list sits in a side table
 * keyed by slot, only for the routes that have more than one — RIP's routes (one next hop
 * each) cost nothing more. Forwarding picks one per flow (sim/multipath.ts).
 */
import { maskOf } from "../core/ip.js";
import { routingSpecs } from "../topology/protocols/index.js";
import { type FibColumns, FibStore, FLAG_NAMES, SOURCE_NAMES } from "./fib-store.js";
import { type NextHop, sameHops } from "./multipath.js";

/** `local`, `connected`, `static`, or the name of the routing protocol that made the route. */
export type RouteSource = "local" | "connected" | "static" | string;

/** Administrative distance: lower wins. A source not listed (none today) ranks last. */
const PREFERENCE: Record<string, number> = {
  local: 0,
  connected: 0,
  static: 1,
  ...Object.fromEntries(routingSpecs().map((s) => [s.name, s.adminDistance])),
};
const preferenceOf = (s: string) => PREFERENCE[s] ?? 200;

export interface Route {
  readonly dest: number;
  readonly len: number;
  /** Next hop; 0 for directly connected / local. */
  readonly gateway: number;
  /** Interface index on the node (0 = lo0). */
  readonly iface: number;
  readonly metric: number;
  /**
   * Every equal-cost next hop in order, the first being `gateway`/`iface`; absent when the
   * route has one (always, for RIP and static routes).
   */
  readonly multipath?: readonly NextHop[] | undefined;
  readonly source: RouteSource;
  /** FreeBSD-style flags without U (added when printed): G gateway, H host, S static. */
  readonly flags: string;
  /** Packets forwarded or sent with this route (netstat's Use). */
  use: number;
  /**
   * Second of the node's clock at which the route came or last changed its next hop, interface
   * or metric (FRR's `re->uptime`, for `show ip route`); absent on a route not from a FIB.
   */
  readonly since?: number;
}

/** Destinations a FIB remembers the match of (a few KiB a router at most; emptied when full). */
const CACHE_MAX = 256;

export type FibChange = (action: "add" | "change" | "delete", route: Route, old: Route | undefined) => void;

/**
 * An active route as an object of its own, for the destinations in the lookup cache: the
 * forwarding path reads its fields and counts `use` on it as on any object (a view's accessors
 * made forwarding ~30 % slower). While it exists its `use` is the count, written back to the
 * columns when the cache is emptied; an in-place change of the route updates it too.
 */
class HotRoute implements Route {
  constructor(
    readonly dest: number,
    readonly len: number,
    public gateway: number,
    public iface: number,
    public metric: number,
    public source: string,
    public flags: string,
    public use: number,
    readonly slot: number,
    public since: number,
    public multipath: readonly NextHop[] | undefined,
  ) {}
}

/**
 * An active route: a slot of a FIB's columns, read through on every access (a route changed in
 * place shows its new values). Valid while the route is in the FIB and until the next route is
 * added (the columns are replaced when they grow): hold none across a change.
 */
class SlotRoute implements Route {
  constructor(
    private readonly cols: FibColumns,
    private readonly hot: Map<number, HotRoute>,
    private readonly paths: Map<number, readonly NextHop[]>,
    readonly slot: number,
  ) {}
  get multipath(): readonly NextHop[] | undefined {
    return this.paths.size === 0 ? undefined : this.paths.get(this.slot);
  }
  get dest(): number {
    return this.cols.dest[this.slot]!;
  }
  get len(): number {
    return this.cols.len[this.slot]!;
  }
  get gateway(): number {
    return this.cols.gateway[this.slot]!;
  }
  get iface(): number {
    return this.cols.iface[this.slot]!;
  }
  get metric(): number {
    return this.cols.metric[this.slot]!;
  }
  get source(): string {
    return SOURCE_NAMES.list[this.cols.source[this.slot]!]!;
  }
  get flags(): string {
    return FLAG_NAMES.list[this.cols.flags[this.slot]!]!;
  }
  get use(): number {
    return this.hot.get(this.slot)?.use ?? this.cols.useOf(this.slot);
  }
  get since(): number {
    return this.cols.since[this.slot]!;
  }
  set use(v: number) {
    const h = this.hot.get(this.slot);
    if (h !== undefined) h.use = v;
    else this.cols.setUse(this.slot, v);
  }
}

/** Sort/Map key of a prefix: address, then length, as one exact double. */
const keyOf = (dest: number, len: number) => dest * 64 + len;

/** Fields of a route, as an object of its own (a candidate, or a snapshot). */
function copyOf(r: Route): Route {
  const multipath = r.multipath;
  const copy = {
    dest: r.dest,
    len: r.len,
    gateway: r.gateway,
    iface: r.iface,
    metric: r.metric,
    source: r.source,
    flags: r.flags,
    use: r.use,
    since: r.since ?? 0,
  };
  return multipath === undefined ? copy : { ...copy, multipath };
}

/** `hops` when it has several next hops, else undefined (a route with one keeps it in its columns). */
const several = (hops: readonly NextHop[] | undefined) =>
  hops !== undefined && hops.length > 1 ? hops : undefined;

/** Column ranges a route's fields must fit. */
function checkFits(iface: number, metric: number): void {
  if (!(iface >= 0 && iface <= 0xffff && metric >= 0 && metric <= 0xffff))
    throw new RangeError(`fib: interface ${iface} or metric ${metric} out of range 0-65535`);
}

export class Fib {
  private readonly store: FibStore;
  /** Prefix lengths that hold at least one entry, longest first. */
  private lens: number[] = [];
  private masks: number[] = [];
  /** Candidates other than the active one, for the few prefixes held by several sources. */
  private readonly others = new Map<number, Route[]>();
  /** Slot → every next hop of its active route, for the routes with more than one (ECMP). */
  private readonly paths = new Map<number, readonly NextHop[]>();
  /** Called when the active route of a prefix changes. */
  onChange: FibChange | null = null;
  /** The node's clock in whole seconds, for when routes came or changed (`Route.since`). */
  clock: () => number = () => 0;
  /**
   * Destination → its longest match, for the destinations forwarded to lately: one probe per
   * packet instead of one per prefix length (a transit packet misses the /32 of the router's
   * own addresses first). Emptied when a prefix comes or goes or another route becomes active;
   * an active route changing its fields in place (setFields) keeps its slot, still valid.
   */
  private cache = new Map<number, HotRoute>();
  /** The cache's routes by slot (several destinations share one). */
  private readonly hot = new Map<number, HotRoute>();

  /** `capacityHint`: how many routes the FIB will most likely hold (its columns' size; core/capacity). */
  constructor(capacityHint: () => number = () => 0) {
    this.store = new FibStore(capacityHint);
  }

  /** Active routes. */
  get size(): number {
    return this.store.size;
  }

  /** Active routes with several next hops (the side table's entries). */
  get multipathRoutes(): number {
    return this.paths.size;
  }

  /** Longest-prefix match; undefined when no route covers `dst`. */
  lookup(dst: number): Route | undefined {
    const hit = this.cache.get(dst);
    if (hit !== undefined) return hit;
    const lens = this.lens;
    const masks = this.masks;
    for (let i = 0; i < lens.length; i++) {
      const s = this.store.find((dst & masks[i]!) >>> 0, lens[i]!);
      if (s >= 0) {
        if (this.cache.size >= CACHE_MAX) this.dropCache();
        let r = this.hot.get(s);
        if (r === undefined) {
          const c = this.store.cols;
          r = new HotRoute(
            c.dest[s]!,
            c.len[s]!,
            c.gateway[s]!,
            c.iface[s]!,
            c.metric[s]!,
            SOURCE_NAMES.list[c.source[s]!]!,
            FLAG_NAMES.list[c.flags[s]!]!,
            c.useOf(s),
            s,
            c.since[s]!,
            this.paths.size === 0 ? undefined : this.paths.get(s),
          );
          this.hot.set(s, r);
        }
        this.cache.set(dst, r);
        return r;
      }
    }
    return undefined;
  }

  /** Exact-prefix lookup of the active route. */
  get(dest: number, len: number): Route | undefined {
    const s = this.store.find(dest, len);
    return s < 0 ? undefined : (this.hot.get(s) ?? this.view(s));
  }

  /** Installs or replaces the route of `r.source` for its prefix (its use count included). */
  set(r: Route): void {
    this.setFields(r.source, r.dest, r.len, r.gateway, r.iface, r.metric, r.flags, r.use, r.multipath);
  }

  /**
   * `set` without a route object: a source re-installing its active route (a routing daemon
   * changing a metric or next hop, thousands of times while a network converges) updates its
   * slot in place. `use` is the use count of a route new to the FIB. `multipath`: every
   * equal-cost next hop, when there are several (the first then replaces `gateway`/`iface`).
   */
  setFields(
    source: RouteSource,
    dest: number,
    len: number,
    gateway: number,
    iface: number,
    metric: number,
    flags: string,
    use = 0,
    multipath?: readonly NextHop[],
  ): void {
    const hops = several(multipath);
    if (hops !== undefined) ({ gateway, iface } = hops[0]!);
    checkFits(iface, metric);
    const store = this.store;
    let s = store.find(dest, len);
    if (s < 0) {
      s = store.add(dest, len);
      this.write(s, source, gateway, iface, metric, flags, this.clock(), hops);
      store.cols.setUse(s, use);
      this.dropCache();
      if (store.perLen[len] === 1) this.refreshLens();
      this.onChange?.("add", this.view(s), undefined);
      return;
    }
    const c = store.cols;
    if (c.source[s] === SOURCE_NAMES.code(source)) {
      const changed =
        c.gateway[s] !== gateway ||
        c.iface[s] !== iface ||
        c.metric[s] !== metric ||
        !sameHops(this.paths.get(s), hops);
      this.write(s, source, gateway, iface, metric, flags, changed ? this.clock() : c.since[s]!, hops);
      if (changed) this.onChange?.("change", this.view(s), undefined);
      return;
    }
    // Another source holds the prefix: this one's route joins (or replaces its own among) the others.
    const key = keyOf(dest, len);
    let others = this.others.get(key);
    if (others === undefined) {
      others = [];
      this.others.set(key, others);
    }
    const i = others.findIndex((o) => o.source === source);
    const was = i >= 0 ? others[i]! : undefined;
    const same =
      was !== undefined &&
      was.gateway === gateway &&
      was.iface === iface &&
      was.metric === metric &&
      sameHops(was.multipath, hops);
    const since = same ? (was.since ?? this.clock()) : this.clock();
    const r: Route = { dest, len, gateway, iface, metric, source, flags, use, since };
    if (hops !== undefined) (r as { multipath?: readonly NextHop[] }).multipath = hops;
    if (was !== undefined) {
      r.use += was.use;
      others[i] = r;
    } else others.push(r);
    this.choose(s, copyOf(this.view(s)));
  }

  /** Removes the route of `source` for dest/len; returns whether one existed. */
  delete(source: RouteSource, dest: number, len: number): boolean {
    const store = this.store;
    const s = store.find(dest, len);
    if (s < 0) return false;
    const key = keyOf(dest, len);
    const others = this.others.get(key);
    const active = this.view(s);
    if (active.source === source) {
      const old = copyOf(active);
      const next = others?.shift();
      this.dropCache();
      if (next === undefined) {
        this.paths.delete(s);
        store.remove(s);
        if (store.perLen[len] === 0) this.refreshLens();
        this.onChange?.("delete", old, old);
        return true;
      }
      this.put(s, next);
      if (others!.length === 0) this.others.delete(key);
      this.choose(s, old);
      return true;
    }
    const i = others?.findIndex((o) => o.source === source) ?? -1;
    if (i < 0) return false;
    others!.splice(i, 1);
    if (others!.length === 0) this.others.delete(key);
    return true;
  }

  /** Removes every route of `source` (a routing daemon stopping). */
  flush(source: RouteSource): void {
    for (const r of this.all(true)) if (r.source === source) this.delete(source, r.dest, r.len);
  }

  /** Active routes (or every candidate), sorted by destination then length: copies, not views. */
  all(candidates = false): Route[] {
    const out: Route[] = [];
    for (const s of this.store.live()) out.push(copyOf(this.view(s)));
    if (candidates) for (const list of this.others.values()) for (const r of list) out.push(copyOf(r));
    return out.sort((a, b) => a.dest - b.dest || a.len - b.len);
  }

  /** A view of slot `s`. */
  private view(s: number): SlotRoute {
    return new SlotRoute(this.store.cols, this.hot, this.paths, s);
  }

  /** Empties the lookup cache, its routes' use counts back into the columns. */
  private dropCache(): void {
    if (this.hot.size > 0) {
      const c = this.store.cols;
      for (const h of this.hot.values()) c.setUse(h.slot, h.use);
      this.hot.clear();
    }
    this.cache.clear();
  }

  private write(
    s: number,
    source: string,
    gateway: number,
    iface: number,
    metric: number,
    flags: string,
    since: number,
    multipath: readonly NextHop[] | undefined,
  ): void {
    const c = this.store.cols;
    if (multipath !== undefined) this.paths.set(s, multipath);
    else if (this.paths.size !== 0) this.paths.delete(s);
    c.source[s] = SOURCE_NAMES.code(source);
    c.gateway[s] = gateway;
    c.iface[s] = iface;
    c.metric[s] = metric;
    c.flags[s] = FLAG_NAMES.code(flags);
    c.since[s] = since;
    const h = this.hot.size === 0 ? undefined : this.hot.get(s);
    if (h !== undefined) {
      h.source = source;
      h.gateway = gateway;
      h.iface = iface;
      h.metric = metric;
      h.flags = flags;
      h.since = since;
      h.multipath = multipath;
    }
  }

  /** Makes candidate `r` the active route of slot `s`. */
  private put(s: number, r: Route): void {
    this.write(
      s,
      r.source,
      r.gateway,
      r.iface,
      r.metric,
      r.flags,
      r.since ?? this.clock(),
      several(r.multipath),
    );
    const h = this.hot.get(s);
    if (h !== undefined) h.use = r.use;
    else this.store.cols.setUse(s, r.use);
  }

  /** Makes the most preferred candidate of slot `s`'s prefix active; reports a change from `old`. */
  private choose(s: number, old: Route): void {
    const active = this.view(s);
    const others = this.others.get(keyOf(active.dest, active.len));
    if (others !== undefined) {
      let bi = -1;
      let bp = preferenceOf(active.source);
      others.forEach((o, i) => {
        if (preferenceOf(o.source) < bp) {
          bp = preferenceOf(o.source);
          bi = i;
        }
      });
      if (bi >= 0) {
        const promoted = others[bi]!;
        others[bi] = copyOf(active);
        this.put(s, promoted);
        this.dropCache();
      }
    }
    if (
      old.source !== active.source ||
      old.gateway !== active.gateway ||
      old.iface !== active.iface ||
      old.metric !== active.metric ||
      !sameHops(old.multipath, active.multipath)
    )
      this.onChange?.("change", active, old);
  }

  private refreshLens(): void {
    this.lens = [];
    for (let len = 32; len >= 0; len--) if (this.store.perLen[len]! > 0) this.lens.push(len);
    this.masks = this.lens.map(maskOf);
  }
}
