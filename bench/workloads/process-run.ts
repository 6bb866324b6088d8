import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../../src/core/rng.js";
import type { WorkloadOptions } from "../options.js";
import { REPO } from "../topologies.js";
import { runTimed } from "../timed-process.js";

export interface ProcessRunResult {
  /** Whole process, spawn to exit. */
  wallSeconds: number;
  /** User + system, from /usr/bin/time. */
  cpuSeconds?: number;
  maxRssBytes?: number;
  flows: number;
  transmitted: number;
  received: number;
}

const START_S = 60;

/** Node names of an edge list in order of first appearance (as the loader and the ns-3 peer number them). */
function nodeOrder(edges: string): string[] {
  const seen = new Set<string>();
  for (const line of edges.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const [a, b] = line.trim().split(/\s+/);
    if (a !== undefined && b !== undefined) seen.add(a).add(b);
  }
  return [...seen];
}

/** The peer's workload as a routelab script (pairs as bench/pings.ts picks them). */
export function flowScript(edges: string, o: WorkloadOptions): { script: string; flows: number } {
  const nodes = nodeOrder(edges);
  const rng = new Rng(o.seed).fork(0x9196);
  const count = Math.max(0, Math.ceil((o.time - START_S) / o.interval));
  const lines = [`wait ${START_S}s`];
  let flows = 0;
  for (let i = 0; i < o.pings && nodes.length > 1 && count > 0; i++) {
    const s = rng.int(0, nodes.length - 1);
    let t = rng.int(0, nodes.length - 2);
    if (t >= s) t++;
    lines.push(`${nodes[s]}: ping -q -i ${o.interval} -c ${count} ${nodes[t]} &`);
    flows++;
  }
  lines.push(`wait ${Math.max(0, o.time - START_S)}s`);
  return { script: `${lines.join("\n")}\n`, flows };
}

export function runProcessRun(
  topoFile: string,
  edges: string,
  scriptFile: string,
  o: WorkloadOptions,
): ProcessRunResult {
  const { script, flows } = flowScript(edges, o);
  writeFileSync(scriptFile, script);
  const args = [
    join(REPO, "bin", "routelab.js"),
    "run",
    topoFile,
    "--script",
    scriptFile,
    "--seed",
    String(o.seed),
  ];
  const timed = runTimed(process.execPath, args, { cwd: REPO, maxBuffer: 64 << 20 });
  const { r, wallSeconds } = timed;
  const out = r.stdout ?? "";
  const stats = [...out.matchAll(/^(\d+) packets transmitted, (\d+) packets received/gm)];
  const transmitted = stats.reduce((n, m) => n + Number(m[1]), 0);
  const received = stats.reduce((n, m) => n + Number(m[2]), 0);
  if (r.status !== 0 || stats.length !== flows || stats.some((m) => Number(m[2]) === 0)) {
    const tail = `${out}\n${r.stderr ?? ""}`.trim().split("\n").slice(-4).join(" | ");
    throw new Error(
      `process run: exit ${r.status ?? r.signal}, ${stats.length}/${flows} flows reported, ${received} replies: ${tail}`,
    );
  }
  const result: ProcessRunResult = { wallSeconds, flows, transmitted, received };
  if (timed.maxRssBytes !== undefined) result.maxRssBytes = timed.maxRssBytes;
  if (timed.cpuSeconds !== undefined) result.cpuSeconds = timed.cpuSeconds;
  return result;
}
