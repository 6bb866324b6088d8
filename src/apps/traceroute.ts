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
 * `packet_ok` does. Lines follow the FreeBSD 8 layout (a changed responder is printed inline).
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
  UNREACH_FILTER_PROHIB,
  UNREACH_HOST,
  UNREACH_NEEDFRAG,
  UNREACH_NET,
  UNREACH_PORT,
  UNREACH_PROTOCOL,
  UNREACH_SRCFAIL,
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

/** Total bytes of a probe: 40 for UDP (20 + 8 + 12 bytes of zeros); 48 for ICMP (20 + sizeof(struct icmp)). */
export function probeLength(icmp: boolean): number {
  return Math.max(40, 20 + (icmp ? 28 : 8));
}

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
  private lastaddr: Ipv4 | undefined;
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
    this.io.err(
      `traceroute to ${o.hostname} (${formatIpv4(o.target)}), ${this.maxTtl} hops max, ${this.packlen} byte packets\n`,
    );
    this.listener = this.host.icmpListen((m) => this.receive(m));
    this.beginHop();
  }

  private beginHop(): void {
    this.io.out(`${this.ttl < 10 ? " " : ""}${this.ttl} `);
    this.probe = 0;
    this.lastaddr = undefined;
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
    if (this.lastaddr !== m.src) {
      const addr = formatIpv4(m.src);
      s += this.o.numeric ? ` ${addr}` : ` ${this.o.reverse?.(m.src) ?? addr} (${addr})`;
      this.lastaddr = m.src;
    }
    const t2 = Math.floor(this.host.now() / US);
    s += `  ${fixed((t2 - this.t1) / 1000.0, 3)} ms`;
    if (i === -2) {
      if (m.ttl <= 1) s += " !";
      this.gotThere++;
    } else if (i !== -1) {
      const code = i - 1;
      switch (code) {
        case UNREACH_PORT:
          if (m.ttl <= 1) s += " !";
          this.gotThere++;
          break;
        case UNREACH_NET:
          this.unreachable++;
          s += " !N";
          break;
        case UNREACH_HOST:
          this.unreachable++;
          s += " !H";
          break;
        case UNREACH_PROTOCOL:
          this.gotThere++;
          s += " !P";
          break;
        case UNREACH_NEEDFRAG:
          this.unreachable++;
          s += " !F-0";
          break;
        case UNREACH_SRCFAIL:
          this.unreachable++;
          s += " !S";
          break;
        case UNREACH_FILTER_PROHIB:
          this.unreachable++;
          s += " !X";
          break;
        default:
          this.unreachable++;
          s += ` !<${code}>`;
      }
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
