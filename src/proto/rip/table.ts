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
 * `RipRoute` objects remain the API (status, tests, the protocol's slower paths): a `Route` is
 * a view of one slot, made when asked for and kept by no one (at a million routes an object a
 * route was ~60 B of heap each: issue 22), reading and writing every field through the columns.
 * Two views of one slot see the same route; a view handed to `delete` keeps the route's last
 * values (the only one that does: hold no other across a delete).
 */
import { grownCapacity, MIN_CAPACITY } from "../../core/capacity.js";
import type { Ipv4 } from "../../core/ip.js";
import type { Nanos } from "../../core/time.js";
import type { Reason } from "../../sim/host.js";
import { RIP_INFINITY } from "../../wire/rip.js";
import { Columns, STATES, WHY, type WhyCode } from "./columns.js";
import type { RipRoute, RipRouteState } from "./types.js";

export { type Columns as RouteColumns, WHY, type WhyCode };

/**
 * When a route was last heard. A usable learned route is heard exactly `timeout` before it
 * expires, so a refresh writes only `expires` (the hot path: every entry of every update);
 * `heard` itself is kept for connected routes and frozen when the deletion process starts.
 */
export function heardAt(r: RipRoute, timeout: Nanos): Nanos {
  return !r.connected && r.metric < RIP_INFINITY ? r.expires - timeout : r.heard;
}

/** Sort key of a prefix: address, then length, as one exact double. */
function keyOf(dest: number, len: number): number {
  return dest * 64 + len;
}

/** Where a `Route` finds its columns: the table's (replaced when it grows), or its own once deleted. */
interface ColumnsHolder {
  cols: Columns;
}

/** A route: a slot of the table's columns (or of its own, once deleted) and nothing else. */
class Route implements RipRoute {
  constructor(
    public home: ColumnsHolder,
    public slot: number,
  ) {}

  get gcAt(): Nanos {
    return this.home.cols.gcAtOf.get(this.slot) ?? Number.POSITIVE_INFINITY;
  }
  set gcAt(v: Nanos) {
    if (v === Number.POSITIVE_INFINITY) this.home.cols.gcAtOf.delete(this.slot);
    else this.home.cols.gcAtOf.set(this.slot, v);
  }
  /** NaN for a usable learned route, whose time is `expires - timeout` (see heardAt). */
  get heard(): Nanos {
    return this.home.cols.heardOf.get(this.slot) ?? Number.NaN;
  }
  set heard(v: Nanos) {
    this.home.cols.heardOf.set(this.slot, v);
  }
  get state(): RipRouteState {
    return STATES[this.home.cols.state[this.slot]!]!;
  }
  set state(v: RipRouteState) {
    this.home.cols.state[this.slot] = STATES.indexOf(v);
  }
  get installed(): boolean {
    return this.home.cols.installed[this.slot] === 1;
  }
  set installed(v: boolean) {
    this.home.cols.installed[this.slot] = v ? 1 : 0;
  }

  get reason(): string {
    return this.home.cols.why(this.slot);
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

/** Forgets when a route was heard: it is usable and learned now (its time is `expires - timeout`). */
export function forgetHeard(route: RipRoute): void {
  const r = route as Route;
  r.home.cols.heardOf.delete(r.slot);
}

/** Sets a route's reason to a code and its operands (see WHY; unused operands 0). */
export function explain(route: RipRoute, kind: WhyCode, a: Ipv4, b = 0, m = 0, w = 0, secs = 0): void {
  const r = route as Route;
  r.home.cols.explain(r.slot, kind, a, b, m, w, secs);
}

/**
 * Where `changedSlots` lists its slots: one array for every table (a triggered update is encoded
 * from it at once, before any other table is asked), not 4 B a route in each.
 */
let scratch = new Int32Array(0);

/** What a new route starts with. */
export type RouteInit = Pick<
  RipRoute,
  "dest" | "len" | "metric" | "from" | "nextHop" | "iface" | "tag" | "connected" | "expires" | "heard"
> & { reason?: Reason };

export class RouteTable implements ColumnsHolder {
  /** The hot fields by slot. Read directly by the hot paths; replaced when the table grows. */
  cols = new Columns(MIN_CAPACITY);
  /**
   * How many routes the table will most likely hold (the lab's prefixes, Host.labPrefixes):
   * its columns grow to that size and no further (core/capacity). Read when they grow.
   */
  capacityHint: () => number = () => 0;
  /** Slots ever used: the next new one. */
  private slots = 0;
  private freeSlots: number[] = [];
  /** Slots in prefix order, and their keys, in `[0, count)`. */
  private order = new Int32Array(MIN_CAPACITY);
  private keys = new Float64Array(MIN_CAPACITY);
  private count = 0;
  /** Position after the last prefix found: the next entry of a message is usually there. */
  private hint = 0;

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

  /**
   * The slot at the hint (the position after the last prefix found), or -1 past the end: the
   * route the next entry of a message most likely names. The caller checks the prefix and, when
   * it is that route, moves the hint past it with `passHint`, as `slotOf` does.
   */
  slotAtHint(): number {
    return this.hint < this.count ? this.order[this.hint]! : -1;
  }

  passHint(): void {
    this.hint++;
  }

  get(dest: Ipv4, len: number): RipRoute | undefined {
    const slot = this.slotOf(dest, len);
    return slot < 0 ? undefined : new Route(this, slot);
  }

  /** The route in `slot` (which must hold one). */
  at(slot: number): RipRoute {
    return new Route(this, slot);
  }

  /** Adds a route for a prefix that is not in the table yet. */
  add(init: RouteInit): RipRoute {
    const key = keyOf(init.dest, init.len);
    const p = this.position(key);
    if (p < this.count && this.keys[p] === key) throw new Error("rip: prefix already in the table");
    const slot = this.freeSlots.pop() ?? this.slots++;
    const room = this.cols.dest.length;
    if (slot >= room) this.cols = this.cols.grown(grownCapacity(room, slot + 1, this.capacityHint()));
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
    c.forget(slot);
    // Kept only where heardAt reads it (a usable learned route's is expires - timeout).
    if (init.connected || init.metric >= RIP_INFINITY) c.heardOf.set(slot, init.heard);
    c.state[slot] = 0;
    c.installed[slot] = 0;
    const r = new Route(this, slot);
    r.reason = init.reason ?? "";
    if (this.count === this.order.length) {
      const order = new Int32Array(grownCapacity(this.count, this.count + 1, this.capacityHint()));
      order.set(this.order);
      this.order = order;
      const keys = new Float64Array(order.length);
      keys.set(this.keys);
      this.keys = keys;
    }
    this.order.copyWithin(p + 1, p, this.count);
    this.keys.copyWithin(p + 1, p, this.count);
    this.order[p] = slot;
    this.keys[p] = key;
    this.count++;
    return r;
  }

  /** Removes a route; this view of it keeps its last values (its slot is reused). */
  delete(route: RipRoute): void {
    const r = route as Route;
    if (r.home !== this) return;
    const key = keyOf(r.dest, r.len);
    const p = this.position(key);
    if (!(p < this.count && this.keys[p] === key)) return;
    this.order.copyWithin(p, p + 1, this.count);
    this.keys.copyWithin(p, p + 1, this.count);
    this.count--;
    const slot = r.slot;
    r.home = { cols: this.cols.detach(slot) };
    r.slot = 0;
    this.cols.forget(slot);
    this.freeSlots.push(slot);
  }

  /** Removes every route (a route object read after this reads nothing: see `delete`). */
  clear(): void {
    this.cols = new Columns(MIN_CAPACITY, this.cols.texts, this.cols.textIndex);
    this.slots = 0;
    this.freeSlots = [];
    this.count = 0;
    this.hint = 0;
  }

  /** Every route in prefix order (address, then length): made at each call, kept by nobody. */
  sorted(): readonly RipRoute[] {
    const a: Route[] = new Array(this.count);
    for (let p = 0; p < this.count; p++) a[p] = new Route(this, this.order[p]!);
    return a;
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
    if (scratch.length < this.count) scratch = new Int32Array(this.order.length);
    const out = scratch;
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
