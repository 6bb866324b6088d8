/**
 * @module proto/ospf/spf
 * The shortest-path tree of area 0 (RFC 2328 §16.1) with equal-cost multipath: Dijkstra over
 * router and network vertices of the database, each link used only when the far vertex links
 * back (§16.1 (2b)), next hops set as §16.1.1 says (a router on a point-to-point link from the
 * root: the neighbour's address; a network next to the root: directly attached; a router on a
 * network next to the root: its address on that network; else the parent's), and equal-cost
 * paths merged. Stage 2 adds the stub networks of the Router-LSAs.
 */
import { type Ipv4, maskOf } from "../../core/ip.js";
import { LINK_P2P, LINK_STUB, LINK_TRANSIT, type RouterLink } from "../../wire/ospf-lsa.js";
import { type Lsdb, networkOf } from "./lsdb.js";
import type { LsaEntry, OspfIface, OspfRoute } from "./types.js";

type NextHop = { gateway: Ipv4; iface: number };

interface Vertex {
  key: string;
  kind: "router" | "network";
  entry: LsaEntry;
  dist: number;
  nextHops: NextHop[];
  /** The vertices an equal-cost shortest path arrives from (RFC 2328 §16.1 (2d): several with ECMP). */
  parents: Vertex[];
  /** The vertex is on the tree (its distance is final). */
  done: boolean;
}

/** An edge of the shortest-path tree: a vertex and one of its parents, by kind and Link State ID. */
export interface SpfTreeEdge {
  readonly parent: { kind: "router" | "network"; id: Ipv4 };
  readonly child: { kind: "router" | "network"; id: Ipv4 };
  /** The child's distance from the root. */
  readonly dist: number;
}

const vkey = (kind: "router" | "network", id: Ipv4) => `${kind[0]}${id >>> 0}`;

function routerLinks(e: LsaEntry): RouterLink[] {
  return e.lsa.body.kind === "router" ? e.lsa.body.links : [];
}

/** Whether vertex `w` links back to `v` (§16.1 (2b)). */
function linksBack(w: Vertex, v: Vertex): boolean {
  if (w.kind === "network") {
    const body = w.entry.lsa.body;
    return body.kind === "network" && body.routers.includes(v.entry.lsa.header.advRouter);
  }
  const vid = v.entry.lsa.header.id;
  return routerLinks(w.entry).some((l) =>
    v.kind === "router" ? l.type === LINK_P2P && l.id === vid : l.type === LINK_TRANSIT && l.id === vid,
  );
}

function mergeHops(a: NextHop[], b: NextHop[]): NextHop[] {
  const out = [...a];
  for (const h of b) if (!out.some((x) => x.gateway === h.gateway && x.iface === h.iface)) out.push(h);
  return out.sort((x, y) => x.iface - y.iface || (x.gateway >>> 0) - (y.gateway >>> 0));
}

/** The root's interface whose address is `addr` (a Router-LSA link's data). */
function ifaceByAddr(ifaces: readonly OspfIface[], addr: Ipv4): OspfIface | undefined {
  return ifaces.find((i) => i.addr === addr && i.state !== "Down");
}

/** Next hops of `w`, reached from `v` over `link` (§16.1.1). */
function nextHopsFor(
  v: Vertex,
  w: Vertex,
  link: RouterLink | undefined,
  root: Ipv4,
  ifaces: readonly OspfIface[],
): NextHop[] {
  const vIsRoot = v.kind === "router" && v.entry.lsa.header.id === root;
  if (vIsRoot && link) {
    const oi = ifaceByAddr(ifaces, link.data);
    if (!oi) return [];
    if (w.kind === "network") return [{ gateway: 0, iface: oi.index }];
    const nbr = [...oi.neighbors.values()].find((n) => n.routerId === w.entry.lsa.header.id);
    return nbr ? [{ gateway: nbr.addr, iface: oi.index }] : [];
  }
  // A router on a network the root is attached to: its address on that network.
  if (v.kind === "network" && v.nextHops.some((h) => h.gateway === 0)) {
    const net = networkOf(v.entry);
    const back = routerLinks(w.entry).find((l) => l.type === LINK_TRANSIT && l.id === v.entry.lsa.header.id);
    if (back) {
      const direct = v.nextHops.filter((h) => h.gateway === 0);
      const addr = back.data;
      if ((addr & net.mask) >>> 0 === net.dest) return direct.map((h) => ({ gateway: addr, iface: h.iface }));
    }
  }
  return v.nextHops;
}

/** The shortest-path tree from `root` and the routes to every network it reaches. */
export function runSpf(db: Lsdb, root: Ipv4, ifaces: readonly OspfIface[]): OspfRoute[] {
  return routesOf(dijkstra(db, root, ifaces), root);
}

/** The tree's edges, every equal-cost parent of each vertex (what the page draws on the map). */
export function spfTree(db: Lsdb, root: Ipv4, ifaces: readonly OspfIface[]): SpfTreeEdge[] {
  const out: SpfTreeEdge[] = [];
  const ref = (v: Vertex) => ({ kind: v.kind, id: v.entry.lsa.header.id });
  for (const v of dijkstra(db, root, ifaces))
    for (const p of v.parents) out.push({ parent: ref(p), child: ref(v), dist: v.dist });
  return out;
}

/** Dijkstra over the database (§16.1 stage 1): the vertices in the order they joined the tree. */
function dijkstra(db: Lsdb, root: Ipv4, ifaces: readonly OspfIface[]): Vertex[] {
  const rootEntry = db.router(root);
  if (!rootEntry) return [];
  const vertices = new Map<string, Vertex>();
  const start: Vertex = {
    key: vkey("router", root),
    kind: "router",
    entry: rootEntry,
    dist: 0,
    nextHops: [],
    parents: [],
    done: false,
  };
  vertices.set(start.key, start);
  const tree: Vertex[] = [];
  for (;;) {
    let v: Vertex | undefined;
    for (const c of vertices.values())
      if (
        !c.done &&
        (v === undefined ||
          c.dist < v.dist ||
          (c.dist === v.dist && c.kind === "network" && v.kind === "router"))
      )
        v = c;
    if (!v) break;
    v.done = true;
    tree.push(v);
    for (const { w, link, cost } of adjacent(db, v)) {
      if (!linksBack(w, v)) continue;
      const known = vertices.get(w.key);
      if (known?.done) continue;
      const dist = v.dist + cost;
      const hops = nextHopsFor(v, known ?? w, link, root, ifaces);
      if (!known) {
        w.dist = dist;
        w.nextHops = hops;
        w.parents = [v];
        vertices.set(w.key, w);
      } else if (dist < known.dist) {
        known.dist = dist;
        known.nextHops = hops;
        known.parents = [v];
      } else if (dist === known.dist) {
        known.nextHops = mergeHops(known.nextHops, hops);
        known.parents.push(v);
      }
    }
  }
  return tree;
}

/** The vertices `v` links to, with the link and its cost (a network's links to routers cost 0). */
function adjacent(db: Lsdb, v: Vertex): { w: Vertex; link?: RouterLink; cost: number }[] {
  const out: { w: Vertex; link?: RouterLink; cost: number }[] = [];
  const fresh = (kind: "router" | "network", entry: LsaEntry): Vertex => ({
    key: vkey(kind, entry.lsa.header.id),
    kind,
    entry,
    dist: 0,
    nextHops: [],
    parents: [],
    done: false,
  });
  if (v.kind === "network") {
    const body = v.entry.lsa.body;
    if (body.kind === "network")
      for (const r of body.routers) {
        const e = db.router(r);
        if (e && !isMaxAge(e)) out.push({ w: fresh("router", e), cost: 0 });
      }
    return out;
  }
  for (const link of routerLinks(v.entry)) {
    const e =
      link.type === LINK_P2P
        ? db.router(link.id)
        : link.type === LINK_TRANSIT
          ? db.network(link.id)
          : undefined;
    if (e && !isMaxAge(e))
      out.push({ w: fresh(link.type === LINK_P2P ? "router" : "network", e), link, cost: link.metric });
  }
  return out;
}

function isMaxAge(e: LsaEntry): boolean {
  return e.ageAtInstall >= 3600;
}

/** Stage 1's networks and stage 2's stubs (§16.1 (4), §16.1 end), best cost first then ECMP merged. */
function routesOf(tree: Vertex[], root: Ipv4): OspfRoute[] {
  const routes = new Map<string, OspfRoute>();
  const offer = (dest: Ipv4, len: number, cost: number, hops: NextHop[], kind: OspfRoute["kind"]) => {
    const d = (dest & maskOf(len)) >>> 0;
    const k = `${d}/${len}`;
    const r = routes.get(k);
    if (!r || cost < r.cost) routes.set(k, { dest: d, len, cost, nextHops: hops, kind });
    else if (cost === r.cost) r.nextHops = mergeHops(r.nextHops, hops);
  };
  for (const v of tree) {
    if (v.kind === "network") {
      const n = networkOf(v.entry);
      offer(n.dest, n.len, v.dist, v.nextHops, "network");
      continue;
    }
    const isRoot = v.entry.lsa.header.id === root;
    for (const l of routerLinks(v.entry)) {
      if (l.type !== LINK_STUB) continue;
      let len = 0;
      while (len < 32 && ((l.data >>> (31 - len)) & 1) === 1) len++;
      const hops = isRoot ? [] : v.nextHops; // the root's own stubs: directly attached
      offer(l.id, len, v.dist + l.metric, hops, "network");
    }
  }
  return [...routes.values()].sort((a, b) => (a.dest >>> 0) - (b.dest >>> 0) || a.len - b.len);
}
