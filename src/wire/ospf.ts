/**
 * @module wire/ospf
 * OSPFv2 packets (RFC 2328 Appendix A.3), carried directly in IPv4 as protocol 89: the 24-byte
 * header (A.3.1) and the five packet types, Hello (A.3.2), Database Description (A.3.3), Link
 * State Request (A.3.4), Link State Update (A.3.5) and Link State Acknowledgment (A.3.6). LSAs
 * are in wire/ospf-lsa.
 *
 * `parseOspf` refuses a packet with a reason, as ospfd's `ospf_verify_header`/`ospf_check_sum`
 * (FRR ospfd/ospf_packet.c) do: version not 2, unknown type, length beyond the bytes or too short
 * for its type, a bad checksum (the Internet checksum over the packet without the 64-bit
 * authentication field), or an authentication type other than 0 (Null, RFC 2328 D.1; simple
 * password and MD5 are not supported). With Null authentication the 8 authentication bytes are
 * "not examined" (D.4.1): they are not kept, and `emitOspf` writes zeros. Bytes after the
 * packet's length field (IP padding) are ignored.
 */
import { allocBytes, get16, get32, put16, put32 } from "./bytes.js";
import { foldChecksum, onesSum } from "./checksum.js";
import { WireError } from "./error.js";
import {
  emitLsa,
  LSA_HEADER_LEN,
  type Lsa,
  type LsaHeader,
  lsaLen,
  parseLsa,
  readLsaHeader,
  writeLsaHeader,
} from "./ospf-lsa.js";

export const OSPF_VERSION = 2;
export const OSPF_HEADER_LEN = 24;
/** 224.0.0.5 and 224.0.0.6 (RFC 2328 A.1). */
export const OSPF_ALL_SPF_ROUTERS = 0xe0000005;
export const OSPF_ALL_D_ROUTERS = 0xe0000006;
/** Packet types (A.3.1). */
export const OSPF_HELLO = 1;
export const OSPF_DD = 2;
export const OSPF_LS_REQUEST = 3;
export const OSPF_LS_UPDATE = 4;
export const OSPF_LS_ACK = 5;
/** Names as tcpdump prints them (print-ospf.c `type2str`). */
export const OSPF_TYPE_NAMES: readonly string[] = [
  "",
  "Hello",
  "Database Description",
  "LS-Request",
  "LS-Update",
  "LS-Ack",
];
/** Options bits (A.2): E (external routing), MC, N/P, EA, DC. */
export const OSPF_OPT_E = 0x02;
export const OSPF_OPT_MC = 0x04;
export const OSPF_OPT_NP = 0x08;
export const OSPF_OPT_DC = 0x20;
/** Database Description bits (A.3.3): Init, More, Master. */
export const DD_INIT = 0x04;
export const DD_MORE = 0x02;
export const DD_MASTER = 0x01;
const HELLO_FIXED = 20;
const DD_FIXED = 8;
const LS_REQUEST_LEN = 12;
const CHECKSUM_AT = 12;
const AUTH_AT = 16;

/** One entry of an LS Request: which LSA is wanted. */
export interface LsRequest {
  type: number;
  id: number;
  advRouter: number;
}

export type OspfBody =
  | {
      type: "hello";
      mask: number;
      helloInterval: number;
      options: number;
      priority: number;
      deadInterval: number;
      dr: number;
      bdr: number;
      neighbors: number[];
    }
  | { type: "dd"; mtu: number; options: number; flags: number; seq: number; lsaHeaders: LsaHeader[] }
  | { type: "ls-request"; requests: LsRequest[] }
  | { type: "ls-update"; lsas: Lsa[] }
  | { type: "ls-ack"; lsaHeaders: LsaHeader[] };

/** An OSPFv2 packet with Null authentication. Length and checksum are computed on emit. */
export interface OspfRepr {
  routerId: number;
  areaId: number;
  body: OspfBody;
}

const TYPE_CODE = {
  hello: OSPF_HELLO,
  dd: OSPF_DD,
  "ls-request": OSPF_LS_REQUEST,
  "ls-update": OSPF_LS_UPDATE,
  "ls-ack": OSPF_LS_ACK,
};

/** The checksum field's value for the packet at `b[off, off+len)`: the auth field and the field itself left out. */
function ospfSum(b: Uint8Array, off: number, len: number): number {
  const s = onesSum(b, off, CHECKSUM_AT, onesSum(b, off + CHECKSUM_AT + 2, AUTH_AT - CHECKSUM_AT - 2));
  return foldChecksum(onesSum(b, off + OSPF_HEADER_LEN, len - OSPF_HEADER_LEN, s));
}

function lsaHeaderList(b: Uint8Array, o: number, end: number, what: string): LsaHeader[] | WireError {
  if ((end - o) % LSA_HEADER_LEN !== 0)
    return new WireError(`${what}: LSA headers not a multiple of 20 bytes`);
  const out: LsaHeader[] = [];
  for (let p = o; p < end; p += LSA_HEADER_LEN) out.push(readLsaHeader(b, p));
  return out;
}

function parseBody(type: number, b: Uint8Array, o: number, end: number): OspfBody | WireError {
  switch (type) {
    case OSPF_HELLO: {
      if (end - o < HELLO_FIXED || (end - o) % 4 !== 0)
        return new WireError(`Hello body of ${end - o} bytes`);
      const neighbors: number[] = [];
      for (let p = o + HELLO_FIXED; p < end; p += 4) neighbors.push(get32(b, p));
      return {
        type: "hello",
        mask: get32(b, o),
        helloInterval: get16(b, o + 4),
        options: b[o + 6]!,
        priority: b[o + 7]!,
        deadInterval: get32(b, o + 8),
        dr: get32(b, o + 12),
        bdr: get32(b, o + 16),
        neighbors,
      };
    }
    case OSPF_DD: {
      if (end - o < DD_FIXED) return new WireError(`Database Description body of ${end - o} bytes`);
      const lsaHeaders = lsaHeaderList(b, o + DD_FIXED, end, "Database Description");
      if (lsaHeaders instanceof WireError) return lsaHeaders;
      const seq = get32(b, o + 4);
      return { type: "dd", mtu: get16(b, o), options: b[o + 2]!, flags: b[o + 3]!, seq, lsaHeaders };
    }
    case OSPF_LS_REQUEST: {
      if ((end - o) % LS_REQUEST_LEN !== 0) return new WireError(`LS Request body of ${end - o} bytes`);
      const requests: LsRequest[] = [];
      for (let p = o; p < end; p += LS_REQUEST_LEN)
        requests.push({ type: get32(b, p), id: get32(b, p + 4), advRouter: get32(b, p + 8) });
      return { type: "ls-request", requests };
    }
    case OSPF_LS_UPDATE: {
      if (end - o < 4) return new WireError("LS Update without an LSA count");
      const n = get32(b, o);
      const lsas: Lsa[] = [];
      let p = o + 4;
      for (let i = 0; i < n; i++) {
        if (p >= end) return new WireError(`LS Update says ${n} LSAs, has ${i}`);
        const l = parseLsa(b, p, end - p);
        if (l instanceof WireError) return new WireError(`LS Update LSA ${i + 1}: ${l.reason}`);
        lsas.push(l);
        p += l.header.length;
      }
      if (p !== end) return new WireError(`LS Update has bytes after its ${n} LSAs`);
      return { type: "ls-update", lsas };
    }
    default: {
      const lsaHeaders = lsaHeaderList(b, o, end, "LS Ack");
      if (lsaHeaders instanceof WireError) return lsaHeaders;
      return { type: "ls-ack", lsaHeaders };
    }
  }
}

/** Parses the OSPF packet in `b[off, off+len)` (the IPv4 payload). */
export function parseOspf(b: Uint8Array, off = 0, len = b.length - off): OspfRepr | WireError {
  if (off < 0 || len < 0 || off + len > b.length) return new WireError("OSPF packet beyond buffer");
  if (len < OSPF_HEADER_LEN) return new WireError(`OSPF packet too short (${len} bytes)`);
  const version = b[off]!;
  if (version !== OSPF_VERSION) return new WireError(`OSPF version ${version}`);
  const type = b[off + 1]!;
  if (type < OSPF_HELLO || type > OSPF_LS_ACK) return new WireError(`unknown OSPF packet type ${type}`);
  const plen = get16(b, off + 2);
  if (plen < OSPF_HEADER_LEN || plen > len) return new WireError(`OSPF length ${plen} with ${len} bytes`);
  const auType = get16(b, off + 14);
  if (auType !== 0) return new WireError(`OSPF authentication type ${auType} unsupported`);
  if (get16(b, off + CHECKSUM_AT) !== ospfSum(b, off, plen))
    return new WireError("bad OSPF checksum", "checksum");
  const body = parseBody(type, b, off + OSPF_HEADER_LEN, off + plen);
  if (body instanceof WireError) return body;
  return { routerId: get32(b, off + 4), areaId: get32(b, off + 8), body };
}

/** Byte length of the packet a Repr describes. */
export function ospfLen(r: OspfRepr): number {
  const body = r.body;
  switch (body.type) {
    case "hello":
      return OSPF_HEADER_LEN + HELLO_FIXED + 4 * body.neighbors.length;
    case "dd":
      return OSPF_HEADER_LEN + DD_FIXED + LSA_HEADER_LEN * body.lsaHeaders.length;
    case "ls-request":
      return OSPF_HEADER_LEN + LS_REQUEST_LEN * body.requests.length;
    case "ls-update":
      return OSPF_HEADER_LEN + 4 + body.lsas.reduce((s, l) => s + lsaLen(l), 0);
    case "ls-ack":
      return OSPF_HEADER_LEN + LSA_HEADER_LEN * body.lsaHeaders.length;
  }
}

function emitBody(body: OspfBody, b: Uint8Array, o: number): void {
  switch (body.type) {
    case "hello":
      put32(b, o, body.mask);
      put16(b, o + 4, body.helloInterval);
      b[o + 6] = body.options & 0xff;
      b[o + 7] = body.priority & 0xff;
      put32(b, o + 8, body.deadInterval);
      put32(b, o + 12, body.dr);
      put32(b, o + 16, body.bdr);
      body.neighbors.forEach((n, i) => void put32(b, o + HELLO_FIXED + 4 * i, n));
      return;
    case "dd":
      put16(b, o, body.mtu);
      b[o + 2] = body.options & 0xff;
      b[o + 3] = body.flags & 0xff;
      put32(b, o + 4, body.seq);
      body.lsaHeaders.forEach((h, i) => void writeLsaHeader(b, o + DD_FIXED + LSA_HEADER_LEN * i, h));
      return;
    case "ls-request":
      body.requests.forEach((q, i) => {
        const p = o + LS_REQUEST_LEN * i;
        put32(b, p, q.type);
        put32(b, p + 4, q.id);
        put32(b, p + 8, q.advRouter);
      });
      return;
    case "ls-update": {
      put32(b, o, body.lsas.length);
      let p = o + 4;
      for (const l of body.lsas) {
        emitLsa(l, b, p);
        p += lsaLen(l);
      }
      return;
    }
    case "ls-ack":
      body.lsaHeaders.forEach((h, i) => void writeLsaHeader(b, o + LSA_HEADER_LEN * i, h));
  }
}

/**
 * Writes the packet at `b[off]` with its length, checksum and Null authentication (type 0, eight
 * zero bytes), and returns `b`. Without `b`, allocates exactly `ospfLen(r)` bytes.
 */
export function emitOspf(r: OspfRepr, b: Uint8Array = allocBytes(ospfLen(r)), off = 0): Uint8Array {
  const len = ospfLen(r);
  b[off] = OSPF_VERSION;
  b[off + 1] = TYPE_CODE[r.body.type];
  put16(b, off + 2, len);
  put32(b, off + 4, r.routerId);
  put32(b, off + 8, r.areaId);
  put16(b, off + CHECKSUM_AT, 0);
  put16(b, off + 14, 0);
  b.fill(0, off + AUTH_AT, off + OSPF_HEADER_LEN);
  emitBody(r.body, b, off + OSPF_HEADER_LEN);
  put16(b, off + CHECKSUM_AT, ospfSum(b, off, len));
  return b;
}
