/**
 * @module sim/fib-store
 * The storage of a FIB's active routes: one typed column per field, indexed by slot, and an
 * open-addressing hash index (linear probing, prefix → slot) over them. At a thousand routers
 * with a route to every subnet a FIB holds 1.5 M routes; as an object and a `Map` entry each
 * they were ~140 B of heap a route, more than the routing daemon's own database (issue 22's
 * heap snapshot of random-300). Here a
 * route is 19 B of columns (27 once a route's use count is written), sized by the lab's prefix
 * count (core/capacity), plus 5–11 B of index: no object, nothing for
 * the garbage collector to trace.
 *
 * Sources and flags are small codes into lists kept once for the process (the program's own
 * names: "local", "connected", "static", the routing protocols', and the few flag strings).
 */
import { ColumnBlock, grownCapacity, MIN_CAPACITY } from "../core/capacity.js";
import { routingNames } from "../topology/protocols/index.js";

/** Names interned as codes, process-wide: a few sources and flag strings, never user input. */
class Names {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  constructor(initial: readonly string[]) {
    for (const n of initial) this.code(n);
  }
  code(name: string): number {
    let c = this.index.get(name);
    if (c === undefined) {
      c = this.list.length;
      // A column holds a byte; the names are the program's, so this is a bug, not input.
      if (c >= FREE) throw new RangeError(`fib: more than ${FREE} distinct names (${name})`);
      this.list.push(name);
      this.index.set(name, c);
    }
    return c;
  }
}

/** The `source` code of a free slot. */
const FREE = 255;
export const SOURCE_NAMES = new Names(["local", "connected", "static", ...routingNames()]);
export const FLAG_NAMES = new Names(["", "H", "HS", "G", "GH", "S", "GS", "GHS"]);

/** The columns of the active routes; replaced (copied) when they grow. */
export class FibColumns {
  readonly dest: Uint32Array;
  readonly len: Uint8Array;
  readonly gateway: Uint32Array;
  readonly iface: Uint16Array;
  readonly metric: Uint16Array;
  /** SOURCE_NAMES code; FREE for an unused slot. */
  readonly source: Uint8Array;
  /** FLAG_NAMES code. */
  readonly flags: Uint8Array;
  /**
   * Packets sent with the route (netstat's Use, a u_long), as doubles, exact to 2⁵³; made when a
   * first count is written back (the forwarding path counts in the lookup cache's route objects,
   * fib.ts HotRoute): most routes of a converged RIP network never carry a packet, and this
   * column was 8 B of every one (12 MB at random-1000).
   */
  private use: Float64Array | null = null;
  /**
   * When the route was installed or last changed its next hop, interface or metric, in whole
   * seconds of the node's clock: FRR's `re->uptime` (a monotime in seconds), which `show ip
   * route` prints as the time since (shell/vtysh). 32 bits of seconds last 136 years.
   */
  readonly since: Uint32Array;

  constructor(readonly capacity: number) {
    // One buffer, widest columns first (core/capacity ColumnBlock): 19 B a slot.
    const b = new ColumnBlock(capacity, 19);
    this.dest = b.u32();
    this.gateway = b.u32();
    this.since = b.u32();
    this.iface = b.u16();
    this.metric = b.u16();
    this.len = b.u8();
    this.source = b.u8().fill(FREE);
    this.flags = b.u8();
  }

  /** Packets sent with slot `s`'s route. */
  useOf(s: number): number {
    return this.use === null ? 0 : this.use[s]!;
  }

  setUse(s: number, count: number): void {
    if (this.use === null) {
      if (count === 0) return;
      this.use = new Float64Array(this.capacity);
    }
    this.use[s] = count;
  }

  grown(capacity: number): FibColumns {
    const c = new FibColumns(capacity);
    c.dest.set(this.dest);
    c.len.set(this.len);
    c.gateway.set(this.gateway);
    c.iface.set(this.iface);
    c.metric.set(this.metric);
    c.source.set(this.source);
    c.flags.set(this.flags);
    c.since.set(this.since);
    if (this.use !== null) {
      c.use = new Float64Array(capacity);
      c.use.set(this.use);
    }
    return c;
  }
}

/** Position of a prefix in an index of 2^bits entries (Fibonacci hashing of address and length). */
function home(dest: number, len: number, bits: number): number {
  return Math.imul((dest ^ Math.imul(len, 0x27d4eb2d)) | 0, 0x9e3779b1) >>> (32 - bits);
}

/** The bits of the smallest index that holds `n` entries at most three quarters full. */
function bitsFor(n: number): number {
  let bits = 5;
  while (n * 4 > (1 << bits) * 3) bits++;
  return bits;
}

/** The active routes: columns, free slots, and the index. */
export class FibStore {
  cols = new FibColumns(MIN_CAPACITY);
  /** Slot + 1 per index position; 0 is empty. Power-of-two size, at most three quarters full. */
  private index = new Int32Array(32);
  private bits = 5;
  /** Slots ever used: the next new one. */
  private slots = 0;
  private freeSlots: number[] = [];
  private count = 0;
  /** Routes per prefix length. */
  readonly perLen = new Int32Array(33);

  /** `capacityHint`: the routes it will most likely hold (read when the columns first grow). */
  constructor(private readonly capacityHint: () => number = () => 0) {}

  get size(): number {
    return this.count;
  }

  /** Slot of a prefix, or -1. */
  find(dest: number, len: number): number {
    const idx = this.index;
    const mask = idx.length - 1;
    const c = this.cols;
    for (let i = home(dest, len, this.bits); ; i = (i + 1) & mask) {
      const e = idx[i]!;
      if (e === 0) return -1;
      const s = e - 1;
      if (c.dest[s] === dest && c.len[s] === len) return s;
    }
  }

  /** A new slot for a prefix not present (the caller fills the other fields). */
  add(dest: number, len: number): number {
    if ((this.count + 1) * 4 > this.index.length * 3)
      this.rehash(bitsFor(grownCapacity(this.count, this.count + 1, this.capacityHint())));
    let s = this.freeSlots.pop();
    if (s === undefined) {
      s = this.slots++;
      if (s >= this.cols.capacity)
        this.cols = this.cols.grown(grownCapacity(this.cols.capacity, s + 1, this.capacityHint()));
    }
    this.cols.dest[s] = dest;
    this.cols.len[s] = len;
    this.cols.setUse(s, 0);
    this.place(s);
    this.count++;
    this.perLen[len]!++;
    return s;
  }

  /** Frees slot `s` (which holds a route). */
  remove(s: number): void {
    const c = this.cols;
    const idx = this.index;
    const mask = idx.length - 1;
    let i = home(c.dest[s]!, c.len[s]!, this.bits);
    while (idx[i] !== s + 1) i = (i + 1) & mask;
    // Backward-shift deletion: later entries of the run move up so no probe meets a hole early.
    for (let j = (i + 1) & mask; idx[j] !== 0; j = (j + 1) & mask) {
      const t = idx[j]! - 1;
      const k = home(c.dest[t]!, c.len[t]!, this.bits);
      if (i <= j ? k <= i || k > j : k <= i && k > j) {
        idx[i] = idx[j]!;
        i = j;
      }
    }
    idx[i] = 0;
    this.perLen[c.len[s]!]!--;
    c.source[s] = FREE;
    this.freeSlots.push(s);
    this.count--;
  }

  /** Every slot holding a route. */
  *live(): Generator<number> {
    const src = this.cols.source;
    for (let s = 0; s < this.slots; s++) if (src[s] !== FREE) yield s;
  }

  private place(s: number): void {
    const idx = this.index;
    const mask = idx.length - 1;
    let i = home(this.cols.dest[s]!, this.cols.len[s]!, this.bits);
    while (idx[i] !== 0) i = (i + 1) & mask;
    idx[i] = s + 1;
  }

  private rehash(bits: number): void {
    this.bits = bits;
    this.index = new Int32Array(1 << bits);
    const src = this.cols.source;
    for (let s = 0; s < this.slots; s++) if (src[s] !== FREE) this.place(s);
  }
}
