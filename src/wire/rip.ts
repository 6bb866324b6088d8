/**
 * @module wire/rip
 * RIP messages (RFC 2453 §3.6 and §4; layout in protocols.md §1): a 4-byte header (command,
 * version, a 2-byte field that is "must be zero" in RIP-1 and "unused" in RIP-2) and 1…25 route
 * entries (RTEs) of 20 bytes: AFI, route tag, address, mask, next hop, metric.
 *
 * Validation is split the way BIRD splits it. `parseRip` checks the message as a whole and
 * refuses it with a reason (BIRD's DROP): wrong length, unknown command, version 0, an
 * authentication entry, RIP-1 must-be-zero fields that are not zero. Route entries of a Response
 * are checked one by one by the daemon (proto/rip/packets.ts, BIRD's SKIP): it ignores bad
 * entries and keeps the rest (RFC 2453 §3.9.2: "If any check fails, ignore that entry and
 * proceed to the next").
 *
 * Versions above 2 are accepted and must-be-zero fields ignored for them, as RFC 1058 §3.4 asks
 * of a receiver ("future versions … may use these fields"); the daemon decides which versions it
 * takes. RIP-1 messages use the same RTE layout with tag, mask and next hop zero.
 */
import { allocBytes, get16, put16 } from "./bytes.js";
import { WireError } from "./error.js";

export const RIP_PORT = 520;
/** 224.0.0.9, where RIPv2 updates go (RFC 2453 §4.5; routed.h INADDR_RIP_GROUP). */
export const RIP_GROUP = 0xe0000009;
export const RIP_MAX_ENTRIES = 25;
export const RIP_INFINITY = 16;
export const RIP_REQUEST = 1;
export const RIP_RESPONSE = 2;
export const RIP_HEADER_LEN = 4;
export const RIP_ENTRY_LEN = 20;
/** AF_INET in an RTE. */
export const RIP_AFI_INET = 2;
/** AFI of an authentication entry (RFC 2453 §4.1). */
export const RIP_AFI_AUTH = 0xffff;

/** One route entry as carried on the wire (addresses and mask as unsigned numbers). */
export interface RipEntry {
  afi: number;
  tag: number;
  addr: number;
  mask: number;
  nextHop: number;
  metric: number;
}

/** A RIP message. `reserved` is the header's 2-byte zero/unused field (0 when left out). */
export interface RipRepr {
  command: number;
  version: number;
  entries: RipEntry[];
  reserved?: number;
}

/** Byte length of the message a Repr describes. */
export function ripLen(r: RipRepr): number {
  return RIP_HEADER_LEN + RIP_ENTRY_LEN * r.entries.length;
}

/**
 * Checks the message in `b[off, off+len)` as a whole (length, command, version, no
 * authentication, RIP-1 must-be-zero fields) without allocating, and returns its number of
 * entries, to be read in place with the `rte*` accessors at `ripEntryOffset(off, i)`. This is
 * what a daemon uses on every received message; `parseRip` builds objects on top of it.
 */
export function checkRip(b: Uint8Array, off = 0, len = b.length - off): number | WireError {
  if (off < 0 || len < 0 || off + len > b.length) return new WireError("RIP message beyond buffer");
  if (len < RIP_HEADER_LEN + RIP_ENTRY_LEN) return new WireError(`RIP message too short (${len} bytes)`);
  const body = len - RIP_HEADER_LEN;
  if (body % RIP_ENTRY_LEN !== 0) return new WireError(`RIP length ${len} is not 4 + 20n`);
  const n = body / RIP_ENTRY_LEN;
  if (n > RIP_MAX_ENTRIES) return new WireError(`RIP message with ${n} entries (max 25)`);
  const command = b[off]!;
  const version = b[off + 1]!;
  if (command !== RIP_REQUEST && command !== RIP_RESPONSE)
    return new WireError(`unknown RIP command ${command}`);
  if (version === 0) return new WireError("RIP version 0");
  if (get16(b, off + RIP_HEADER_LEN) === RIP_AFI_AUTH) return new WireError("authentication unsupported");
  if (version === 1) {
    // RFC 1058 §3.4: a RIP-1 message with a non-zero must-be-zero field is ignored entirely.
    if (get16(b, off + 2) !== 0) return new WireError("RIPv1 must-be-zero field set");
    for (let i = 0; i < n; i++) {
      const o = ripEntryOffset(off, i);
      if (rteTag(b, o) !== 0 || rteMask(b, o) !== 0 || rteNextHop(b, o) !== 0)
        return new WireError("RIPv1 must-be-zero field set");
    }
  }
  return n;
}

/** Byte offset of entry `i` of the message at `off`. */
export function ripEntryOffset(off: number, i: number): number {
  return off + RIP_HEADER_LEN + i * RIP_ENTRY_LEN;
}

// In-place reads of the entry at byte offset `o` (see ripEntryOffset): no object per entry.
// The bytes are read here rather than through get16/get32: every entry of every message goes
// through these, and until V8 has optimized them (the first simulated minute of a run, when a
// network converges) each call level costs as much as the reads.
export const rteAfi = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
export const rteTag = (b: Uint8Array, o: number): number => (b[o + 2]! << 8) | b[o + 3]!;
export const rteAddr = (b: Uint8Array, o: number): number =>
  ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
export const rteMask = (b: Uint8Array, o: number): number =>
  ((b[o + 8]! << 24) | (b[o + 9]! << 16) | (b[o + 10]! << 8) | b[o + 11]!) >>> 0;
export const rteNextHop = (b: Uint8Array, o: number): number =>
  ((b[o + 12]! << 24) | (b[o + 13]! << 16) | (b[o + 14]! << 8) | b[o + 15]!) >>> 0;
export const rteMetric = (b: Uint8Array, o: number): number =>
  ((b[o + 16]! << 24) | (b[o + 17]! << 16) | (b[o + 18]! << 8) | b[o + 19]!) >>> 0;

/**
 * Parses the message in `b[off, off+len)` (the UDP payload). Checks the message as a whole;
 * entries are returned as they are, for the daemon to check one by one.
 */
export function parseRip(b: Uint8Array, off = 0, len = b.length - off): RipRepr | WireError {
  const n = checkRip(b, off, len);
  if (typeof n !== "number") return n;
  const entries: RipEntry[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const o = ripEntryOffset(off, i);
    entries[i] = {
      afi: rteAfi(b, o),
      tag: rteTag(b, o),
      addr: rteAddr(b, o),
      mask: rteMask(b, o),
      nextHop: rteNextHop(b, o),
      metric: rteMetric(b, o),
    };
  }
  return { command: b[off]!, version: b[off + 1]!, entries, reserved: get16(b, off + 2) };
}

/** Writes a message header (command, version, the 2-byte zero/unused field) at `b[off]`. */
export function emitRipHeader(
  b: Uint8Array,
  off: number,
  command: number,
  version: number,
  reserved = 0,
): void {
  b[off] = command & 0xff;
  b[off + 1] = version & 0xff;
  put16(b, off + 2, reserved);
}

/** Writes one route entry at byte offset `o` (see ripEntryOffset), straight from its fields. */
export function emitRipEntry(
  b: Uint8Array,
  o: number,
  afi: number,
  tag: number,
  addr: number,
  mask: number,
  nextHop: number,
  metric: number,
): void {
  // Byte by byte here, as the reads above: every route of every update is written by this.
  // (A Uint8Array store keeps the low 8 bits.)
  b[o] = afi >>> 8;
  b[o + 1] = afi;
  b[o + 2] = tag >>> 8;
  b[o + 3] = tag;
  b[o + 4] = addr >>> 24;
  b[o + 5] = addr >>> 16;
  b[o + 6] = addr >>> 8;
  b[o + 7] = addr;
  b[o + 8] = mask >>> 24;
  b[o + 9] = mask >>> 16;
  b[o + 10] = mask >>> 8;
  b[o + 11] = mask;
  b[o + 12] = nextHop >>> 24;
  b[o + 13] = nextHop >>> 16;
  b[o + 14] = nextHop >>> 8;
  b[o + 15] = nextHop;
  b[o + 16] = metric >>> 24;
  b[o + 17] = metric >>> 16;
  b[o + 18] = metric >>> 8;
  b[o + 19] = metric;
}

/**
 * Writes the message at `b[off]` and returns `b`. Without `b`, allocates a buffer of exactly
 * `ripLen(r)` bytes. The must-be-zero field is written from `reserved` (default 0).
 */
export function emitRip(r: RipRepr, b: Uint8Array = allocBytes(ripLen(r)), off = 0): Uint8Array {
  emitRipHeader(b, off, r.command, r.version, r.reserved ?? 0);
  let o = off + RIP_HEADER_LEN;
  for (const e of r.entries) {
    emitRipEntry(b, o, e.afi, e.tag, e.addr, e.mask, e.nextHop, e.metric);
    o += RIP_ENTRY_LEN;
  }
  return b;
}

/** The whole-table request (RFC 2453 §3.9.1): one entry, AFI 0, metric 16. */
export function wholeTableRequest(): RipRepr {
  return {
    command: RIP_REQUEST,
    version: 2,
    entries: [{ afi: 0, tag: 0, addr: 0, mask: 0, nextHop: 0, metric: RIP_INFINITY }],
  };
}

/** Whether a Request asks for the whole table (exactly one entry, AFI 0, metric 16). */
export function isWholeTableRequest(r: RipRepr): boolean {
  return (
    r.command === RIP_REQUEST &&
    r.entries.length === 1 &&
    r.entries[0]!.afi === 0 &&
    r.entries[0]!.metric === RIP_INFINITY
  );
}
