/**
 * @module topology/frr-config
 * FRR configuration text for a topology's routers, so a real FRR (8.x) behaves as the
 * simulator's RIP does: the topology's RIP version (2, or 1: `version 1`, sending version 1
 * and receiving both, as routed does), the topology's timers, the same split-horizon mode on
 * every RIP interface, and every link subnet advertised with metric 1 (the simulator puts a
 * node's connected networks in its RIP database at metric 1; FRR does the same for networks
 * of interfaces enabled by a `network` statement, shown as `C(i)`). Static routes become
 * `ip route` lines. Pure text generation: the netns engine writes these files, and the
 * containerlab export (issue 10) reuses them.
 *
 * Verified shape (protocols.md §8): zebra reads `hostname`, ripd reads `router rip`.
 */
import { formatIpv4, maskOf } from "../core/ip.js";
import { SECOND } from "../core/time.js";
import type { RipSettings, SplitHorizon, Topology, TopoNode } from "./model.js";

/** Kernel names are what FRR sees; `/` (SR Linux style) is not allowed in a Linux name. */
export function kernelIfaceName(name: string): string {
  return name.replace(/\//g, "_");
}

/** The interfaces of a node in topology order: name, address, prefix length. */
export function nodeInterfaces(topo: Topology, node: string): { name: string; addr: number; len: number }[] {
  const out: { name: string; addr: number; len: number }[] = [];
  for (const l of topo.links)
    for (const end of [l.a, l.b])
      if (end.node === node) out.push({ name: end.iface, addr: end.addr, len: l.len });
  return out;
}

/** The node's effective RIP settings (topology-wide, overridden per node). */
export function nodeRipSettings(topo: Topology, node: TopoNode): RipSettings {
  const s: RipSettings = { ...topo.rip };
  for (const [k, v] of Object.entries(node.rip ?? {}))
    if (v !== undefined) (s as unknown as Record<string, unknown>)[k] = v;
  return s;
}

/** FRR timers are whole seconds, 5 s at least (yang ranges of frr-ripd). */
function seconds(ns: number): number {
  return Math.max(5, Math.round(ns / SECOND));
}

function splitHorizonLine(mode: SplitHorizon): string {
  switch (mode) {
    case "simple":
      return " ip rip split-horizon";
    case "poisoned":
      return " ip rip split-horizon poisoned-reverse";
    case "off":
      return " no ip rip split-horizon";
  }
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
 * The RIP lines of an interface stanza: the split-horizon mode and the versions. Version 2
 * sends and takes version 2 only; version 1 sends version 1 (broadcast) and takes both, as
 * routed does without `-P ripv2` (the seed's `routed -s -m`) and as the simulator does.
 */
function ripInterfaceLines(s: Pick<RipSettings, "splitHorizon" | "version">): string {
  const receive = s.version === 1 ? "1 2" : "2";
  return `${splitHorizonLine(s.splitHorizon)}\n ip rip send version ${s.version}\n ip rip receive version ${receive}\n`;
}

/** `router rip` with version, timers and one `network` per interface. */
function ripRouterBlock(s: RipSettings, ifs: readonly { name: string }[]): string {
  let out = `router rip\n version ${s.version}\n`;
  out += ` timers basic ${seconds(s.update)} ${seconds(s.timeout)} ${seconds(s.garbage)}\n`;
  for (const i of ifs) out += ` network ${kernelIfaceName(i.name)}\n`;
  return `${out}exit\n`;
}

/**
 * ripd.conf of a `routing: rip` node, or null for a static node. Interface stanzas carry the
 * split-horizon mode and enable receiving and sending version 2 only.
 */
export function ripdConf(topo: Topology, node: string): string | null {
  const n = findNode(topo, node);
  if (n.routing !== "rip") return null;
  const s = nodeRipSettings(topo, n);
  const ifs = nodeInterfaces(topo, node);
  let out = `hostname ${node}\n`;
  for (const i of ifs) out += `interface ${kernelIfaceName(i.name)}\n${ripInterfaceLines(s)}exit\n`;
  return out + ripRouterBlock(s, ifs);
}

/**
 * One integrated frr.conf (containerlab's FRR kind, the containerlab export): hostname, IPv4
 * forwarding (a router; zebra sets it whatever the container started with), one stanza per
 * interface with its address and, on a RIP node, its RIP lines, static routes, `router rip`.
 */
export function frrConf(topo: Topology, node: string): string {
  const n = findNode(topo, node);
  const rip = n.routing === "rip" ? nodeRipSettings(topo, n) : null;
  const ifs = nodeInterfaces(topo, node);
  let out = `frr defaults traditional\nhostname ${node}\nip forwarding\nno ipv6 forwarding\n!\n`;
  for (const i of ifs) {
    out += `interface ${kernelIfaceName(i.name)}\n ip address ${formatIpv4(i.addr)}/${i.len}\n`;
    if (rip) out += ripInterfaceLines(rip);
    out += "exit\n!\n";
  }
  for (const l of staticRouteLines(topo, node)) out += `${l}\n`;
  if (rip) out += ripRouterBlock(rip, ifs);
  if (rip || n.statics.length > 0) out += "!\n";
  return out;
}
