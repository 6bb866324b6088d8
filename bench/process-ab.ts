/**
 * @module bench/process-ab
 * `npm run bench:process-ab`: is the whole `routelab run` process faster? Two commands (two
 * builds, or one build with and without a flag) run the bench's whole-process workload —
 * random-100 with the ns-3 peer's 50 ping flows as a script, as `npm run bench -- --only
 * "process random-100"` runs it — one after the other, alternating which goes first, and the
 * answer is the medians of each side and of the pairs' ratios B/A (wall, user + system CPU,
 * peak RSS). `bench:ab` compares the simulation alone, two runs at once; a whole process is
 * start-up, V8's compiler and GC threads and exit too, which two processes at once on two cores
 * would make wait for each other, so here they take turns.
 *
 *   cp -a bin dist package.json examples /tmp/base && ln -s "$PWD/node_modules" /tmp/base/
 *   … change and rebuild (npm run build:cli) …
 *   npm run bench:process-ab -- --a "node /tmp/base/bin/routelab.js" --b "node bin/routelab.js" --pairs 8
 *
 * A side is a command split at spaces (node flags may go before the script). Every run's
 * standard output must be the same as the first one's, byte for byte, on both sides.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { median } from "./stats.js";
import { runTimed, type TimedProcess } from "./timed-process.js";
import { FULL_TOPOLOGIES, generateEdges, REPO } from "./topologies.js";
import { flowScript } from "./workloads/process-run.js";

const USAGE = `usage: npm run bench:process-ab -- --a "CMD" --b "CMD" [--pairs N] [--topo NAME] [--seed N]
  runs CMD run TOPO --script FLOWS --seed N for each side, N pairs (default 8), alternating
  which side goes first, and prints medians and the median of the pairs' ratios B/A`;

function fail(msg: string): never {
  process.stderr.write(`bench:process-ab: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    a: { type: "string" },
    b: { type: "string" },
    pairs: { type: "string", default: "8" },
    topo: { type: "string", default: "random-100" },
    seed: { type: "string", default: "1" },
  },
});
if (values.a === undefined || values.b === undefined) fail("--a and --b are required");
const pairs = Number(values.pairs);
const seed = Number(values.seed);
if (!Number.isInteger(pairs) || pairs < 1) fail(`--pairs: '${values.pairs}' is not a positive integer`);
if (!Number.isInteger(seed) || seed < 0) fail(`--seed: '${values.seed}' is not a non-negative integer`);
const spec = FULL_TOPOLOGIES.find((t) => t.name === values.topo);
if (spec === undefined) fail(`--topo: no topology '${values.topo}'`);

const dir = mkdtempSync(join(tmpdir(), "routelab-process-ab-"));
const topoFile = join(dir, `${spec.name}.edges`);
const scriptFile = join(dir, "flows.txt");
const edges = generateEdges(spec, seed);
writeFileSync(topoFile, edges);
writeFileSync(
  scriptFile,
  flowScript(edges, { time: 600, pings: 50, interval: 1, failAt: -1, failLink: "", seed }).script,
);

interface Side {
  name: "A" | "B";
  cmd: string[];
  runs: TimedProcess[];
}
const sides: Side[] = [
  { name: "A", cmd: values.a.trim().split(/\s+/), runs: [] },
  { name: "B", cmd: values.b.trim().split(/\s+/), runs: [] },
];
let expected: string | undefined;

function runOnce(side: Side): void {
  const [bin, ...args] = side.cmd;
  const t = runTimed(bin!, [...args, "run", topoFile, "--script", scriptFile, "--seed", String(seed)], {
    cwd: REPO,
    maxBuffer: 64 << 20,
  });
  if (t.r.status !== 0) fail(`side ${side.name} exited ${t.r.status ?? t.r.signal}: ${t.r.stderr}`);
  expected ??= t.r.stdout;
  if (t.r.stdout !== expected) fail(`side ${side.name}'s output differs from the first run's`);
  side.runs.push(t);
}

const load0 = loadavg()[0]!;
try {
  for (let i = 0; i < pairs; i++) {
    const order = i % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) runOnce(side);
    const [a, b] = sides.map((s) => s.runs[i]!);
    process.stderr.write(
      `pair ${i + 1}/${pairs}: wall ${a!.wallSeconds.toFixed(2)} / ${b!.wallSeconds.toFixed(2)} s, ` +
        `cpu ${a!.cpuSeconds?.toFixed(2)} / ${b!.cpuSeconds?.toFixed(2)} s, load ${loadavg()[0]!.toFixed(1)}\n`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

type Key = (t: TimedProcess) => number;
const measures: [string, Key, (x: number) => string][] = [
  ["wall", (t) => t.wallSeconds, (x) => `${x.toFixed(3)} s`],
  ["cpu (user + sys)", (t) => t.cpuSeconds ?? Number.NaN, (x) => `${x.toFixed(3)} s`],
  ["peak RSS", (t) => (t.maxRssBytes ?? Number.NaN) / 2 ** 20, (x) => `${x.toFixed(1)} MiB`],
];
const [A, B] = sides as [Side, Side];
process.stdout.write(
  `${spec.name}, ${pairs} pairs, outputs identical; load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}\n` +
    `A: ${A.cmd.join(" ")}\nB: ${B.cmd.join(" ")}\n`,
);
for (const [label, key, fmt] of measures) {
  const ratios = A.runs.map((a, i) => key(B.runs[i]!) / key(a));
  process.stdout.write(
    `${label.padEnd(17)} A ${fmt(median(A.runs.map(key))).padStart(10)}  B ${fmt(median(B.runs.map(key))).padStart(10)}` +
      `  B/A ${median(ratios).toFixed(3)} (pairs ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})\n`,
  );
}
