/**
 * @module topology/frr-config
 * FRR configuration text for a topology's routers, so a real FRR (8.x) behaves as the
 * simulator does: each node's routing protocol configured by its spec (topology/protocols/:
 * interface lines, the `router …` block; e.g. RIP's version, timers and split horizon), and
 * static routes as `ip route` lines. Pure text generation: the netns engine writes these files,
 * and the containerlab and Kathará exports reuse them.
 *
 * Verified shape (protocols.md §8): zebra reads `hostname`, each protocol daemon its `router`.
 */
import { formatIpv4, maskOf } from "../core/ip.js";
import type { Topology, TopoNode } from "./model.js";
import { type FrrRouting, routingSpec } from "./protocols/index.js";
import { kernelIfaceName } from "./protocols/spec.js";

export { nodeRipSettings } from "./protocols/index.js";

export { kernelIfaceName } from "./protocols/spec.js";

/** The interfaces of a node in topology order: name, address, prefix length. */
export function nodeInterfaces(topo: Topology, node: string): { name: string; addr: number; len: number }[] {
  const out: { name: string; addr: number; len: number }[] = [];
  for (const l of topo.links)
    for (const end of [l.a, l.b])
      if (end.node === node) out.push({ name: end.iface, addr: end.addr, len: l.len });
  for (const s of topo.segments ?? [])
    for (const end of s.ends)
      if (end.node === node) out.push({ name: end.iface, addr: end.addr, len: s.len });
  return out;
}

/** How FRR runs the node's routing protocol; null for a static node. */
export function frrRouting(n: TopoNode): FrrRouting | null {
  return routingSpec(n.routing)?.frr ?? null;
}

function findNode(topo: Topology, name: string): TopoNode {
  const n = topo.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`frr-config: unknown node '${name}'`);
  return n;
}

/** zebra.conf: the hostname (addresses are set on the kernel interfaces directly). */
export function zebraConf(topo: Topology, node: string): string {
  findNode(topo, node);
  return `hostname ${node}\nlog timestamp precision 3\n`;
}

/** staticd-style `ip route` lines of a node (for an integrated frr.conf). */
export function staticRouteLines(topo: Topology, node: string): string[] {
  return findNode(topo, node).statics.map(
    (s) => `ip route ${formatIpv4(s.dest & maskOf(s.len))}/${s.len} ${formatIpv4(s.gateway)}`,
  );
}

/**
 * The configuration file of the node's protocol daemon (e.g. `ripd.conf`), or null for a static
 * node: its hostname, interface stanzas with the protocol's lines, and its `router` block.
 */
export function protocolDaemonConf(topo: Topology, node: string): { daemon: string; text: string } | null {
  const n = findNode(topo, node);
  const frr = frrRouting(n);
  if (!frr) return null;
  const ifs = nodeInterfaces(topo, node);
  let out = `hostname ${node}\n`;
  for (const i of ifs)
    out += `interface ${kernelIfaceName(i.name)}\n${frr.interfaceLines(topo, n, i.name)}exit\n`;
  return { daemon: frr.daemon, text: out + frr.routerBlock(topo, n, ifs) };
}

/**
 * One integrated frr.conf (containerlab's FRR kind, the containerlab export): hostname, IPv4
 * forwarding (a router; zebra sets it whatever the container started with), one stanza per
 * interface with its address and the protocol's lines, static routes, the `router` block.
 */
export function frrConf(topo: Topology, node: string): string {
  const n = findNode(topo, node);
  const frr = frrRouting(n);
  const ifs = nodeInterfaces(topo, node);
  // A host forwards nothing (FreeBSD's net.inet.ip.forwarding=0, Linux's ip_forward=0).
  const forwarding = n.kind === "host" ? "no ip forwarding" : "ip forwarding";
  let out = `frr defaults traditional\nhostname ${node}\n${forwarding}\nno ipv6 forwarding\n!\n`;
  for (const i of ifs) {
    out += `interface ${kernelIfaceName(i.name)}\n ip address ${formatIpv4(i.addr)}/${i.len}\n`;
    if (frr) out += frr.interfaceLines(topo, n, i.name);
    out += "exit\n!\n";
  }
  for (const l of staticRouteLines(topo, node)) out += `${l}\n`;
  if (frr) out += frr.routerBlock(topo, n, ifs);
  if (frr || n.statics.length > 0) out += "!\n";
  return out;
}
