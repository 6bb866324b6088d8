/**
 * @module wire/tcp
 * The TCP header (RFC 9293 §3.1) and its options: MSS (kind 2), window scale (3, RFC 7323),
 * SACK-permitted (4, RFC 2018), timestamps (8, RFC 7323), NOP (1) and end of list (0); any
 * other option is kept as its kind and bytes, so a segment re-emits as it came.
 *
 * Two levels, as in smoltcp's wire/tcp.rs: accessors that read one field of a header at `b[off]`
 * without checks (the stack's demultiplexer and the packet summary use them), and a plain
 * `TcpRepr` with `parseTcp` (every check; a WireError for bad bytes, never a throw) and
 * `emitTcp`, which writes the header, options, payload and checksum in place.
 *
 * Layout (RFC 9293 §3.1):
 * ```
 * 0-1 source port | 2-3 destination port | 4-7 sequence number | 8-11 acknowledgment number
 * 12 data offset(4) reserved(4) | 13 flags CWR ECE URG ACK PSH RST SYN FIN
 * 14-15 window | 16-17 checksum | 18-19 urgent pointer | 20.. options, padded to 32 bits
 * ```
 * The checksum covers the IPv4 pseudo-header (addresses, zero, protocol 6, TCP length) and the
 * whole segment, as UDP's does (wire/udp.ts `pseudoHeaderSum`); unlike UDP, 0 is an ordinary
 * checksum value, not "none computed".
 */
import { get16, get32, put16, put32 } from "./bytes.js";
import { foldChecksum, onesSum } from "./checksum.js";
import { WireError } from "./error.js";
import { IPPROTO_TCP } from "./ipv4.js";
import { pseudoHeaderSum } from "./udp.js";

export const TCP_HEADER_LEN = 20;
/** The largest header: data offset 15 words. */
export const TCP_MAX_HEADER_LEN = 60;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;

/** Field offsets (smoltcp's `mod field`). */
export const TCP_FIELD = {
  SRC_PORT: 0,
  DST_PORT: 2,
  SEQ: 4,
  ACK: 8,
  DATA_OFF: 12,
  FLAGS: 13,
  WINDOW: 14,
  CHECKSUM: 16,
  URGENT: 18,
} as const;

const OPT_EOL = 0;
const OPT_NOP = 1;
const OPT_MSS = 2;
const OPT_WSCALE = 3;
const OPT_SACK_PERMITTED = 4;
const OPT_TIMESTAMPS = 8;

/** One TCP option, in the order it stands in the header. */
export type TcpOption =
  | { kind: "eol" }
  | { kind: "nop" }
  | { kind: "mss"; mss: number }
  | { kind: "wscale"; shift: number }
  | { kind: "sack-permitted" }
  | { kind: "timestamps"; tsVal: number; tsEcr: number }
  /** Any other kind, kept whole: `data` is what follows the kind and length bytes. */
  | { kind: "unknown"; type: number; data: Uint8Array };

/** A TCP segment. `payload` is a view into the received buffer when parsed. */
export interface TcpRepr {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** The eight flag bits of byte 13 (TCP_SYN | TCP_ACK, ...). */
  flags: number;
  window: number;
  urgent: number;
  options: TcpOption[];
  payload: Uint8Array;
}

/** Source port of the header at `b[off]` (no checks). */
export function tcpSrcPort(b: Uint8Array, off: number): number {
  return get16(b, off);
}
/** Destination port. */
export function tcpDstPort(b: Uint8Array, off: number): number {
  return get16(b, off + TCP_FIELD.DST_PORT);
}
/** Sequence number. */
export function tcpSeq(b: Uint8Array, off: number): number {
  return get32(b, off + TCP_FIELD.SEQ);
}
/** Acknowledgment number. */
export function tcpAck(b: Uint8Array, off: number): number {
  return get32(b, off + TCP_FIELD.ACK);
}
/** Header length in bytes (data offset × 4). */
export function tcpHeaderLen(b: Uint8Array, off: number): number {
  return (b[off + TCP_FIELD.DATA_OFF]! >>> 4) * 4;
}
/** The flag byte. */
export function tcpFlags(b: Uint8Array, off: number): number {
  return b[off + TCP_FIELD.FLAGS]!;
}
/** Window field (unscaled). */
export function tcpWindow(b: Uint8Array, off: number): number {
  return get16(b, off + TCP_FIELD.WINDOW);
}
/** Checksum field. */
export function tcpChecksum(b: Uint8Array, off: number): number {
  return get16(b, off + TCP_FIELD.CHECKSUM);
}

/** Whether the segment in `b[off, off+len)` sums to zero with its pseudo-header. */
export function tcpChecksumOk(b: Uint8Array, off: number, len: number, src: number, dst: number): boolean {
  return foldChecksum(onesSum(b, off, len, pseudoHeaderSum(src, dst, IPPROTO_TCP, len))) === 0;
}

/**
 * Parses the options in `b[off, end)`. An end-of-list option ends the list: it and the rest,
 * padding (RFC 9293 §3.2), are not read and not returned — the zeros that pad a list to 32
 * bits are themselves EOLs, so keeping them would make one list parse two ways. A length byte that runs past `end`, or a known kind with
 * the wrong length, is an error: RFC 9293 §3.2 says such a segment should be dropped.
 */
export function parseTcpOptions(b: Uint8Array, off: number, end: number): TcpOption[] | WireError {
  const opts: TcpOption[] = [];
  let i = off;
  while (i < end) {
    const kind = b[i]!;
    if (kind === OPT_EOL) break;
    if (kind === OPT_NOP) {
      opts.push({ kind: "nop" });
      i++;
      continue;
    }
    if (i + 1 >= end) return new WireError(`TCP option ${kind} has no length byte`);
    const len = b[i + 1]!;
    if (len < 2 || i + len > end) return new WireError(`TCP option ${kind} length ${len} out of bounds`);
    const want = OPTION_LEN[kind];
    if (want !== undefined && len !== want)
      return new WireError(`TCP option ${kind} length ${len} != ${want}`);
    if (kind === OPT_MSS) opts.push({ kind: "mss", mss: get16(b, i + 2) });
    else if (kind === OPT_WSCALE) opts.push({ kind: "wscale", shift: b[i + 2]! });
    else if (kind === OPT_SACK_PERMITTED) opts.push({ kind: "sack-permitted" });
    else if (kind === OPT_TIMESTAMPS)
      opts.push({ kind: "timestamps", tsVal: get32(b, i + 2), tsEcr: get32(b, i + 6) });
    else opts.push({ kind: "unknown", type: kind, data: b.subarray(i + 2, i + len) });
    i += len;
  }
  return opts;
}

/** Lengths of the options with a fixed length. */
const OPTION_LEN: Partial<Record<number, number>> = {
  [OPT_MSS]: 4,
  [OPT_WSCALE]: 3,
  [OPT_SACK_PERMITTED]: 2,
  [OPT_TIMESTAMPS]: 10,
};

/** Bytes one option takes on the wire. */
function optionLen(o: TcpOption): number {
  switch (o.kind) {
    case "eol":
    case "nop":
      return 1;
    case "mss":
      return 4;
    case "wscale":
      return 3;
    case "sack-permitted":
      return 2;
    case "timestamps":
      return 10;
    case "unknown":
      return 2 + o.data.length;
  }
}

/** Bytes the options take, padded to a multiple of 4. */
export function tcpOptionsLen(opts: readonly TcpOption[]): number {
  let n = 0;
  for (const o of opts) n += optionLen(o);
  return (n + 3) & ~3;
}

/** Writes options at `b[off]` and zero padding up to `tcpOptionsLen` (0 is also EOL). */
function emitOptions(opts: readonly TcpOption[], b: Uint8Array, off: number): void {
  let i = off;
  for (const o of opts) {
    switch (o.kind) {
      case "eol":
        b[i] = OPT_EOL;
        break;
      case "nop":
        b[i] = OPT_NOP;
        break;
      case "mss":
        b[i] = OPT_MSS;
        b[i + 1] = 4;
        put16(b, i + 2, o.mss);
        break;
      case "wscale":
        b[i] = OPT_WSCALE;
        b[i + 1] = 3;
        b[i + 2] = o.shift;
        break;
      case "sack-permitted":
        b[i] = OPT_SACK_PERMITTED;
        b[i + 1] = 2;
        break;
      case "timestamps":
        b[i] = OPT_TIMESTAMPS;
        b[i + 1] = 10;
        put32(b, i + 2, o.tsVal);
        put32(b, i + 6, o.tsEcr);
        break;
      case "unknown":
        b[i] = o.type;
        b[i + 1] = 2 + o.data.length;
        b.set(o.data, i + 2);
        break;
    }
    i += optionLen(o);
  }
  b.fill(0, i, off + tcpOptionsLen(opts));
}

/**
 * Parses the segment in `b[off, off+len)` (len = IP payload length) sent from `src` to `dst`:
 * header length within the segment, checksum, options.
 */
export function parseTcp(
  b: Uint8Array,
  off: number,
  len: number,
  src: number,
  dst: number,
): TcpRepr | WireError {
  if (off < 0 || len < 0 || off + len > b.length) return new WireError("TCP segment beyond buffer");
  if (len < TCP_HEADER_LEN) return new WireError(`truncated TCP header (${len} bytes)`);
  const hl = tcpHeaderLen(b, off);
  if (hl < TCP_HEADER_LEN) return new WireError(`TCP data offset ${hl / 4} < 5`);
  if (hl > len) return new WireError(`TCP header length ${hl} > ${len} bytes received`);
  if (!tcpChecksumOk(b, off, len, src, dst)) return new WireError("bad TCP checksum", "checksum");
  const options = parseTcpOptions(b, off + TCP_HEADER_LEN, off + hl);
  if (options instanceof WireError) return options;
  return {
    srcPort: get16(b, off),
    dstPort: get16(b, off + TCP_FIELD.DST_PORT),
    seq: get32(b, off + TCP_FIELD.SEQ),
    ack: get32(b, off + TCP_FIELD.ACK),
    flags: b[off + TCP_FIELD.FLAGS]!,
    window: get16(b, off + TCP_FIELD.WINDOW),
    urgent: get16(b, off + TCP_FIELD.URGENT),
    options,
    payload: b.subarray(off + hl, off + len),
  };
}

/** Length in bytes of the segment a Repr describes. Options past 40 bytes cannot be sent. */
export function tcpLen(r: TcpRepr): number {
  return TCP_HEADER_LEN + tcpOptionsLen(r.options) + r.payload.length;
}

/**
 * Writes the segment at `b[off]` (exactly `tcpLen(r)` bytes) with its checksum for `src` → `dst`.
 * Throws for options longer than 40 bytes: a programming error, no received segment has them.
 */
export function emitTcp(r: TcpRepr, b: Uint8Array, off: number, src: number, dst: number): void {
  const optLen = tcpOptionsLen(r.options);
  if (optLen > TCP_MAX_HEADER_LEN - TCP_HEADER_LEN)
    throw new Error(`wire: TCP options of ${optLen} bytes > 40`);
  const hl = TCP_HEADER_LEN + optLen;
  const len = hl + r.payload.length;
  put16(b, off, r.srcPort);
  put16(b, off + TCP_FIELD.DST_PORT, r.dstPort);
  put32(b, off + TCP_FIELD.SEQ, r.seq);
  put32(b, off + TCP_FIELD.ACK, r.ack);
  b[off + TCP_FIELD.DATA_OFF] = (hl / 4) << 4;
  b[off + TCP_FIELD.FLAGS] = r.flags & 0xff;
  put16(b, off + TCP_FIELD.WINDOW, r.window);
  put16(b, off + TCP_FIELD.CHECKSUM, 0);
  put16(b, off + TCP_FIELD.URGENT, r.urgent);
  emitOptions(r.options, b, off + TCP_HEADER_LEN);
  b.set(r.payload, off + hl);
  put16(
    b,
    off + TCP_FIELD.CHECKSUM,
    foldChecksum(onesSum(b, off, len, pseudoHeaderSum(src, dst, IPPROTO_TCP, len))),
  );
}

const FLAG_CHARS: [number, string][] = [
  [TCP_FIN, "F"],
  [TCP_SYN, "S"],
  [TCP_RST, "R"],
  [TCP_PSH, "P"],
  [TCP_ACK, "."],
  [TCP_URG, "U"],
  [TCP_ECE, "E"],
  [TCP_CWR, "W"],
];

/** Flags as tcpdump prints them inside `Flags [...]` (print-tcp.c's tcp_flag_values order): "S.", "P.", "none". */
export function tcpFlagsText(flags: number): string {
  let s = "";
  for (const [bit, c] of FLAG_CHARS) if (flags & bit) s += c;
  return s === "" ? "none" : s;
}

/** One option as tcpdump prints it: "mss 1460", "sackOK", "TS val 1 ecr 0", "wscale 7". */
export function tcpOptionText(o: TcpOption): string {
  switch (o.kind) {
    case "eol":
      return "eol";
    case "nop":
      return "nop";
    case "mss":
      return `mss ${o.mss}`;
    case "wscale":
      return `wscale ${o.shift}`;
    case "sack-permitted":
      return "sackOK";
    case "timestamps":
      return `TS val ${o.tsVal} ecr ${o.tsEcr}`;
    case "unknown":
      return `opt-${o.type}`;
  }
}
