/**
 * @module proto/rip/packets
 * RIP packet I/O, as BIRD's packets.c: receiving (validation with a counted reason for every
 * refusal, then dispatch), answering requests (RFC 2453 3.9.1), and building responses with
 * split horizon, at most 25 entries a message (RFC 2453 3.10.2).
 *
 * Nothing here throws on bad input: a refused message or entry is counted and dropped.
 */
import { formatIpv4, lenOfMask, maskOf } from "../../core/ip.js";
import type { Datagram, HostInterface, SendOptions } from "../../sim/host.js";
import { isWireError } from "../../wire/error.js";
import { allocUdpPayload } from "../../wire/packet.js";
import {
  checkRip,
  emitRip,
  emitRipEntry,
  emitRipHeader,
  isWholeTableRequest,
  parseRip,
  RIP_ENTRY_LEN,
  RIP_GROUP,
  RIP_HEADER_LEN,
  RIP_INFINITY,
  RIP_MAX_ENTRIES,
  RIP_PORT,
  RIP_REQUEST,
  RIP_RESPONSE,
  type RipEntry,
  type RipRepr,
  ripEntryOffset,
  rteAddr,
  rteAfi,
  rteMetric,
  rteNextHop,
  rteTag,
  wholeTableRequest,
} from "../../wire/rip.js";
import type { OutKind } from "./outbox.js";
import { broadcastOf, inferredLen, v1Entries } from "./ripv1.js";
import type { RouteColumns } from "./table.js";
import type { RipCore, RipEntryDrop, RipIfaceCounters, RipNeighbour } from "./types.js";

const AF_INET = 2;
/** IPTOS_PREC_INTERNETCONTROL, as FRR and BIRD send RIP (protocols.md §1). */
const TOS_INTERNETCONTROL = 0xc0;

export type UpdateKind = Exclude<OutKind, "request">;

// ---- receiving --------------------------------------------------------------------------------

/** Handles one datagram for UDP port 520; false when it was refused (and counted). */
export function receive(core: RipCore, d: Datagram): boolean {
  const ifaces = core.host.interfaces();
  const iface = ifaces[d.iface];
  const ctr = core.ifaceCounters(d.iface);
  if (d.srcPort === RIP_PORT && core.isOwnAddress(d.src)) {
    // Our own multicast heard back (RFC 2453 3.9.2: "such datagrams must be ignored"). A query
    // from another port of this node (rtquery run on the router itself) is answered.
    core.count("own-message");
    return false;
  }
  // A neighbour is a sender on the subnet of the interface the message came in on.
  const onLink = iface?.isLink && iface.up && sameSubnet(iface, d.src);
  const nb = onLink ? core.neighbour(d.src, iface) : undefined;
  if (nb !== undefined) nb.lastHeard = core.host.now();
  const bad = (what: Parameters<RipCore["count"]>[0]): false => {
    ctr.rxBadPackets++;
    core.count(what, nb);
    return false;
  };

  // Whole-message checks in BIRD's order, each with its own counted reason; the codec then
  // parses what passed (and would refuse anything still malformed).
  const p = d.payload;
  const body = p.length - RIP_HEADER_LEN;
  if (body < RIP_ENTRY_LEN || body % RIP_ENTRY_LEN !== 0 || body / RIP_ENTRY_LEN > RIP_MAX_ENTRIES)
    return bad("malformed");
  // A version 2 router takes version 2 only (RFC 2453 5.1, "RIP-2 only"); a version 1 router
  // takes both, as routed does unless told `-P ripv2` (parms.c).
  if (p[1] !== 2 && !(p[1] === 1 && core.settings.version === 1)) return bad("version");
  if (p[0] !== RIP_REQUEST && p[0] !== RIP_RESPONSE) return bad("command");
  if (p[4] === 0xff && p[5] === 0xff) return bad("auth");
  // Checked in place; entries are read from the bytes, never copied into objects.
  const n = checkRip(p);
  if (typeof n !== "number") return bad("malformed");
  // RFC 2453 5: a RIP-2 message is not discarded because its unused field is set; noted only.
  if (p[2] !== 0 || p[3] !== 0) core.count("reserved-nonzero", nb);

  if (p[0] === RIP_REQUEST) {
    ctr.rxRequests++;
    const msg = parseRip(p); // requests are rare: objects are fine here
    if (isWireError(msg)) return bad("malformed");
    answerRequest(core, msg, d, iface);
    return true;
  }

  ctr.rxResponses++;
  if (d.srcPort !== RIP_PORT) return bad("bad-port");
  if (iface === undefined || !iface.isLink || !iface.up) return bad("iface-down");
  if (nb === undefined) return bad("not-neighbour");
  processResponse(core, p, n, d.src, iface, nb, ctr);
  return true;
}

/**
 * The `n` entries of the response in `p`, read in place, each checked and learned.
 *
 * Most entries of a regular update change nothing (issue 22): the neighbour lists its table in
 * prefix order, as ours is kept, and an entry names the route at the table's hint — the route
 * we last learned through this neighbour, refreshed at the same metric, or one we have through
 * another router at a lower metric. Such an entry is told apart from the route's columns alone,
 * and only its timeout is written (or nothing): exactly what `learnEntry` and RFC 2453 3.9.2's
 * route selection would do with it, without the entry checks (the prefix equals a route's the
 * daemon validated when it learned it), the lookup and the calls — 93–94 % of the entries the
 * bench's random-100, grid-10x10 and tree-3-5 runs receive in 600 s. Anything else —
 * another prefix, a connected route, a next hop or tag or metric that differs, an equal metric
 * from another router whose route may be replaced — takes the full path.
 */
function processResponse(
  core: RipCore,
  p: Uint8Array,
  n: number,
  from: number,
  iface: HostInterface,
  nb: RipNeighbour,
  ctr: RipIfaceCounters,
): void {
  const t = core.routeTable;
  // The timeout a refresh sets (RFC 2453 3.9.2): the same for every entry of the message.
  const now = core.host.now();
  const timeout = core.settings.timeout;
  const until = now + timeout;
  const ifIndex = iface.index;
  // The entry's words read whole, big-endian (the rte* accessors read them byte by byte).
  const w = new DataView(p.buffer, p.byteOffset, p.length);
  for (let i = 0, o = ripEntryOffset(0, 0); i < n; i++, o += RIP_ENTRY_LEN) {
    const s = t.slotAtHint();
    const c = t.cols; // (replaced when the table grows: read again for each entry)
    const f = w.getUint32(o + 16);
    if (
      s >= 0 &&
      c.connected[s] === 0 &&
      f >= 1 &&
      f <= RIP_INFINITY &&
      w.getUint16(o) === AF_INET &&
      w.getInt32(o + 12) === 0 &&
      w.getUint32(o + 4) === c.dest[s] &&
      maskLenOf(w.getInt32(o + 8)) === c.len[s]
    ) {
      const metric = f < RIP_INFINITY ? f + 1 : RIP_INFINITY;
      const current = c.metric[s]!;
      if (c.from[s] === from) {
        // From the router the route came from: a refresh when nothing else differs.
        if (
          current < RIP_INFINITY &&
          metric === current &&
          c.nextHop[s] === from &&
          c.iface[s] === ifIndex &&
          c.tag[s] === rteTag(p, o)
        ) {
          c.expires[s] = until;
          t.passHint();
          continue;
        }
      } else if (
        metric > current ||
        (metric >= RIP_INFINITY && current >= RIP_INFINITY) ||
        // An equal metric from another router while ours was heard less than half its timeout
        // ago: ours is kept (database.ts learn, the same expression).
        (metric === current && now - (c.expires[s]! - timeout) < timeout / 2)
      ) {
        t.passHint(); // worse news from another router, or no better: nothing to do
        continue;
      }
    }
    learnEntry(core, p, o, from, iface, nb, ctr);
  }
}

/** One entry of a response at `o`, checked (each refusal counted) and learned. */
function learnEntry(
  core: RipCore,
  p: Uint8Array,
  o: number,
  from: number,
  iface: HostInterface,
  nb: RipNeighbour,
  ctr: RipIfaceCounters,
): void {
  const addr = rteAddr(p, o);
  const maskLen = rteMaskLen(p, o);
  const entryNextHop = rteNextHop(p, o);
  const why = checkFields(rteAfi(p, o), addr, maskLen, rteMetric(p, o), iface);
  if (typeof why === "string") {
    ctr.rxBadRoutes++;
    core.count(why, nb);
    return;
  }
  // An entry without a mask (RIP-1, or RIP-2 leaving it out): its mask inferred as RIP-1
  // would (RFC 2453 3.7, 4.3), by checkFields; noted for RIP-2 only.
  if (maskLen === 0 && addr !== 0 && p[1] !== 1) core.count("classful-mask", nb);
  const len = why;
  let nextHop = from;
  if (entryNextHop !== 0) {
    // RFC 2453 4.4: honoured only when directly reachable on the subnet it came over.
    if (sameSubnet(iface, entryNextHop) && !core.isOwnAddress(entryNextHop)) nextHop = entryNextHop;
    else core.count("nexthop-ignored", nb);
  }
  const metric = Math.min(rteMetric(p, o) + 1, RIP_INFINITY);
  core.learn(addr, len, metric, from, nextHop, iface.index, rteTag(p, o));
}

/**
 * RFC 2453 3.9.2 entry checks on the fields of an entry read in place. Returns the prefix
 * length of a valid entry, or why it is bad. A zero mask with a non-zero address gets its
 * natural length; a mask-less entry's length is inferred as routed does, from the interface
 * `iface` it came in on (see ripv1.ts).
 */
function checkFields(
  afi: number,
  a: number,
  maskLen: number,
  metric: number,
  iface?: HostInterface,
): number | RipEntryDrop {
  if (afi !== AF_INET) return "bad-afi";
  if (metric < 1 || metric > RIP_INFINITY) return "bad-metric";
  let len = maskLen;
  if (len < 0) return "bad-mask";
  if (len === 0 && a !== 0) len = inferredLen(a, iface);
  // Host bits set: the address shifted past its prefix is not zero (a /32 has none).
  if (len < 32 && a << len !== 0) return "bad-address";
  const first = a >>> 24;
  if (first === 127 || (first === 0 && !(a === 0 && len === 0)) || a >>> 28 >= 0xe) return "bad-address";
  return len;
}

/**
 * The prefix length of the entry's mask at `o` (lenOfMask of rteMask), or -1 when the mask has
 * holes. The mask is read as a signed 32-bit word: a /24's 0xffffff00 is then -256, a small
 * integer, where the unsigned value is a boxed number (a heap allocation in code V8 has not
 * optimized, or when passed to a call it has not inlined) — once for every entry received.
 */
function rteMaskLen(p: Uint8Array, o: number): number {
  return maskLenOf((p[o + 8]! << 24) | (p[o + 9]! << 16) | (p[o + 10]! << 8) | p[o + 11]!);
}

/** The prefix length of a mask read as a signed word, or -1 when it has holes. */
function maskLenOf(mask: number): number {
  const inv = ~mask;
  if ((inv & (inv + 1)) !== 0) return -1;
  return Math.clz32(inv);
}

function sameSubnet(i: HostInterface, a: number): boolean {
  const m = maskOf(i.len);
  return (a & m) >>> 0 === (i.addr & m) >>> 0 && a !== i.addr;
}

// ---- requests -----------------------------------------------------------------------------------

/**
 * RFC 2453 3.9.1. One entry of AFI 0 and metric 16: the whole table to the requester's address
 * and port — with split horizon for the interface it came in on when a router asks (from port
 * 520); a query from another port (rtquery) gets the table as it is, with each route's next
 * hop, as routed does ("do not send a route back to where it came from, except in response to
 * a query", output.c). Otherwise each entry is filled with our metric (16 when unknown) and the
 * message returned as a response, without split horizon.
 */
function answerRequest(core: RipCore, msg: RipRepr, d: Datagram, iface: HostInterface | undefined): void {
  // (A request without entries gets no response, RFC 2453 3.9.1; the codec refuses it as malformed.)
  const opts = replyOptions(d, iface);
  // Answered in the version asked in (routed input.c: the answer buffer takes the request's).
  const version = msg.version === 1 ? 1 : 2;
  if (isWholeTableRequest(msg)) {
    const out = iface?.isLink ? iface : undefined;
    if (d.srcPort !== RIP_PORT)
      sendEntries(core, queryEntries(core, version), d.src, d.srcPort, opts, d.iface, "answer", version);
    else if (version === 1) sendV1Routes(core, out, false, d.src, d.srcPort, opts, d.iface, "answer");
    else sendRoutes(core, core.routeTable.orderedSlots(), out, d.src, d.srcPort, opts, d.iface, "answer");
    return;
  }
  const filled: RipEntry[] = msg.entries.map((e) => {
    const len =
      e.afi !== AF_INET ? -1 : e.mask === 0 && e.addr !== 0 ? inferredLen(e.addr, iface) : lenOfMask(e.mask);
    const r = len >= 0 ? core.route(e.addr, len) : undefined;
    return { ...e, metric: r === undefined ? RIP_INFINITY : r.metric };
  });
  sendMessage(
    core,
    { command: RIP_RESPONSE, version, entries: filled },
    d.src,
    d.srcPort,
    opts,
    d.iface,
    "answer",
  );
}

/** The whole table as it is, next hops included (version 1: addresses and metrics only): the answer to a diagnostic query. */
function queryEntries(core: RipCore, version: 1 | 2): RipEntry[] {
  return core.sortedRoutes().map((r) => ({
    afi: AF_INET,
    tag: version === 1 ? 0 : r.tag,
    addr: r.dest,
    mask: version === 1 ? 0 : maskOf(r.len),
    nextHop: r.connected || version === 1 ? 0 : r.nextHop,
    metric: r.metric,
  }));
}

/**
 * How to send an answer: to a neighbour's RIP port on its own link, out of that interface with
 * TTL 1 like every RIP message; to anyone else (rtquery from a distant host, or from this
 * node itself) through the routing table with an ordinary TTL, or it would die on the way.
 */
function replyOptions(d: Datagram, iface: HostInterface | undefined): SendOptions {
  if (iface?.isLink && iface.up && sameSubnet(iface, d.src))
    return { iface: iface.index, ttl: 1, tos: TOS_INTERNETCONTROL, user: "rip", cls: "rip" };
  return { tos: TOS_INTERNETCONTROL, user: "rip", cls: "rip" };
}

// ---- sending -----------------------------------------------------------------------------------

/**
 * Whole-table request on an interface (start-up, interface up): version 2 multicast to
 * 224.0.0.9, version 1 broadcast to the subnet (routed output.c rip_query).
 */
export function sendRequest(core: RipCore, iface: HostInterface): void {
  const v1 = core.settings.version === 1;
  sendMessage(
    core,
    v1 ? { ...wholeTableRequest(), version: 1 } : wholeTableRequest(),
    v1 ? broadcastOf(iface) : RIP_GROUP,
    RIP_PORT,
    multicastOptions(iface),
    iface.index,
    "request",
  );
}

/**
 * A regular or triggered update on one interface, from and to port 520: version 2 multicast to
 * 224.0.0.9, version 1 broadcast to the subnet (RFC 1058 3.1, routed output.c rip_bcast). A
 * triggered update lists only the routes whose change flag is set (RFC 2453 3.10.1).
 */
export function sendTable(core: RipCore, iface: HostInterface, kind: "update" | "triggered"): void {
  if (core.settings.version === 1) {
    const to = broadcastOf(iface);
    sendV1Routes(core, iface, kind === "triggered", to, RIP_PORT, multicastOptions(iface), iface.index, kind);
    return;
  }
  const t = core.routeTable;
  const slots = kind === "triggered" ? t.changedSlots() : t.orderedSlots();
  sendRoutes(core, slots, iface, RIP_GROUP, RIP_PORT, multicastOptions(iface), iface.index, kind);
}

/**
 * A regular or triggered update out of every up link interface of `ifaces`, in their order:
 * the messages of each interface are those `sendTable` makes, but the entries are encoded once
 * for all interfaces. With poisoned reverse (the default) or no split horizon, an interface's
 * messages list every route of the update in the same order and differ only in the metric of
 * the routes learned on that interface, so each message is a copy of its entries made once,
 * with those metrics set to 16: a router with three interfaces encoded every route of every
 * regular update three times (a sixth of a random-100 run's steady state, issue 22). Simple
 * split horizon leaves routes out, which changes the layout per interface: encoded per
 * interface, as `sendTable` does; so is an update out of one interface, and version 1.
 */
export function sendUpdate(
  core: RipCore,
  ifaces: readonly HostInterface[],
  kind: "update" | "triggered",
): void {
  let up = 0;
  for (const i of ifaces) if (i.isLink && i.up) up++;
  const mode = core.settings.splitHorizon;
  if (core.settings.version === 1 || mode === "simple" || up < 2) {
    for (const i of ifaces) if (i.isLink && i.up) sendTable(core, i, kind);
    return;
  }
  const t = core.routeTable;
  const slots = kind === "triggered" ? t.changedSlots() : t.orderedSlots();
  const n = slots.length;
  if (n === 0) return;
  const messages = encodeOnce(t.cols, slots);
  for (const i of ifaces)
    if (i.isLink && i.up) sendCopies(core, slots, messages, i, mode === "poisoned", kind);
}

/** Where `encodeOnce` writes: one buffer for every update (each is copied from before another is encoded). */
let encoded = new Uint8Array(0);
/** `encoded` as words (made with it). */
let encodedWords = new DataView(encoded.buffer);

/**
 * The entries of the routes in `slots`, each with its metric in the table, in messages of at
 * most 25: a view per message of one shared buffer, valid until the next call. Each entry is
 * written as six big-endian words (emitRipEntry's bytes, in 6 stores instead of 20).
 */
function encodeOnce(c: RouteColumns, slots: Int32Array): Uint8Array[] {
  const n = slots.length;
  if (encoded.length < n * RIP_ENTRY_LEN) {
    encoded = new Uint8Array(Math.max(n, (2 * encoded.length) / RIP_ENTRY_LEN) * RIP_ENTRY_LEN);
    encodedWords = new DataView(encoded.buffer);
  }
  const b = encoded;
  const w = encodedWords;
  for (let k = 0, o = 0; k < n; k++, o += RIP_ENTRY_LEN) {
    const slot = slots[k]!;
    const len = c.len[slot]!;
    w.setUint16(o, AF_INET);
    w.setUint16(o + 2, c.tag[slot]!);
    w.setUint32(o + 4, c.dest[slot]!);
    w.setInt32(o + 8, len === 0 ? 0 : -1 << (32 - len)); // the mask (maskOf) as a signed word
    w.setUint32(o + 12, 0);
    w.setUint32(o + 16, c.metric[slot]!);
  }
  const messages: Uint8Array[] = [];
  for (let i = 0; i < n; i += RIP_MAX_ENTRIES)
    messages.push(b.subarray(i * RIP_ENTRY_LEN, Math.min(n, i + RIP_MAX_ENTRIES) * RIP_ENTRY_LEN));
  return messages;
}

/**
 * The messages of an update out of `out`, copied from `messages` (encodeOnce of `slots`): with
 * `poison`, the routes learned on `out` go with metric 16 (advertisedMetric), written into the
 * metric's low byte (the others are 0: a metric is at most 16).
 */
function sendCopies(
  core: RipCore,
  slots: Int32Array,
  messages: readonly Uint8Array[],
  out: HostInterface,
  poison: boolean,
  kind: UpdateKind,
): void {
  const c = core.routeTable.cols;
  const opts = multicastOptions(out);
  const burst = core.outbox.newBurst();
  const index = out.index;
  for (let m = 0, first = 0; m < messages.length; m++, first += RIP_MAX_ENTRIES) {
    const entries = messages[m]!;
    const b = allocUdpPayload(RIP_HEADER_LEN + entries.length);
    b.set(entries, RIP_HEADER_LEN);
    if (poison) {
      // The metric's low byte of each entry: the last of its 20.
      const end = first + entries.length / RIP_ENTRY_LEN;
      for (let j = first, o = RIP_HEADER_LEN + RIP_ENTRY_LEN - 1; j < end; j++, o += RIP_ENTRY_LEN) {
        const slot = slots[j]!;
        if (c.connected[slot] === 0 && c.iface[slot] === index) b[o] = RIP_INFINITY;
      }
    }
    emitRipHeader(b, 0, RIP_RESPONSE, 2);
    if (!core.outbox.send(b, RIP_GROUP, RIP_PORT, opts, index, kind, burst)) return;
  }
}

function multicastOptions(iface: HostInterface): SendOptions {
  let o = MULTICAST_OPTIONS[iface.index];
  if (o === undefined) {
    o = Object.freeze({ iface: iface.index, ttl: 1, tos: TOS_INTERNETCONTROL, user: "rip", cls: "rip" });
    MULTICAST_OPTIONS[iface.index] = o;
  }
  return o;
}

/** The options of an update out of each interface index: the same every time, so made once. */
const MULTICAST_OPTIONS: SendOptions[] = [];

/**
 * The metric to advertise `r` with on interface `out` (undefined: no split horizon, e.g. to a
 * query that did not come over a link), or -1 when it is left out. Split horizon (RFC 2453
 * 3.4.3) applies to routes learned on `out`: left out (simple), sent with metric 16
 * (poisoned), or sent as they are (off). Our connected networks are always advertised, on
 * their own interface too (as routed does).
 */
function advertisedMetric(
  c: RouteColumns,
  slot: number,
  out: HostInterface | undefined,
  mode: string,
): number {
  if (out !== undefined && c.connected[slot] === 0 && c.iface[slot] === out.index && mode !== "off")
    return mode === "simple" ? -1 : RIP_INFINITY;
  return c.metric[slot]!;
}

/**
 * Sends the routes in `slots` as advertised on `out` in responses of at most 25 entries, each
 * encoded straight from the table's columns into its payload: a message allocates its bytes
 * and nothing else. Nothing is sent when no route is advertised.
 */
function sendRoutes(
  core: RipCore,
  slots: Int32Array,
  out: HostInterface | undefined,
  dst: number,
  port: number,
  opts: SendOptions,
  ifIndex: number,
  kind: UpdateKind,
): void {
  const mode = core.settings.splitHorizon;
  const c = core.routeTable.cols;
  const n = slots.length;
  const burst = core.outbox.newBurst();
  let i = 0;
  while (i < n) {
    // Up to 25 advertised routes a message, in one pass: room for as many as could come, cut
    // to what came when split horizon left some out (only the last message can be short).
    const room = Math.min(RIP_MAX_ENTRIES, n - i);
    const b = allocUdpPayload(RIP_HEADER_LEN + room * RIP_ENTRY_LEN);
    let k = 0;
    for (; i < n && k < room; i++) {
      const slot = slots[i]!;
      const metric = advertisedMetric(c, slot, out, mode);
      if (metric < 0) continue;
      emitRipEntry(
        b,
        ripEntryOffset(0, k++),
        AF_INET,
        c.tag[slot]!,
        c.dest[slot]!,
        maskOf(c.len[slot]!),
        0,
        metric,
      );
    }
    if (k === 0) return;
    emitRipHeader(b, 0, RIP_RESPONSE, 2);
    const payload = k < room ? b.subarray(0, RIP_HEADER_LEN + k * RIP_ENTRY_LEN) : b;
    if (!core.outbox.send(payload, dst, port, opts, ifIndex, kind, burst)) return;
  }
}

/**
 * A version 1 update or answer out of `out` (see ripv1.ts): addresses and metrics, no mask,
 * tag or next hop; subnets of other natural networks folded into those networks. Built as
 * objects: version 1 is for small classroom networks, not the hot path.
 */
function sendV1Routes(
  core: RipCore,
  out: HostInterface | undefined,
  onlyChanged: boolean,
  dst: number,
  port: number,
  opts: SendOptions,
  ifIndex: number,
  kind: UpdateKind,
): void {
  const t = core.routeTable;
  const c = t.cols;
  const mode = core.settings.splitHorizon;
  const changed = onlyChanged ? new Set(t.changedSlots()) : null;
  const routes = Array.from(t.orderedSlots(), (slot) => ({
    dest: c.dest[slot]!,
    len: c.len[slot]!,
    metric: advertisedMetric(c, slot, out, mode),
    wanted: changed === null || changed.has(slot),
  }));
  const list =
    out === undefined
      ? routes.filter((r) => r.metric >= 0).map((r) => ({ addr: r.dest, metric: r.metric }))
      : v1Entries(routes, out);
  const entries = list.map((e) => ({
    afi: AF_INET,
    tag: 0,
    addr: e.addr,
    mask: 0,
    nextHop: 0,
    metric: e.metric,
  }));
  sendEntries(core, entries, dst, port, opts, ifIndex, kind, 1);
}

/** Sends `list` as responses of at most 25 entries each. Nothing is sent for an empty list. */
function sendEntries(
  core: RipCore,
  list: RipEntry[],
  dst: number,
  port: number,
  opts: SendOptions,
  ifIndex: number,
  kind: UpdateKind,
  version: 1 | 2 = 2,
): void {
  const burst = core.outbox.newBurst();
  for (let i = 0; i < list.length; i += RIP_MAX_ENTRIES) {
    const msg: RipRepr = { command: RIP_RESPONSE, version, entries: list.slice(i, i + RIP_MAX_ENTRIES) };
    if (!core.outbox.send(emitRip(msg), dst, port, opts, ifIndex, kind, burst)) return;
  }
}

/** One message on its own (a request, an answer to a request for some routes). */
function sendMessage(
  core: RipCore,
  msg: RipRepr,
  dst: number,
  port: number,
  opts: SendOptions,
  ifIndex: number,
  kind: OutKind,
): void {
  core.outbox.send(emitRip(msg), dst, port, opts, ifIndex, kind, core.outbox.newBurst());
}

/**
 * Hands one message to the node, now: the outbox's `SendNow` (outbox.ts decides when). Counted
 * on the interface: sent by kind, or refused.
 */
export function transmit(
  core: RipCore,
  payload: Uint8Array,
  dst: number,
  port: number,
  opts: SendOptions,
  ifIndex: number,
  kind: OutKind,
): boolean {
  const ctr = core.ifaceCounters(ifIndex);
  const res = core.host.sendUdp(dst, RIP_PORT, port, payload, opts);
  if (!res.ok) {
    ctr.txErrors++;
    return false;
  }
  if (kind === "update") ctr.txUpdates++;
  else if (kind === "triggered") ctr.txTriggered++;
  else if (kind === "answer") ctr.txAnswers++;
  else ctr.txRequests++;
  return true;
}

/** For messages and tests: `10.0.30.0/24 metric 2`. */
export function describeEntry(e: RipEntry): string {
  const len = lenOfMask(e.mask);
  return `${formatIpv4(e.addr)}/${len < 0 ? "?" : len} metric ${e.metric}`;
}
