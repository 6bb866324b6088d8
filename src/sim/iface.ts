/**
 * @module sim/iface
 * A network interface on a simulated node: address, state, counters, and its side of a link.
 *
 * State is two things, as FreeBSD keeps them: the administrative state (IFF_UP, what
 * `ifconfig IF up|down` sets) and the carrier (the link state: the cable is up and the router
 * at the other end is running). Neither changes the other — a flapping link or a rebooting
 * neighbour does not bring back an interface the administrator took down. The interface
 * carries packets only when both are up (`up`).
 */
import { maskOf } from "../core/ip.js";
import { MAC_ZERO } from "../core/mac.js";
import { macHi, macLo } from "./mac-words.js";
import { ArpTable } from "./arp.js";
import type { HostInterface } from "./host.js";
import type { Link, LinkDirection } from "./link.js";
import type { SimNode } from "./node.js";

export class Iface implements HostInterface {
  /**
   * Usable: `adminUp && carrier`. Kept as a plain field, not a getter, because forwarding reads
   * it for every packet; only SimNode.setAdmin/setCarrier (and boot) change the three.
   */
  up = true;
  /** IFF_UP: set by `ifconfig IF up|down`, and up again after a reboot (the configuration). */
  adminUp = true;
  /** The link state: the link is up and the far router is running (engines/sim decides). */
  carrier = true;
  link: Link | null = null;
  /** The node this interface belongs to (set by the node when it adds the interface). */
  node!: SimNode;
  /** Our direction of the link (towards the peer). */
  out: LinkDirection | null = null;
  readonly mask: number;
  readonly net: number;
  /**
   * The subnet's broadcast address (host bits all ones; RIPv1 sends there, RFC 1058 3.1), or
   * 255.255.255.255 on a /31 or /32, which has none. Packets to it are for this node.
   */
  readonly broadcast: number;
  private readonly classNet: number;
  private readonly classBroadcast: number;
  // Counters, as netstat -i / ifconfig show them.
  ipackets = 0;
  opackets = 0;
  ibytes = 0;
  obytes = 0;
  ierrors = 0;
  oerrors = 0;
  drops = 0;
  /**
   * The address's own counters (FreeBSD's ia_ifa.if_ipackets/if_opackets), netstat -i's address
   * row: packets delivered to this address, from whatever interface (ip_input.c:752-756), and
   * packets this node sent from it, multicast included (ip_output.c:617, not IP_FORWARDING).
   * Forwarded packets count on the link row only.
   */
  addrIpackets = 0;
  addrOpackets = 0;
  /** The Ethernet address (zero on lo0); set by the node from its index and the interface's. */
  get mac(): Uint8Array {
    return this.macBytes;
  }
  set mac(m: Uint8Array) {
    this.macBytes = m;
    this.macHi = macHi(m, 0);
    this.macLo = macLo(m, 0);
  }
  private macBytes: Uint8Array = MAC_ZERO as Uint8Array;
  /**
   * `mac` as two numbers, its first two bytes and its last four: what the forwarding path
   * compares and writes per frame (sim/ip-input.ts), read from this object's own fields rather
   * than through the bytes' array (two more objects to fetch for every frame).
   */
  macHi = 0;
  macLo = 0;
  /** This interface's ARP cache (FreeBSD's per-ifnet lltable). */
  readonly arp = new ArpTable();

  constructor(
    readonly index: number,
    readonly name: string,
    readonly addr: number,
    readonly len: number,
  ) {
    this.mask = maskOf(len);
    this.net = (addr & this.mask) >>> 0;
    this.broadcast = len <= 30 ? (this.net | ~this.mask) >>> 0 : 0xffffffff;
    // FreeBSD's ia_net / ia_netbroadcast: the address's class A/B/C network (in.c in_ifinit).
    const classMask = addr >>> 31 === 0 ? 0xff000000 : addr >>> 30 === 2 ? 0xffff0000 : 0xffffff00;
    this.classNet = (addr & classMask) >>> 0;
    this.classBroadcast = (this.classNet | ~classMask) >>> 0;
  }

  /**
   * Whether `dst` is a broadcast address on this interface, as FreeBSD's in_broadcast decides
   * for ip_output (sys/netinet/in.c:1268-1298): 255.255.255.255 or 0.0.0.0, the subnet's
   * broadcast or its host-0 address, the class network's broadcast or its host-0 address. Not on
   * a /31 or /32 (RFC 3021: both addresses of a /31 are hosts).
   */
  isBroadcast(dst: number): boolean {
    if (dst === 0xffffffff || dst === 0) return true;
    if (this.len > 30) return false;
    return dst === this.broadcast || dst === this.net || dst === this.classNet || dst === this.classBroadcast;
  }

  get isLink(): boolean {
    return this.link !== null;
  }

  /** The interface at the other end of the link. */
  get peer(): Iface | null {
    return this.out ? this.out.to : null;
  }
}
