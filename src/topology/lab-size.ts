/**
 * @module topology/lab-size
 * How big a lab is, in the words `up`'s banner, `compare`'s boot line and the exports' headers use.
 */
import type { Topology } from "./model.js";

/** `9 routers, 9 links`; with hosts and segments, `3 routers, 4 hosts, 1 link, 2 segments`. */
export function labSize(topo: Topology): string {
  const hosts = topo.nodes.filter((n) => n.kind === "host").length;
  const segments = topo.segments?.length ?? 0;
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? "" : "s"}`;
  if (hosts === 0 && segments === 0)
    return `${n(topo.nodes.length, "router")}, ${n(topo.links.length, "link")}`;
  const parts = [n(topo.nodes.length - hosts, "router"), n(hosts, "host"), n(topo.links.length, "link")];
  return [...parts, n(segments, "segment")].join(", ");
}
