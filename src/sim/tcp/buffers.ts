/**
 * @module sim/tcp/buffers
 * The two byte stores of a connection: a bounded queue of bytes (the send buffer, from the
 * oldest unacknowledged byte on, and the receive buffer the application reads), and the
 * reassembly queue of segments that arrived ahead of a gap (RFC 9293 §3.10.7.4, FreeBSD's
 * tcp_reass).
 */
import { seqAdd, seqDiff, seqGt, seqLe } from "./params.js";

/** Bytes in order, appended at the end and consumed from the front, at most `limit` held. */
export class ByteQueue {
  private buf: Uint8Array;
  private start = 0;
  private end = 0;

  constructor(readonly limit: number) {
    this.buf = new Uint8Array(Math.min(limit, 4096));
  }

  get length(): number {
    return this.end - this.start;
  }

  /** Room left before the limit. */
  get space(): number {
    return this.limit - this.length;
  }

  /** Appends as much of `data` as fits; returns how many bytes were taken. */
  push(data: Uint8Array): number {
    const n = Math.min(data.length, this.space);
    if (n === 0) return 0;
    if (this.end + n > this.buf.length) {
      // Out of room at the end: move the bytes to the front, into a bigger array if needed.
      const len = this.length;
      const need = len + n;
      if (need > this.buf.length) {
        const next = new Uint8Array(Math.min(this.limit, Math.max(need, this.buf.length * 2)));
        next.set(this.buf.subarray(this.start, this.end));
        this.buf = next;
      } else this.buf.copyWithin(0, this.start, this.end);
      this.start = 0;
      this.end = len;
    }
    this.buf.set(data.subarray(0, n), this.end);
    this.end += n;
    return n;
  }

  /** A copy of `len` bytes from `offset` (clamped to what is held). */
  peek(offset: number, len: number): Uint8Array {
    const a = this.start + Math.min(offset, this.length);
    const b = Math.min(a + len, this.end);
    return this.buf.slice(a, b);
  }

  /** Drops `n` bytes from the front. */
  consume(n: number): void {
    this.start += Math.min(n, this.length);
    if (this.start === this.end) this.start = this.end = 0;
  }

  /** Takes up to `max` bytes from the front. */
  take(max: number): Uint8Array {
    const out = this.peek(0, max);
    this.consume(out.length);
    return out;
  }
}

interface Pending {
  seq: number;
  data: Uint8Array;
  fin: boolean;
}

/** Segments received beyond `rcv.nxt`, kept until the gap before them fills. */
export class Reassembly {
  private segs: Pending[] = [];

  get count(): number {
    return this.segs.length;
  }

  /** Bytes held. */
  get bytes(): number {
    let n = 0;
    for (const s of this.segs) n += s.data.length;
    return n;
  }

  /** Keeps a copy of an out-of-order segment, in sequence order. */
  add(seq: number, data: Uint8Array, fin: boolean): void {
    const seg = { seq, data: data.slice(), fin };
    let i = 0;
    while (i < this.segs.length && seqLe(this.segs[i]!.seq, seq)) i++;
    this.segs.splice(i, 0, seg);
  }

  /**
   * Takes the segments that now continue the stream at `next`, trimmed of bytes already
   * received; calls `deliver` with each piece in order. Returns the new `rcv.nxt` and whether a
   * FIN was reached.
   */
  drain(next: number, deliver: (data: Uint8Array) => void): { next: number; fin: boolean } {
    let nxt = next;
    let fin = false;
    while (this.segs.length > 0 && seqLe(this.segs[0]!.seq, nxt)) {
      const s = this.segs.shift()!;
      const end = seqAdd(s.seq, s.data.length);
      if (seqGt(end, nxt) || (s.fin && end === nxt)) {
        const skip = seqDiff(nxt, s.seq);
        const piece = s.data.subarray(skip);
        if (piece.length > 0) deliver(piece);
        nxt = end;
        if (s.fin) {
          fin = true;
          break;
        }
      }
    }
    if (fin) this.segs = [];
    return { next: nxt, fin };
  }

  clear(): void {
    this.segs = [];
  }
}
