/**
 * @module sim/ether
 * The Ethernet layer of a simulated node, below IPv4: every link carries Ethernet II frames.
 * Modelled on FreeBSD 8's sys/net/if_ethersubr.c (the file's line numbers below):
 *
 * - Output (`ether_output`, with `arpresolve` for unicast): the destination MAC is
 *   ff:ff:ff:ff:ff:ff for a broadcast (ip_output's in_broadcast), 01:00:5e + the group's low 23
 *   bits for multicast (ETHER_MAP_IP_MULTICAST), else the next hop's from the ARP cache
 *   (sim/arp.ts); the source MAC is the interface's.
 * - Input (`ether_input`, `ether_demux`): a group destination marks the frame M_BCAST / M_MCAST
 *   (:616-621), which IP reads later (no forwarding of link broadcasts, no echo replies to them);
 *   a unicast frame for another MAC is not for this host (:744-746, M_PROMISC); EtherType
 *   0x0800 goes to IPv4, 0x0806 to ARP.
 *
 * The flags are not stored: IP reads the group bit of the frame's first byte
 * (`linkBroadcast`), which lo0's frames (never given a header) leave at zero.
 */
import { putMulticastMac } from "../core/mac.js";
import { ETHERTYPE_ARP, ETHERTYPE_IPV4 } from "../wire/index.js";
import { arpInput, arpResolve, Resolve } from "./arp.js";
import type { Iface } from "./iface.js";
import { ipInput } from "./ip-input.js";
import type { LinkDirection } from "./link.js";
import { macHi, macLo, putMacWords } from "./mac-words.js";
import type { SimNode } from "./node.js";
import type { Packet } from "./packet.js";

export { Resolve };

/** The head frame of a link direction arrives; the next one, if any, is scheduled. */
export function arriveHead(dir: LinkDirection): void {
  const pkt = dir.shift() as Packet;
  const to = dir.to;
  const node = to.node;
  const net = node.net;
  if (dir.count > 0) net.scheduler.post(dir.headTime(), arriveHead, dir);
  const link = dir.link;
  if (!link.passing) return net.drop(node, pkt, "link-down", link.id);
  if (link.loss > 0 && net.lossRng.float() < link.loss) return net.drop(node, pkt, "loss", link.id);
  etherInput(node, pkt, to);
}

/** A frame arrives on interface `i`: filter by destination MAC, then demultiplex. */
export function etherInput(node: SimNode, pkt: Packet, i: Iface): void {
  if (node.bridge !== null) return node.bridge.input(pkt, i);
  const f = pkt.frame;
  const type = (f[12]! << 8) | f[13]!;
  if (type === ETHERTYPE_IPV4) {
    if ((f[0]! & 1) === 0 && !forThisMac(f, i) && node.up && i.up) {
      i.ipackets++;
      i.ibytes += f.length;
      return node.net.drop(node, pkt, "not-for-us");
    }
    return ipInput(node, pkt, i);
  }
  const net = node.net;
  if (!node.up) return net.drop(node, pkt, "node-down");
  if (!i.up) return net.drop(node, pkt, "iface-down");
  i.ipackets++;
  i.ibytes += f.length;
  if ((f[0]! & 1) === 0 && !forThisMac(f, i)) return net.drop(node, pkt, "not-for-us");
  if (type === ETHERTYPE_ARP) return arpInput(node, i, pkt);
  i.ierrors++;
  net.drop(node, pkt, "malformed");
}

/** Whether the frame's destination MAC is interface `i`'s. */
function forThisMac(f: Uint8Array, i: Iface): boolean {
  return macHi(f, 0) === i.macHi && macLo(f, 0) === i.macLo;
}

/** Whether a frame came to us as a link-layer broadcast or multicast (M_BCAST | M_MCAST). */
export function linkBroadcast(pkt: Packet): boolean {
  return (pkt.frame[0]! & 1) !== 0;
}

/**
 * Picks the destination MAC of IPv4 packet `pkt` leaving on `i` towards next hop `nh` (the
 * gateway, or the destination itself when `gatewayed` is false) and writes it into the frame,
 * or holds the packet for ARP. Broadcast and multicast destinations need no ARP.
 */
export function etherResolve(
  node: SimNode,
  pkt: Packet,
  i: Iface,
  nh: number,
  dst: number,
  gatewayed: boolean,
): Resolve {
  const f = pkt.frame;
  const e = i.arp.last;
  if (e !== null && e.ip === nh && node.net.scheduler.now() < e.fastUntil) {
    // The fast path: the interface's last next hop, resolved and fresh.
    putMacWords(f, 0, e.macHi, e.macLo);
    return Resolve.Ok;
  }
  if (dst >>> 28 === 0xe) {
    putMulticastMac(f, 0, dst);
    return Resolve.Ok;
  }
  if (i.isBroadcast(dst)) {
    f.fill(0xff, 0, 6);
    return Resolve.Ok;
  }
  return arpResolve(node, i, nh, pkt, gatewayed);
}

/** Writes the source MAC of interface `i` into the frame (the rest of the header is set). */
export function etherSetSource(pkt: Packet, i: Iface): void {
  putMacWords(pkt.frame, 6, i.macHi, i.macLo);
}
