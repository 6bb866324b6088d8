/**
 * @module bench/memory-rows
 * The bench's memory rows (issue 22: converged RIP state ≤ 125 B a route): bench/route-memory.ts
 * run in a child of its own with `--expose-gc`, on the compiled build the other workloads run
 * (COMPILED/src, as tsc emits it), one child a topology so one network's heap is not the next's.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { COMPILED } from "./compile.js";
import type { RouteMemoryResult } from "./route-memory.js";
import { bytes } from "./stats.js";
import { REPO, type TopoSpec } from "./topologies.js";

export type MemoryRow = RouteMemoryResult | { name: string; error: string };

/** Networks measured: the bench's largest RIP network, and random-1000 where its table is the cost. */
export const MEMORY_TOPOLOGIES: TopoSpec[] = [
  { name: "random-300", args: ["random", "300", "--degree", "3"] },
  { name: "random-1000", args: ["random", "1000", "--degree", "3"] },
];
export const MEMORY_QUICK_TOPOLOGIES: TopoSpec[] = MEMORY_TOPOLOGIES.slice(0, 1);

/** `edgesFile`: the topology's edge list, made by the bench (the generator's path is the repo's). */
export function memoryRow(name: string, edgesFile: string, seed: number): MemoryRow {
  const r = spawnSync(
    process.execPath,
    [
      "--expose-gc",
      join(COMPILED, "bench", "route-memory.js"),
      name,
      "--seed",
      String(seed),
      "--edges",
      edgesFile,
    ],
    { cwd: REPO, encoding: "utf8", maxBuffer: 16 << 20 },
  );
  const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (!line) {
    const why = (r.stderr || r.stdout).trim().split("\n").slice(-3).join(" | ");
    return { name, error: `route-memory failed (exit ${r.status ?? r.signal}): ${why}` };
  }
  return JSON.parse(line.slice(7)) as RouteMemoryResult;
}

export function renderMemory(
  rows: MemoryRow[],
  table: (head: string[], rows: string[][]) => string,
): string[] {
  return [
    "Memory per route (RIP converged to shortest paths, then a GC; bench/route-memory.ts, the compiled build)",
    table(
      [
        "topology",
        "routers",
        "RIP routes",
        "converged at",
        "heap",
        "array buffers",
        "per route",
        "RSS",
        "peak RSS",
      ],
      rows.map((m) =>
        "error" in m
          ? [m.name, m.error, "", "", "", "", "", "", ""]
          : [
              m.name,
              String(m.routers),
              String(m.ripRoutes),
              `${m.convergedAtSimSeconds} s`,
              bytes(m.retainedHeapBytes),
              bytes(m.retainedBufferBytes),
              `${m.bytesPerRoute.toFixed(1)} B`,
              bytes(m.rssBytes),
              bytes(m.maxRssBytes),
            ],
      ),
    ),
    "  per route = (heap + array buffers the converged lab keeps) / every router's RIP database entries (issue 22: ≤ 125 B);",
    "  random-1000's command-line peak RSS (target < 300 MB) is the `cli random-1000` row; random-5000: docs/performance.md",
  ];
}
