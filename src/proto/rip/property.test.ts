import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MINUTE } from "../../core/time.js";
import { RipDaemon } from "./rip.js";
import { TestNet } from "./test-net.js";

interface Graph {
  n: number;
  edges: [number, number][];
}

/** Connected graphs: a random tree (each node hangs off an earlier one) plus extra edges. */
const graph = (maxN: number): fc.Arbitrary<Graph> =>
  fc
    .integer({ min: 2, max: maxN })
    .chain((n) =>
      fc.tuple(
        fc.constant(n),
        fc.array(fc.nat(), { minLength: n - 1, maxLength: n - 1 }),
        fc.array(fc.tuple(fc.nat({ max: n - 1 }), fc.nat({ max: n - 1 })), { maxLength: n }),
      ),
    )
    .map(([n, parents, extra]) => {
      const edges: [number, number][] = parents.map((p, i) => [p % (i + 1), i + 1]);
      const seen = new Set(edges.map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`));
      for (const [a, b] of extra) {
        const k = `${Math.min(a, b)}-${Math.max(a, b)}`;
        if (a !== b && !seen.has(k)) {
          seen.add(k);
          edges.push([a, b]);
        }
      }
      return { n, edges };
    });

/** Hop distances between nodes (BFS from each). */
function distances(g: Graph): number[][] {
  const adj: number[][] = Array.from({ length: g.n }, () => []);
  for (const [a, b] of g.edges) {
    adj[a]!.push(b);
    adj[b]!.push(a);
  }
  return adj.map((_, s) => {
    const d = new Array<number>(g.n).fill(Number.POSITIVE_INFINITY);
    d[s] = 0;
    const q = [s];
    while (q.length > 0) {
      const u = q.shift()!;
      for (const v of adj[u]!)
        if (d[v] === Number.POSITIVE_INFINITY) {
          d[v] = d[u]! + 1;
          q.push(v);
        }
    }
    return d;
  });
}

const subnet = (k: number) => `10.${k >> 8}.${k & 255}.0/24`;

function build(g: Graph, seed: number): TestNet {
  const net = new TestNet(seed);
  for (let i = 0; i < g.n; i++) net.node(`n${i}`);
  for (const [k, [a, b]] of g.edges.entries()) net.connect(`n${a}`, `n${b}`, subnet(k));
  net.start(() => new RipDaemon());
  return net;
}

/**
 * After convergence: a subnet at hop distance h from a node (h = 0: connected) has metric h + 1
 * when h + 1 < 16 and no route otherwise; the next hop is a neighbour one hop closer (so on a
 * shortest path); and following next hops from any node reaches the subnet without a loop.
 */
function checkConverged(g: Graph, net: TestNet): void {
  const dist = distances(g);
  const nodeOf = new Map<string, number>();
  for (let i = 0; i < g.n; i++)
    for (const f of net.node(`n${i}`).ifaces) if (f.isLink) nodeOf.set(`${f.addr}`, i);
  for (const [k, [a, b]] of g.edges.entries()) {
    const p = subnet(k);
    for (let v = 0; v < g.n; v++) {
      const h = Math.min(dist[v]![a]!, dist[v]![b]!);
      const r = net.node(`n${v}`).routeTo(p);
      if (h === 0) {
        expect(r?.source, `n${v} ${p}`).toBe("connected");
        continue;
      }
      if (h + 1 >= 16) {
        expect(r, `n${v} ${p} is ${h} hops away`).toBeUndefined();
        continue;
      }
      expect(r, `n${v} ${p}`).toBeDefined();
      expect(r!.metric, `n${v} ${p}`).toBe(h + 1);
      const gw = nodeOf.get(`${ipOf(r!.gateway)}`)!;
      expect(Math.min(dist[gw]![a]!, dist[gw]![b]!), `next hop of n${v} for ${p}`).toBe(h - 1);
      // Walk the tables: no loop, arrives within h hops.
      let at = v;
      for (let step = 0; step < h; step++) {
        const rr = net.node(`n${at}`).routeTo(p)!;
        at = nodeOf.get(`${ipOf(rr.gateway)}`)!;
      }
      expect(at === a || at === b, `walk from n${v} to ${p}`).toBe(true);
    }
  }
}

const ipOf = (s: string) => s.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);

describe("RIP on random connected graphs", () => {
  it("converges to hop-count metrics along shortest paths, without loops", () => {
    fc.assert(
      fc.property(graph(14), fc.integer({ min: 1, max: 1 << 30 }), (g, seed) => {
        const net = build(g, seed);
        net.runFor(4 * MINUTE);
        checkConverged(g, net);
      }),
      { numRuns: 40 },
    );
  });

  it("long chains: subnets 15 or more hops away are unreachable", () => {
    fc.assert(
      fc.property(fc.integer({ min: 14, max: 20 }), fc.integer({ min: 1, max: 1 << 30 }), (n, seed) => {
        const g: Graph = {
          n,
          edges: Array.from({ length: n - 1 }, (_, i) => [i, i + 1] as [number, number]),
        };
        const net = build(g, seed);
        net.runFor(5 * MINUTE);
        checkConverged(g, net);
        // The far end's subnet from n0: hop distance n - 2, metric n - 1.
        const far = net.node("n0").routeTo(subnet(n - 2));
        if (n - 1 < 16) expect(far?.metric).toBe(n - 1);
        else expect(far).toBeUndefined();
      }),
      { numRuns: 10 },
    );
  });
});
