/**
 * @module sim/tcp/output
 * What a connection sends, and the segments themselves (FreeBSD's tcp_output.c beside
 * tcp_input.c): the SYN or SYN-ACK with our MSS option, data up to the smaller of the peer's
 * window and the congestion window in segments of at most one MSS, the FIN after the last
 * byte, pure ACKs when one is owed, and RSTs.
 *
 * Sender-side silly window avoidance and Nagle (RFC 9293 §3.8.6.2.1, RFC 1122 §4.2.3.4), as
 * FreeBSD decides in tcp_output: a short segment goes only when it empties the buffer and
 * nothing is in flight, or when it is half the largest window the peer offered.
 */
import type { Ipv4 } from "../../core/ip.js";
import {
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  type TcpOption,
  type TcpRepr,
} from "../../wire/index.js";
import type { TcpConnection } from "./connection.js";
import { OUR_MSS, seqAdd, seqDiff, seqGt } from "./params.js";
import type { TcpStack } from "./stack.js";

const NO_OPTIONS: TcpOption[] = [];
const EMPTY = new Uint8Array(0);

/**
 * Sends what the connection's state allows. `probe`: a zero-window probe, one byte beyond the
 * window (the persist timer).
 */
export function output(c: TcpConnection, probe = false): void {
  const st = c.state;
  if (st === "CLOSED" || st === "LISTEN") return;
  if (st === "SYN_SENT" || st === "SYN_RECEIVED") {
    if (c.sndNxt === c.iss) sendSyn(c);
    else if (c.ackNow && st === "SYN_RECEIVED") sendSyn(c); // answer a duplicate SYN with the SYN-ACK again
    c.ackNow = false;
    return;
  }
  if (st === "TIME_WAIT") {
    if (c.ackNow) emitFromConnection(c, c.sndNxt, TCP_ACK, EMPTY);
    c.ackNow = false;
    return;
  }
  let sent = false;
  for (;;) {
    const off = seqDiff(c.sndNxt, c.sndBufSeq);
    const avail = c.sndBuf.length - off;
    const usable = seqDiff(seqAdd(c.sndUna, Math.min(c.sndWnd, c.cc.cwnd)), c.sndNxt);
    let len = Math.max(0, Math.min(c.mss, avail, usable));
    if (probe && len === 0 && avail > 0 && !sent) len = 1;
    const fin = c.finQueued && off + len === c.sndBuf.length && off <= c.sndBuf.length && !c.finAcked();
    const nothingInFlight = c.sndNxt === c.sndUna;
    const go =
      (len > 0 &&
        (len === c.mss ||
          (len === avail && nothingInFlight) ||
          (len === avail && fin) ||
          len >= Math.max(1, c.sndWnd) / 2 ||
          probe)) ||
      (fin && (len > 0 || avail === 0));
    if (!go) break;
    sendData(c, c.sndNxt, len, fin);
    sent = true;
    if (probe) break;
  }
  if (!sent && c.ackNow) emitFromConnection(c, c.sndNxt, TCP_ACK, EMPTY);
  c.ackNow = false;
  if (c.sndBuf.length > seqDiff(c.sndNxt, c.sndBufSeq)) c.maybePersist();
}

/** Sends `len` bytes of the buffer from sequence `seq` (and the FIN after them when `fin`), recording what was sent. */
function sendData(c: TcpConnection, seq: number, len: number, fin: boolean): void {
  const off = seqDiff(seq, c.sndBufSeq);
  const payload = len > 0 ? c.sndBuf.peek(off, len) : EMPTY;
  let flags = TCP_ACK;
  if (len > 0 && off + len === c.sndBuf.length) flags |= TCP_PSH;
  if (fin) flags |= TCP_FIN;
  emitFromConnection(c, seq, flags, payload);
  const end = seqAdd(seq, len + (fin ? 1 : 0));
  const fresh = seqGt(end, c.sndMax);
  // Time one segment at a time, and only new data (Karn: never a retransmission).
  if (fresh && c.rttSeq === undefined && seq === c.sndMax) {
    c.rttSeq = seq;
    c.rttStart = c.stack.ip.now();
  }
  if (seqGt(end, c.sndNxt)) c.sndNxt = end;
  if (fresh) c.sndMax = end;
  if (!c.isArmed("rexmt") && !c.isArmed("persist"))
    c.arm("rexmt", c.rto.current(false), () => c.rexmtExpired());
}

/** Fast retransmit and NewReno's partial ACKs: the first unacknowledged segment again. */
export function retransmitFirst(c: TcpConnection): void {
  const off = seqDiff(c.sndUna, c.sndBufSeq);
  const len = Math.max(0, Math.min(c.mss, c.sndBuf.length - off));
  const fin = c.finQueued && off + len === c.sndBuf.length && !c.finAcked();
  if (len === 0 && !fin) return;
  sendData(c, c.sndUna, len, fin);
}

/** The SYN (active open) or SYN-ACK (passive or simultaneous open), with our MSS. */
function sendSyn(c: TcpConnection): void {
  const synAck = c.state === "SYN_RECEIVED";
  emit(
    c.stack,
    c.localAddr,
    c.remoteAddr,
    {
      srcPort: c.localPort,
      dstPort: c.remotePort,
      seq: c.iss,
      ack: synAck ? c.rcvNxt : 0,
      flags: synAck ? TCP_SYN | TCP_ACK : TCP_SYN,
      window: c.window(),
      urgent: 0,
      options: [{ kind: "mss", mss: OUR_MSS }],
      payload: EMPTY,
    },
    c.user,
  );
  if (synAck) c.rcvAdv = seqAdd(c.rcvNxt, c.window());
  c.sndNxt = seqAdd(c.iss, 1);
  if (seqGt(c.sndNxt, c.sndMax)) {
    c.sndMax = c.sndNxt;
    c.rttSeq = c.iss;
    c.rttStart = c.stack.ip.now();
  }
  if (!c.isArmed("rexmt")) c.arm("rexmt", c.rto.current(true), () => c.rexmtExpired());
}

/** A segment of an established connection: it always carries the ACK and our window. */
function emitFromConnection(c: TcpConnection, seq: number, flags: number, payload: Uint8Array): void {
  // Never shrink the window already offered (RFC 9293 §3.8.6.2.2).
  const win = Math.max(c.window(), seqDiff(c.rcvAdv, c.rcvNxt));
  c.rcvAdv = seqAdd(c.rcvNxt, win);
  c.unacked = 0;
  c.cancel("delack");
  emit(
    c.stack,
    c.localAddr,
    c.remoteAddr,
    {
      srcPort: c.localPort,
      dstPort: c.remotePort,
      seq,
      ack: c.rcvNxt,
      flags,
      window: win,
      urgent: 0,
      options: NO_OPTIONS,
      payload,
    },
    c.user,
  );
}

/**
 * A RST (RFC 9293 §3.10.7.1): with `ack` undefined, `<SEQ=seq><CTL=RST>`; otherwise
 * `<SEQ=seq><ACK=ack><CTL=RST,ACK>`.
 */
export function sendRst(
  stack: TcpStack,
  src: Ipv4,
  srcPort: number,
  dst: Ipv4,
  dstPort: number,
  seq: number,
  ack: number | undefined,
  user: string,
): void {
  emit(
    stack,
    src,
    dst,
    {
      srcPort,
      dstPort,
      seq,
      ack: ack ?? 0,
      flags: ack === undefined ? TCP_RST : TCP_RST | TCP_ACK,
      window: 0,
      urgent: 0,
      options: NO_OPTIONS,
      payload: EMPTY,
    },
    user,
  );
}

function emit(stack: TcpStack, src: Ipv4, dst: Ipv4, seg: TcpRepr, user: string): void {
  stack.ip.sendSegment(src, dst, seg, user);
}
