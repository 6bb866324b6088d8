/**
 * @module wire/pcapng
 * pcapng (draft-ietf-opsawg-pcapng), the format of a live capture stream: a Section Header
 * Block, one Interface Description Block (Ethernet, nanosecond timestamps, the link's name),
 * Enhanced Packet Blocks, and Interface Statistics Blocks carrying `isb_ifdrop` — the frames a
 * slow reader made the writer drop, which pcap's format has no place for (tcpdump prints its
 * count on exit; here it travels in the stream, and Wireshark shows it as "Dropped packets").
 * Little-endian, every block padded to 32 bits, as the draft's §3 lays them out.
 */
import { allocBytes } from "./bytes.js";
import { WireError } from "./error.js";

export const PCAPNG_SHB = 0x0a0d0d0a;
export const PCAPNG_IDB = 0x00000001;
export const PCAPNG_ISB = 0x00000005;
export const PCAPNG_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_ENDOFOPT = 0;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const ISB_IFDROP = 5;

const pad4 = (n: number) => (n + 3) & ~3;

/** One option: code, length, value padded to 32 bits. */
function option(code: number, value: Uint8Array): Uint8Array {
  const b = allocBytes(4 + pad4(value.length));
  const v = new DataView(b.buffer, b.byteOffset);
  v.setUint16(0, code, true);
  v.setUint16(2, value.length, true);
  b.set(value, 4);
  return b;
}

/** A block of `type` around `body` (already padded), with its length before and after. */
function block(type: number, body: Uint8Array[]): Uint8Array {
  const len = 12 + body.reduce((n, p) => n + p.length, 0);
  const b = allocBytes(len);
  const v = new DataView(b.buffer, b.byteOffset);
  v.setUint32(0, type, true);
  v.setUint32(4, len, true);
  let o = 8;
  for (const p of body) {
    b.set(p, o);
    o += p.length;
  }
  v.setUint32(len - 4, len, true);
  return b;
}

function fields(...words: [bytes: 2 | 4, value: number][]): Uint8Array {
  const b = allocBytes(pad4(words.reduce((n, [w]) => n + w, 0)));
  const v = new DataView(b.buffer, b.byteOffset);
  let o = 0;
  for (const [w, x] of words) {
    if (w === 2) v.setUint16(o, x, true);
    else v.setUint32(o, x >>> 0, true);
    o += w;
  }
  return b;
}

/** Time in ns split into the two 32-bit halves pcapng writes (units of 10^-9 s here). */
function timeWords(tNanos: number): [number, number] {
  const t = Math.max(0, Math.floor(tNanos));
  const high = Math.floor(t / 2 ** 32);
  return [high, t - high * 2 ** 32];
}

/** The stream's start: a section header and one Ethernet interface named `name`. */
export function pcapngHeader(name: string, linktype: number, snaplen = 65535): Uint8Array {
  const shb = block(PCAPNG_SHB, [
    fields([4, BYTE_ORDER_MAGIC], [2, 1], [2, 0], [4, 0xffffffff], [4, 0xffffffff]),
    fields([4, OPT_ENDOFOPT]),
  ]);
  const idb = block(PCAPNG_IDB, [
    fields([2, linktype], [2, 0], [4, snaplen]),
    option(IF_NAME, new TextEncoder().encode(name.slice(0, 200))),
    option(IF_TSRESOL, Uint8Array.of(9)),
    fields([4, OPT_ENDOFOPT]),
  ]);
  const out = allocBytes(shb.length + idb.length);
  out.set(shb);
  out.set(idb, shb.length);
  return out;
}

/** One frame seen at `tNanos`, `origLen` long on the wire (more than its bytes when cut by a snaplen). */
export function pcapngPacket(tNanos: number, frame: Uint8Array, origLen = frame.length): Uint8Array {
  const [hi, lo] = timeWords(tNanos);
  const data = allocBytes(pad4(frame.length));
  data.set(frame);
  return block(PCAPNG_EPB, [fields([4, 0], [4, hi], [4, lo], [4, frame.length], [4, origLen]), data]);
}

/** The interface's statistics at `tNanos`: `dropped` frames it could not pass on so far. */
export function pcapngDrops(tNanos: number, dropped: number): Uint8Array {
  const [hi, lo] = timeWords(tNanos);
  const count = allocBytes(8);
  new DataView(count.buffer, count.byteOffset).setBigUint64(0, BigInt(dropped), true);
  return block(PCAPNG_ISB, [fields([4, 0], [4, hi], [4, lo]), option(ISB_IFDROP, count), fields([4, 0])]);
}

/** What a reader of a stream needs to count: packets, and the latest drop count. */
export interface PcapngTally {
  packets: number;
  dropped: number;
}

/**
 * Walks the whole blocks at the start of `b` (a little-endian stream as written above), adding
 * to `tally`; returns how many bytes it used (the rest is a block not yet complete).
 */
export function pcapngScan(b: Uint8Array, tally: PcapngTally): number | WireError {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let o = 0;
  while (o + 12 <= b.length) {
    const type = v.getUint32(o, true);
    const len = v.getUint32(o + 4, true);
    if (len < 12 || len % 4 !== 0) return new WireError(`pcapng block of length ${len} at byte ${o}`);
    if (o + len > b.length) break;
    if (type === PCAPNG_EPB) tally.packets++;
    else if (type === PCAPNG_ISB) {
      for (let p = o + 20; p + 4 <= o + len - 4; ) {
        const code = v.getUint16(p, true);
        const olen = v.getUint16(p + 2, true);
        if (code === OPT_ENDOFOPT) break;
        if (code === ISB_IFDROP && olen === 8) tally.dropped = Number(v.getBigUint64(p + 4, true));
        p += 4 + pad4(olen);
      }
    }
    o += len;
  }
  return o;
}

/** One frame read back from a pcapng stream. */
export interface PcapngFrame {
  /** Time in ns (the writer's resolution above: 10^-9). */
  tNanos: number;
  frame: Uint8Array;
  origLen: number;
}

/** The frames (Enhanced Packet Blocks) of a little-endian pcapng file, as written above. */
export function pcapngFrames(b: Uint8Array): PcapngFrame[] | WireError {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 12 || v.getUint32(0, true) !== PCAPNG_SHB) return new WireError("not a pcapng file");
  if (v.getUint32(8, true) !== BYTE_ORDER_MAGIC) return new WireError("big-endian pcapng is not read here");
  const out: PcapngFrame[] = [];
  let o = 0;
  while (o + 12 <= b.length) {
    const len = v.getUint32(o + 4, true);
    if (len < 12 || len % 4 !== 0 || o + len > b.length)
      return new WireError(`pcapng block of length ${len} at byte ${o}`);
    if (v.getUint32(o, true) === PCAPNG_EPB && len >= 32) {
      const caplen = v.getUint32(o + 20, true);
      if (28 + caplen > len)
        return new WireError(`packet of ${caplen} bytes in a block of ${len} at byte ${o}`);
      out.push({
        tNanos: v.getUint32(o + 12, true) * 2 ** 32 + v.getUint32(o + 16, true),
        frame: b.subarray(o + 28, o + 28 + caplen),
        origLen: v.getUint32(o + 24, true),
      });
    }
    o += len;
  }
  return out;
}
