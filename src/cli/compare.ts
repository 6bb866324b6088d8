/**
 * @module cli/compare
 * `routelab compare TOPOLOGY [--script FILE]`: the same topology and scenario on the simulator
 * and on real kernels (netns + FRR), then, per node and subnet, metric and next hop side by
 * side, and every forwarding path walked through each engine's tables. Each engine checks the
 * other: a difference is a bug in one of them (or a behaviour worth a note), and exits 1.
 *
 * Not differences: for RIP, an equal-cost alternative (another next hop whose own metric to the
 * subnet is less by the hop's, 1, in that engine's tables): RIP keeps whichever equal route it
 * heard first, and real daemons hear in a different order than the simulator. A protocol whose
 * routes carry every equal-cost next hop (OSPF: its spec's `multipath`) is held to the same set
 * on both engines — the simulator's FIB and Linux's multipath route — in any order.
 */
import { performance } from "node:perf_hooks";
import { formatIpv4, type Ipv4, parseIpv4, parsePrefix, prefixContains } from "../core/ip.js";
import { formatSeconds } from "../core/time.js";
import { createNetnsLab } from "../engines/netns/index.js";
import { createSimLab } from "../engines/sim/index.js";
import type { Lab, RouteInfo } from "../lab/lab.js";
import { parseScenario, runScenario, type Statement } from "../lab/scenario.js";
import type { LinkEnd, Topology, TopoLink } from "../topology/model.js";
import { quietInterval, routingSpec } from "../topology/index.js";
import { loadTopologyFile, readText } from "./io.js";
import { labSize } from "../topology/index.js";
import { compareTcp } from "./compare-tcp.js";

export interface CompareArgs {
  topology: string;
  script?: string | undefined;
  seed: number;
  /** Namespace prefix of the netns lab (default from the lab name). */
  prefix?: string | undefined;
  /** TCP ports to compare reachability on (besides those the lesson's checks name). */
  tcp?: number[] | undefined;
  out: (s: string) => void;
  err: (s: string) => void;
}

/** One compared route: what each engine has for a node and subnet. */
export interface RouteDiff {
  node: string;
  dest: string;
  sim: string;
  netns: string;
}

export interface CompareResult {
  routes: number;
  equalCost: number;
  differences: RouteDiff[];
  paths: number;
  pathDifferences: string[];
}

interface Entry {
  metric: number;
  /** The next hop followed by the path walk: the lowest of a multipath route's. */
  gateway: Ipv4;
  /** Every next hop, ascending (one for most routes; none when connected). */
  hops: Ipv4[];
  connected: boolean;
  source: string;
}

/**
 * The routes of a node that the comparison is about: networks, not host or loopback entries —
 * nor the dynamic (D) host routes ICMP redirects make: they depend on which packets went where
 * (Linux keeps them as next-hop exceptions for 300 s, FreeBSD 8 for an hour after their last
 * use), not on what the routing protocol converged to.
 */
function table(lab: Lab, node: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const r of lab.routes(node)) {
    if (r.flags.includes("H") || r.flags.includes("D") || r.dest.startsWith("127.")) continue;
    out.set(r.dest, entryOf(r));
  }
  return out;
}

function entryOf(r: RouteInfo): Entry {
  const connected = r.gateway.startsWith("link#");
  const hops = connected
    ? []
    : (r.nextHops ?? [r.gateway]).map((g) => parseIpv4(g) ?? 0).sort((a, b) => a - b);
  return {
    // A connected network counts as RIP metric 1 (what the router advertises for it).
    metric: connected ? 1 : r.source === "static" ? 0 : r.metric,
    gateway: hops[0] ?? 0,
    hops,
    connected,
    source: connected ? "connected" : r.source,
  };
}

function describe(e: Entry | undefined, owner: Map<Ipv4, string>): string {
  if (!e) return "no route";
  if (e.connected) return "connected";
  const via = e.hops.map((g) => `${formatIpv4(g)}${owner.has(g) ? ` (${owner.get(g)})` : ""}`).join(", ");
  return e.source === "static" ? `static via ${via}` : `metric ${e.metric} via ${via}`;
}

/** Compares the tables and forwarding paths of two labs running the same topology. */
export function compareLabs(topo: Topology, sim: Lab, net: Lab): CompareResult {
  const owner = new Map<Ipv4, string>();
  for (const l of topo.links) for (const e of [l.a, l.b]) owner.set(e.addr, e.node);
  for (const s of topo.segments ?? []) for (const e of s.ends) owner.set(e.addr, e.node);
  const tables = (lab: Lab) => new Map(topo.nodes.map((n) => [n.name, table(lab, n.name)]));
  const ts = tables(sim);
  const tn = tables(net);
  const res: CompareResult = { routes: 0, equalCost: 0, differences: [], paths: 0, pathDifferences: [] };
  const byName = new Map(topo.nodes.map((n) => [n.name, n]));
  /** What a route gains over `node`'s interface on the link where `match` holds (RIP 1, OSPF its cost). */
  const linkMetric = (node: string, match: (l: TopoLink, far: LinkEnd) => boolean): number => {
    const n = byName.get(node)!;
    for (const l of topo.links)
      for (const [me, far] of [
        [l.a, l.b],
        [l.b, l.a],
      ] as const)
        if (me.node === node && match(l, far))
          return routingSpec(n.routing)?.linkMetric?.(topo, n, me.iface) ?? 1;
    return 1;
  };
  /**
   * Whether `e` (of `node`) is a shortest route in its own engine: its next hop's metric to
   * `dest` (a connected subnet counting as its interface's) is `e`'s less the hop's.
   */
  const shortest = (t: Map<string, Map<string, Entry>>, node: string, dest: string, e: Entry) => {
    const nh = owner.get(e.gateway);
    const there = nh ? t.get(nh)?.get(dest) : undefined;
    if (!nh || there === undefined) return false;
    const hop = linkMetric(node, (_l, far) => far.addr === e.gateway);
    const theirs = there.connected
      ? linkMetric(nh, (l) => `${formatIpv4(l.subnet)}/${l.len}` === dest)
      : there.metric;
    return theirs === e.metric - hop;
  };
  for (const n of topo.nodes) {
    const a = ts.get(n.name)!;
    const b = tn.get(n.name)!;
    for (const dest of new Set([...a.keys(), ...b.keys()])) {
      res.routes++;
      const x = a.get(dest);
      const y = b.get(dest);
      let same = false;
      if (x && y && x.connected === y.connected && x.metric === y.metric && x.source === y.source) {
        if (x.hops.length === y.hops.length && x.hops.every((g, i) => g === y.hops[i])) same = true;
        else if (
          routingSpec(x.source) &&
          !routingSpec(x.source)!.multipath &&
          x.hops.length === 1 &&
          y.hops.length === 1 &&
          shortest(ts, n.name, dest, x) &&
          shortest(tn, n.name, dest, y)
        ) {
          same = true;
          res.equalCost++;
        }
      }
      if (!same)
        res.differences.push({ node: n.name, dest, sim: describe(x, owner), netns: describe(y, owner) });
    }
  }
  // Walk every node's path to every subnet through each engine's tables: a loop or a dead end
  // in one engine and not the other is a difference even when single entries look alike.
  const subnets = [...topo.links, ...(topo.segments ?? [])].map((l) => ({
    id: l.id,
    p: parsePrefix(`${formatIpv4(l.subnet)}/${l.len}`)!,
  }));
  for (const n of topo.nodes)
    for (const s of subnets) {
      res.paths++;
      const ws = walk(ts, owner, n.name, s.p.addr, s.p.len);
      const wn = walk(tn, owner, n.name, s.p.addr, s.p.len);
      if (ws.ok !== wn.ok || ws.hops.length !== wn.hops.length)
        res.pathDifferences.push(
          `${n.name} → ${formatIpv4(s.p.addr)}/${s.p.len}: sim ${ws.text}, netns ${wn.text}`,
        );
    }
  return res;
}

/** Follows next hops from `from` towards a subnet; stops at the router it is connected to. */
function walk(
  t: Map<string, Map<string, Entry>>,
  owner: Map<Ipv4, string>,
  from: string,
  addr: Ipv4,
  len: number,
): { ok: boolean; hops: string[]; text: string } {
  const dest = `${formatIpv4(addr)}/${len}`;
  const hops = [from];
  let at = from;
  for (let i = 0; i < 64; i++) {
    const e = t.get(at)?.get(dest) ?? longest(t.get(at), addr);
    if (!e) return { ok: false, hops, text: `${hops.join(" ")} (no route)` };
    if (e.connected) return { ok: true, hops, text: hops.join(" ") };
    const next = owner.get(e.gateway);
    if (!next)
      return { ok: false, hops, text: `${hops.join(" ")} (next hop ${formatIpv4(e.gateway)} unknown)` };
    if (hops.includes(next)) return { ok: false, hops, text: `${hops.join(" ")} ${next} (loop)` };
    hops.push(next);
    at = next;
  }
  return { ok: false, hops, text: `${hops.join(" ")} (too long)` };
}

function longest(t: Map<string, Entry> | undefined, a: Ipv4): Entry | undefined {
  let best: Entry | undefined;
  let bestLen = -1;
  for (const [d, e] of t ?? []) {
    const p = parsePrefix(d, false);
    if (p && p.len > bestLen && prefixContains(p, a)) {
      best = e;
      bestLen = p.len;
    }
  }
  return best;
}

/** Text for people: one line per difference, then the totals. */
export function formatComparison(r: CompareResult): string {
  let out = "";
  for (const d of r.differences) out += `${d.node} ${d.dest}: sim ${d.sim}; netns ${d.netns}\n`;
  for (const p of r.pathDifferences) out += `path ${p}\n`;
  out += `tables: ${r.routes} routes compared, ${r.differences.length} differences`;
  out += r.equalCost > 0 ? ` (${r.equalCost} equal-cost alternatives, not differences)\n` : "\n";
  out += `paths: ${r.paths} walked, ${r.pathDifferences.length} differences\n`;
  return out;
}

/** Runs the comparison; resolves with the exit status (0 equal, 1 a difference or a failed wait). */
export async function runCompare(a: CompareArgs): Promise<number> {
  const topo = loadTopologyFile(a.topology);
  const scriptName = a.script === undefined ? "<compare>" : a.script === "-" ? "<stdin>" : a.script;
  const text = a.script === undefined ? "wait converged\n" : readText(a.script, "script");
  const names = new Set(topo.nodes.map((n) => n.name));
  const stmts: Statement[] = parseScenario(text, scriptName, names, new Set(topo.segments?.map((x) => x.id)));
  const quiet = quietInterval(topo);
  const sim = createSimLab(topo, { seed: a.seed });
  let simOut = "";
  let net: Awaited<ReturnType<typeof createNetnsLab>> | undefined;
  try {
    const s1 = await runScenario(sim, stmts, scriptName, {
      write: (s) => (simOut += s),
      quietInterval: quiet,
    });
    a.out(`== sim ==\n${simOut}`);
    const t = performance.now();
    net = await createNetnsLab(topo, { prefix: a.prefix, log: (s) => a.err(`${s}\n`) });
    const boot = performance.now() - t;
    a.out(
      `== netns == booted ${labSize(topo)} in ${(boot / 1000).toFixed(2)} s (${(boot / topo.nodes.length).toFixed(0)} ms per node)\n`,
    );
    const s2 = await runScenario(net, stmts, scriptName, { write: a.out, quietInterval: quiet });
    await net.refreshAll();
    const r = compareLabs(topo, sim, net);
    a.out(`== compare ==\n${formatComparison(r)}`);
    const tcp = await compareTcp(topo, text, a.tcp ?? [], sim, net);
    if (tcp !== undefined) a.out(tcp.text);
    const differ = r.differences.length > 0 || r.pathDifferences.length > 0 || (tcp?.differ ?? false);
    a.out(differ ? "DIFFERENT\n" : `no difference (sim clock ${formatSeconds(sim.clock().now)})\n`);
    return differ || s1 !== 0 || s2 !== 0 ? 1 : 0;
  } finally {
    await sim.close();
    await net?.close();
  }
}
