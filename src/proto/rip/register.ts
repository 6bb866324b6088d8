/**
 * @module proto/rip/register
 * RIP's entry in the registry of routing protocols (proto/registry.ts): its file-format spec
 * (topology/protocols/rip.ts), the daemon a `routing: rip` node runs with its settings (the
 * topology's, overridden by the node's own), and the class its packets carry in the event
 * stream (wire/summary.ts classifies port 520 as `rip`), the user it sends as (proto/rip/packets.ts),
 * and its vtysh commands, `show ip rip [status]` in ripd's words (vty.ts).
 */
import { RIP } from "../../topology/protocols/rip.js";
import type { RoutingProtocol } from "../registry.js";
import { RipDaemon } from "./rip.js";
import { resolveRipSettings } from "./settings.js";
import { ripVtysh } from "./vty.js";

export const RIP_PROTOCOL: RoutingProtocol = {
  spec: RIP,
  daemon: (topo, node) => new RipDaemon(resolveRipSettings(node.rip ?? {}, topo.rip)),
  packetClass: "rip",
  user: "rip",
  vtysh: ripVtysh,
};
