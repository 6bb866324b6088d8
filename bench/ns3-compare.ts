/**
 * @module bench/ns3-compare
 * Reading the ns-3 peer's final tables and comparing routing tables, shared by the benchmark
 * (bench/workloads/rip.ts: metrics against the peer and against shortest paths) and the system
 * test that cross-checks routelab's RIP with ns-3's (test/system/ns3-rip.test.ts: metrics, and
 * next hops that are equal-cost alternatives of each other). Pure: no files, no processes.
 *
 * The peer's dump is one learned route a line, `NODE SUBNET NEXTHOP_NODE METRIC`
 * (shared/bench/ns3/rip-peer.cc), e.g. `r1 10.0.2.0/24 r2 2`.
 */

export interface Comparison {
  /** Routes compared (union of both sides' keys). */
  compared: number;
  equal: boolean;
  /** Different metric on both sides. */
  differ: number;
  onlyOurs: number;
  onlyTheirs: number;
  /** A few examples, "node subnet: ours vs theirs". */
  examples: string[];
}

/** One learned route: the neighbour it goes through (a node name) and its metric. */
export interface DumpRoute {
  nextHop: string;
  metric: number;
}

/** `NODE SUBNET NEXTHOP METRIC` lines → "NODE SUBNET" → next hop and metric. */
export function readDumpRoutes(text: string): Map<string, DumpRoute> {
  const m = new Map<string, DumpRoute>();
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 4) continue;
    m.set(`${f[0]} ${f[1]}`, { nextHop: f[2]!, metric: Number(f[3]) });
  }
  return m;
}

/** `NODE SUBNET NEXTHOP METRIC` lines → "NODE SUBNET" → metric. */
export function readDump(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const [k, r] of readDumpRoutes(text)) m.set(k, r.metric);
  return m;
}

/** Compares two "node subnet" → metric tables. */
export function compare(ours: Map<string, number>, theirs: Map<string, number>): Comparison {
  const c: Comparison = { compared: 0, equal: true, differ: 0, onlyOurs: 0, onlyTheirs: 0, examples: [] };
  const note = (s: string) => {
    if (c.examples.length < 5) c.examples.push(s);
  };
  for (const [k, v] of ours) {
    c.compared++;
    const w = theirs.get(k);
    if (w === undefined) {
      c.onlyOurs++;
      note(`${k}: ours ${v}, theirs none`);
    } else if (w !== v) {
      c.differ++;
      note(`${k}: ours ${v}, theirs ${w}`);
    }
  }
  for (const [k, w] of theirs)
    if (!ours.has(k)) {
      c.compared++;
      c.onlyTheirs++;
      note(`${k}: ours none, theirs ${w}`);
    }
  c.equal = c.differ === 0 && c.onlyOurs === 0 && c.onlyTheirs === 0;
  return c;
}

/**
 * Next hops that do not lie on a shortest path: a route of metric m for a subnet is fine when
 * its next hop is a neighbour (`neighbours(node)`) whose own metric for the subnet is m − 1 —
 * 1 when the neighbour is attached to it (`metricOf` must say so). `metricOf(node, subnet)`
 * gives the reference metrics (undefined when unreachable). Returns "node subnet: why" lines.
 */
export function badNextHops(
  routes: Map<string, DumpRoute>,
  metricOf: (node: string, subnet: string) => number | undefined,
  neighbours: (node: string) => ReadonlySet<string>,
): string[] {
  const bad: string[] = [];
  for (const [key, r] of routes) {
    const [node, subnet] = key.split(" ") as [string, string];
    if (!neighbours(node).has(r.nextHop)) {
      bad.push(`${key}: next hop ${r.nextHop} is not a neighbour`);
      continue;
    }
    const theirs = metricOf(r.nextHop, subnet);
    if (theirs !== r.metric - 1)
      bad.push(`${key}: metric ${r.metric} via ${r.nextHop}, whose own metric is ${theirs ?? "none"}`);
  }
  return bad;
}
