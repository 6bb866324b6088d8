/**
 * @module apps/rtquery
 * FreeBSD rtquery(8) on a simulated node: asks RIP routers for their tables over UDP and prints
 * every response as it arrives. The request and the printing come from proto/rip (rtqueryRequest,
 * rtqueryFormat); this file is the program around them, following sbin/routed/rtquery/rtquery.c
 * `query_loop()` step for step on the node's virtual clock:
 *
 * - the request goes to the first host that resolves (each unknown host prints `NAME: Unknown
 *   host` and counts as answered, so it cannot hold the program up); when none resolves the
 *   program exits 1 at once;
 * - rtquery then select()s with 250 ms (STIME): each datagram that arrives is printed and the
 *   250 ms start again; a distinct sender counts as one answer (a router may answer from another
 *   address than the one asked, so answers are not matched to hosts);
 * - after 250 ms of silence the next host is asked (one host at a time keeps the answers from
 *   mixing); the program ends when there are as many answers as hosts, or when `wtime` (15 s)
 *   has passed since the last request, with exit status 0 only if every host answered.
 *
 * No answer prints nothing, as on FreeBSD: the exit status (1) says it. The socket is bound to an
 * ephemeral port (rtquery never binds; the kernel picks one): the routers then answer with their
 * whole table, next hops included and without split horizon, as routed answers a query.
 */
import { formatIpv4, type Ipv4 } from "../core/ip.js";
import { MS, type Nanos, SECOND } from "../core/time.js";
import type { Datagram, Host, TimerHandle } from "../sim/host.js";
import { rtqueryFormat } from "../proto/rip/rtquery.js";
import {
  emitRip,
  RIP_ENTRY_LEN,
  RIP_HEADER_LEN,
  RIP_PORT,
  type RipEntry,
  type RipRepr,
} from "../wire/rip.js";
import { strerror } from "./errno.js";
import { type Program, type ProgramIo, ProgramState } from "./process.js";

/** Default seconds to wait for all responses (WTIME). */
export const RTQUERY_WTIME_S = 15;
/** Silence after which the next host is asked or the program ends (STIME, 250 ms). */
const STIME: Nanos = 250 * MS;
/** First port tried for the query socket (the IANA dynamic range FreeBSD uses since 7.0's portrange change). */
const EPHEMERAL_FIRST = 49152;
const EPHEMERAL_COUNT = 65536 - EPHEMERAL_FIRST;

export interface RtqueryOptions {
  /** The host operands as typed, asked in order. */
  hosts: readonly string[];
  /** gethostbyname / inet_aton: an operand to an address, undefined when unknown. */
  lookup: (host: string) => Ipv4 | undefined;
  /** The message to send (rtqueryRequest, adjusted for -1 / -p). */
  request: RipRepr;
  /** -w: seconds to wait after the last request (default 15). */
  wtimeS?: number;
  /** -n: numbers only. */
  numeric?: boolean;
  /** gethostbyaddr for the responders, host routes and next hops (unless -n). */
  reverse?: (a: Ipv4) => string | undefined;
  /** Process id: picks the ephemeral port, so runs repeat exactly. */
  pid: number;
  /** User charged for the packets. */
  user?: string;
}

/** Starts rtquery on `host`; responses go to `io.out`, diagnostics to `io.err`. */
export function startRtquery(host: Host, opts: RtqueryOptions, io: ProgramIo): Program {
  const q = new Rtquery(host, opts, io);
  q.start();
  return q.proc;
}

class Rtquery {
  readonly proc = new ProgramState();
  private readonly wtime: Nanos;
  private readonly msg: Uint8Array;
  private next = 0;
  private answered = 0;
  private readonly seen = new Set<Ipv4>();
  private sent: Nanos = 0;
  private socket: { close(): void } | null = null;
  private port = 0;
  private timer: TimerHandle | null = null;

  constructor(
    private readonly host: Host,
    private readonly o: RtqueryOptions,
    private readonly io: ProgramIo,
  ) {
    this.wtime = (o.wtimeS ?? RTQUERY_WTIME_S) * SECOND;
    this.msg = emitRip(o.request);
    this.proc.onInterrupt = () => this.exit(130);
  }

  start(): void {
    if (!this.bind()) {
      this.io.err(`bind: ${strerror("EADDRINUSE")}\n`);
      this.proc.exit(2);
      return;
    }
    // Ask the first host that can be asked; when none can, give up at once.
    while (this.out(this.o.hosts[this.next++]!) < 0) {
      if (this.next >= this.o.hosts.length) return this.exit(1);
      this.answered++;
    }
    this.wait();
  }

  /** An ephemeral port derived from the pid, the next free one on a collision. */
  private bind(): boolean {
    const start = this.o.pid % EPHEMERAL_COUNT;
    for (let i = 0; i < EPHEMERAL_COUNT; i++) {
      const port = EPHEMERAL_FIRST + ((start + i) % EPHEMERAL_COUNT);
      try {
        this.socket = this.host.udpBind(port, (d) => this.receive(d));
        this.port = port;
        return true;
      } catch {
        // in use: try the next one
      }
    }
    return false;
  }

  /** select() with STIME: re-armed after every datagram. */
  private wait(): void {
    this.timer?.cancel();
    this.timer = this.host.timer(STIME, () => this.silence());
  }

  /** Sends the request to one host (rtquery's `out`); -1 when it could not. */
  private out(name: string): number {
    this.sent = this.host.now();
    const dst = this.o.lookup(name);
    if (dst === undefined) {
      this.io.err(`${name}: Unknown host\n`);
      return -1;
    }
    const opts = this.o.user !== undefined ? { user: this.o.user } : {};
    const r = this.host.sendUdp(dst, this.port, RIP_PORT, this.msg, opts);
    if (!r.ok) {
      this.io.err(`${name}: ${strerror(r.error)}\n`);
      return -1;
    }
    return 0;
  }

  private receive(d: Datagram): void {
    if (!this.proc.running) return;
    if (!this.seen.has(d.src)) {
      this.seen.add(d.src);
      this.answered++;
    }
    this.io.out(this.format(d));
    this.wait();
  }

  /** 250 ms without a datagram: ask the next host, or end. */
  private silence(): void {
    this.timer = null;
    if (!this.proc.running) return;
    const hosts = this.o.hosts;
    while (this.next < hosts.length && this.out(hosts[this.next++]!) < 0) this.answered++;
    if (this.answered >= hosts.length) return this.exit(0);
    if (this.sent + this.wtime <= this.host.now()) return this.exit(1);
    this.wait();
  }

  private format(d: Datagram): string {
    const a = formatIpv4(d.src);
    const name = this.o.numeric ? undefined : this.o.reverse?.(d.src);
    const from = name === undefined ? a : `${name} (${a})`;
    const fmt: { numeric: boolean; size: number; resolve?: (x: Ipv4) => string | undefined } = {
      numeric: this.o.numeric ?? false,
      size: d.payload.length,
    };
    if (this.o.reverse) fmt.resolve = this.o.reverse;
    return rtqueryFormat(decodeLoosely(d.payload), from, fmt);
  }

  private exit(code: number): void {
    this.timer?.cancel();
    this.timer = null;
    this.socket?.close();
    this.socket = null;
    this.proc.exit(code);
  }
}

/**
 * Whatever arrived, read as rtquery reads it: the header, then every whole 20-byte entry. The
 * codec's parseRip refuses odd messages, but rtquery is a diagnostic tool and shows them.
 */
function decodeLoosely(p: Uint8Array): RipRepr {
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const entries: RipEntry[] = [];
  for (let o = RIP_HEADER_LEN; o + RIP_ENTRY_LEN <= p.length; o += RIP_ENTRY_LEN)
    entries.push({
      afi: v.getUint16(o),
      tag: v.getUint16(o + 2),
      addr: v.getUint32(o + 4),
      mask: v.getUint32(o + 8),
      nextHop: v.getUint32(o + 12),
      metric: v.getUint32(o + 16),
    });
  return { command: p[0] ?? 0, version: p[1] ?? 0, entries };
}
