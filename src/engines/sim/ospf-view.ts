/**
 * @module engines/sim/ospf-view
 * A router's OSPF database and shortest-path tree on the map (Lab.ospf, for the page's panel):
 * the daemon's view (proto/ospf/view.ts) with router IDs as node names, networks as prefixes,
 * and each tree edge's links — a point-to-point link between two routers, or the link or
 * segment port by which a router reaches a network.
 */
import { formatIpv4, formatPrefix } from "../../core/ip.js";
import type { OspfView } from "../../lab/lab.js";
import { OspfDaemon } from "../../proto/ospf/ospf.js";
import { ospfDaemonView, type SpfVertexRef } from "../../proto/ospf/view.js";
import type { SimNode } from "../../sim/node.js";
import type { Topology } from "../../topology/model.js";

const daemonOf = (n: SimNode) => n.daemons.find((d): d is OspfDaemon => d instanceof OspfDaemon);

/** `node`'s view, or undefined when it runs no OSPF. */
export function simOspfView(topo: Topology, nodes: Iterable<SimNode>, node: SimNode): OspfView | undefined {
  const d = daemonOf(node);
  if (d === undefined) return undefined;
  const byRouterId = new Map<number, string>();
  for (const n of nodes) {
    const o = daemonOf(n);
    if (o !== undefined) byRouterId.set(o.routerId, n.name);
  }
  const name = (v: SpfVertexRef) =>
    v.kind === "network" ? v.prefix : (byRouterId.get(v.id) ?? formatIpv4(v.id));
  /** The links by which router `r` sits on network `prefix` (a link, or its port of a segment). */
  const onNetwork = (r: string, prefix: string): string[] => {
    const out: string[] = [];
    for (const l of topo.links)
      if (formatPrefix({ addr: l.subnet, len: l.len }) === prefix && (l.a.node === r || l.b.node === r))
        out.push(l.id);
    for (const s of topo.segments ?? [])
      if (formatPrefix({ addr: s.subnet, len: s.len }) === prefix && s.ends.some((e) => e.node === r))
        out.push(`${r}-${s.id}`);
    return out;
  };
  const between = (a: string, b: string) =>
    topo.links
      .filter((l) => (l.a.node === a && l.b.node === b) || (l.a.node === b && l.b.node === a))
      .map((l) => l.id);
  const v = ospfDaemonView(d, node.now());
  return {
    node: node.name,
    routerId: formatIpv4(v.routerId),
    database: v.database,
    lsas: v.lsas,
    tree: v.tree.map((e) => {
      const parent = name(e.parent);
      const child = name(e.child);
      const links =
        e.parent.kind === "router" && e.child.kind === "router"
          ? between(parent, child)
          : e.parent.kind === "router"
            ? onNetwork(parent, child)
            : onNetwork(child, parent);
      return { parent, child, dist: e.dist, links };
    }),
  };
}
