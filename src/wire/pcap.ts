/**
 * @module wire/pcap
 * The classic libpcap file format (draft-ietf-opsawg-pcap), written as Uint8Array chunks so the
 * same code serves the CLI (`--capture DIR`), the browser (a download) and tests.
 *
 * routelab writes little-endian files with nanosecond timestamps (magic 0xa1b23c4d: virtual time
 * is integer nanoseconds, so nothing is rounded). The simulator's captures are LINKTYPE_ETHERNET
 * (1): each record an Ethernet II frame as the sending host's tcpdump sees it (no FCS, short
 * frames unpadded); LINKTYPE_RAW (101), a bare IPv4 datagram a record, remains the default of
 * `pcapFileHeader` for datagrams without a link layer. The reader takes both byte orders and both
 * resolutions, so it also reads tcpdump's captures (netns engine).
 *
 * File header (24 bytes): magic u32, version 2.4 (u16, u16), thiszone i32, sigfigs u32,
 * snaplen u32, linktype u32. Record header (16 bytes): seconds u32, fraction u32 (µs or ns),
 * captured length u32, original length u32; then the captured bytes.
 */
import { allocBytes } from "./bytes.js";
import { WireError } from "./error.js";

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
/** Linux cooked capture v1, what `tcpdump -i any` writes. */
export const LINKTYPE_LINUX_SLL = 113;
export const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOS = 0xa1b23c4d;
export const PCAP_FILE_HEADER_LEN = 24;
export const PCAP_RECORD_HEADER_LEN = 16;

const NS_PER_S = 1_000_000_000;

/** The 24-byte file header. */
export function pcapFileHeader(linktype = LINKTYPE_RAW, snaplen = 65535, nanos = true): Uint8Array {
  const b = new Uint8Array(PCAP_FILE_HEADER_LEN);
  const v = new DataView(b.buffer);
  v.setUint32(0, nanos ? PCAP_MAGIC_NANOS : PCAP_MAGIC_MICROS, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setInt32(8, 0, true);
  v.setUint32(12, 0, true);
  v.setUint32(16, snaplen, true);
  v.setUint32(20, linktype, true);
  return b;
}

/**
 * One record: header and packet bytes in one chunk. `tNanos` is virtual time in ns (≥ 0);
 * `nanos` must match the file header's resolution.
 */
export function pcapRecord(tNanos: number, packet: Uint8Array, nanos = true): Uint8Array {
  const b = allocBytes(PCAP_RECORD_HEADER_LEN + packet.length);
  const t = Math.max(0, Math.floor(tNanos));
  const sec = Math.floor(t / NS_PER_S);
  const frac = t - sec * NS_PER_S;
  putLe32(b, 0, sec);
  putLe32(b, 4, nanos ? frac : Math.floor(frac / 1000));
  putLe32(b, 8, packet.length);
  putLe32(b, 12, packet.length);
  b.set(packet, PCAP_RECORD_HEADER_LEN);
  return b;
}

function putLe32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

/**
 * One record read back. `packet` is a view into the file bytes. `tNanos` is exact for virtual
 * time (below 2^53 ns, about 104 days) but rounded for wall-clock captures (epoch seconds × 10^9
 * exceeds 2^53); `sec` and `nsec` are always exact.
 */
export interface PcapRecord {
  tNanos: number;
  sec: number;
  nsec: number;
  packet: Uint8Array;
  origLen: number;
}

/** A whole capture file read back. */
export interface PcapFile {
  linktype: number;
  snaplen: number;
  nanos: boolean;
  littleEndian: boolean;
  records: PcapRecord[];
}

/** Reads a complete pcap file; a truncated last record or a bad header gives a WireError. */
export function parsePcap(bytes: Uint8Array): PcapFile | WireError {
  if (bytes.length < PCAP_FILE_HEADER_LEN) return new WireError("pcap file shorter than its header");
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let le: boolean;
  let nanos: boolean;
  const m = v.getUint32(0, true);
  if (m === PCAP_MAGIC_MICROS || m === PCAP_MAGIC_NANOS) {
    le = true;
    nanos = m === PCAP_MAGIC_NANOS;
  } else {
    const mb = v.getUint32(0, false);
    if (mb !== PCAP_MAGIC_MICROS && mb !== PCAP_MAGIC_NANOS) {
      return new WireError(`not a pcap file (magic 0x${m.toString(16)})`);
    }
    le = false;
    nanos = mb === PCAP_MAGIC_NANOS;
  }
  const major = v.getUint16(4, le);
  if (major !== 2) return new WireError(`pcap version ${major} unsupported`);
  const snaplen = v.getUint32(16, le);
  const linktype = v.getUint32(20, le) & 0x0fffffff; // upper bits: FCS info, not the type
  const records: PcapRecord[] = [];
  let o = PCAP_FILE_HEADER_LEN;
  while (o < bytes.length) {
    if (o + PCAP_RECORD_HEADER_LEN > bytes.length)
      return new WireError(`truncated pcap record header at byte ${o}`);
    const sec = v.getUint32(o, le);
    const frac = v.getUint32(o + 4, le);
    const incl = v.getUint32(o + 8, le);
    const orig = v.getUint32(o + 12, le);
    const start = o + PCAP_RECORD_HEADER_LEN;
    if (start + incl > bytes.length) return new WireError(`truncated pcap record at byte ${o}`);
    records.push({
      tNanos: sec * NS_PER_S + (nanos ? frac : frac * 1000),
      sec,
      nsec: nanos ? frac : frac * 1000,
      packet: bytes.subarray(start, start + incl),
      origLen: orig,
    });
    o = start + incl;
  }
  return { linktype, snaplen, nanos, littleEndian: le, records };
}
