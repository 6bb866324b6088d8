/**
 * @module proto/rip/table
 * The RIP routing database's storage, laid out for the hot path: every entry of every message
 * received is looked up here and, nearly always, only has its timeout reset; every regular
 * update reads every route. With one object per route those reads were cache misses (the
 * routes of hundreds of routers are spread over a heap of hundreds of megabytes: at 400
 * routers the first read of a route record was 13 % of a run). So the fields those paths read
 * live in typed columns indexed by a slot, a few kilobytes per router, and the order updates
 * list routes in (prefix: address, then length) is an array of slots beside an array of keys,
 * searched by bisection with a hint at the next position, since messages list routes in that
 * same order.
 *
 * `RipRoute` objects remain the API (status, tests, the protocol's slower paths): a `Route`
 * reads and writes its hot fields through the columns; the rest are plain fields.
 */
import { formatIpv4, type Ipv4 } from "../../core/ip.js";
import type { Nanos } from "../../core/time.js";
import type { Reason } from "../../sim/host.js";
import { RIP_INFINITY } from "../../wire/rip.js";
import type { RipRoute, RipRouteState } from "./types.js";

/**
 * When a route was last heard. A usable learned route is heard exactly `timeout` before it
 * expires, so a refresh writes only `expires` (the hot path: every entry of every update);
 * `heard` itself is kept for connected routes and frozen when the deletion process starts.
 */
export function heardAt(r: RipRoute, timeout: Nanos): Nanos {
  return !r.connected && r.metric < RIP_INFINITY ? r.expires - timeout : r.heard;
}

/**
 * Why a route is as it is, as a code and its operands in columns (a closure or a string per
 * route cost ~110 B of heap each at a million routes): the text is made when it is read.
 * `text` is a string of the table's own list (connected routes, interface events, timeouts).
 */
export const WHY = {
  text: 0,
  learned: 1, // learned from A
  learnedMetric: 2, // learned from A (metric M)
  metricChanged: 3, // metric changed W → M by A
  better: 4, // better metric M via A (was W connected | was W via B)
  nextHop: 5, // next hop B from A
  switched: 6, // B silent for S s: switched to A (metric M)
  withdrawn: 7, // withdrawn by A (metric 16)
} as const;
export type WhyCode = (typeof WHY)[keyof typeof WHY];

/** The text of slot `s`'s reason. */
function whyText(c: Columns, s: number): string {
  const a = () => formatIpv4(c.whyA[s]!);
  const b = () => formatIpv4(c.whyB[s]!);
  const m = c.whyM[s]!;
  const w = c.whyW[s]!;
  switch (c.whyKind[s]) {
    case WHY.learned:
      return `learned from ${a()}`;
    case WHY.learnedMetric:
      return `learned from ${a()} (metric ${m})`;
    case WHY.metricChanged:
      return `metric changed ${w} → ${m} by ${a()}`;
    case WHY.better:
      return `better metric ${m} via ${a()} (was ${w}${c.whyB[s] === 0 ? " connected" : ` via ${b()}`})`;
    case WHY.nextHop:
      return `next hop ${b()} from ${a()}`;
    case WHY.switched:
      return `${b()} silent for ${c.whySecs[s]}s: switched to ${a()} (metric ${m})`;
    case WHY.withdrawn:
      return `withdrawn by ${a()} (metric 16)`;
    default:
      return c.texts[c.whyA[s]!]!;
  }
}

/** Sort key of a prefix: address, then length, as one exact double. */
function keyOf(dest: number, len: number): number {
  return dest * 64 + len;
}

/** The hot fields of routes, one typed column each, indexed by slot. */
export type RouteColumns = Columns;
class Columns {
  dest: Uint32Array;
  len: Uint8Array;
  metric: Uint8Array;
  from: Uint32Array;
  nextHop: Uint32Array;
  iface: Int32Array;
  tag: Uint16Array;
  connected: Uint8Array;
  /** RFC 2453 route change flag (1 = set): what a triggered update lists. */
  changed: Uint8Array;
  expires: Float64Array;
  /** The reason's code (WHY) and operands: addresses A and B, metrics M and W, seconds S. */
  whyKind: Uint8Array;
  whyA: Uint32Array;
  whyB: Uint32Array;
  whyM: Uint8Array;
  whyW: Uint8Array;
  whySecs: Uint32Array;
  /** Reason texts (WHY.text: index in whyA), each once; shared by a table's columns. */
  texts: string[];
  textIndex: Map<string, number>;

  constructor(capacity: number, texts: string[] = [], textIndex = new Map<string, number>()) {
    this.dest = new Uint32Array(capacity);
    this.len = new Uint8Array(capacity);
    this.metric = new Uint8Array(capacity);
    this.from = new Uint32Array(capacity);
    this.nextHop = new Uint32Array(capacity);
    this.iface = new Int32Array(capacity);
    this.tag = new Uint16Array(capacity);
    this.connected = new Uint8Array(capacity);
    this.changed = new Uint8Array(capacity);
    this.expires = new Float64Array(capacity);
    this.whyKind = new Uint8Array(capacity);
    this.whyA = new Uint32Array(capacity);
    this.whyB = new Uint32Array(capacity);
    this.whyM = new Uint8Array(capacity);
    this.whyW = new Uint8Array(capacity);
    this.whySecs = new Uint32Array(capacity);
    this.texts = texts;
    this.textIndex = textIndex;
  }

  /** A copy with room for `capacity` slots. */
  grown(capacity: number): Columns {
    const c = new Columns(capacity, this.texts, this.textIndex);
    c.dest.set(this.dest);
    c.len.set(this.len);
    c.metric.set(this.metric);
    c.from.set(this.from);
    c.nextHop.set(this.nextHop);
    c.iface.set(this.iface);
    c.tag.set(this.tag);
    c.connected.set(this.connected);
    c.changed.set(this.changed);
    c.expires.set(this.expires);
    c.whyKind.set(this.whyKind);
    c.whyA.set(this.whyA);
    c.whyB.set(this.whyB);
    c.whyM.set(this.whyM);
    c.whyW.set(this.whyW);
    c.whySecs.set(this.whySecs);
    return c;
  }

  /** One slot's values alone, at slot 0: what a deleted route keeps. */
  detach(slot: number): Columns {
    const c = new Columns(1, this.texts, this.textIndex);
    c.dest[0] = this.dest[slot]!;
    c.len[0] = this.len[slot]!;
    c.metric[0] = this.metric[slot]!;
    c.from[0] = this.from[slot]!;
    c.nextHop[0] = this.nextHop[slot]!;
    c.iface[0] = this.iface[slot]!;
    c.tag[0] = this.tag[slot]!;
    c.connected[0] = this.connected[slot]!;
    c.changed[0] = this.changed[slot]!;
    c.expires[0] = this.expires[slot]!;
    c.whyKind[0] = this.whyKind[slot]!;
    c.whyA[0] = this.whyA[slot]!;
    c.whyB[0] = this.whyB[slot]!;
    c.whyM[0] = this.whyM[slot]!;
    c.whyW[0] = this.whyW[slot]!;
    c.whySecs[0] = this.whySecs[slot]!;
    return c;
  }

  /** Sets slot `s`'s reason to a code and its operands. */
  explain(s: number, kind: WhyCode, a: Ipv4, b: Ipv4, m: number, w: number, secs: number): void {
    this.whyKind[s] = kind;
    this.whyA[s] = a;
    this.whyB[s] = b;
    this.whyM[s] = m;
    this.whyW[s] = w;
    this.whySecs[s] = secs;
  }

  /** Sets slot `s`'s reason to a text (kept once in the table's list). */
  explainText(s: number, text: string): void {
    let i = this.textIndex.get(text);
    if (i === undefined) {
      i = this.texts.length;
      this.texts.push(text);
      this.textIndex.set(text, i);
    }
    this.explain(s, WHY.text, i, 0, 0, 0, 0);
  }
}

/** Where a `Route` finds its columns: the table's (replaced when it grows), or its own once deleted. */
interface ColumnsHolder {
  cols: Columns;
}

/** A route whose hot fields live in the table's columns. */
class Route implements RipRoute {
  gcAt: Nanos = Number.POSITIVE_INFINITY;
  heard: Nanos;
  state: RipRouteState = "active";
  installed = false;

  constructor(
    public home: ColumnsHolder,
    public slot: number,
    heard: Nanos,
  ) {
    this.heard = heard;
  }

  get reason(): string {
    return whyText(this.home.cols, this.slot);
  }
  set reason(why: Reason) {
    this.home.cols.explainText(this.slot, typeof why === "string" ? why : why());
  }

  get dest(): Ipv4 {
    return this.home.cols.dest[this.slot]!;
  }
  get len(): number {
    return this.home.cols.len[this.slot]!;
  }
  get metric(): number {
    return this.home.cols.metric[this.slot]!;
  }
  set metric(v: number) {
    this.home.cols.metric[this.slot] = v;
  }
  get from(): Ipv4 {
    return this.home.cols.from[this.slot]!;
  }
  set from(v: Ipv4) {
    this.home.cols.from[this.slot] = v;
  }
  get nextHop(): Ipv4 {
    return this.home.cols.nextHop[this.slot]!;
  }
  set nextHop(v: Ipv4) {
    this.home.cols.nextHop[this.slot] = v;
  }
  get iface(): number {
    return this.home.cols.iface[this.slot]!;
  }
  set iface(v: number) {
    this.home.cols.iface[this.slot] = v;
  }
  get tag(): number {
    return this.home.cols.tag[this.slot]!;
  }
  set tag(v: number) {
    this.home.cols.tag[this.slot] = v;
  }
  get connected(): boolean {
    return this.home.cols.connected[this.slot] === 1;
  }
  set connected(v: boolean) {
    this.home.cols.connected[this.slot] = v ? 1 : 0;
  }
  get changed(): boolean {
    return this.home.cols.changed[this.slot] === 1;
  }
  set changed(v: boolean) {
    this.home.cols.changed[this.slot] = v ? 1 : 0;
  }
  get expires(): Nanos {
    return this.home.cols.expires[this.slot]!;
  }
  set expires(v: Nanos) {
    this.home.cols.expires[this.slot] = v;
  }
}

/** Sets a route's reason to a code and its operands (see WHY; unused operands 0). */
export function explain(route: RipRoute, kind: WhyCode, a: Ipv4, b = 0, m = 0, w = 0, secs = 0): void {
  const r = route as Route;
  r.home.cols.explain(r.slot, kind, a, b, m, w, secs);
}

/** What a new route starts with. */
export type RouteInit = Pick<
  RipRoute,
  "dest" | "len" | "metric" | "from" | "nextHop" | "iface" | "tag" | "connected" | "expires" | "heard"
> & { reason?: Reason };

export class RouteTable implements ColumnsHolder {
  /** The hot fields by slot. Read directly by the hot paths; replaced when the table grows. */
  cols = new Columns(16);
  private routes: (Route | undefined)[] = [];
  private freeSlots: number[] = [];
  /** Slots in prefix order, and their keys, in `[0, count)`. */
  private order = new Int32Array(16);
  private keys = new Float64Array(16);
  private count = 0;
  /** Position after the last prefix found: the next entry of a message is usually there. */
  private hint = 0;
  /** Where `changedSlots` lists its slots. */
  private scratch = new Int32Array(0);
  /** `sorted()`'s array, made again only after the order changed. */
  private sortedCache: Route[] | null = null;

  get size(): number {
    return this.count;
  }

  /** Slot of a prefix, or -1. */
  slotOf(dest: Ipv4, len: number): number {
    const key = keyOf(dest, len);
    const keys = this.keys;
    let p = this.hint;
    if (!(p < this.count && keys[p] === key)) p = this.position(key);
    if (p < this.count && keys[p] === key) {
      this.hint = p + 1;
      return this.order[p]!;
    }
    return -1;
  }

  get(dest: Ipv4, len: number): RipRoute | undefined {
    const slot = this.slotOf(dest, len);
    return slot < 0 ? undefined : this.routes[slot];
  }

  /** The route in `slot` (which must hold one). */
  at(slot: number): RipRoute {
    return this.routes[slot]!;
  }

  /** Adds a route for a prefix that is not in the table yet. */
  add(init: RouteInit): RipRoute {
    const key = keyOf(init.dest, init.len);
    const p = this.position(key);
    if (p < this.count && this.keys[p] === key) throw new Error("rip: prefix already in the table");
    const slot = this.freeSlots.pop() ?? this.routes.length;
    if (slot >= this.cols.dest.length) this.cols = this.cols.grown(this.cols.dest.length * 2);
    const c = this.cols;
    c.dest[slot] = init.dest;
    c.len[slot] = init.len;
    c.metric[slot] = init.metric;
    c.from[slot] = init.from;
    c.nextHop[slot] = init.nextHop;
    c.iface[slot] = init.iface;
    c.tag[slot] = init.tag;
    c.connected[slot] = init.connected ? 1 : 0;
    c.changed[slot] = 0;
    c.expires[slot] = init.expires;
    const r = new Route(this, slot, init.heard);
    r.reason = init.reason ?? "";
    this.routes[slot] = r;
    if (this.count === this.order.length) {
      const order = new Int32Array(this.count * 2);
      order.set(this.order);
      this.order = order;
      const keys = new Float64Array(this.count * 2);
      keys.set(this.keys);
      this.keys = keys;
    }
    this.order.copyWithin(p + 1, p, this.count);
    this.keys.copyWithin(p + 1, p, this.count);
    this.order[p] = slot;
    this.keys[p] = key;
    this.count++;
    this.sortedCache = null;
    return r;
  }

  /** Removes a route; the object keeps its last values (its slot is reused). */
  delete(route: RipRoute): void {
    const r = route as Route;
    if (r.home !== this) return;
    const key = keyOf(r.dest, r.len);
    const p = this.position(key);
    if (!(p < this.count && this.keys[p] === key)) return;
    this.order.copyWithin(p, p + 1, this.count);
    this.keys.copyWithin(p, p + 1, this.count);
    this.count--;
    this.sortedCache = null;
    const slot = r.slot;
    r.home = { cols: this.cols.detach(slot) };
    r.slot = 0;
    this.routes[slot] = undefined;
    this.freeSlots.push(slot);
  }

  clear(): void {
    for (let p = 0; p < this.count; p++) {
      const r = this.routes[this.order[p]!]!;
      r.home = { cols: this.cols.detach(r.slot) };
      r.slot = 0;
    }
    this.cols = new Columns(16, this.cols.texts, this.cols.textIndex);
    this.routes = [];
    this.freeSlots = [];
    this.count = 0;
    this.hint = 0;
    this.sortedCache = null;
  }

  /** Every route in prefix order (address, then length). */
  sorted(): readonly RipRoute[] {
    if (this.sortedCache === null) {
      const a: Route[] = new Array(this.count);
      for (let p = 0; p < this.count; p++) a[p] = this.routes[this.order[p]!]!;
      this.sortedCache = a;
    }
    return this.sortedCache;
  }

  /**
   * The slots of every route in prefix order: a view, valid until the table next changes (an
   * update is encoded from it straight away).
   */
  orderedSlots(): Int32Array {
    return this.order.subarray(0, this.count);
  }

  /**
   * The slots of the routes whose change flag is set, in prefix order: a view, valid until
   * this is next called (a triggered update is encoded from it straight away). A walk over a
   * column of flags in the order already kept, rather than sorting the changed routes.
   */
  changedSlots(): Int32Array {
    if (this.scratch.length < this.count) this.scratch = new Int32Array(this.order.length);
    const out = this.scratch;
    const order = this.order;
    const changed = this.cols.changed;
    let k = 0;
    for (let p = 0; p < this.count; p++) {
      const slot = order[p]!;
      if (changed[slot] === 1) out[k++] = slot;
    }
    return out.subarray(0, k);
  }

  /** Clears every route's change flag (an update carrying them went out). */
  clearChanged(): void {
    this.cols.changed.fill(0);
  }

  values(): IterableIterator<RipRoute> {
    return this.sorted().values();
  }

  /** First position whose key is not below `key` (bisection). */
  private position(key: number): number {
    const keys = this.keys;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
