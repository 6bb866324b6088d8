/**
 * @module sim/tcp/segment-check
 * The first test every segment of a synchronized connection meets (RFC 9293 §3.10.7.4,
 * "first, check sequence number"), and the trimming of what was already received.
 */
import { TCP_FIN, TCP_SYN, type TcpRepr } from "../../wire/index.js";
import { seqAdd, seqDiff, seqGe, seqLt } from "./params.js";

/**
 * Whether any of the segment falls inside the receive window [rcvNxt, rcvAdv): the four cases
 * of RFC 9293's table (zero-length or not, zero window or not).
 */
export function acceptable(seg: TcpRepr, rcvNxt: number, rcvAdv: number): boolean {
  const len = seg.payload.length + (seg.flags & TCP_SYN ? 1 : 0) + (seg.flags & TCP_FIN ? 1 : 0);
  const wnd = Math.max(0, seqDiff(rcvAdv, rcvNxt));
  const end = seqAdd(rcvNxt, wnd);
  if (len === 0) return wnd === 0 ? seg.seq === rcvNxt : seqGe(seg.seq, rcvNxt) && seqLt(seg.seq, end);
  if (wnd === 0) return false;
  const last = seqAdd(seg.seq, len - 1);
  return (seqGe(seg.seq, rcvNxt) && seqLt(seg.seq, end)) || (seqGe(last, rcvNxt) && seqLt(last, end));
}

/** Cuts off what was already received (and the SYN bit with it), so the segment starts at or after rcvNxt. */
export function trimToWindow(seg: TcpRepr, rcvNxt: number): TcpRepr {
  let skip = seqDiff(rcvNxt, seg.seq);
  if (skip <= 0) return seg;
  let flags = seg.flags;
  let seq = seg.seq;
  if (flags & TCP_SYN) {
    flags &= ~TCP_SYN;
    seq = seqAdd(seq, 1);
    skip--;
  }
  const cut = Math.min(skip, seg.payload.length);
  return { ...seg, flags, seq: seqAdd(seq, cut), payload: seg.payload.subarray(cut) };
}
