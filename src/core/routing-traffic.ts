/**
 * @module core/routing-traffic
 * Which packets are a routing protocol's own messages (routing chatter), asked by everything
 * that treats them apart: the page (legend, map, event log, people list, lesson view), the
 * server's stream (thinned first, left out for a viewer who hides them) and the lab's checks
 * (their drops are not lost packets). It lives in core, below the protocols, because the page
 * cannot import proto/; proto/registry.ts checks that each protocol's `packetClass` and
 * `user` are listed here (src/proto/registry.test.ts), so adding a protocol is one line here.
 */
import type { PacketClass } from "./events.js";

/** The packet classes of the routing protocols' messages (wire/summary.ts classify). */
export const ROUTING_PACKET_CLASSES: readonly PacketClass[] = ["rip", "ospf"];

/** The users routing daemons send as: no person, so no colour, no mark, not in the people list. */
export const ROUTING_USERS: readonly string[] = ["rip", "ospf"];

/** Whether packets of class `cls` are a routing protocol's own messages (routing chatter). */
export function isRoutingTraffic(cls: string): boolean {
  // A plain loop: the stream's thinning asks once per event.
  for (let i = 0; i < ROUTING_PACKET_CLASSES.length; i++) if (ROUTING_PACKET_CLASSES[i] === cls) return true;
  return false;
}

/** Whether `user` is a routing daemon rather than a person. */
export function isRoutingUser(user: string): boolean {
  return ROUTING_USERS.includes(user);
}
