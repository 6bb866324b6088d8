/**
 * @module sim/build
 * Builds a Network from a validated Topology: nodes, interfaces with addresses, links, and
 * the static routes each node boots with, segments as learning switches (sim/bridge.ts), hosts
 * with forwarding off. Routing daemons are attached by the engine.
 */
import type { Topology } from "../topology/model.js";
import { segmentPorts } from "../topology/index.js";
import { Network } from "./network.js";
import { NodeSystem } from "./node-system.js";

export function buildNetwork(topo: Topology, seed: number): Network {
  const net = new Network(seed);
  for (const n of topo.nodes) net.addNode(n.name);
  for (const l of topo.links) {
    const a = net.byName.get(l.a.node)!.addInterface(l.a.iface, l.a.addr, l.len);
    const b = net.byName.get(l.b.node)!.addInterface(l.b.iface, l.b.addr, l.len);
    net.addLink(l.id, a, b, l.delay, l.bandwidth, l.loss, l.queue);
  }
  // A segment: a switch with one port per station, each cabled by a link `STATION-SEGMENT`.
  for (const s of topo.segments ?? []) {
    const sw = net.addBridge(s.id);
    for (const l of segmentPorts(s)) {
      const station = net.byName.get(l.a.node)!.addInterface(l.a.iface, l.a.addr, l.len);
      const port = sw.node.addInterface(l.b.iface, 0, 0);
      net.addLink(l.id, station, port, l.delay, l.bandwidth, l.loss, l.queue);
    }
  }
  for (const n of topo.nodes) if (n.kind === "host") net.byName.get(n.name)!.forwarding = false;
  for (const n of topo.nodes) {
    const node = net.byName.get(n.name)!;
    if (n.os !== undefined || n.files !== undefined) node.system = new NodeSystem(n.os ?? "freebsd", n.files);
    for (const s of n.statics) {
      // The topology validated that the gateway sits on a connected subnet.
      const via = node.ifaces.find((i) => i.isLink && (s.gateway & i.mask) >>> 0 === i.net);
      node.configuredStatics.push({
        dest: s.dest,
        len: s.len,
        gateway: s.gateway,
        iface: via?.index ?? 0,
        metric: 1,
      });
    }
  }
  for (const node of net.nodes) {
    node.installBaseRoutes("boot");
    node.announceAddresses();
  }
  return net;
}
