/**
 * @module sim/iface
 * A network interface on a simulated node: address, state, counters, and its side of a link.
 */
import { maskOf } from "../core/ip.js";
import type { HostInterface } from "./host.js";
import type { Link, LinkDirection } from "./link.js";
import type { SimNode } from "./node.js";

export class Iface implements HostInterface {
  up = true;
  link: Link | null = null;
  /** The node this interface belongs to (set by the node when it adds the interface). */
  node!: SimNode;
  /** Our direction of the link (towards the peer). */
  out: LinkDirection | null = null;
  readonly mask: number;
  readonly net: number;
  // Counters, as netstat -i / ifconfig show them.
  ipackets = 0;
  opackets = 0;
  ibytes = 0;
  obytes = 0;
  ierrors = 0;
  oerrors = 0;
  drops = 0;

  constructor(
    readonly index: number,
    readonly name: string,
    readonly addr: number,
    readonly len: number,
  ) {
    this.mask = maskOf(len);
    this.net = (addr & this.mask) >>> 0;
  }

  get isLink(): boolean {
    return this.link !== null;
  }

  /** The interface at the other end of the link. */
  get peer(): Iface | null {
    return this.out ? this.out.to : null;
  }
}
