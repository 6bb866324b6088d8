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

  constructor(
    readonly index: number,
    readonly name: string,
    readonly addr: number,
    readonly len: number,
  ) {
    this.mask = maskOf(len);
    this.net = (addr & this.mask) >>> 0;
    this.broadcast = len <= 30 ? (this.net | ~this.mask) >>> 0 : 0xffffffff;
  }

  get isLink(): boolean {
    return this.link !== null;
  }

  /** The interface at the other end of the link. */
  get peer(): Iface | null {
    return this.out ? this.out.to : null;
  }
}
