/**
 * @module sim/tcp/connection
 * One TCP connection: the RFC 9293 state machine (§3.10 "Event Processing") and its timers.
 * Which segments to send is output.ts's business (FreeBSD's tcp_output beside tcp_input), the
 * demultiplexing and closed-port RSTs are stack.ts's.
 *
 * Timers are explicit, four per connection and none per segment (BIRD's lesson): `rexmt` (RFC
 * 6298), `delack` (100 ms), `persist` (zero-window probes) and `life`, which is the
 * connection-establishment limit in SYN states, FIN_WAIT_2's limit after a close, and 2×MSL in
 * TIME_WAIT — FreeBSD overloads its 2MSL/keep timers the same way.
 */
import type { Ipv4 } from "../../core/ip.js";
import type { Nanos } from "../../core/time.js";
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpRepr } from "../../wire/index.js";
import type { TimerHandle } from "../host.js";
import { ByteQueue, Reassembly } from "./buffers.js";
import { Congestion } from "./congestion.js";
import { output, retransmitFirst, sendRst } from "./output.js";
import {
  DEFAULT_MSS,
  DELAYED_ACK,
  FIN_WAIT_2_TIMEOUT,
  KEEP_INIT,
  MAX_RXT_SHIFT,
  OUR_MSS,
  PERSIST_MAX,
  PERSIST_MIN,
  RECV_BUFFER,
  SEND_BUFFER,
  seqAdd,
  seqDiff,
  seqGt,
  seqLe,
  seqLt,
  TIME_WAIT,
} from "./params.js";
import { RtoEstimator } from "./rto.js";
import { acceptable, trimToWindow } from "./segment-check.js";
import type { TcpError, TcpHandlers, TcpSocket, TcpState } from "./socket.js";
import type { TcpStack } from "./stack.js";

type TimerName = "rexmt" | "delack" | "persist" | "life";

export class TcpConnection implements TcpSocket {
  state: TcpState = "CLOSED";
  handlers: TcpHandlers = {};
  // Send sequence space (RFC 9293 §3.3.1), plus FreeBSD's snd_max: the highest ever sent.
  iss = 0;
  sndUna = 0;
  sndNxt = 0;
  sndMax = 0;
  sndWnd = 0;
  sndWl1 = 0;
  sndWl2 = 0;
  /** Bytes from sequence `sndBufSeq` on: unacknowledged, then unsent. */
  readonly sndBuf = new ByteQueue(SEND_BUFFER);
  sndBufSeq = 0;
  /** The application shut down its side: a FIN follows the buffer. */
  finQueued = false;
  // Receive sequence space.
  irs = 0;
  rcvNxt = 0;
  /** Right edge of the window last advertised (never moved left, RFC 9293 §3.8.6.2.2). */
  rcvAdv = 0;
  readonly rcvBuf = new ByteQueue(RECV_BUFFER);
  readonly reass = new Reassembly();
  peerFin = false;
  /** close() was called: received bytes are no longer wanted. */
  private readClosed = false;
  /** Send MSS: the peer's MSS option, or 536 (RFC 9293 §3.7.1). */
  mss = DEFAULT_MSS;
  readonly rto = new RtoEstimator();
  cc: Congestion;
  /** The segment being timed for an RTT sample: its sequence number and send time (one at a time). */
  rttSeq: number | undefined;
  rttStart: Nanos = 0;
  /** Send an ACK at the next output (a segment arrived that must be acknowledged now). */
  ackNow = false;
  /** Full-size segments received since the last ACK we sent (RFC 5681 §4.2: ACK every second). */
  unacked = 0;
  private persistShift = 0;
  private timers: Record<TimerName, TimerHandle | undefined> = {
    rexmt: undefined,
    delack: undefined,
    persist: undefined,
    life: undefined,
  };
  /** Set while the handshake of a passive open runs: where to queue the connection when established. */
  onEstablished: ((c: TcpConnection) => void) | undefined;
  private done = false;

  constructor(
    readonly stack: TcpStack,
    readonly localAddr: Ipv4,
    readonly localPort: number,
    readonly remoteAddr: Ipv4,
    readonly remotePort: number,
    readonly user: string,
  ) {
    this.cc = new Congestion(this.mss);
  }

  // ---- opening ------------------------------------------------------------------------------

  /** Active open: SYN_SENT, first SYN out. */
  openActive(iss: number): void {
    this.initSend(iss);
    this.setState("SYN_SENT");
    this.arm("life", KEEP_INIT, () => this.drop("ETIMEDOUT"));
    output(this);
  }

  /** Passive open from a listener's SYN (RFC 9293 §3.10.7.2): SYN_RECEIVED, SYN-ACK out. */
  openPassive(iss: number, syn: TcpRepr): void {
    this.initSend(iss);
    this.takeSyn(syn);
    this.sndWnd = syn.window;
    this.sndWl1 = syn.seq;
    this.setState("SYN_RECEIVED");
    this.arm("life", KEEP_INIT, () => this.drop("ETIMEDOUT"));
    output(this);
  }

  private initSend(iss: number): void {
    this.iss = iss;
    this.sndUna = this.sndNxt = this.sndMax = iss;
    this.sndBufSeq = seqAdd(iss, 1);
  }

  /** Takes the peer's ISN and MSS option from its SYN. */
  private takeSyn(syn: TcpRepr): void {
    this.irs = syn.seq;
    this.rcvNxt = seqAdd(syn.seq, 1);
    this.rcvAdv = this.rcvNxt;
    for (const o of syn.options) if (o.kind === "mss" && o.mss > 0) this.mss = Math.min(o.mss, OUR_MSS);
    this.cc = new Congestion(this.mss);
  }

  // ---- the socket calls ---------------------------------------------------------------------

  write(data: Uint8Array): number {
    if (this.finQueued || this.done || this.state === "LISTEN") return 0;
    const n = this.sndBuf.push(data);
    if (this.state !== "SYN_SENT" && this.state !== "SYN_RECEIVED") output(this);
    return n;
  }

  read(max?: number): Uint8Array {
    const before = this.window();
    const out = this.rcvBuf.take(max ?? this.rcvBuf.length);
    // A window update when reading opened the window by two segments or half the buffer
    // (RFC 9293 §3.8.6.2.2, receiver-side silly window avoidance; FreeBSD tcp_output's "adv").
    const opened = this.window() - before;
    if (
      out.length > 0 &&
      !this.done &&
      (opened >= 2 * OUR_MSS || opened >= RECV_BUFFER / 2) &&
      before < RECV_BUFFER / 2
    ) {
      this.ackNow = true;
      output(this);
    }
    return out;
  }

  get readable(): number {
    return this.rcvBuf.length;
  }

  get eof(): boolean {
    return this.peerFin && this.rcvBuf.length === 0;
  }

  shutdown(): void {
    if (this.finQueued || this.done) return;
    switch (this.state) {
      case "SYN_SENT":
        return this.finish();
      case "SYN_RECEIVED":
      case "ESTABLISHED":
        this.finQueued = true;
        this.setState("FIN_WAIT_1");
        break;
      case "CLOSE_WAIT":
        this.finQueued = true;
        this.setState("LAST_ACK");
        break;
      default:
        return;
    }
    output(this);
  }

  close(): void {
    this.readClosed = true;
    this.handlers = {};
    this.shutdown();
    if (this.state === "FIN_WAIT_2") this.arm("life", FIN_WAIT_2_TIMEOUT, () => this.finish());
  }

  abort(): void {
    if (this.done) return;
    if (this.state !== "SYN_SENT" && this.state !== "CLOSED" && this.state !== "TIME_WAIT")
      this.rst(this.sndNxt);
    this.finish();
  }

  // ---- segment arrival (RFC 9293 §3.10.7.3 and .4) -------------------------------------------

  /** A segment for this connection arrived. */
  input(seg: TcpRepr): void {
    if (this.done) return;
    if (this.state === "SYN_SENT") return this.inputSynSent(seg);
    if (!acceptable(seg, this.rcvNxt, this.rcvAdv)) {
      if (!(seg.flags & TCP_RST)) {
        this.ackNow = true;
        output(this);
      }
      return;
    }
    const s = trimToWindow(seg, this.rcvNxt);
    if (s.flags & TCP_RST) return this.inputRst(s);
    if (s.flags & TCP_SYN) {
      // RFC 5961 §4 (RFC 9293 §3.10.7.4 fifth): a SYN in a synchronized state gets a challenge ACK.
      this.ackNow = true;
      return output(this);
    }
    if (!(s.flags & TCP_ACK)) return;
    if (this.state === "SYN_RECEIVED") {
      if (!(seqGt(s.ack, this.sndUna) && seqLe(s.ack, this.sndMax))) {
        return this.rst(s.ack, 0);
      }
      this.establish();
    }
    if (!this.processAck(s)) return;
    if (this.done) return;
    this.processText(s);
    output(this);
  }

  /** RFC 9293 §3.10.7.3: the answer to our SYN. */
  private inputSynSent(seg: TcpRepr): void {
    const hasAck = (seg.flags & TCP_ACK) !== 0;
    if (hasAck && (seqLe(seg.ack, this.iss) || seqGt(seg.ack, this.sndMax))) {
      if (!(seg.flags & TCP_RST)) this.rst(seg.ack, 0);
      return;
    }
    if (seg.flags & TCP_RST) {
      if (hasAck) this.drop("ECONNREFUSED");
      return;
    }
    if (!(seg.flags & TCP_SYN)) return;
    this.takeSyn(seg);
    this.sndWnd = seg.window;
    this.sndWl1 = seg.seq;
    this.sndWl2 = seg.ack;
    if (hasAck) {
      this.ackedUpTo(seg.ack);
      this.ackNow = true;
      // The ACK leaves before the program hears of the connection, as tcp_input's TF_ACKNOW
      // output runs before the connecting process wakes: its first write is a segment of its own.
      this.setState("ESTABLISHED");
      output(this);
      this.establish();
      return;
    }
    // Simultaneous open: SYN_RECEIVED, and our SYN again, now with an ACK.
    this.setState("SYN_RECEIVED");
    this.sndNxt = this.iss;
    output(this);
  }

  /** RFC 9293 §3.10.7.4 second, with RFC 5961 §3.2: only a RST at exactly rcv.nxt resets. */
  private inputRst(seg: TcpRepr): void {
    if (seg.seq !== this.rcvNxt) {
      this.ackNow = true;
      return output(this);
    }
    if (this.state === "SYN_RECEIVED" && this.onEstablished !== undefined) return this.finish(); // back to LISTEN
    if (this.state === "CLOSING" || this.state === "LAST_ACK" || this.state === "TIME_WAIT")
      return this.finish();
    this.drop("ECONNRESET");
  }

  private establish(): void {
    if (this.done) return;
    this.setState("ESTABLISHED");
    this.cancel("life");
    const accept = this.onEstablished;
    this.onEstablished = undefined;
    if (accept !== undefined) accept(this);
    else this.handlers.connected?.();
  }

  /**
   * RFC 9293 §3.10.7.4 fifth: the ACK field. Returns false when the segment is to be dropped
   * here (an ACK of something never sent).
   */
  private processAck(seg: TcpRepr): boolean {
    if (seqGt(seg.ack, this.sndMax)) {
      this.ackNow = true;
      output(this);
      return false;
    }
    const before = this.sndUna;
    if (seqGt(seg.ack, this.sndUna)) this.newAck(seg.ack);
    else if (this.isDupAck(seg)) this.dupAck();
    // Window update (RFC 9293 §3.10.7.4: only from a segment newer than the last one used).
    if (seqLt(this.sndWl1, seg.seq) || (this.sndWl1 === seg.seq && seqLe(this.sndWl2, seg.ack))) {
      const wasZero = this.sndWnd === 0;
      this.sndWnd = seg.window;
      this.sndWl1 = seg.seq;
      this.sndWl2 = seg.ack;
      if (wasZero && seg.window > 0 && this.timers.persist !== undefined) {
        this.cancel("persist");
        this.persistShift = 0;
        this.sndNxt = this.sndUna; // the probe byte may have been dropped: send from the first unacked
      }
    }
    if (before !== this.sndUna) this.finAckedTransitions();
    return true;
  }

  /** RFC 5681 §2 "duplicate acknowledgment", as FreeBSD counts it (tcp_input.c:2263). */
  private isDupAck(seg: TcpRepr): boolean {
    return (
      seg.ack === this.sndUna &&
      seg.payload.length === 0 &&
      !(seg.flags & (TCP_SYN | TCP_FIN)) &&
      seg.window === this.sndWnd &&
      this.sndMax !== this.sndUna &&
      this.timers.rexmt !== undefined
    );
  }

  private newAck(ack: number): void {
    const acked = seqDiff(ack, this.sndUna);
    // RTT sample (RFC 6298 §3, Karn: the timed segment was never retransmitted, or rttSeq would be cleared).
    if (this.rttSeq !== undefined && seqGt(ack, this.rttSeq)) {
      this.rto.sample(this.stack.ip.now() - this.rttStart);
      this.rttSeq = undefined;
    }
    this.rto.shift = 0;
    const partial = this.cc.onNewAck(acked, ack);
    this.ackedUpTo(ack);
    if (this.sndUna === this.sndMax) this.cancel("rexmt");
    else this.arm("rexmt", this.rto.current(false), () => this.rexmtExpired());
    if (partial) retransmitFirst(this);
    if (this.handlers.writable !== undefined && this.sndBuf.space > 0 && !this.finQueued)
      this.handlers.writable();
  }

  /** Moves snd.una to `ack` and frees the acknowledged bytes. */
  private ackedUpTo(ack: number): void {
    this.sndUna = ack;
    if (seqLt(this.sndNxt, ack)) this.sndNxt = ack;
    const data = Math.min(this.sndBuf.length, Math.max(0, seqDiff(ack, this.sndBufSeq)));
    this.sndBuf.consume(data);
    this.sndBufSeq = seqAdd(this.sndBufSeq, data);
  }

  private dupAck(): void {
    const r = this.cc.onDupAck(seqDiff(this.sndMax, this.sndUna), this.sndMax);
    if (r === "retransmit") {
      this.rttSeq = undefined;
      retransmitFirst(this);
    }
  }

  /** Whether our FIN is acknowledged. */
  finAcked(): boolean {
    return this.finQueued && seqGt(this.sndUna, seqAdd(this.sndBufSeq, this.sndBuf.length));
  }

  /** FIN_WAIT_1, CLOSING and LAST_ACK move on when our FIN is acknowledged. */
  private finAckedTransitions(): void {
    if (!this.finAcked()) return;
    if (this.state === "FIN_WAIT_1") {
      this.setState("FIN_WAIT_2");
      if (this.readClosed) this.arm("life", FIN_WAIT_2_TIMEOUT, () => this.finish());
    } else if (this.state === "CLOSING") this.enterTimeWait();
    else if (this.state === "LAST_ACK") this.finish();
  }

  /** RFC 9293 §3.10.7.4 seventh and eighth: data and FIN. */
  private processText(seg: TcpRepr): void {
    const st = this.state;
    const fin = (seg.flags & TCP_FIN) !== 0;
    if (st === "TIME_WAIT") {
      if (fin) {
        this.ackNow = true; // a retransmitted FIN: our last ACK was lost; ACK again, restart 2MSL
        this.arm("life", TIME_WAIT, () => this.finish());
      }
      return;
    }
    const takesData = st === "ESTABLISHED" || st === "FIN_WAIT_1" || st === "FIN_WAIT_2";
    const data = takesData ? seg.payload : seg.payload.subarray(0, 0);
    if (data.length === 0 && !fin) return;
    if (this.peerFin) return;
    if (seg.seq !== this.rcvNxt) {
      // Out of order: keep it, and send a duplicate ACK at once (RFC 5681 §4.2).
      this.reass.add(seg.seq, data, fin);
      this.ackNow = true;
      return;
    }
    const hadGap = this.reass.count > 0;
    this.deliverData(data);
    this.rcvNxt = seqAdd(this.rcvNxt, data.length);
    let gotFin = fin;
    if (hadGap) {
      const r = this.reass.drain(this.rcvNxt, (d) => this.deliverData(d));
      this.rcvNxt = r.next;
      gotFin ||= r.fin;
      this.ackNow = true; // a segment that fills a gap is acknowledged at once
    }
    if (gotFin) return this.receiveFin();
    if (data.length > 0) this.scheduleAck(data.length);
    if (data.length > 0 && this.rcvBuf.length > 0) this.handlers.data?.();
  }

  private deliverData(d: Uint8Array): void {
    if (this.readClosed) return; // closed for reading: bytes are acknowledged and thrown away
    this.rcvBuf.push(d);
  }

  /** Delayed ACK (RFC 1122 §4.2.3.2, RFC 5681 §4.2): at once for every second full segment, else within 100 ms. */
  private scheduleAck(len: number): void {
    if (len >= this.mss) this.unacked++;
    if (this.unacked >= 2) this.ackNow = true;
    else if (this.timers.delack === undefined)
      this.arm("delack", DELAYED_ACK, () => {
        this.ackNow = true;
        output(this);
      });
  }

  private receiveFin(): void {
    this.rcvNxt = seqAdd(this.rcvNxt, 1);
    this.peerFin = true;
    this.ackNow = true;
    switch (this.state) {
      case "SYN_RECEIVED":
      case "ESTABLISHED":
        this.setState("CLOSE_WAIT");
        break;
      case "FIN_WAIT_1":
        if (this.finAcked()) this.enterTimeWait();
        else this.setState("CLOSING");
        break;
      case "FIN_WAIT_2":
        this.enterTimeWait();
        break;
    }
    if (this.rcvBuf.length > 0) this.handlers.data?.();
    this.handlers.end?.();
  }

  private enterTimeWait(): void {
    this.setState("TIME_WAIT");
    this.cancel("rexmt");
    this.cancel("persist");
    this.arm("life", TIME_WAIT, () => this.finish());
  }

  // ---- timers -------------------------------------------------------------------------------

  /** The retransmission timer fired (RFC 6298 §5.4-5.6, RFC 5681 §3.1 on a timeout). */
  rexmtExpired(): void {
    this.timers.rexmt = undefined;
    this.rto.shift++;
    if (this.rto.shift > MAX_RXT_SHIFT) return this.drop("ETIMEDOUT");
    this.rttSeq = undefined; // Karn
    const syn = this.state === "SYN_SENT" || this.state === "SYN_RECEIVED";
    if (!syn) this.cc.onTimeout(seqDiff(this.sndMax, this.sndUna));
    this.sndNxt = this.sndUna;
    this.arm("rexmt", this.rto.current(syn), () => this.rexmtExpired());
    output(this);
  }

  /** Starts zero-window probing when data waits, the window is shut and nothing is in flight. */
  maybePersist(): void {
    if (this.sndWnd !== 0 || this.timers.persist !== undefined || this.timers.rexmt !== undefined) return;
    const delay = Math.min(PERSIST_MAX, Math.max(PERSIST_MIN, this.rto.base * 2 ** this.persistShift));
    this.arm("persist", delay, () => {
      this.timers.persist = undefined;
      this.persistShift = Math.min(this.persistShift + 1, MAX_RXT_SHIFT);
      output(this, true);
      this.maybePersist();
    });
  }

  arm(name: TimerName, delay: Nanos, fn: () => void): void {
    this.timers[name]?.cancel();
    this.timers[name] = this.stack.ip.timer(delay, () => {
      this.timers[name] = undefined;
      fn();
    });
  }

  cancel(name: TimerName): void {
    this.timers[name]?.cancel();
    this.timers[name] = undefined;
  }

  isArmed(name: TimerName): boolean {
    return this.timers[name] !== undefined;
  }

  // ---- the end ------------------------------------------------------------------------------

  /** A RST from this connection's addresses and ports, with `seq` (and `ack`, when given). */
  private rst(seq: number, ack?: number): void {
    sendRst(
      this.stack,
      this.localAddr,
      this.localPort,
      this.remoteAddr,
      this.remotePort,
      seq,
      ack,
      this.user,
    );
  }

  /** Ends the connection with an error, telling the program (FreeBSD tcp_drop). */
  drop(error: TcpError): void {
    if (this.done) return;
    const synchronized = this.state !== "SYN_SENT" && this.state !== "SYN_RECEIVED";
    if (error === "ETIMEDOUT" && synchronized) this.rst(this.sndNxt);
    this.finish(error);
  }

  /** The connection is gone: timers off, the stack forgets it, the program hears `closed`. */
  finish(error?: TcpError): void {
    if (this.done) return;
    this.done = true;
    for (const n of Object.keys(this.timers) as TimerName[]) this.cancel(n);
    this.setState("CLOSED", error);
    this.stack.forget(this);
    const closed = this.handlers.closed;
    this.handlers = {};
    closed?.(error);
  }

  setState(s: TcpState, error?: TcpError): void {
    const from = this.state;
    if (from === s) return;
    this.state = s;
    this.stack.stateChanged(this, from, error);
  }

  /** The receive window to advertise now. */
  window(): number {
    return Math.max(0, Math.min(0xffff, this.rcvBuf.space - this.reass.bytes));
  }
}
