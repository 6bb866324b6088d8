/**
 * @module sim/tcp/stack
 * A node's TCP: segments in (checksum, demultiplexing to a connection or a listener), RSTs for
 * segments nobody takes, listeners with their backlog, ephemeral ports and initial sequence
 * numbers, and the socket events of the picture.
 *
 * It reaches the node through `TcpIpLayer` alone (clock, timers, random stream, source address
 * selection, sending one segment), so the node's side of the hook is a few lines: protocol 6
 * delivered to `input`, and `sendSegment`.
 */
import { formatIpv4, type Ipv4 } from "../../core/ip.js";
import type { Rng } from "../../core/rng.js";
import type { Nanos } from "../../core/time.js";
import { parseTcp, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpRepr, WireError } from "../../wire/index.js";
import type { SendResult, TimerHandle } from "../host.js";
import { TcpConnection } from "./connection.js";
import { sendRst } from "./output.js";
import { EPHEMERAL_FIRST, EPHEMERAL_LAST, SOMAXCONN, seqAdd } from "./params.js";
import type { TcpError, TcpListener, TcpOpenOptions, TcpSocket, TcpState } from "./socket.js";

/** A change of a connection's state, for the event stream (the picture's socket view). */
export interface TcpStateChange {
  user: string;
  local: string;
  remote: string;
  from: TcpState;
  state: TcpState;
  error?: TcpError;
}

/** What TCP needs from the node under it. */
export interface TcpIpLayer {
  readonly rng: Rng;
  now(): Nanos;
  timer(delay: Nanos, fn: () => void): TimerHandle;
  /** The address a packet to `dst` leaves from, or why it cannot leave. */
  sourceFor(dst: Ipv4): Ipv4 | "ENETUNREACH" | "EHOSTUNREACH" | "ENETDOWN";
  /** Whether `a` is one of the node's addresses. */
  isLocal(a: Ipv4): boolean;
  /** Sends one segment in an IPv4 datagram from `src` to `dst`, charged to `user`. */
  sendSegment(src: Ipv4, dst: Ipv4, seg: TcpRepr, user: string): SendResult;
  stateChanged(e: TcpStateChange): void;
}

/** What `input` did with a segment, for the node's deliver or drop event. */
export type TcpInputResult =
  | "delivered"
  | "tcp-reset"
  | "bad-checksum"
  | "malformed"
  | "listen-queue-full"
  | "ignored";

interface Listening extends TcpListener {
  backlog: number;
  user: string;
  /** Connections of this listener not yet accepted or still in their handshake. */
  pending: Set<TcpConnection>;
}

function key(la: Ipv4, lp: number, ra: Ipv4, rp: number): string {
  return `${la}:${lp}:${ra}:${rp}`;
}

function endpoint(a: Ipv4, p: number): string {
  return `${formatIpv4(a)}:${p}`;
}

export class TcpStack {
  private readonly conns = new Map<string, TcpConnection>();
  private readonly listeners = new Map<number, Listening>();
  private readonly issRng: Rng;

  constructor(readonly ip: TcpIpLayer) {
    this.issRng = ip.rng.fork(0x7c9);
  }

  /** Open connections (every state but CLOSED), for netstat and tests. */
  connections(): readonly TcpSocket[] {
    return [...this.conns.values()];
  }

  /** Ports listened on. */
  listening(): number[] {
    return [...this.listeners.keys()].sort((a, b) => a - b);
  }

  // ---- opening ------------------------------------------------------------------------------

  /** Active open. Fails at once (no segment sent) with no route or a busy local port. */
  connect(dst: Ipv4, dstPort: number, opts: TcpOpenOptions = {}): TcpSocket | TcpError {
    const src = opts.src ?? this.ip.sourceFor(dst);
    if (typeof src === "string") return src;
    if (opts.src !== undefined && !this.ip.isLocal(opts.src)) return "EADDRNOTAVAIL";
    const port = opts.srcPort ?? this.ephemeralPort(src, dst, dstPort);
    if (port === undefined) return "EADDRNOTAVAIL";
    if (this.conns.has(key(src, port, dst, dstPort))) return "EADDRINUSE";
    const c = new TcpConnection(this, src, port, dst, dstPort, opts.user ?? "root");
    this.conns.set(key(src, port, dst, dstPort), c);
    c.openActive(this.issRng.u32());
    return c;
  }

  /** Passive open on `port` of every address. */
  listen(port: number, opts: TcpOpenOptions = {}): TcpListener | TcpError {
    if (this.listeners.has(port)) return "EADDRINUSE";
    const l: Listening = {
      port,
      backlog: Math.max(1, Math.min(opts.backlog ?? SOMAXCONN, SOMAXCONN)),
      user: opts.user ?? "root",
      pending: new Set(),
      close: () => {
        if (this.listeners.get(port) !== l) return;
        this.listeners.delete(port);
        // Connections never accepted are reset, as soclose does with its queues.
        for (const c of l.pending) c.abort();
      },
    };
    this.listeners.set(port, l);
    return l;
  }

  /**
   * A random free port in 49152-65535 (FreeBSD 8 picks ephemeral ports at random,
   * net.inet.ip.portrange.randomized=1), not listened on nor used towards the same peer.
   */
  private ephemeralPort(src: Ipv4, dst: Ipv4, dstPort: number): number | undefined {
    const span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
    const start = this.issRng.u32() % span;
    for (let i = 0; i < span; i++) {
      const p = EPHEMERAL_FIRST + ((start + i) % span);
      if (!this.listeners.has(p) && !this.conns.has(key(src, p, dst, dstPort))) return p;
    }
    return undefined;
  }

  // ---- segment arrival ----------------------------------------------------------------------

  /**
   * A datagram with protocol 6 for this node: `b` holds the IPv4 packet, the segment at `off`.
   * `verdict` hears what becomes of the segment before anything is sent in answer, so the
   * node's deliver or drop event comes before the answer's hop.
   */
  input(
    b: Uint8Array,
    off: number,
    len: number,
    src: Ipv4,
    dst: Ipv4,
    user: string,
    verdict: (r: TcpInputResult) => void,
  ): void {
    const seg = parseTcp(b, off, len, src, dst);
    if (seg instanceof WireError) return verdict(seg.kind === "checksum" ? "bad-checksum" : "malformed");
    const c = this.conns.get(key(dst, seg.dstPort, src, seg.srcPort));
    if (c !== undefined) {
      verdict("delivered");
      return c.input(seg);
    }
    const l = this.listeners.get(seg.dstPort);
    if (l !== undefined) return this.inputListen(l, seg, src, dst, user, verdict);
    verdict(seg.flags & TCP_RST ? "ignored" : "tcp-reset");
    this.resetFor(seg, src, dst, user);
  }

  /** RFC 9293 §3.10.7.2: a segment for a LISTEN socket. */
  private inputListen(
    l: Listening,
    seg: TcpRepr,
    src: Ipv4,
    dst: Ipv4,
    user: string,
    verdict: (r: TcpInputResult) => void,
  ): void {
    if (seg.flags & TCP_RST) return verdict("ignored");
    if (seg.flags & TCP_ACK) {
      verdict("tcp-reset");
      return this.resetFor(seg, src, dst, l.user);
    }
    if (!(seg.flags & TCP_SYN)) return verdict("ignored");
    // A full queue drops the SYN without an answer, so the peer retries (FreeBSD's sonewconn
    // refuses past 3/2 of the backlog, uipc_socket.c; the syncache then drops it).
    if (l.pending.size >= Math.floor((3 * l.backlog) / 2)) return verdict("listen-queue-full");
    verdict("delivered");
    // The connection is charged to whoever sent the SYN, as an echo reply is to the pinger:
    // a server's answers (and a relay's onward connection) wear the caller's colour.
    const c = new TcpConnection(this, dst, seg.dstPort, src, seg.srcPort, user);
    this.conns.set(key(dst, seg.dstPort, src, seg.srcPort), c);
    l.pending.add(c);
    c.onEstablished = (conn) => {
      l.pending.delete(conn);
      if (l.connection !== undefined) l.connection(conn);
      else conn.abort();
    };
    c.openPassive(this.issRng.u32(), seg);
  }

  /** RFC 9293 §3.10.7.1: the answer to a segment no socket takes. */
  private resetFor(seg: TcpRepr, src: Ipv4, dst: Ipv4, user: string): void {
    if (seg.flags & TCP_RST) return;
    if (seg.flags & TCP_ACK)
      return sendRst(this, dst, seg.dstPort, src, seg.srcPort, seg.ack, undefined, user);
    const len = seg.payload.length + (seg.flags & TCP_SYN ? 1 : 0) + (seg.flags & TCP_FIN ? 1 : 0);
    sendRst(this, dst, seg.dstPort, src, seg.srcPort, 0, seqAdd(seg.seq, len), user);
  }

  // ---- bookkeeping --------------------------------------------------------------------------

  /** A connection reached CLOSED. */
  forget(c: TcpConnection): void {
    const k = key(c.localAddr, c.localPort, c.remoteAddr, c.remotePort);
    if (this.conns.get(k) === c) this.conns.delete(k);
    for (const l of this.listeners.values()) l.pending.delete(c);
  }

  stateChanged(c: TcpConnection, from: TcpState, error?: TcpError): void {
    const e: TcpStateChange = {
      user: c.user,
      local: endpoint(c.localAddr, c.localPort),
      remote: endpoint(c.remoteAddr, c.remotePort),
      from,
      state: c.state,
    };
    if (error !== undefined) e.error = error;
    this.ip.stateChanged(e);
  }

  /** Node crash: every connection and listener vanishes without a segment (the host is gone). */
  reset(): void {
    const all = [...this.conns.values()];
    this.conns.clear();
    this.listeners.clear();
    for (const c of all) c.finish("ECONNRESET");
  }
}
