/**
 * @module bench/prof-top
 * Summarizes a V8 CPU profile (`node --cpu-prof`) as the functions with the most self time,
 * with file:line, so docs/performance.md can quote where the time goes without a GUI.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/child.ts '{"kind":"forward",…}'
 *   node --import tsx bench/prof-top.ts /tmp/prof/*.cpuprofile [N]
 *
 * Then the hottest source lines (V8's position ticks), with their text: profile compiled
 * JavaScript (tsc output) rather than tsx, whose transpiled line numbers do not match.
 */
import { readFileSync } from "node:fs";

interface ProfNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  positionTicks?: { line: number; ticks: number }[];
}

const [file, n = "25"] = process.argv.slice(2);
if (!file) {
  process.stderr.write("usage: prof-top FILE.cpuprofile [N]\n");
  process.exit(2);
}
const prof = JSON.parse(readFileSync(file, "utf8")) as { nodes: ProfNode[]; samples: number[] };
const hits = new Map<number, number>();
for (const s of prof.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
const self = new Map<string, number>();
for (const node of prof.nodes) {
  const f = node.callFrame;
  const where = f.url
    ? `${f.url.replace(/^file:\/\/.*?\/(src|bench|node_modules)\//, "$1/")}:${f.lineNumber + 1}`
    : "";
  const key = `${f.functionName || "(anonymous)"} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + (hits.get(node.id) ?? 0));
}
const total = prof.samples.length;
const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(n));
for (const [k, v] of top) process.stdout.write(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}\n`);

const lineTicks = new Map<string, number>();
for (const node of prof.nodes) {
  const url = node.callFrame.url;
  if (!url.startsWith("file://")) continue;
  for (const t of node.positionTicks ?? []) {
    const key = `${url}\n${t.line}`;
    lineTicks.set(key, (lineTicks.get(key) ?? 0) + t.ticks);
  }
}
const sources = new Map<string, string[]>();
process.stdout.write("\nhottest lines:\n");
for (const [key, v] of [...lineTicks.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) {
  const [url, line] = key.split("\n") as [string, string];
  let text = sources.get(url);
  if (!text) {
    try {
      text = readFileSync(new URL(url), "utf8").split("\n");
    } catch {
      text = [];
    }
    sources.set(url, text);
  }
  const short = url.replace(/^file:\/\/.*?\/(src|bench)\//, "$1/");
  const code = (text[Number(line) - 1] ?? "").trim().slice(0, 90);
  process.stdout.write(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${short}:${line}  ${code}\n`);
}
