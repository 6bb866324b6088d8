/**
 * @module sim/bridge
 * An Ethernet segment: a learning switch, modelled on FreeBSD 8's if_bridge
 * (sys/net/if_bridge.c). Each station's interface is cabled to a port of the switch by a Link
 * of its own (the segment's delay, bandwidth, loss and queue), so every port has its own output
 * queue and the switch stores and forwards whole frames.
 *
 * - Learning (`bridge_rtupdate`): the source MAC of every frame that is not a group address is
 *   entered with the port it came in on; an entry lives `BRIDGE_RTABLE_TIMEOUT` (20 min) after
 *   the last frame from that MAC. The table holds at most `BRIDGE_RTABLE_MAX` (100) addresses;
 *   past that new ones are not learned (ENOSPC) and their frames are flooded. FreeBSD prunes
 *   expired entries every 5 minutes (`bridge_timer`); here an entry is gone at its expiry
 *   (checked when looked up): no event in the scheduler per switch.
 * - Forwarding (`bridge_forward`): a known unicast destination leaves by its port only, or is
 *   dropped when that is the port it came in on (the station is on the same side); an unknown
 *   unicast, broadcast or multicast destination is flooded to every other port that is up
 *   (`bridge_broadcast`: ports not running are skipped). A flooded frame is copied: each copy
 *   is a packet of its own (counted as created, drawn as a dot of its own).
 * - An entry pointing to a port that is down is not used (the frame floods), as Linux does when
 *   a port leaves forwarding (br_fdb_delete_by_port); FreeBSD 8 keeps it until it ages out.
 */
import type { Nanos } from "../core/time.js";
import type { Iface } from "./iface.js";
import type { SimNode } from "./node.js";
import { Packet } from "./packet.js";

/** `BRIDGE_RTABLE_MAX`: addresses a bridge learns (if_bridge.c; net.link.bridge … `maxaddr`). */
export const BRIDGE_RTABLE_MAX = 100;
/** `BRIDGE_RTABLE_TIMEOUT`: a learned address lives 20 minutes after its last frame (`timeout`). */
export const BRIDGE_RTABLE_TIMEOUT: Nanos = 20 * 60 * 1_000_000_000;

interface Learned {
  port: Iface;
  expire: Nanos;
}

/** A MAC at `off` of `b` as one number (48 bits fit a double exactly). */
function macKey(b: Uint8Array, off: number): number {
  return (
    (b[off]! * 0x10000 + ((b[off + 1]! << 8) | b[off + 2]!)) * 0x1000000 +
    ((b[off + 3]! << 16) | (b[off + 4]! << 8) | b[off + 5]!)
  );
}

export class Bridge {
  private readonly table = new Map<number, Learned>();

  constructor(
    /** The switch as a node of the network (not a router: not in Network.nodes); its interfaces are the ports. */
    readonly node: SimNode,
  ) {}

  /** The ports (every interface of the switch's node but lo0). */
  get ports(): readonly Iface[] {
    return this.node.ifaces.slice(1);
  }

  /** The learned addresses still alive: MAC key → port name (for tests and `show`). */
  learned(): Map<number, string> {
    const now = this.node.now();
    const out = new Map<number, string>();
    for (const [k, e] of this.table) if (e.expire > now) out.set(k, e.port.name);
    return out;
  }

  /** A frame arrived on `port` (after its Link's delay and loss). */
  input(pkt: Packet, port: Iface): void {
    const node = this.node;
    const net = node.net;
    const f = pkt.frame;
    port.ipackets++;
    port.ibytes += f.length;
    if (!port.up) return net.drop(node, pkt, "iface-down");
    const now = node.now();
    if ((f[6]! & 1) === 0) this.learn(macKey(f, 6), port, now);
    if ((f[0]! & 1) === 0) {
      const e = this.table.get(macKey(f, 0));
      if (e !== undefined && e.expire > now && e.port.up) {
        if (e.port === port) return net.drop(node, pkt, "not-for-us");
        return node.transmit(pkt, e.port);
      }
    }
    this.flood(pkt, port);
  }

  private learn(key: number, port: Iface, now: Nanos): void {
    const e = this.table.get(key);
    if (e !== undefined) {
      e.port = port;
      e.expire = now + BRIDGE_RTABLE_TIMEOUT;
      return;
    }
    if (this.table.size >= BRIDGE_RTABLE_MAX) {
      // Full: expired entries make room (FreeBSD's bridge_timer would have pruned them).
      for (const [k, old] of this.table) if (old.expire <= now) this.table.delete(k);
      if (this.table.size >= BRIDGE_RTABLE_MAX) return;
    }
    this.table.set(key, { port, expire: now + BRIDGE_RTABLE_TIMEOUT });
  }

  /** To every other port that is up: copies for all but the last, which takes the packet itself. */
  private flood(pkt: Packet, from: Iface): void {
    const net = this.node.net;
    const out = this.node.ifaces.filter((i) => i !== from && i.isLink && i.up);
    if (out.length === 0) return net.drop(this.node, pkt, "link-down");
    for (let k = 0; k < out.length - 1; k++) {
      const copy = new Packet(pkt.frame.slice(), net.nextPacketId++, pkt.user, pkt.cls);
      net.created++;
      this.node.transmit(copy, out[k]!);
    }
    this.node.transmit(pkt, out[out.length - 1]!);
  }
}
