/**
 * @module sim/netfilter
 * A Linux node's `nat` table and connection tracking, as netfilter keeps them (what
 * `iptables -t nat` edits and lists):
 * - Only the first packet of a connection traverses the nat chains (nf_nat_core.c: the binding
 *   made for a NEW conntrack is applied to every later packet of it, both directions). A rule's
 *   counters and the chain policy's count those first packets; `-L -v` shows them.
 * - Chains PREROUTING (packets arriving on an interface), INPUT (new connections delivered
 *   here), OUTPUT (generated here), POSTROUTING (leaving: forwarded or generated). Targets
 *   REDIRECT (xt_REDIRECT.c: to the primary address of the interface the packet came in on, the
 *   port optionally changed; 127.0.0.1 in OUTPUT) and DNAT (xt_nat.c / nf_nat_core.c); both
 *   only in PREROUTING and OUTPUT (their `.hooks`), as the kernel refuses them elsewhere.
 * - Tracking keys (nf_conntrack_tuple): TCP/UDP by addresses and ports, ICMP echo by addresses
 *   and identifier, other protocols by addresses; ICMP errors are RELATED and not tracked here.
 *   The reply direction of a translated connection is translated back (un-DNAT / un-REDIRECT),
 *   so the client sees answers from the address it called.
 * - Timeouts of Linux's defaults (nf_conntrack_proto_*.c): TCP established 5 days, closed by RST
 *   10 s, after FINs both ways 120 s, unanswered SYN 120 s; UDP 30 s, 120 s once answered; ICMP
 *   30 s; others 600 s. The table is bounded (`CONNTRACK_MAX`): when full the oldest entry
 *   goes (Linux's early_drop prefers unanswered ones; here the oldest by creation).
 * Rewriting is wire/nat.ts: addresses, ports and checksums adjusted in place.
 */
import { type Ipv4, maskOf } from "../core/ip.js";
import { type Nanos, SECOND } from "../core/time.js";
import { IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, natRewrite } from "../wire/index.js";

export const NAT_CHAINS = ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"] as const;
export type NatChain = (typeof NAT_CHAINS)[number];

export type NatTarget =
  | { kind: "REDIRECT"; toPort?: number }
  | { kind: "DNAT"; addr: Ipv4; port?: number }
  | { kind: "ACCEPT" };

/** One rule as `iptables -A` gave it. Absent matches match everything. */
export interface NatRule {
  proto?: number;
  src?: { addr: Ipv4; len: number };
  dst?: { addr: Ipv4; len: number };
  inIface?: string;
  outIface?: string;
  sport?: number;
  dport?: number;
  target: NatTarget;
  pkts: number;
  bytes: number;
}

export interface NatChainState {
  readonly rules: NatRule[];
  /** The policy's counters (ACCEPT): first packets no rule took. */
  pkts: number;
  bytes: number;
}

/** Connections tracked at most (Linux's nf_conntrack_max is sized from memory; 65536 is common). */
export const CONNTRACK_MAX = 65536;

const TCP_FIN = 0x01;
const TCP_SYN = 0x02;
const TCP_RST = 0x04;

interface Conn {
  /** Key of the reply direction (what the answers look like on arrival). */
  replyKey: string;
  origKey: string;
  /** Translation of original-direction packets: their destination becomes this. */
  dnat?: { addr: Ipv4; port: number };
  /** Translation of replies: their source becomes this (the address the client called). */
  unDnat?: { addr: Ipv4; port: number };
  replied: boolean;
  finOrig: boolean;
  finReply: boolean;
  expires: Nanos;
}

/** A packet's tracking identity: protocol, and the two ends (ports or ICMP id, 0 otherwise). */
interface Tuple {
  proto: number;
  src: Ipv4;
  sport: number;
  dst: Ipv4;
  dport: number;
  flags: number;
}

function tupleOf(b: Uint8Array): Tuple | undefined {
  if (b.length < 20) return undefined;
  const ihl = (b[0]! & 0x0f) * 4;
  const proto = b[9]!;
  const src = ((b[12]! << 24) | (b[13]! << 16) | (b[14]! << 8) | b[15]!) >>> 0;
  const dst = ((b[16]! << 24) | (b[17]! << 16) | (b[18]! << 8) | b[19]!) >>> 0;
  let sport = 0;
  let dport = 0;
  let flags = 0;
  if (proto === IPPROTO_TCP || proto === IPPROTO_UDP) {
    if (b.length < ihl + 4) return undefined;
    sport = (b[ihl]! << 8) | b[ihl + 1]!;
    dport = (b[ihl + 2]! << 8) | b[ihl + 3]!;
    if (proto === IPPROTO_TCP && b.length >= ihl + 14) flags = b[ihl + 13]!;
  } else if (proto === IPPROTO_ICMP) {
    if (b.length < ihl + 8) return undefined;
    const type = b[ihl]!;
    if (type !== 8 && type !== 0) return undefined; // errors are RELATED, not a connection
    sport = dport = (b[ihl + 4]! << 8) | b[ihl + 5]!;
  }
  return { proto, src, sport, dst, dport, flags };
}

function keyOf(proto: number, src: Ipv4, sport: number, dst: Ipv4, dport: number): string {
  return `${proto}:${src}:${sport}:${dst}:${dport}`;
}

function inPrefix(a: Ipv4, p: { addr: Ipv4; len: number } | undefined): boolean {
  if (p === undefined) return true;
  const m = maskOf(p.len);
  return (a & m) >>> 0 === (p.addr & m) >>> 0;
}

/** The verdict of the tracking hook for one packet: whether it began a connection. */
export interface NatVerdict {
  isNew: boolean;
  /** The destination changed (the caller routes again). */
  rerouted: boolean;
}

export class Netfilter {
  readonly chains: Record<NatChain, NatChainState> = {
    PREROUTING: { rules: [], pkts: 0, bytes: 0 },
    INPUT: { rules: [], pkts: 0, bytes: 0 },
    OUTPUT: { rules: [], pkts: 0, bytes: 0 },
    POSTROUTING: { rules: [], pkts: 0, bytes: 0 },
  };
  private readonly conns = new Map<string, Conn>();

  constructor(private readonly now: () => Nanos) {}

  /**
   * A packet arriving on interface `iface` (named, with its primary address `ifaceAddr`), or
   * generated here (`iface` undefined: the OUTPUT hook). Tracks it, applies the connection's
   * translation or, for a new one, the chain's first matching rule; counts the first packet.
   */
  hook(b: Uint8Array, iface: string | undefined, ifaceAddr: Ipv4): NatVerdict {
    const t = tupleOf(b);
    if (t === undefined) return { isNew: false, rerouted: false };
    const now = this.now();
    const key = keyOf(t.proto, t.src, t.sport, t.dst, t.dport);
    let c = this.conns.get(key);
    if (c !== undefined && c.expires <= now) {
      this.forget(c);
      c = undefined;
    }
    if (c !== undefined) {
      const reply = c.replyKey === key && c.origKey !== key;
      this.advance(c, t, reply, now);
      if (reply) {
        c.replied = true;
        if (c.unDnat) natRewrite(b, "src", c.unDnat.addr, c.unDnat.port);
        return { isNew: false, rerouted: false };
      }
      if (c.dnat) natRewrite(b, "dst", c.dnat.addr, c.dnat.port);
      return { isNew: false, rerouted: c.dnat !== undefined };
    }
    // A new connection: the chain's rules, first match wins.
    const chain = iface === undefined ? this.chains.OUTPUT : this.chains.PREROUTING;
    const len = (b[2]! << 8) | b[3]!;
    const rule = chain.rules.find((r) => this.matches(r, t, iface));
    let dnat: Conn["dnat"];
    if (rule !== undefined) {
      rule.pkts++;
      rule.bytes += len;
      const tg = rule.target;
      if (tg.kind === "ACCEPT") dnat = undefined;
      else if (tg.kind === "REDIRECT")
        dnat = { addr: iface === undefined ? 0x7f000001 : ifaceAddr, port: tg.toPort ?? t.dport };
      else dnat = { addr: tg.addr, port: tg.port ?? t.dport };
    } else {
      chain.pkts++;
      chain.bytes += len;
    }
    const to = dnat ?? { addr: t.dst, port: t.dport };
    c = {
      origKey: key,
      replyKey: keyOf(t.proto, to.addr, to.port, t.src, t.sport),
      replied: false,
      finOrig: false,
      finReply: false,
      expires: 0,
    };
    if (dnat) {
      c.dnat = dnat;
      c.unDnat = { addr: t.dst, port: t.dport };
    }
    this.advance(c, t, false, now);
    this.remember(c);
    if (dnat) natRewrite(b, "dst", dnat.addr, dnat.port);
    return { isNew: true, rerouted: dnat !== undefined };
  }

  /** Counts a new connection's first packet on a chain whose rules it cannot meet (INPUT, POSTROUTING). */
  countPolicy(chain: NatChain, b: Uint8Array): void {
    const c = this.chains[chain];
    c.pkts++;
    c.bytes += (b[2]! << 8) | b[3]!;
  }

  /** `iptables -t nat -F [CHAIN]`: rules go; counters of the policies stay, as in the kernel. */
  flush(chain?: NatChain): void {
    for (const name of NAT_CHAINS)
      if (chain === undefined || chain === name) this.chains[name].rules.length = 0;
  }

  /** `iptables -Z`: zeroes the counters. */
  zero(chain?: NatChain): void {
    for (const name of NAT_CHAINS) {
      if (chain !== undefined && chain !== name) continue;
      const c = this.chains[name];
      c.pkts = c.bytes = 0;
      for (const r of c.rules) r.pkts = r.bytes = 0;
    }
  }

  private matches(r: NatRule, t: Tuple, iface: string | undefined): boolean {
    if (r.proto !== undefined && r.proto !== t.proto) return false;
    if (!inPrefix(t.src, r.src) || !inPrefix(t.dst, r.dst)) return false;
    if (r.inIface !== undefined && r.inIface !== iface) return false;
    if (r.dport !== undefined && r.dport !== t.dport) return false;
    if (r.sport !== undefined && r.sport !== t.sport) return false;
    return true;
  }

  /** Moves a connection's timeout on, as its protocol's tracker does. */
  private advance(c: Conn, t: Tuple, reply: boolean, now: Nanos): void {
    let timeout: number;
    if (t.proto === IPPROTO_TCP) {
      if (t.flags & TCP_FIN) {
        if (reply) c.finReply = true;
        else c.finOrig = true;
      }
      if (t.flags & TCP_RST) timeout = 10;
      else if (c.finOrig && c.finReply) timeout = 120;
      else if (!c.replied && !reply && t.flags & TCP_SYN) timeout = 120;
      else timeout = 5 * 24 * 3600;
    } else if (t.proto === IPPROTO_UDP) timeout = c.replied || reply ? 120 : 30;
    else if (t.proto === IPPROTO_ICMP) timeout = 30;
    else timeout = 600;
    c.expires = now + timeout * SECOND;
  }

  private remember(c: Conn): void {
    // Forget what has expired at the old end, and the oldest when the table is full.
    const now = this.now();
    for (const [, old] of this.conns) {
      if (old.expires > now && this.conns.size < 2 * CONNTRACK_MAX) break;
      this.forget(old);
      if (this.conns.size < 2 * CONNTRACK_MAX) break;
    }
    this.conns.set(c.origKey, c);
    if (c.replyKey !== c.origKey) this.conns.set(c.replyKey, c);
  }

  private forget(c: Conn): void {
    if (this.conns.get(c.origKey) === c) this.conns.delete(c.origKey);
    if (this.conns.get(c.replyKey) === c) this.conns.delete(c.replyKey);
  }
}
