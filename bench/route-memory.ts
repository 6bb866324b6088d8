/**
 * @module bench/route-memory
 * Heap per route of a converged RIP network (issue 22's memory target: ≤ 125 B a route):
 * builds a generated topology, runs it until every RIP table holds its shortest-path metrics
 * (as the `converge` workload), then forces a GC and divides the memory the lab retains (V8's
 * heap and the typed arrays' buffers, which live outside it: the RIP table's columns), over
 * what was in use before it was built, by the routes of every RIP database (N routers × the subnets
 * each one knows, connected ones included). Prints one line of figures; `--snapshot FILE`
 * also writes a V8 heap snapshot of the converged lab (for Chrome's DevTools, Memory tab).
 * `--dist` runs the shipped build (dist/, `npx tsc -p tsconfig.build.json` first) rather than
 * src/ through tsx: tsx keeps functions' names (esbuild's keepNames), which gives every closure
 * a property array of its own, so closures weigh more under tsx than in `routelab run`.
 *
 *   node --expose-gc --import tsx bench/route-memory.ts random-300 [--seed 1] [--dist] [--snapshot f] [--edges FILE]
 *   npm run bench:memory -- random-1000 --dist
 *
 * The topology name is one of bench/topologies.ts's (random-N takes any N: `random-5000`).
 */
import { readFileSync } from "node:fs";
import { writeHeapSnapshot } from "node:v8";
import type { CreateLab } from "./engine.js";
import { FULL_TOPOLOGIES, generateEdges, parseEdgeList, type TopoSpec } from "./topologies.js";
import { bfsMetrics, holds, memoryNow, wants } from "./workloads/rip.js";

const gc = (globalThis as { gc?: () => void }).gc;

export interface RouteMemoryResult {
  name: string;
  /** What ran: src/ through tsx, or the shipped dist/. */
  build: "src" | "dist";
  routers: number;
  links: number;
  /** Entries of every router's RIP database, connected routes included. */
  ripRoutes: number;
  /** Simulated second at which every table held its shortest-path metrics. */
  convergedAtSimSeconds: number;
  /** Heap retained by the converged lab, after a forced GC, over the heap before it. */
  retainedHeapBytes: number;
  /** Array buffers (typed arrays' storage, outside the heap) retained the same way. */
  retainedBufferBytes: number;
  /** (heap + buffers) / RIP routes. */
  bytesPerRoute: number;
  /** Resident set of the process at that point, and its peak. */
  rssBytes: number;
  maxRssBytes: number;
}

function specOf(name: string): TopoSpec {
  const known = FULL_TOPOLOGIES.find((t) => t.name === name);
  if (known) return known;
  const m = /^random-(\d+)$/.exec(name);
  if (!m)
    throw new Error(
      `${name}: not a bench topology (random-N, ${FULL_TOPOLOGIES.map((t) => t.name).join(", ")})`,
    );
  return { name, args: ["random", m[1]!, "--degree", "3"] };
}

export async function runRouteMemory(
  name: string,
  seed: number,
  build: "src" | "dist",
  snapshot?: string,
  edges?: string,
): Promise<RouteMemoryResult> {
  if (!gc) throw new Error("run node with --expose-gc: the figure is the heap after a forced GC");
  const topo = parseEdgeList(edges ?? generateEdges(specOf(name), seed), name);
  const { createSimLab } = (await import(`../${build}/engines/sim/index.js`)) as { createSimLab: CreateLab };
  const { RipDaemon } = (await import(`../${build}/proto/rip/index.js`)) as {
    RipDaemon: new (...a: never[]) => { routeTable: { size: number } };
  };
  const SECOND = 1e9;
  const create = createSimLab;
  const before = await memoryNow();
  const lab = await create(topo, { seed });
  let want: ReturnType<typeof wants> | null = wants(lab.net, bfsMetrics(topo, new Set()));
  const s = lab.net.scheduler;
  let at = Number.NaN;
  for (let t = SECOND; t <= 600 * SECOND; t += SECOND) {
    s.runUntil(t);
    if (holds(want!)) {
      at = t / SECOND;
      break;
    }
  }
  want = null; // the check's own list is not the lab's memory
  if (Number.isNaN(at)) throw new Error(`${name}: not converged in 600 simulated s`);
  let ripRoutes = 0;
  for (const n of lab.net.nodes)
    for (const d of n.daemons) if (d instanceof RipDaemon) ripRoutes += d.routeTable.size;
  const after = await memoryNow();
  const heap = after.heap - before.heap;
  const buffers = after.buffers - before.buffers;
  const rssBytes = after.rss;
  if (snapshot) writeHeapSnapshot(snapshot);
  const result: RouteMemoryResult = {
    name,
    build,
    routers: topo.nodes.length,
    links: topo.links.length,
    ripRoutes,
    convergedAtSimSeconds: at,
    retainedHeapBytes: heap,
    retainedBufferBytes: buffers,
    bytesPerRoute: (heap + buffers) / ripRoutes,
    rssBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  await lab.close();
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const seed = Number(opt("--seed") ?? 1);
  const snapshot = opt("--snapshot");
  const edgesFile = opt("--edges");
  const dist = args.indexOf("--dist");
  if (dist >= 0) args.splice(dist, 1);
  const name = args[0] ?? "random-300";
  const edges = edgesFile === undefined ? undefined : readFileSync(edgesFile, "utf8");
  const r = await runRouteMemory(name, seed, dist >= 0 ? "dist" : "src", snapshot, edges);
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  console.log(
    `${r.name} (${r.build}): ${r.routers} routers, ${r.links} links, ${r.ripRoutes} RIP routes, converged at ${r.convergedAtSimSeconds} s; ` +
      `retained ${mib(r.retainedHeapBytes)} heap + ${mib(r.retainedBufferBytes)} array buffers = ${r.bytesPerRoute.toFixed(1)} B per route; ` +
      `RSS ${mib(r.rssBytes)}, peak ${mib(r.maxRssBytes)}`,
  );
  console.log(`RESULT ${JSON.stringify(r)}`);
}
