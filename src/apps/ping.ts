/**
 * @module apps/ping
 * FreeBSD ping(8) on a simulated node: ICMP echo requests through `Host.sendIcmpEcho`, replies
 * and errors through `Host.icmpListen`, timing on the node's virtual clock.
 *
 * Follows sbin/ping/ping.c (FreeBSD 8–9) step for step, because people compare the output
 * with the real one: the send/select loop becomes a timer (`tick`) — a send every interval,
 * then after the last one a final wait of 2×max RTT (at least 1 s) when something came back,
 * or `-W` (default 10 s) when nothing did; the payload carries the send time (two big-endian
 * u32, seconds and microseconds) then bytes `i & 0xff`; duplicates are found with the same
 * 1024-bit table; the statistics use the same sums (stddev = sqrt(Σt²/n − avg²)).
 */
import { formatIpv4, type Ipv4 } from "../core/ip.js";
import { MS, SECOND, US } from "../core/time.js";
import type { Host, IcmpMessage, TimerHandle } from "../sim/host.js";
import { fixed, hex } from "./cfmt.js";
import { strerror } from "./errno.js";
import {
  ICMP_ECHO,
  ICMP_ECHOREPLY,
  ICMP_PARAMPROB,
  ICMP_REDIRECT,
  ICMP_SOURCEQUENCH,
  ICMP_TIMXCEED,
  ICMP_UNREACH,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  QuotedIp,
} from "./icmp.js";
import { type Program, type ProgramIo, ProgramState } from "./process.js";

/** Default data bytes (DEFDATALEN). */
export const PING_DEFAULT_DATALEN = 56;
/** Bytes of the timestamp at the start of the data (struct tv32). */
const TIMEVAL_LEN = 8;
/** Default wait for replies after the last request, ms (MAXWAIT). */
const MAXWAIT_MS = 10000;
const MAX_DUP_CHK = 8 * 128;

export interface PingOptions {
  target: Ipv4;
  /** Name for the header and the statistics: the canonical name, or the address as typed. */
  hostname: string;
  /** Identifier of the echo requests (FreeBSD: getpid() & 0xffff). */
  ident: number;
  /** -c: stop after this many requests (and replies); 0 = until interrupted. */
  count?: number;
  /** -i: milliseconds between requests (default 1000). */
  intervalMs?: number;
  /** -m: TTL of the requests. */
  ttl?: number;
  /** -n: print addresses only. */
  numeric?: boolean;
  /** -q: print only the header and the statistics (ICMP errors still print). */
  quiet?: boolean;
  /** -Q: do not print ICMP errors about our requests. */
  quietErrors?: boolean;
  /** -s: data bytes (default 56). */
  datalen?: number;
  /** -t: stop after this many seconds. */
  timeoutS?: number;
  /** -W: milliseconds to wait for a reply; later replies are counted, not printed. */
  waittimeMs?: number;
  /** -o: stop after the first reply. */
  once?: boolean;
  /** User charged for the packets (their colour in the picture). */
  user?: string;
  /** gethostbyaddr: the name of an address, for ICMP error senders (unless -n). */
  reverse?: (a: Ipv4) => string | undefined;
}

/** Starts ping on `host`; output goes to `io` as it happens. */
export function startPing(host: Host, opts: PingOptions, io: ProgramIo): Program {
  const p = new Ping(host, opts, io);
  p.start();
  return p.proc;
}

class Ping {
  readonly proc = new ProgramState();
  private readonly datalen: number;
  private readonly timing: boolean;
  private readonly interval: number;
  private readonly waittime: number;
  private readonly rcvd = new Uint8Array(MAX_DUP_CHK / 8);
  private ntransmitted = 0;
  private nreceived = 0;
  private nrepeats = 0;
  private nrcvtimeout = 0;
  private tmin = 999999999.0;
  private tmax = 0.0;
  private tsum = 0.0;
  private tsumsq = 0.0;
  private almostDone = false;
  private tick: TimerHandle | null = null;
  private alarm: TimerHandle | null = null;
  private listener: { close(): void } | null = null;

  constructor(
    private readonly host: Host,
    private readonly o: PingOptions,
    private readonly io: ProgramIo,
  ) {
    this.datalen = o.datalen ?? PING_DEFAULT_DATALEN;
    this.timing = this.datalen >= TIMEVAL_LEN;
    this.interval = (o.intervalMs ?? 1000) * MS;
    this.waittime = o.waittimeMs ?? MAXWAIT_MS;
    this.proc.onInterrupt = () => this.finish();
  }

  start(): void {
    const o = this.o;
    this.io.out(`PING ${o.hostname} (${formatIpv4(o.target)}): ${this.datalen} data bytes\n`);
    this.listener = this.host.icmpListen((m) => this.receive(m));
    if (o.timeoutS !== undefined && o.timeoutS > 0)
      this.alarm = this.host.timer(o.timeoutS * SECOND, () => this.finish());
    this.pinger();
    this.schedule(this.interval);
  }

  private schedule(delay: number): void {
    this.tick = this.host.timer(delay, () => this.onTick());
  }

  /** The select() timeout: send the next request, or start / end the final wait. */
  private onTick(): void {
    this.tick = null;
    if (!this.proc.running) return;
    const count = this.o.count ?? 0;
    let next = this.interval;
    if (count === 0 || this.ntransmitted < count) this.pinger();
    else {
      if (this.almostDone) return this.finish();
      this.almostDone = true;
      if (this.nreceived) {
        // intvl.tv_sec = 2 * tmax / 1000 (whole seconds), at least 1.
        next = Math.max(1, Math.trunc((2 * this.tmax) / 1000)) * SECOND;
      } else next = this.waittime * MS;
    }
    this.schedule(next);
  }

  /** Sends one echo request (ping.c `pinger`). */
  private pinger(): void {
    const o = this.o;
    const seq = this.ntransmitted & 0xffff;
    this.rcvd[(this.ntransmitted % MAX_DUP_CHK) >> 3]! &= ~(1 << ((this.ntransmitted % MAX_DUP_CHK) & 7));
    const data = new Uint8Array(this.datalen);
    for (let i = TIMEVAL_LEN; i < this.datalen; i++) data[i] = i & 0xff;
    if (this.timing) {
      const now = Math.floor(this.host.now() / US); // microseconds
      const sec = Math.floor(now / 1e6);
      const usec = now % 1e6;
      const v = new DataView(data.buffer);
      v.setUint32(0, sec >>> 0);
      v.setUint32(4, usec);
    }
    const sendOpts: { ttl?: number; user?: string } = {};
    if (o.ttl !== undefined) sendOpts.ttl = o.ttl;
    if (o.user !== undefined) sendOpts.user = o.user;
    const r = this.host.sendIcmpEcho(o.target, o.ident, seq, data, sendOpts);
    if (!r.ok) this.io.err(`ping: sendto: ${strerror(r.error)}\n`);
    this.ntransmitted++;
  }

  /** A received ICMP message (ping.c `pr_pack`). */
  private receive(m: IcmpMessage): void {
    if (!this.proc.running) return;
    const o = this.o;
    const cc = 8 + m.data.length; // ICMP length
    if (m.type === ICMP_ECHOREPLY) {
      if (m.ident !== o.ident) return;
      this.nreceived++;
      let triptime = 0.0;
      if (this.timing && m.data.length >= TIMEVAL_LEN) {
        const v = new DataView(m.data.buffer, m.data.byteOffset, m.data.byteLength);
        const now = Math.floor(this.host.now() / US);
        let sec = Math.floor(now / 1e6) - v.getUint32(0);
        let usec = (now % 1e6) - v.getUint32(4);
        if (usec < 0) {
          sec--;
          usec += 1e6;
        }
        triptime = sec * 1000.0 + usec / 1000.0;
        this.tsum += triptime;
        this.tsumsq += triptime * triptime;
        if (triptime < this.tmin) this.tmin = triptime;
        if (triptime > this.tmax) this.tmax = triptime;
      }
      const seq = m.seq;
      const bit = seq % MAX_DUP_CHK;
      const dup = (this.rcvd[bit >> 3]! & (1 << (bit & 7))) !== 0;
      if (dup) {
        this.nrepeats++;
        this.nreceived--;
      } else this.rcvd[bit >> 3]! |= 1 << (bit & 7);
      if (!o.quiet) {
        if (o.waittimeMs !== undefined && triptime > o.waittimeMs) this.nrcvtimeout++;
        else this.io.out(this.replyLine(m, cc, seq, triptime, dup));
      }
      if ((o.once && this.nreceived) || (o.count && this.nreceived >= o.count)) this.finish();
      return;
    }
    // An error: print it only when it quotes one of our requests to the target.
    const q = new QuotedIp(m.data);
    if (o.quietErrors || !q.has(8)) return;
    if (
      q.dst !== o.target ||
      q.proto !== IPPROTO_ICMP ||
      q.payload(0) !== ICMP_ECHO ||
      q.payload16(4) !== o.ident
    )
      return;
    this.io.out(`${cc} bytes from ${this.prAddr(m.src)}: ${prIcmph(m)}\n`);
  }

  private replyLine(m: IcmpMessage, cc: number, seq: number, triptime: number, dup: boolean): string {
    let s = `${cc} bytes from ${formatIpv4(m.src)}: icmp_seq=${seq} ttl=${m.ttl}`;
    if (this.timing) s += ` time=${fixed(triptime, 3)} ms`;
    if (dup) s += " (DUP!)";
    const recvLen = 20 + cc;
    const sendLen = 28 + this.datalen;
    if (recvLen !== sendLen) s += `\nwrong total length ${recvLen} instead of ${sendLen}`;
    // Check the data came back unchanged (after the timestamp).
    const d = m.data;
    for (let i = this.timing ? TIMEVAL_LEN : 0; i < this.datalen && i < d.length; i++) {
      const want = i & 0xff;
      if (d[i] !== want) {
        s += `\nwrong data byte #${i} should be 0x${want.toString(16)} but was 0x${d[i]!.toString(16)}`;
        s += `\ncp:${dump(d, this.datalen)}`;
        const sent = new Uint8Array(this.datalen);
        for (let j = TIMEVAL_LEN; j < this.datalen; j++) sent[j] = j & 0xff;
        s += `\ndp:${dump(sent, this.datalen)}`;
        break;
      }
    }
    return `${s}\n`;
  }

  /** `name (addr)` unless -n or the address has no name (ping.c `pr_addr`). */
  private prAddr(a: Ipv4): string {
    const name = this.o.numeric ? undefined : this.o.reverse?.(a);
    return name === undefined ? formatIpv4(a) : `${name} (${formatIpv4(a)})`;
  }

  /** Prints the statistics and exits 0 if anything came back, else 2 (ping.c `finish`). */
  private finish(): void {
    if (!this.proc.running) return;
    this.tick?.cancel();
    this.alarm?.cancel();
    this.listener?.close();
    const { ntransmitted, nreceived, nrepeats } = this;
    let s = `\n--- ${this.o.hostname} ping statistics ---\n`;
    s += `${ntransmitted} packets transmitted, ${nreceived} packets received, `;
    if (nrepeats) s += `+${nrepeats} duplicates, `;
    if (ntransmitted) {
      if (nreceived > ntransmitted) s += "-- somebody's printing up packets!";
      else s += `${fixed(((ntransmitted - nreceived) * 100.0) / ntransmitted, 1)}% packet loss`;
    }
    if (this.nrcvtimeout) s += `, ${this.nrcvtimeout} packets out of wait time`;
    s += "\n";
    if (nreceived && this.timing) {
      const n = nreceived + nrepeats;
      const avg = this.tsum / n;
      // ping.c takes sqrt(Σt²/n − avg²) as is. With identical times (common on a simulated
      // link, never on real hardware) rounding can leave a tiny negative variance, which C
      // would print as "nan"; clamp it to 0 instead.
      const vari = Math.max(0, this.tsumsq / n - avg * avg);
      s += `round-trip min/avg/max/stddev = ${fixed(this.tmin, 3)}/${fixed(avg, 3)}/${fixed(this.tmax, 3)}/${fixed(Math.sqrt(vari), 3)} ms\n`;
    }
    this.io.out(s);
    this.proc.exit(nreceived ? 0 : 2);
  }
}

/** `%2x ` bytes, 16 a line with a tab break at 8 (ping.c's wrong-data dump). */
function dump(b: Uint8Array, len: number): string {
  let s = "";
  for (let i = 0; i < len; i++) {
    if (i % 16 === 8) s += "\n\t";
    const v = (b[i] ?? 0).toString(16);
    s += `${v.length < 2 ? ` ${v}` : v} `;
  }
  return s;
}

/** The text for an ICMP message that is not an echo reply (ping.c `pr_icmph`), ending in a newline. */
export function prIcmph(m: IcmpMessage): string {
  const q = new QuotedIp(m.data);
  switch (m.type) {
    case ICMP_ECHOREPLY:
      return "Echo Reply\n";
    case ICMP_UNREACH: {
      const text =
        [
          "Destination Net Unreachable",
          "Destination Host Unreachable",
          "Destination Protocol Unreachable",
          "Destination Port Unreachable",
          "frag needed and DF set (MTU 0)",
          "Source Route Failed",
        ][m.code] ??
        (m.code === 13 ? "Communication prohibited by filter" : `Dest Unreachable, Bad Code: ${m.code}`);
      return `${text}\n${prRetip(q)}`;
    }
    case ICMP_SOURCEQUENCH:
      return `Source Quench\n${prRetip(q)}`;
    case ICMP_REDIRECT: {
      const text =
        [
          "Redirect Network",
          "Redirect Host",
          "Redirect Type of Service and Network",
          "Redirect Type of Service and Host",
        ][m.code] ?? `Redirect, Bad Code: ${m.code}`;
      // icmp_gwaddr: bytes 4-7, which IcmpMessage holds as ident and seq (ping.c:1492).
      return `${text}(New addr: ${formatIpv4(((m.ident << 16) | m.seq) >>> 0)})\n${prRetip(q)}`;
    }
    case ICMP_ECHO:
      return "Echo Request\n";
    case ICMP_TIMXCEED: {
      const text =
        ["Time to live exceeded", "Frag reassembly time exceeded"][m.code] ??
        `Time exceeded, Bad Code: ${m.code}`;
      return `${text}\n${prRetip(q)}`;
    }
    case ICMP_PARAMPROB:
      return `Parameter problem: pointer = 0x00\n${prRetip(q)}`;
    default: {
      const names: Record<number, string> = {
        13: "Timestamp",
        14: "Timestamp Reply",
        15: "Information Request",
        16: "Information Reply",
        17: "Address Mask Request",
        18: "Address Mask Reply",
        9: "Router Advertisement",
        10: "Router Solicitation",
      };
      return `${names[m.type] ?? `Bad ICMP type: ${m.type}`}\n`;
    }
  }
}

/** The quoted IP header as ping dumps it (ping.c `pr_iph`), then the ports of a quoted UDP/TCP header. */
export function prRetip(q: QuotedIp): string {
  if (!q.has(0)) return "";
  let s = "Vr HL TOS  Len   ID Flg  off TTL Pro  cks      Src      Dst\n";
  s += ` ${q.version.toString(16)}  ${(q.hlen / 4).toString(16)}  ${hex(q.tos, 2)} ${hex(q.totalLen, 4)} ${hex(q.id, 4)}`;
  s += `   ${(q.flagsOff >> 13).toString(16)} ${hex(q.flagsOff & 0x1fff, 4)}`;
  s += `  ${hex(q.ttl, 2)}  ${hex(q.proto, 2)} ${hex(q.checksum, 4)}`;
  s += ` ${formatIpv4(q.src)}  ${formatIpv4(q.dst)} `;
  for (let i = 20; i < q.hlen; i++) s += hex(q.q[i] ?? 0, 2);
  s += "\n";
  if (q.proto === IPPROTO_TCP || q.proto === IPPROTO_UDP) {
    const name = q.proto === IPPROTO_TCP ? "TCP" : "UDP";
    s += `${name}: from port ${q.payload16(0)}, to port ${q.payload16(2)} (decimal)\n`;
  }
  return s;
}
