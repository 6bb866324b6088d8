/**
 * test/ospf-lab
 * Test scaffolding, not the product: the seed network (examples/seed.yaml) or a small one
 * with `routing: ospf` on the simulator (engines/sim, every node's daemon from the registry),
 * each node's OSPF routes as text, and the tables a plain Dijkstra over the topology file
 * expects — computed without the daemon's code, to check it against.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatIpv4, formatPrefix, maskOf } from "../src/core/ip.js";
import { createSimLab, type SimLab } from "../src/engines/sim/index.js";
import { loadTopologyText } from "../src/topology/load.js";
import type { Topology } from "../src/topology/model.js";
import { ospfIfaceCost } from "../src/topology/protocols/ospf.js";
import type { OspfDaemon } from "../src/proto/ospf/ospf.js";

const ROOT = join(import.meta.dirname, "..");

/** The seed topology with every router on OSPF (and `extra` YAML added to its defaults). */
export function seedOspf(extra = ""): Topology {
  const text = readFileSync(join(ROOT, "examples", "seed.yaml"), "utf8").replace(
    "  routing: rip ",
    `  routing: ospf\n${extra}  x_unused: `,
  );
  return loadTopologyText(text.replace(/\n {2}x_unused: .*\n/, "\n"), "seed-ospf.yaml");
}

export function ospfLab(topo: Topology, seed = 1): SimLab {
  return createSimLab(topo, { seed });
}

export function daemonOf(lab: SimLab, node: string): OspfDaemon {
  return lab.node(node).daemons.find((d) => d.name === "ospf") as OspfDaemon;
}

/** A node's OSPF routes in its FIB: `PREFIX GATEWAY IFACE METRIC`, sorted. */
export function ospfTable(lab: SimLab, node: string): string[] {
  const n = lab.node(node);
  return n.fib
    .all()
    .filter((r) => r.source === "ospf")
    .map(
      (r) =>
        `${formatPrefix({ addr: r.dest, len: r.len })} ${formatIpv4(r.gateway)} ${n.ifaces[r.iface]!.name} ${r.metric}`,
    )
    .sort();
}

/**
 * What OSPF should give `node`, by a plain Dijkstra over the topology's links (each
 * direction costing the sending interface's cost): for every subnet not attached to `node`,
 * the least cost (distance to a router on it + that router's interface cost) and the set of
 * first hops (`GATEWAY IFACE`) of every least-cost path.
 */
export function expectedTables(
  topo: Topology,
  node: string,
  down: ReadonlySet<string> = new Set(),
): Map<string, { cost: number; hops: Set<string> }> {
  const links = topo.links.filter((l) => !down.has(l.id));
  const byName = new Map(topo.nodes.map((n) => [n.name, n]));
  const dist = new Map<string, number>([[node, 0]]);
  const hops = new Map<string, Set<string>>([[node, new Set()]]);
  const done = new Set<string>();
  for (;;) {
    let u: string | undefined;
    for (const [n, dn] of dist) if (!done.has(n) && (u === undefined || dn < dist.get(u)!)) u = n;
    if (u === undefined) break;
    done.add(u);
    for (const l of links)
      for (const [me, far] of [
        [l.a, l.b],
        [l.b, l.a],
      ] as const) {
        if (me.node !== u) continue;
        const c = dist.get(u)! + ospfIfaceCost(topo, byName.get(u)!, me.iface);
        const first = u === node ? new Set([`${formatIpv4(far.addr)} ${me.iface}`]) : hops.get(u)!;
        const old = dist.get(far.node);
        if (old === undefined || c < old) {
          dist.set(far.node, c);
          hops.set(far.node, new Set(first));
        } else if (c === old) for (const h of first) hops.get(far.node)!.add(h);
      }
  }
  const out = new Map<string, { cost: number; hops: Set<string> }>();
  const attached = new Set(links.filter((l) => l.a.node === node || l.b.node === node).map((l) => l.id));
  for (const l of links) {
    if (attached.has(l.id)) continue;
    const key = formatPrefix({ addr: (l.subnet & maskOf(l.len)) >>> 0, len: l.len });
    for (const end of [l.a, l.b]) {
      const d = dist.get(end.node);
      if (d === undefined) continue;
      const c = d + ospfIfaceCost(topo, byName.get(end.node)!, end.iface);
      const cur = out.get(key);
      if (!cur || c < cur.cost) out.set(key, { cost: c, hops: new Set(hops.get(end.node)) });
      else if (c === cur.cost) for (const h of hops.get(end.node)!) cur.hops.add(h);
    }
  }
  return out;
}
