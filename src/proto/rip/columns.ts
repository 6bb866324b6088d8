/**
 * @module proto/rip/columns
 * The RIP table's storage: every field of every route in a typed column indexed by slot
 * (see table.ts for why), reasons included, as a code and its operands: at a million routes
 * an object, a boxed number or a closure per route is what the heap is made of.
 */
import { ColumnBlock } from "../../core/capacity.js";
import { formatIpv4, type Ipv4 } from "../../core/ip.js";

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

/** The columns and their element types (a route's fields; see types.ts's RipRoute). */
const LAYOUT = {
  dest: Uint32Array,
  len: Uint8Array,
  metric: Uint8Array,
  from: Uint32Array,
  nextHop: Uint32Array,
  iface: Int32Array,
  tag: Uint16Array,
  connected: Uint8Array,
  /** RFC 2453 route change flag (1 = set): what a triggered update lists. */
  changed: Uint8Array,
  expires: Float64Array,
  /** RipRouteState as STATES' index. */
  state: Uint8Array,
  /** Whether a "rip" route for it is in the FIB (1). */
  installed: Uint8Array,
  /** The reason's code (WHY) and operands: addresses A and B, metrics M and W, seconds S. */
  whyKind: Uint8Array,
  whyA: Uint32Array,
  whyB: Uint32Array,
  whyM: Uint8Array,
  whyW: Uint8Array,
  whySecs: Uint32Array,
} as const;
type Name = keyof typeof LAYOUT;
const NAMES = Object.keys(LAYOUT) as Name[];
/** Bytes of one slot across every column. */
const BYTES_PER_SLOT = NAMES.reduce((sum, n) => sum + LAYOUT[n].BYTES_PER_ELEMENT, 0);

/** The route states by their code in the `state` column. */
export const STATES = ["active", "timeout", "garbage"] as const;

/**
 * Every field of routes, one typed column each, indexed by slot. The fields are declared one by
 * one (not added in a loop) so that they sit in the object itself: the hot paths read them.
 */
export class Columns {
  dest: Uint32Array;
  len: Uint8Array;
  metric: Uint8Array;
  from: Uint32Array;
  nextHop: Uint32Array;
  iface: Int32Array;
  tag: Uint16Array;
  connected: Uint8Array;
  changed: Uint8Array;
  expires: Float64Array;
  state: Uint8Array;
  installed: Uint8Array;
  whyKind: Uint8Array;
  whyA: Uint32Array;
  whyB: Uint32Array;
  whyM: Uint8Array;
  whyW: Uint8Array;
  whySecs: Uint32Array;

  constructor(
    capacity: number,
    /** Reason texts (WHY.text: index in whyA), each once; shared by a table's columns. */
    readonly texts: string[] = [],
    readonly textIndex = new Map<string, number>(),
    /**
     * Garbage-collection deadlines by slot, of the routes at metric 16 only (absent: Infinity,
     * a usable route): a column of them was 8 B a route for the few that are being deleted.
     */
    readonly gcAtOf = new Map<number, number>(),
    /**
     * When a route was last heard, by slot, for connected routes and routes at metric 16 only:
     * a usable learned route's is `expires - timeout` (table.ts heardAt), so it is not kept.
     */
    readonly heardOf = new Map<number, number>(),
  ) {
    // One buffer, widest columns first (core/capacity ColumnBlock): 47 B a slot.
    const b = new ColumnBlock(capacity, BYTES_PER_SLOT);
    this.expires = b.f64();
    this.dest = b.u32();
    this.from = b.u32();
    this.nextHop = b.u32();
    this.iface = b.i32();
    this.whyA = b.u32();
    this.whyB = b.u32();
    this.whySecs = b.u32();
    this.tag = b.u16();
    this.len = b.u8();
    this.metric = b.u8();
    this.connected = b.u8();
    this.changed = b.u8();
    this.state = b.u8();
    this.installed = b.u8();
    this.whyKind = b.u8();
    this.whyM = b.u8();
    this.whyW = b.u8();
  }

  /** A copy with room for `capacity` slots. */
  grown(capacity: number): Columns {
    const c = new Columns(capacity, this.texts, this.textIndex, this.gcAtOf, this.heardOf);
    for (const n of NAMES) (c[n] as Float64Array).set(this[n] as Float64Array);
    return c;
  }

  /** One slot's values alone, at slot 0: what a deleted route keeps. */
  detach(slot: number): Columns {
    const c = new Columns(1, this.texts, this.textIndex);
    for (const n of NAMES) (c[n] as Float64Array)[0] = (this[n] as Float64Array)[slot]!;
    const gcAt = this.gcAtOf.get(slot);
    if (gcAt !== undefined) c.gcAtOf.set(0, gcAt);
    const heard = this.heardOf.get(slot);
    if (heard !== undefined) c.heardOf.set(0, heard);
    return c;
  }

  /** Forgets slot `s`'s sparse fields (its route is gone). */
  forget(s: number): void {
    this.gcAtOf.delete(s);
    this.heardOf.delete(s);
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

  /** The text of slot `s`'s reason. */
  why(s: number): string {
    return whyText(this, s);
  }
}
