/**
 * @module sim/packet
 * A frame in flight: its Ethernet II bytes plus the bookkeeping the picture needs (id, who
 * caused it, what kind it is). One object per frame, reused across every hop: a router rewrites
 * the Ethernet addresses, the TTL and the checksum in place.
 */
import type { PacketClass } from "../core/events.js";
import { allocBytes, ETHERNET_HEADER_LEN, ETHERTYPE_IPV4 } from "../wire/index.js";

export class Packet {
  /** The frame's payload, `frame` after the 14-byte header: the IPv4 datagram, or an ARP packet. */
  readonly bytes: Uint8Array;

  constructor(
    /** The whole Ethernet II frame (no FCS). The link layer writes its header at each hop. */
    readonly frame: Uint8Array,
    readonly id: number,
    readonly user: string,
    readonly cls: PacketClass,
    /** `frame` after its header, when the caller has that view already. */
    bytes?: Uint8Array,
  ) {
    this.bytes = bytes ?? frame.subarray(ETHERNET_HEADER_LEN);
  }

  /**
   * A packet for the IPv4 datagram `ip` at offset 14 of `frame`, whose first 14 bytes are left
   * for the Ethernet header (the wire builders' `headroom`): no copy.
   */
  static ipv4Frame(frame: Uint8Array, ip: Uint8Array, id: number, user: string, cls: PacketClass): Packet {
    frame[12] = ETHERTYPE_IPV4 >>> 8;
    frame[13] = ETHERTYPE_IPV4 & 0xff;
    return new Packet(frame, id, user, cls, ip);
  }

  /** A packet for IPv4 datagram `ip`, copied behind an Ethernet header the link layer fills in. */
  static ipv4(ip: Uint8Array, id: number, user: string, cls: PacketClass): Packet {
    const frame = allocBytes(ETHERNET_HEADER_LEN + ip.length);
    frame.set(ip, ETHERNET_HEADER_LEN);
    frame[12] = ETHERTYPE_IPV4 >>> 8;
    return new Packet(frame, id, user, cls);
  }
}
