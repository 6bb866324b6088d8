/**
 * @module wire/ospf-lsa
 * OSPFv2 link state advertisements (RFC 2328 Appendix A.4): the 20-byte LSA header (A.4.1), the
 * Router-LSA (A.4.2) and the Network-LSA (A.4.3); other LS types are carried as opaque bodies.
 * The LS checksum is the Fletcher checksum of RFC 905 Annex B over the LSA without its LS age
 * (RFC 2328 §12.1.7), computed the way FRR's lib/checksum.c `fletcher_checksum` does it
 * (ospfd/ospf_lsa.c `ospf_lsa_checksum`: buffer + 2, length - 2, checksum at offset 14).
 *
 * Parsing is structural: a bad LS checksum does not make the LSA unparsable, because RFC 2328
 * §13 (1) has the receiver discard that one LSA of an LS Update and go on with the next; the
 * daemon asks `lsaChecksumOk`. `emitLsa` always writes the checksum it computes.
 */
import { allocBytes, get16, get32, put16, put32 } from "./bytes.js";
import { WireError } from "./error.js";

export const LSA_HEADER_LEN = 20;
/** LS types (RFC 2328 A.4.1). */
export const LSA_ROUTER = 1;
export const LSA_NETWORK = 2;
export const LSA_SUMMARY_NET = 3;
export const LSA_SUMMARY_ASBR = 4;
export const LSA_AS_EXTERNAL = 5;
/** MaxAge, s (RFC 2328 Appendix B). */
export const LSA_MAX_AGE = 3600;
/** InitialSequenceNumber (RFC 2328 §12.1.6), as the signed 32-bit value it is. */
export const LSA_INITIAL_SEQ = -0x7fffffff;
/** Router-LSA link types (RFC 2328 A.4.2). */
export const LINK_P2P = 1;
export const LINK_TRANSIT = 2;
export const LINK_STUB = 3;
export const LINK_VIRTUAL = 4;
/** Router-LSA flag bits: V (virtual link endpoint), E (ASBR), B (area border router). */
export const ROUTER_V = 0x04;
export const ROUTER_E = 0x02;
export const ROUTER_B = 0x01;
/** Offset of the LS checksum within the LSA header. */
const LSA_CHECKSUM_AT = 16;
const ROUTER_LINK_LEN = 12;
const TOS_LEN = 4;

/** The LSA header (A.4.1). `seq` is the signed 32-bit LS sequence number. */
export interface LsaHeader {
  age: number;
  options: number;
  type: number;
  id: number;
  advRouter: number;
  seq: number;
  checksum: number;
  length: number;
}

/** A TOS-specific metric of a router link (RFC 2328 keeps them for compatibility; FRR sends none). */
export interface TosMetric {
  tos: number;
  metric: number;
}

/** One link of a Router-LSA: type 1 point-to-point, 2 transit, 3 stub, 4 virtual. */
export interface RouterLink {
  id: number;
  data: number;
  type: number;
  metric: number;
  tos: TosMetric[];
}

export type LsaBody =
  | { kind: "router"; flags: number; links: RouterLink[] }
  | { kind: "network"; mask: number; routers: number[] }
  | { kind: "opaque"; bytes: Uint8Array };

/** A whole LSA. On emit `header.length` and `header.checksum` are computed, not read. */
export interface Lsa {
  header: LsaHeader;
  body: LsaBody;
}

/**
 * The Fletcher checksum of RFC 905 Annex B over `b[off, off+len)` with the two checksum bytes
 * at `off + at` taken as zero; returns the 16-bit value to store there (FRR lib/checksum.c).
 */
export function fletcherChecksum(b: Uint8Array, off: number, len: number, at: number): number {
  let c0 = 0;
  let c1 = 0;
  for (let i = 0; i < len; i++) {
    const v = i === at || i === at + 1 ? 0 : b[off + i]!;
    c0 += v;
    c1 += c0;
    if ((i & 0xfff) === 0xfff) {
      c0 %= 255;
      c1 %= 255;
    }
  }
  c0 %= 255;
  c1 %= 255;
  let x = ((len - at - 1) * c0 - c1) % 255;
  if (x <= 0) x += 255;
  let y = 510 - c0 - x;
  if (y > 255) y -= 255;
  return ((x & 0xff) << 8) | (y & 0xff);
}

/** Whether the LS checksum of the LSA at `b[off]` (its length from its header) is right. */
export function lsaChecksumOk(b: Uint8Array, off = 0): boolean {
  if (off < 0 || off + LSA_HEADER_LEN > b.length) return false;
  const len = get16(b, off + 18);
  if (len < LSA_HEADER_LEN || off + len > b.length) return false;
  let c0 = 0;
  let c1 = 0;
  for (let i = off + 2; i < off + len; i++) {
    c0 = (c0 + b[i]!) % 255;
    c1 = (c1 + c0) % 255;
  }
  return c0 === 0 && c1 === 0 && get16(b, off + LSA_CHECKSUM_AT) !== 0;
}

/** Reads the LSA header at `b[o]` (the caller has checked that 20 bytes are there). */
export function readLsaHeader(b: Uint8Array, o: number): LsaHeader {
  return {
    age: get16(b, o),
    options: b[o + 2]!,
    type: b[o + 3]!,
    id: get32(b, o + 4),
    advRouter: get32(b, o + 8),
    seq: get32(b, o + 12) | 0,
    checksum: get16(b, o + 16),
    length: get16(b, o + 18),
  };
}

/** Writes the LSA header at `b[o]` as given (DD and LS Ack packets carry headers verbatim). */
export function writeLsaHeader(b: Uint8Array, o: number, h: LsaHeader): void {
  put16(b, o, h.age);
  b[o + 2] = h.options & 0xff;
  b[o + 3] = h.type & 0xff;
  put32(b, o + 4, h.id);
  put32(b, o + 8, h.advRouter);
  put32(b, o + 12, h.seq);
  put16(b, o + 16, h.checksum);
  put16(b, o + 18, h.length);
}

function parseRouterBody(b: Uint8Array, o: number, end: number): LsaBody | WireError {
  if (end - o < 4) return new WireError("Router-LSA too short");
  const flags = b[o]!;
  const n = get16(b, o + 2);
  const links: RouterLink[] = [];
  let p = o + 4;
  for (let i = 0; i < n; i++) {
    if (p + ROUTER_LINK_LEN > end) return new WireError(`Router-LSA link ${i + 1} of ${n} truncated`);
    const ntos = b[p + 9]!;
    if (p + ROUTER_LINK_LEN + ntos * TOS_LEN > end)
      return new WireError(`Router-LSA link ${i + 1} TOS metrics truncated`);
    const tos: TosMetric[] = [];
    for (let t = 0; t < ntos; t++) {
      const q = p + ROUTER_LINK_LEN + t * TOS_LEN;
      tos.push({ tos: b[q]!, metric: get16(b, q + 2) });
    }
    links.push({ id: get32(b, p), data: get32(b, p + 4), type: b[p + 8]!, metric: get16(b, p + 10), tos });
    p += ROUTER_LINK_LEN + ntos * TOS_LEN;
  }
  if (p !== end) return new WireError(`Router-LSA length disagrees with its ${n} links`);
  return { kind: "router", flags, links };
}

function parseNetworkBody(b: Uint8Array, o: number, end: number): LsaBody | WireError {
  if (end - o < 8 || (end - o) % 4 !== 0) return new WireError(`Network-LSA body of ${end - o} bytes`);
  const routers: number[] = [];
  for (let p = o + 4; p < end; p += 4) routers.push(get32(b, p));
  return { kind: "network", mask: get32(b, o), routers };
}

/**
 * Parses the LSA at `b[off]`, at most `max` bytes long (what is left of its LS Update), and
 * returns it with its byte length. The LS checksum is not checked (see the module comment).
 */
export function parseLsa(b: Uint8Array, off: number, max: number): Lsa | WireError {
  if (off < 0 || max < LSA_HEADER_LEN || off + LSA_HEADER_LEN > b.length)
    return new WireError("LSA truncated");
  const header = readLsaHeader(b, off);
  if (header.length < LSA_HEADER_LEN || header.length > max || off + header.length > b.length)
    return new WireError(`LSA length ${header.length} out of bounds`);
  if (header.length % 4 !== 0) return new WireError(`LSA length ${header.length} not a multiple of 4`);
  const o = off + LSA_HEADER_LEN;
  const end = off + header.length;
  let body: LsaBody | WireError;
  if (header.type === LSA_ROUTER) body = parseRouterBody(b, o, end);
  else if (header.type === LSA_NETWORK) body = parseNetworkBody(b, o, end);
  else body = { kind: "opaque", bytes: b.slice(o, end) };
  if (body instanceof WireError) return body;
  return { header, body };
}

/** Byte length of an LSA. */
export function lsaLen(l: Lsa): number {
  const body = l.body;
  if (body.kind === "router")
    return LSA_HEADER_LEN + 4 + body.links.reduce((s, k) => s + ROUTER_LINK_LEN + TOS_LEN * k.tos.length, 0);
  if (body.kind === "network") return LSA_HEADER_LEN + 4 + 4 * body.routers.length;
  return LSA_HEADER_LEN + body.bytes.length;
}

function emitBody(body: LsaBody, b: Uint8Array, o: number): void {
  if (body.kind === "router") {
    b[o] = body.flags & 0xff;
    b[o + 1] = 0;
    put16(b, o + 2, body.links.length);
    let p = o + 4;
    for (const k of body.links) {
      put32(b, p, k.id);
      put32(b, p + 4, k.data);
      b[p + 8] = k.type & 0xff;
      b[p + 9] = k.tos.length;
      put16(b, p + 10, k.metric);
      p += ROUTER_LINK_LEN;
      for (const t of k.tos) {
        b[p] = t.tos & 0xff;
        b[p + 1] = 0;
        put16(b, p + 2, t.metric);
        p += TOS_LEN;
      }
    }
  } else if (body.kind === "network") {
    put32(b, o, body.mask);
    body.routers.forEach((r, i) => void put32(b, o + 4 + 4 * i, r));
  } else {
    b.set(body.bytes, o);
  }
}

/**
 * Writes the LSA at `b[off]` with its length and Fletcher checksum computed, and returns `b`.
 * Without `b`, allocates exactly `lsaLen(l)` bytes.
 */
export function emitLsa(l: Lsa, b: Uint8Array = allocBytes(lsaLen(l)), off = 0): Uint8Array {
  const len = lsaLen(l);
  writeLsaHeader(b, off, { ...l.header, length: len, checksum: 0 });
  emitBody(l.body, b, off + LSA_HEADER_LEN);
  put16(b, off + LSA_CHECKSUM_AT, fletcherChecksum(b, off + 2, len - 2, LSA_CHECKSUM_AT - 2));
  return b;
}
