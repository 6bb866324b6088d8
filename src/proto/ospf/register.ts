/**
 * @module proto/ospf/register
 * OSPF's entry in the registry of routing protocols (proto/registry.ts): its file-format spec
 * (topology/protocols/ospf.ts), the daemon a `routing: ospf` node runs with its settings (the
 * topology's, overridden by the node's own; each interface's cost from its link's bandwidth),
 * the class its packets carry (wire/summary.ts classifies IP protocol 89 as `ospf`), the user
 * it sends as, and its `show ip ospf …` commands for vtysh (show.ts).
 */
import {
  nodeOspfSettings,
  OSPF,
  ospfIfaceCost,
  ospfIfacePriority,
  ospfRouterId,
} from "../../topology/protocols/ospf.js";
import type { RoutingProtocol } from "../registry.js";
import { OspfDaemon } from "./ospf.js";
import { ospfVtysh } from "./show.js";

export const OSPF_PROTOCOL: RoutingProtocol = {
  spec: OSPF,
  daemon(topo, node) {
    const s = nodeOspfSettings(topo, node);
    const ifaces = new Map<string, { cost: number; priority: number }>();
    for (const l of topo.links)
      for (const e of [l.a, l.b])
        if (e.node === node.name)
          ifaces.set(e.iface, {
            cost: ospfIfaceCost(topo, node, e.iface),
            priority: ospfIfacePriority(s, e.iface),
          });
    return new OspfDaemon({
      routerId: ospfRouterId(topo, node.name),
      hello: s.hello,
      dead: s.dead,
      retransmit: s.retransmit,
      network: s.network,
      ifaces,
    });
  },
  packetClass: "ospf",
  user: "ospf",
  vtysh: ospfVtysh,
};
