/**
 * routelab's RIP against an independent RFC 2453 implementation: ns-3's RIP, run by the peer in
 * shared/bench/ns3/ (rip-peer.cc, built with Debian's libns3-dev) on the same edge lists from
 * shared/bench/gen-topology.py. After both converge, every node must have the same metric for
 * every subnet on both sides, and each side's next hop must be an equal-cost alternative: a
 * neighbour whose own metric for the subnet is one less (RIP leaves the choice between equal
 * paths to whoever was heard first, so the two simulators may pick different ones).
 *
 * The peer binary is cached in the OS temp dir under the hash of its source, so only the first
 * run pays for the build (~20 s). Without g++ or libns3-dev the test is skipped, except in CI
 * (CI=true) where that is a failure.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badNextHops, compare, type DumpRoute, readDumpRoutes } from "../../bench/ns3-compare.js";
import { formatIpv4 } from "../../src/core/ip.js";
import { createSimLab } from "../../src/engines/sim/index.js";
import { parseScenario, runScenario } from "../../src/lab/scenario.js";
import type { Network } from "../../src/sim/network.js";
import { loadTopologyText } from "../../src/topology/index.js";

const REPO = join(import.meta.dirname, "..", "..");
/** CI clones the repo beside a copy of shared/; here it is /work/shared. */
const SHARED = [join(REPO, "..", "shared"), "/work/shared"].find((d) =>
  existsSync(join(d, "bench", "ns3", "rip-peer.cc")),
);
const CI = process.env.CI === "true";
/** ns-3 converges these within 15 simulated seconds (triggered updates); 60 leaves room. */
const PEER_TIME = 60;

const TOPOLOGIES: { name: string; args: string[] }[] = [
  { name: "random-30 seed 1", args: ["random", "30", "--degree", "3", "--seed", "1"] },
  { name: "random-30 seed 2", args: ["random", "30", "--degree", "3", "--seed", "2"] },
  { name: "grid 5x5", args: ["grid", "5x5"] },
  { name: "tree 3 3", args: ["tree", "3", "3"] },
];

/** Why the peer cannot be built here, or undefined when it can. */
function missing(): string | undefined {
  if (SHARED === undefined)
    return "shared/bench/ns3/rip-peer.cc not found beside the repo or in /work/shared";
  if (spawnSync("g++", ["--version"]).status !== 0) return "g++ is not installed";
  if (!existsSync("/usr/include/ns3/rip-helper.h")) return "libns3-dev is not installed";
  return undefined;
}

/** The peer, built once per source version into the temp dir (renamed into place when done). */
function peerBinary(shared: string): string {
  const dir = join(shared, "bench", "ns3");
  const h = createHash("sha256");
  for (const f of ["rip-peer.cc", "build.sh"]) h.update(readFileSync(join(dir, f)));
  const bin = join(tmpdir(), `routelab-rip-peer-${h.digest("hex").slice(0, 16)}`);
  if (existsSync(bin)) return bin;
  const part = `${bin}.${process.pid}.part`;
  const r = spawnSync("sh", [join(dir, "build.sh"), part], { encoding: "utf8" });
  if (r.status !== 0 || !existsSync(part))
    throw new Error(`building the ns-3 peer failed:\n${r.stderr || r.stdout}`);
  renameSync(part, bin);
  return bin;
}

/** Our converged RIP routes in the peer's dump form: "node subnet" → next-hop node, metric. */
function ourRoutes(net: Network): Map<string, DumpRoute> {
  const owner = new Map<number, string>();
  for (const n of net.nodes) for (const i of n.ifaces) owner.set(i.addr, n.name);
  const m = new Map<string, DumpRoute>();
  for (const n of net.nodes)
    for (const r of n.fib.all())
      if (r.source === "rip" && r.metric < 16)
        m.set(`${n.name} ${formatIpv4(r.dest)}/${r.len}`, {
          nextHop: owner.get(r.gateway) ?? formatIpv4(r.gateway),
          metric: r.metric,
        });
  return m;
}

const why = missing();

describe.skipIf(why !== undefined && !CI)("RIP against ns-3's RIP (shared/bench/ns3 peer)", () => {
  let bin = "";
  let work = "";
  beforeAll(() => {
    if (why !== undefined) throw new Error(`ns-3 cross-check cannot run in CI: ${why}`);
    bin = peerBinary(SHARED!);
    work = mkdtempSync(join(tmpdir(), "routelab-ns3-"));
  }, 180_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  for (const t of TOPOLOGIES)
    it(`${t.name}: same metrics everywhere, next hops on equal-cost paths`, async () => {
      const edges = execFileSync("python3", [join(SHARED!, "bench", "gen-topology.py"), ...t.args], {
        encoding: "utf8",
      });
      const file = join(work, `${t.args.join("-")}.edges`);
      writeFileSync(file, edges);
      const dump = `${file}.dump`;
      const peer = spawnSync(bin, [`--topo=${file}`, `--time=${PEER_TIME}`, `--dump=${dump}`], {
        encoding: "utf8",
      });
      expect(peer.status, peer.stderr).toBe(0);
      const theirs = readDumpRoutes(readFileSync(dump, "utf8"));

      const topo = loadTopologyText(edges, `${t.args.join("-")}.edges`);
      expect(topo.nodes.every((n) => n.routing === "rip")).toBe(true);
      const lab = createSimLab(topo, { seed: 1 });
      let log = "";
      const code = await runScenario(
        lab,
        parseScenario("wait converged max 10m\n", "ns3", new Set()),
        "ns3",
        {
          write: (s) => {
            log += s;
          },
          quietInterval: topo.rip.update,
        },
      );
      expect(code, log).toBe(0);
      const ours = ourRoutes(lab.net);

      // Same metric for every node and subnet (and the same set of learned routes).
      const metrics = (m: Map<string, DumpRoute>) => new Map([...m].map(([k, r]) => [k, r.metric]));
      const c = compare(metrics(ours), metrics(theirs));
      expect(c.examples, `${c.compared} routes compared`).toEqual([]);
      expect(c.equal).toBe(true);
      // A sanity floor: every node learned a route to every subnet it is not attached to.
      const subnets = new Set(topo.links.map((l) => `${formatIpv4(l.subnet)}/${l.len}`));
      const attached = topo.links.length * 2;
      expect(ours.size).toBe(topo.nodes.length * subnets.size - attached);

      // Next hops: each side's choice is a neighbour one hop closer (by the agreed metrics).
      const neighbours = new Map<string, Set<string>>();
      const connected = new Set<string>();
      for (const l of topo.links) {
        const s = `${formatIpv4(l.subnet)}/${l.len}`;
        for (const [x, y] of [
          [l.a.node, l.b.node],
          [l.b.node, l.a.node],
        ] as const) {
          if (!neighbours.has(x)) neighbours.set(x, new Set());
          neighbours.get(x)!.add(y);
          connected.add(`${x} ${s}`);
        }
      }
      const metricOf = (node: string, subnet: string) =>
        connected.has(`${node} ${subnet}`) ? 1 : ours.get(`${node} ${subnet}`)?.metric;
      const nb = (node: string) => neighbours.get(node) ?? new Set<string>();
      expect(badNextHops(ours, metricOf, nb), "ours").toEqual([]);
      expect(badNextHops(theirs, metricOf, nb), "ns-3's").toEqual([]);
      // …and the check does notice a neighbour that is not one hop closer.
      const [key, r] = [...ours].find(([k, x]) => {
        const [node, subnet] = k.split(" ") as [string, string];
        return [...nb(node)].some((n) => metricOf(n, subnet) !== x.metric - 1);
      })!;
      const [node, subnet] = key.split(" ") as [string, string];
      const wrong = [...nb(node)].find((n) => metricOf(n, subnet) !== r.metric - 1)!;
      expect(badNextHops(new Map([[key, { ...r, nextHop: wrong }]]), metricOf, nb)).toHaveLength(1);
      await lab.close();
    });
});
