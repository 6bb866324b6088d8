/**
 * @module core/link-layer-traffic
 * Which packets are the link layer's own (ARP): what the page's "ARP" switch hides on the map,
 * in the legend and in the event log, as the RIP switch hides routing chatter
 * (core/routing-traffic.ts). In core, below the wire layer, because the page asks too.
 */
import type { PacketClass } from "./events.js";

/** The packet classes of link-layer traffic (wire/summary.ts classify). */
export const LINK_LAYER_PACKET_CLASSES: readonly PacketClass[] = ["arp"];

/** Whether packets of class `cls` are link-layer traffic (ARP requests and replies). */
export function isLinkLayerTraffic(cls: string): boolean {
  return LINK_LAYER_PACKET_CLASSES.includes(cls as PacketClass);
}
