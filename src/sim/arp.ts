/**
 * @module sim/arp
 * ARP (RFC 826) as FreeBSD 8 does it: one cache per interface, filled on demand, with
 * FreeBSD's timers and limits. The source read is sys/netinet/if_ether.c (rev. 1.235, the
 * llentry ARP of FreeBSD 8; line numbers below are that file's):
 *
 * - `arpresolve` (:296-436). A valid entry gives the MAC; within `la_preempt` (5) seconds of its
 *   expiry each use also broadcasts a request, so a busy entry is refreshed before it lapses.
 *   Otherwise the entry is created incomplete and the packet is held in it (`la_hold`, one
 *   packet: a newer one replaces it, :366-390). A request goes out at most once a second
 *   (`renew`: `la_expire != time_uptime`), each restarting the 20 s `arpt_down` timer that frees
 *   the incomplete entry (:416-428). Until `arp_maxtries` (5) requests went unanswered the caller
 *   hears nothing (EWOULDBLOCK, masked by ether_output); after that every send fails with
 *   EHOSTDOWN, or EHOSTUNREACH when the route has a gateway (:398-402) — which ping prints as
 *   `ping: sendto: Host is down` and a forwarding router turns into ICMP host unreachable
 *   (ip_input.c ip_forward). Requests keep going out once a second while packets keep coming.
 * - `in_arpinput` (:501-795). A packet whose sender is in the cache updates that entry, valid
 *   for `arpt_keep` (20 min, `net.link.ether.inet.max_age`, :80) and sends what it held; an
 *   entry is created only when the packet was addressed to us (`LLE_CREATE` when itaddr is
 *   myaddr, :671), so a gratuitous ARP refreshes caches but fills none. A request for our address
 *   is answered by unicast to the asker (:708-712, :776). Packets from our own MAC, with a
 *   broadcast or multicast sender MAC, or claiming our address are not learned from.
 * - `arp_ifinit` (:862-885): configuring an address broadcasts a gratuitous request for it and
 *   puts a permanent entry for it in the cache (what `arp -a` shows as `permanent`).
 *
 * Valid entries expire lazily (checked at use and when listed) instead of with a callout each:
 * the same behaviour with no event in the scheduler per neighbour. Incomplete entries have a
 * timer, since the packet they hold must be dropped on time.
 *
 * The per-packet path is one comparison: each table remembers the entry its last packet used,
 * and that entry's `fastUntil` says until when it may be used without a look at the timers.
 */
import { macEquals, macIsBroadcast, macIsGroup } from "../core/mac.js";
import type { Nanos } from "../core/time.js";
import {
  ARP_LEN,
  ARPOP_REPLY,
  ARPOP_REQUEST,
  allocBytes,
  arpOp,
  arpSenderIp,
  arpTargetIp,
  checkArp,
  ETHERNET_HEADER_LEN,
  ETHERTYPE_ARP,
  emitArp,
  ethernetSetDst,
} from "../wire/index.js";
import type { Iface } from "./iface.js";
import { macHi, macLo } from "./mac-words.js";
import type { SimNode } from "./node.js";
import { Packet } from "./packet.js";
import type { ScheduledEvent } from "./scheduler.js";

/** `net.link.ether.inet.max_age`: a resolved entry lives 20 minutes (if_ether.c:80). */
export const ARPT_KEEP_S = 20 * 60;
/** `net.link.ether.inet.wait`: an incomplete entry lives 20 s after its last request (:86). */
export const ARPT_DOWN_S = 20;
/** `net.link.ether.inet.maxtries`: requests before senders are told the host is down (:82). */
export const ARP_MAXTRIES = 5;
const S = 1_000_000_000;

/** One neighbour in an interface's cache (FreeBSD's `struct llentry`). */
export class ArpEntry {
  /** The neighbour's MAC, meaningful when `valid`; set with `setMac`. */
  readonly mac = new Uint8Array(6);
  /** `mac` as two numbers (sim/mac-words.ts), for the forwarding path. */
  macHi = 0;
  macLo = 0;
  valid = false;
  /** The interface's own address (`LLE_IFADDR | LLE_STATIC`): never expires, never deleted by `arp -d`. */
  permanent = false;
  /** `la_expire`, in whole seconds of virtual time: when a valid entry lapses; for an incomplete one, when its last request went out. */
  expire = 0;
  /** `la_asked`: requests sent since the last answer. */
  asked = 0;
  /** `la_preempt`: refresh requests left before expiry. */
  preempt = ARP_MAXTRIES;
  /** `la_hold`: the one packet waiting for the answer. */
  hold: Packet | null = null;
  /** When the incomplete entry is freed (`arpt_down` after its last request), ns. */
  downAt: Nanos = 0;
  timer: ScheduledEvent | null = null;
  /** Until this time (ns) the entry may be used as it is: valid, not expired, no refresh due. */
  fastUntil: Nanos = -1;

  constructor(
    readonly ip: number,
    readonly iface: Iface,
    /** Creation order, to list the cache as FreeBSD does (newest first in a hash bucket). */
    readonly serial: number,
  ) {}

  /** Takes the MAC at `b[off]`. */
  setMac(b: Uint8Array, off: number): void {
    this.mac.set(b.subarray(off, off + 6));
    this.macHi = macHi(b, off);
    this.macLo = macLo(b, off);
  }
}

/** The ARP cache of one interface. */
export class ArpTable {
  readonly entries = new Map<number, ArpEntry>();
  /** The entry the last packet out used: most packets of an interface go to one next hop. */
  last: ArpEntry | null = null;
  private serial = 0;

  get(ip: number): ArpEntry | undefined {
    return this.entries.get(ip);
  }

  create(ip: number, iface: Iface): ArpEntry {
    const e = new ArpEntry(ip, iface, this.serial++);
    this.entries.set(ip, e);
    return e;
  }

  /** Takes an entry out (its held packet is the caller's business). */
  remove(e: ArpEntry): void {
    if (this.entries.get(e.ip) === e) this.entries.delete(e.ip);
    e.fastUntil = -1;
    e.valid = false;
    if (e.timer !== null) {
      e.timer.cancelled = true;
      e.timer = null;
    }
    if (this.last === e) this.last = null;
  }
}

/** What `arpResolve` says about a packet. */
export const Resolve = {
  /** The destination MAC is in the frame: send it. */
  Ok: 0,
  /** Held until the answer (EWOULDBLOCK). */
  Held: 1,
  /** Held, but the sender is told EHOSTDOWN (no gateway) / EHOSTUNREACH (gateway). */
  HostDown: 2,
  HostUnreach: 3,
} as const;
export type Resolve = (typeof Resolve)[keyof typeof Resolve];

/** Whole seconds of virtual time: FreeBSD's `time_uptime`, as ARP compares it. */
function uptime(now: Nanos): number {
  return Math.floor(now / S);
}

/** Recomputes until when a valid entry needs no look at its timers. */
function setFast(e: ArpEntry): void {
  if (e.permanent) e.fastUntil = Number.POSITIVE_INFINITY;
  // arpresolve refreshes when time_uptime + la_preempt > la_expire (:331-337).
  else e.fastUntil = (e.expire - Math.max(e.preempt - 1, 0)) * S;
}

/**
 * arpresolve: writes the MAC of next hop `nh` into `pkt.frame[0..6)` (Resolve.Ok), or holds
 * `pkt` and starts or continues resolution. `gatewayed`: the route to the destination has a
 * gateway (RTF_GATEWAY), which picks EHOSTUNREACH over EHOSTDOWN.
 */
export function arpResolve(node: SimNode, i: Iface, nh: number, pkt: Packet, gatewayed: boolean): Resolve {
  const tab = i.arp;
  const now = node.net.scheduler.now();
  const up = uptime(now);
  let e = tab.get(nh);
  // A resolved entry past la_expire: its arptimer would have freed it (:205-215).
  if (e?.valid && !e.permanent && e.expire <= up) {
    tab.remove(e);
    e = undefined;
  }
  if (e === undefined) e = tab.create(nh, i);
  if (e.valid) {
    if (!e.permanent && up + e.preempt > e.expire) {
      arpRequest(node, i, i.addr, nh, pkt.user);
      e.preempt--;
    }
    setFast(e);
    tab.last = e;
    ethernetSetDst(pkt.frame, e.mac);
    return Resolve.Ok;
  }
  const renew = e.asked === 0 || e.expire !== up;
  // la_hold holds arp_maxhold (1) packets: the older one is dropped (:366-376).
  if (e.hold !== null) node.net.drop(node, e.hold, "unresolved");
  e.hold = pkt;
  const result = e.asked < ARP_MAXTRIES ? Resolve.Held : gatewayed ? Resolve.HostUnreach : Resolve.HostDown;
  if (renew) {
    e.expire = up;
    e.downAt = now + ARPT_DOWN_S * S;
    if (e.timer === null) e.timer = node.net.scheduler.at(e.downAt, arpDown, node, e);
    e.asked++;
    arpRequest(node, i, i.addr, nh, pkt.user);
  }
  return result;
}

/** arptimer for an incomplete entry: frees it and drops what it held, unless asked again since. */
function arpDown(node: SimNode, e: ArpEntry): void {
  e.timer = null;
  if (e.valid || e.iface.arp.get(e.ip) !== e) return;
  const now = node.net.scheduler.now();
  if (now < e.downAt) {
    e.timer = node.net.scheduler.at(e.downAt, arpDown, node, e);
    return;
  }
  e.iface.arp.remove(e);
  const held = e.hold;
  e.hold = null;
  if (held !== null) node.net.drop(node, held, "unresolved");
}

/** Makes an ARP frame: Ethernet header to `dstMac` (broadcast when omitted) and the 28-byte packet. */
function arpFrame(
  node: SimNode,
  i: Iface,
  op: number,
  sip: number,
  tip: number,
  tha: Uint8Array | null,
  user: string,
): Packet {
  const net = node.net;
  const frame = allocBytes(ETHERNET_HEADER_LEN + ARP_LEN);
  if (tha === null) frame.fill(0xff, 0, 6);
  else frame.set(tha.subarray(0, 6), 0);
  frame.set(i.mac, 6);
  frame[12] = ETHERTYPE_ARP >>> 8;
  frame[13] = ETHERTYPE_ARP & 0xff;
  emitArp(
    { op, senderMac: i.mac, senderIp: sip, targetMac: tha ?? ZERO_MAC, targetIp: tip },
    frame,
    ETHERNET_HEADER_LEN,
  );
  const pkt = new Packet(frame, net.nextPacketId++, user, "arp");
  net.created++;
  return pkt;
}
const ZERO_MAC = new Uint8Array(6);

/** arprequest: broadcasts "who has `tip`, tell `sip`" on `i` (:231-274). */
export function arpRequest(node: SimNode, i: Iface, sip: number, tip: number, user: string): void {
  node.transmit(arpFrame(node, i, ARPOP_REQUEST, sip, tip, null, user), i);
}

/**
 * arp_ifinit: the address of `i` is configured. Announces it (a gratuitous request, sender and
 * target both our address) and enters it in the cache as permanent (:862-885).
 */
export function arpIfInit(node: SimNode, i: Iface): void {
  let e = i.arp.get(i.addr);
  if (e === undefined) e = i.arp.create(i.addr, i);
  e.setMac(i.mac, 0);
  e.valid = true;
  e.permanent = true;
  setFast(e);
  if (i.up) arpRequest(node, i, i.addr, i.addr, "system");
}

/** Empties a cache (a crash): held packets die with it. */
export function arpFlush(node: SimNode, i: Iface): void {
  for (const e of [...i.arp.entries.values()]) {
    i.arp.remove(e);
    if (e.hold !== null) node.net.drop(node, e.hold, "node-down");
    e.hold = null;
  }
}

/**
 * `arp -d`: deletes the entry for `ip` on `i`. An interface's own address is kept, as
 * in_lltable_lookup refuses to delete an LLE_IFADDR entry (sys/netinet/in.c:1522). Returns
 * whether there was an entry.
 */
export function arpDelete(node: SimNode, i: Iface, ip: number): boolean {
  const e = i.arp.get(ip);
  if (e === undefined) return false;
  if (e.permanent) return true;
  i.arp.remove(e);
  if (e.hold !== null) node.net.drop(node, e.hold, "unresolved");
  e.hold = null;
  return true;
}

/**
 * in_arpinput: an ARP frame arrived on `i` (up, on a running node). Learns, answers, and ends
 * the frame's story: delivered when it was addressed to us, dropped otherwise.
 */
export function arpInput(node: SimNode, i: Iface, pkt: Packet): void {
  const net = node.net;
  const a = pkt.bytes;
  if (checkArp(a) !== undefined || macIsGroup(a, 8)) return net.drop(node, pkt, "malformed");
  const op = arpOp(a);
  const isaddr = arpSenderIp(a);
  const itaddr = arpTargetIp(a);
  // `myaddr` is the interface's address, or an alias of it the packet asks for (:560-625
  // walks the interface's addresses; Linux's arp_process answers for any local address).
  const myaddr =
    node.aliases.length !== 0 && node.aliases.some((x) => x.iface === i.index && x.addr === itaddr)
      ? itaddr
      : i.addr;
  if (macEquals(a, 8, i.mac, 0)) return net.drop(node, pkt, "not-for-us"); // from me (:631)
  if (macIsBroadcast(a, 8)) return net.drop(node, pkt, "malformed"); // (:633-638)
  const forUs = itaddr === myaddr;
  let answerAs = itaddr;
  if (isaddr === myaddr) {
    // "… is using my IP address": answer for our address, learn nothing (:645-653).
    answerAs = myaddr;
  } else {
    const e = i.arp.get(isaddr);
    const learn = e ?? (forUs ? i.arp.create(isaddr, i) : undefined);
    if (learn !== undefined && !learn.permanent) {
      learn.setMac(a, 8);
      learn.valid = true;
      learn.expire = uptime(net.scheduler.now()) + ARPT_KEEP_S;
      learn.asked = 0;
      learn.preempt = ARP_MAXTRIES;
      setFast(learn);
      if (learn.timer !== null) {
        learn.timer.cancelled = true;
        learn.timer = null;
      }
      const held = learn.hold;
      learn.hold = null;
      if (held !== null) node.sendHeld(held, i, learn);
    }
  }
  if (op === ARPOP_REQUEST && answerAs === myaddr) {
    // Answered by unicast to the asker, never by broadcast (:766-777).
    const reply = arpFrame(node, i, ARPOP_REPLY, myaddr, isaddr, a.subarray(8, 14), pkt.user);
    net.deliver(node, pkt);
    node.transmit(reply, i);
    return;
  }
  if (forUs) return net.deliver(node, pkt);
  net.drop(node, pkt, "not-for-us");
}

/** One line of `arp -a`, engine-neutral. */
export interface ArpListing {
  addr: number;
  /** The MAC, when resolved. */
  mac?: Uint8Array;
  iface: string;
  /** Seconds until the entry lapses (≤ 0: "expired"); absent when permanent. */
  expires?: number;
}

/**
 * LLATBL_HASH (sys/net/if_llatbl.h:176) of an address as the kernel keys it: `s_addr`, stored
 * in network order and read as a little-endian u_int on x86.
 */
function lltableBucket(ip: number): number {
  const k =
    (((ip & 0xff) << 24) | (((ip >>> 8) & 0xff) << 16) | (((ip >>> 16) & 0xff) << 8) | (ip >>> 24)) >>> 0;
  return ((((((k >>> 8) ^ k) >>> 8) ^ k) >>> 8) ^ k) & 31;
}

/**
 * The ARP caches of a node as the kernel dumps them for `arp -a` (sysctl NET_RT_FLAGS,
 * if_llatbl.c lltable_sysctl_dumparp, in.c in_lltable_dump): interfaces newest first (each
 * lltable is pushed on the head of a list when its interface attaches), then by hash bucket,
 * newest first within a bucket (LIST_INSERT_HEAD). Entries whose timer would have freed them
 * are left out.
 */
export function arpListing(ifaces: readonly Iface[], now: Nanos): ArpListing[] {
  const up = uptime(now);
  const out: ArpListing[] = [];
  for (let k = ifaces.length - 1; k >= 0; k--) {
    const i = ifaces[k]!;
    const live: ArpEntry[] = [];
    for (const e of i.arp.entries.values()) if (e.permanent || !e.valid || e.expire > up) live.push(e);
    live.sort((a, b) => lltableBucket(a.ip) - lltableBucket(b.ip) || b.serial - a.serial);
    for (const e of live) {
      const row: ArpListing = { addr: e.ip, iface: i.name };
      if (e.valid) row.mac = e.mac;
      if (!e.permanent) row.expires = e.expire - up;
      out.push(row);
    }
  }
  return out;
}
