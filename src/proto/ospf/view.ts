/**
 * @module proto/ospf/view
 * A router's OSPF state as data for the page: its database (the rows and FRR's text of `show
 * ip ospf database`) and the edges of its shortest-path tree (spf.ts), in OSPF's terms — router
 * IDs and networks; engines/sim/ospf-view.ts puts them on the map.
 */
import { formatIpv4, formatPrefix, type Ipv4 } from "../../core/ip.js";
import type { Nanos } from "../../core/time.js";
import { LSA_NETWORK, LSA_ROUTER } from "../../wire/ospf-lsa.js";
import { ageOf, networkOf } from "./lsdb.js";
import type { OspfDaemon } from "./ospf.js";
import { showIpOspfDatabase } from "./show.js";
import { spfTree } from "./spf.js";

/** A tree vertex: a router by router ID, or a network by prefix. */
export type SpfVertexRef = { kind: "router"; id: Ipv4 } | { kind: "network"; prefix: string };

export interface OspfDaemonView {
  routerId: Ipv4;
  database: string;
  lsas: { type: "router" | "network"; id: string; advRouter: string; age: number; seq: string }[];
  tree: { parent: SpfVertexRef; child: SpfVertexRef; dist: number }[];
}

export function ospfDaemonView(d: OspfDaemon, now: Nanos): OspfDaemonView {
  const lsas: OspfDaemonView["lsas"] = [];
  for (const e of d.db.entries()) {
    const h = e.lsa.header;
    if (h.type !== LSA_ROUTER && h.type !== LSA_NETWORK) continue;
    lsas.push({
      type: h.type === LSA_ROUTER ? "router" : "network",
      id: formatIpv4(h.id),
      advRouter: formatIpv4(h.advRouter),
      age: ageOf(e, now),
      seq: `0x${(h.seq >>> 0).toString(16).padStart(8, "0")}`,
    });
  }
  /** A Network-LSA's vertex by its prefix (its Link State ID is the DR's address). */
  const ref = (v: { kind: "router" | "network"; id: Ipv4 }): SpfVertexRef => {
    if (v.kind === "router") return { kind: "router", id: v.id };
    const e = d.db.network(v.id);
    if (!e) return { kind: "network", prefix: formatIpv4(v.id) };
    const n = networkOf(e);
    return { kind: "network", prefix: formatPrefix({ addr: n.dest, len: n.len }) };
  };
  const tree = spfTree(d.db, d.routerId, d.ifaces).map((t) => ({
    parent: ref(t.parent),
    child: ref(t.child),
    dist: t.dist,
  }));
  return { routerId: d.routerId, database: showIpOspfDatabase(d, now), lsas, tree };
}
