import { describe, expect, it } from "vitest";
import {
  ROUTING_PACKET_CLASSES,
  ROUTING_USERS,
  isRoutingTraffic,
  isRoutingUser,
} from "../core/routing-traffic.js";
import { PROTOCOLS } from "./registry.js";

// core/routing-traffic.ts lists the routing classes for the page (which cannot import proto/);
// the registry is the truth. Both directions, so a protocol added on one side only fails here.
describe("core's list of routing traffic agrees with the registry", () => {
  it("lists every protocol's packet class and user, and nothing else", () => {
    expect([...ROUTING_PACKET_CLASSES].sort()).toEqual(PROTOCOLS.map((p) => p.packetClass).sort());
    expect([...ROUTING_USERS].sort()).toEqual(PROTOCOLS.map((p) => p.user).sort());
  });
  it("tells routing chatter from people's traffic", () => {
    for (const p of PROTOCOLS) {
      expect(isRoutingTraffic(p.packetClass)).toBe(true);
      expect(isRoutingUser(p.user)).toBe(true);
    }
    for (const cls of ["echo-request", "udp", "tcp", "arp", "other"])
      expect(isRoutingTraffic(cls)).toBe(false);
    for (const user of ["alice", "root", ""]) expect(isRoutingUser(user)).toBe(false);
  });
});
