/**
 * @module sim/packet
 * A packet in flight: its IPv4 bytes plus the bookkeeping the picture needs (id, who caused
 * it, what kind it is). One object per packet, reused across every hop.
 */
import type { PacketClass } from "../core/events.js";

export class Packet {
  constructor(
    /** The whole IPv4 datagram; header at offset 0. Forwarding rewrites TTL and checksum in place. */
    readonly bytes: Uint8Array,
    readonly id: number,
    readonly user: string,
    readonly cls: PacketClass,
  ) {}
}
