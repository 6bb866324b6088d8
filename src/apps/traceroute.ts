/**
 * @module apps/traceroute
 * FreeBSD traceroute(8) on a simulated node (contrib/traceroute/traceroute.c): UDP probes from
 * port `ident = (pid & 0xffff) | 0x8000` to `33434 + seq` (seq counts up before each send, so
 * the first probe goes to 33435), or ICMP echo probes with `-I`; TTL 1, 2, … with `nprobes`
 * probes each; the answer to a probe is the ICMP time-exceeded or unreachable message that
 * quotes it (matched on the quoted ports or echo id/seq), or the echo reply.
 *
 * The select() loop becomes one timer per probe: a matching answer cancels it and sends the
 * next probe at once; the timer firing prints ` *`. Answers to older probes are ignored, as
 * `packet_ok` does. Lines follow traceroute.c (FreeBSD's tree of 2010, $FreeBSD: … v 1.37, the
 * LBL 1.4a12 of FreeBSD 8): a responder other than the one before it within one hop starts a new
 * line indented three spaces (`gotlastaddr`, traceroute.c:987-992); every ICMP unreachable code
 * gets its letter (traceroute.c:1029-1119). Source address selection is the kern/139454 fix the
 * seed applied (usr.sbin/traceroute/findsaddr-udp.c): a UDP connect() towards the target, which
 * fails when the node has no route to it — traceroute then says so and exits 1 before a probe.
 */
import { formatIpv4, type Ipv4 } from "../core/ip.js";
import { SECOND, US } from "../core/time.js";
import type { Host, IcmpMessage, TimerHandle } from "../sim/host.js";
import { fixed } from "./cfmt.js";
import { strerror } from "./errno.js";
import {
  ICMP_ECHOREPLY,
  ICMP_TIMXCEED,
  ICMP_UNREACH,
  IPPROTO_ICMP,
  IPPROTO_UDP,
  QuotedIp,
  UNREACH_NEEDFRAG,
  UNREACH_PORT,
  UNREACH_PROTOCOL,
} from "./icmp.js";
import { type Program, type ProgramIo, ProgramState } from "./process.js";

/** Base destination port of UDP probes (32768 + 666). */
export const TRACEROUTE_PORT = 33434;
/** Default max TTL: FreeBSD reads sysctl net.inet.ip.ttl, 64. */
export const TRACEROUTE_MAX_TTL = 64;

export interface TracerouteOptions {
  target: Ipv4;
  /** Name for the header: the canonical name, or the address as typed. */
  hostname: string;
  /** The process id; the probe ident is `(pid & 0xffff) | 0x8000`. */
  pid: number;
  /** -f: first TTL (default 1). */
  firstTtl?: number;
  /** -m: max TTL (default 64). */
  maxTtl?: number;
  /** -q: probes per TTL (default 3). */
  nprobes?: number;
  /** -w: seconds to wait for each answer (default 5). */
  waittimeS?: number;
  /** -n: addresses only. */
  numeric?: boolean;
  /** -I: ICMP echo probes instead of UDP. */
  icmp?: boolean;
  /** -p: base port (default 33434). */
  port?: number;
  /** The packetlen operand: total probe size (default `probeLength`). */
  packlen?: number;
  /** User charged for the probes. */
  user?: string;
  /** gethostbyaddr for hop names (unless -n). */
  reverse?: (a: Ipv4) => string | undefined;
}

/** Starts traceroute on `host`. The header goes to `io.err`, hop lines to `io.out`, as FreeBSD does. */
export function startTraceroute(host: Host, opts: TracerouteOptions, io: ProgramIo): Program {
  const t = new Traceroute(host, opts, io);
  t.start();
  return t.proc;
}

/**
 * sizeof(struct outdata) on the seed's i386 FreeBSD 8: u_char seq, u_char ttl, then a 4-aligned
 * 8-byte struct timeval (traceroute.c `struct outdata`). It is what makes UDP probes 40 bytes.
 */
const OUTDATA_LEN = 12;
/** sizeof(struct udphdr), sizeof(struct icmp) (netinet/ip_icmp.h: 8 bytes + the 20-byte union). */
const UDP_HDRLEN = 8;
const ICMP_HDRLEN = 28;

/**
 * Total bytes of a probe, traceroute.c:669 `minpacket = sizeof(*outip) + proto->hdrlen +
 * sizeof(struct outdata)`: 20 + 8 + 12 = 40 for UDP (the seed's "40 byte packets"), 20 + 28 + 12
 * = 60 for ICMP (-I).
 */
export function probeLength(icmp: boolean): number {
  return 20 + (icmp ? ICMP_HDRLEN : UDP_HDRLEN) + OUTDATA_LEN;
}

/** findsaddr-udp.c's message when connect() finds no route to the target. */
export const FINDSADDR_NO_ROUTE = "findsaddr: failed to connect to peer for src addr selection.";

/**
 * What traceroute.c prints after the time for an ICMP unreachable code (traceroute.c:1029-1119),
 * and whether the code means the probe got there (port and protocol unreachable). `pmtu` is the
 * next-hop MTU of a fragmentation-needed answer (RFC 1191; 0 when the router gave none).
 */
export function unreachMark(code: number, pmtu: number): { mark: string; gotThere: boolean } {
  if (code === UNREACH_PORT) return { mark: "", gotThere: true };
  if (code === UNREACH_PROTOCOL) return { mark: " !P", gotThere: true };
  if (code === UNREACH_NEEDFRAG) return { mark: ` !F-${pmtu}`, gotThere: false };
  const letter = UNREACH_LETTERS[code];
  return { mark: letter === undefined ? ` !<${code}>` : ` !${letter}`, gotThere: false };
}

/**
 * The letters of the other codes, by code (RFC 792, RFC 1122 §3.2.2.1, RFC 1812 §5.2.7.1):
 * net, host, -, -, -, source route failed, net unknown, host unknown, isolated, net prohibited,
 * host prohibited, net for TOS, host for TOS, filtered, host precedence, precedence cutoff.
 */
const UNREACH_LETTERS: readonly (string | undefined)[] = [
  "N",
  "H",
  undefined,
  undefined,
  undefined,
  "S",
  "U",
  "W",
  "I",
  "A",
  "Z",
  "Q",
  "T",
  "X",
  "V",
  "C",
];

class Traceroute {
  readonly proc = new ProgramState();
  private readonly ident: number;
  private readonly nprobes: number;
  private readonly maxTtl: number;
  private readonly packlen: number;
  private readonly port: number;
  private ttl: number;
  private seq = 0;
  private probe = 0;
  private lastaddr: Ipv4 = 0;
  private gotLastaddr = false;
  private gotThere = 0;
  private unreachable = 0;
  /** Send time of the current probe, microseconds. */
  private t1 = 0;
  private wait: TimerHandle | null = null;
  private listener: { close(): void } | null = null;

  constructor(
    private readonly host: Host,
    private readonly o: TracerouteOptions,
    private readonly io: ProgramIo,
  ) {
    this.ident = (o.pid & 0xffff) | 0x8000;
    this.nprobes = o.nprobes ?? 3;
    this.maxTtl = o.maxTtl ?? TRACEROUTE_MAX_TTL;
    this.ttl = o.firstTtl ?? 1;
    this.packlen = o.packlen ?? probeLength(o.icmp ?? false);
    this.port = o.port ?? (o.icmp ? 0 : TRACEROUTE_PORT);
    this.proc.onInterrupt = () => this.end(130);
  }

  start(): void {
    const o = this.o;
    if (this.host.lookup(o.target) === undefined) {
      this.io.err(`traceroute: ${FINDSADDR_NO_ROUTE}\n`);
      return this.proc.exit(1);
    }
    this.io.err(
      `traceroute to ${o.hostname} (${formatIpv4(o.target)}), ${this.maxTtl} hops max, ${this.packlen} byte packets\n`,
    );
    this.listener = this.host.icmpListen((m) => this.receive(m));
    this.beginHop();
  }

  private beginHop(): void {
    this.io.out(`${this.ttl < 10 ? " " : ""}${this.ttl} `);
    this.probe = 0;
    this.lastaddr = 0;
    this.gotLastaddr = false;
    this.gotThere = 0;
    this.unreachable = 0;
    this.sendProbe();
  }

  private sendProbe(): void {
    const o = this.o;
    const seq = ++this.seq;
    this.t1 = Math.floor(this.host.now() / US);
    const opts: { ttl: number; id: number; user?: string } = {
      ttl: this.ttl,
      id: (this.ident + seq) & 0xffff,
    };
    if (o.user !== undefined) opts.user = o.user;
    // outdata.seq is a u_char: ports and echo sequence numbers wrap at 256, as in FreeBSD.
    const r = o.icmp
      ? this.host.sendIcmpEcho(o.target, this.ident, seq & 0xff, new Uint8Array(this.packlen - 28), opts)
      : this.host.sendUdp(
          o.target,
          this.ident,
          (this.port + (seq & 0xff)) & 0xffff,
          new Uint8Array(this.packlen - 28),
          opts,
        );
    if (!r.ok) {
      this.io.err(`traceroute: sendto: ${strerror(r.error)}\n`);
      this.io.out(`traceroute: wrote ${o.hostname} ${this.packlen} chars, ret=-1\n`);
    }
    this.wait = this.host.timer((o.waittimeS ?? 5) * SECOND, () => this.timeout());
  }

  private timeout(): void {
    this.wait = null;
    if (!this.proc.running) return;
    this.io.out(" *");
    this.nextProbe();
  }

  /** A received ICMP message: an answer to the current probe, or noise to skip. */
  private receive(m: IcmpMessage): void {
    if (this.wait === null || !this.proc.running) return;
    const i = this.packetOk(m);
    if (i === 0) return;
    this.wait.cancel();
    this.wait = null;
    let s = "";
    if (!this.gotLastaddr || this.lastaddr !== m.src) {
      if (this.gotLastaddr) s += "\n   ";
      const addr = formatIpv4(m.src);
      s += this.o.numeric ? ` ${addr}` : ` ${this.o.reverse?.(m.src) ?? addr} (${addr})`;
      this.lastaddr = m.src;
      this.gotLastaddr = true;
    }
    const t2 = Math.floor(this.host.now() / US);
    s += `  ${fixed((t2 - this.t1) / 1000.0, 3)} ms`;
    if (i === -2) {
      if (m.ttl <= 1) s += " !";
      this.gotThere++;
    } else if (i !== -1) {
      const code = i - 1;
      const u = unreachMark(code, code === UNREACH_NEEDFRAG ? m.seq : 0);
      if (code === UNREACH_PORT && m.ttl <= 1) s += " !";
      s += u.mark;
      if (u.gotThere) this.gotThere++;
      else this.unreachable++;
    }
    this.io.out(s);
    this.nextProbe();
  }

  /**
   * traceroute.c `packet_ok`: -2 for our echo reply (-I), -1 for time exceeded in transit,
   * code + 1 for an unreachable, 0 for anything that is not about the current probe.
   */
  private packetOk(m: IcmpMessage): number {
    const seq = this.seq & 0xff;
    if (m.type === ICMP_ECHOREPLY && this.o.icmp && m.ident === this.ident && m.seq === seq) return -2;
    if ((m.type === ICMP_TIMXCEED && m.code === 0) || m.type === ICMP_UNREACH) {
      const q = new QuotedIp(m.data);
      if (!q.has(8)) return 0;
      const ok = this.o.icmp
        ? q.proto === IPPROTO_ICMP && q.payload16(4) === this.ident && q.payload16(6) === seq
        : q.proto === IPPROTO_UDP &&
          q.payload16(0) === this.ident &&
          q.payload16(2) === ((this.port + seq) & 0xffff);
      if (ok) return m.type === ICMP_TIMXCEED ? -1 : m.code + 1;
    }
    return 0;
  }

  private nextProbe(): void {
    if (++this.probe < this.nprobes) return this.sendProbe();
    this.io.out("\n");
    if (this.gotThere || (this.unreachable > 0 && this.unreachable >= this.nprobes - 1)) return this.end(0);
    if (++this.ttl > this.maxTtl) return this.end(0);
    this.beginHop();
  }

  private end(code: number): void {
    this.wait?.cancel();
    this.wait = null;
    this.listener?.close();
    this.proc.exit(code);
  }
}
