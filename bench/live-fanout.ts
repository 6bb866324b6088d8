/**
 * The event stream's cost per viewer (issue 23, "A stream built once"): the seed lab served by
 * `node bin/routelab.js up` on 127.0.0.1 (dist/, built first), 4 users each pinging across the
 * lab every millisecond through `POST /api/exec` (admin token), and N WebSocket viewers on
 * `/api/events`. Run once per viewer count; each run is a fresh server.
 *
 *   node --import tsx bench/live-fanout.ts [--viewers 1,20] [--runs 3] [--seconds 8] [--sample] [--compact]
 *
 * --sample and --compact make the viewers ask what the page asks (a sample of the packets past
 * what it can draw; the compact encoding); without them they get what a script gets.
 *
 * Measured over a window that starts once the pings run (the server's start and the viewers'
 * connection are not in it): the server process's CPU (user + system, /proc/PID/stat, as % of
 * one core), bytes per second per viewer (what the viewers' sockets received), and the load
 * average beside it (other jobs on the machine change the CPU figure). The median run is
 * printed, with every run. Viewers only count bytes: they do not parse, so this process stays
 * light beside the server it measures.
 */
import { compile } from "./compile.js";
import { processCpuSeconds } from "./proc-cpu.js";
import type { Socket } from "node:net";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { startLiveServer, stopLiveServer } from "./live-server.js";
import { openRawViewer } from "./raw-viewer.js";
import { median } from "./stats.js";

const { values } = parseArgs({
  options: {
    viewers: { type: "string", default: "1,20" },
    runs: { type: "string", default: "3" },
    seconds: { type: "string", default: "8" },
    "no-build": { type: "boolean", default: false },
    /** Viewers ask for a sample past what a page can draw, as the page does (issue 23). */
    sample: { type: "boolean", default: false },
    /** Viewers ask for the page's compact encoding (/api/events?format=compact). */
    compact: { type: "boolean", default: false },
  },
});
const VIEWER_COUNTS = values.viewers.split(",").map(Number);
const RUNS = Number(values.runs);
const WINDOW_S = Number(values.seconds);
const TOKEN = "bench-live-fanout-token-0123456789";
/** Four users, each pinging from one leaf to a leaf on the other side of the seed. */
const PINGS = [
  { node: "vm4", to: "vm9", user: "u1" },
  { node: "vm5", to: "vm8", user: "u2" },
  { node: "vm6", to: "vm9", user: "u3" },
  { node: "vm7", to: "vm4", user: "u4" },
];
const MISSED = Buffer.from('"kind":"missed"');
/** Chunks read with a "missed" marker in them (the fanout thinned a slow viewer), this run. */
let missedMessages = 0;

interface Run {
  viewers: number;
  cpuPercent: number;
  bytesPerViewerPerS: number;
  load: number;
  /** Chunks the viewers read with a "missed" marker (the fanout thinned: a viewer fell behind). */
  missedChunks: number;
  /** The clock's speed over the last 2 s of the window (below 1: the lab could not keep up). */
  actualSpeed: number;
}

function openViewer(url: string, count: (n: number) => void): Promise<Socket> {
  return openRawViewer(url, { compact: values.compact, sample: values.sample }, (chunk) => {
    count(chunk.length);
    if (chunk.includes(MISSED)) missedMessages++;
  });
}

async function exec(url: string, node: string, command: string, user: string): Promise<unknown> {
  const r = await fetch(`${url}/api/exec`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ node, command, user }),
  });
  return r.json();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runOnce(viewers: number): Promise<Run> {
  const { child, url } = await startLiveServer(
    "examples/seed.yaml",
    { ROUTELAB_ADMIN_TOKEN: TOKEN },
    // e.g. LIVE_SERVER_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server
    process.env.LIVE_SERVER_ARGS?.split(" ").filter(Boolean) ?? [],
  );
  try {
    // RIP fills the tables within a few simulated seconds at 1x; the pings need routes.
    await exec(url, "vm1", "ping -c 1 vm9", "root");
    let bytes = 0;
    missedMessages = 0;
    const sockets = await Promise.all(
      Array.from({ length: viewers }, () =>
        openViewer(url, (n) => {
          bytes += n;
        }),
      ),
    );
    const count = Math.ceil((WINDOW_S + 4) * 1000);
    const pings = PINGS.map((p) => exec(url, p.node, `ping -q -i 0.001 -c ${count} ${p.to}`, p.user));
    await sleep(1500);
    const b0 = bytes;
    const c0 = processCpuSeconds(child.pid!);
    const t0 = performance.now();
    await sleep(WINDOW_S * 1000);
    const c1 = processCpuSeconds(child.pid!);
    const seconds = (performance.now() - t0) / 1000;
    // The speed the lab really kept (issue 23: a clock that cannot keep up slows, so fewer
    // events are made on a loaded machine, and fewer bytes sent).
    const clock = (await (await fetch(`${url}/api/clock`)).json()) as { actualSpeed?: number };
    const received = bytes - b0;
    const load = loadavg()[0]!;
    for (const s of sockets) s.destroy();
    await Promise.all(pings);
    return {
      viewers,
      cpuPercent: ((c1 - c0) / seconds) * 100,
      bytesPerViewerPerS: received / viewers / seconds,
      load,
      missedChunks: missedMessages,
      actualSpeed: clock.actualSpeed ?? Number.NaN,
    };
  } finally {
    await stopLiveServer(child);
  }
}

async function main(): Promise<void> {
  if (!values["no-build"]) {
    const notBuilt = compile("tsconfig.build.json");
    if (notBuilt !== null) throw new Error(`dist/ does not build:\n${notBuilt}`);
  }
  const lines = [
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}`,
    `seed lab, routelab up at 1x, 4 users each \`ping -q -i 0.001\` leaf to leaf; ${WINDOW_S} s window; median of ${RUNS}` +
      (values.sample
        ? "; viewers ask for a sample (as the page does)"
        : "; viewers ask for everything (as scripts do)") +
      (values.compact ? ", compact encoding" : ", JSON"),
  ];
  const medians: Record<number, number> = {};
  for (const v of VIEWER_COUNTS) {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(await runOnce(v));
      process.stderr.write(`  ${v} viewers, run ${i + 1}/${RUNS}: ${JSON.stringify(runs.at(-1))}\n`);
    }
    const cpu = median(runs.map((r) => r.cpuPercent));
    medians[v] = cpu;
    const bps = median(runs.map((r) => r.bytesPerViewerPerS));
    lines.push(
      `${String(v).padStart(3)} viewers: server CPU ${cpu.toFixed(1)} % of a core (runs ${runs.map((r) => r.cpuPercent.toFixed(1)).join(", ")}), ` +
        `${(bps / 1024).toFixed(0)} KB/s per viewer, clock at ${runs.map((r) => r.actualSpeed.toFixed(2)).join(", ")}×, ` +
        `load average ${runs.map((r) => r.load.toFixed(2)).join(", ")}`,
    );
  }
  if (VIEWER_COUNTS.length >= 2) {
    const lo = medians[VIEWER_COUNTS[0]!]!;
    const hi = medians[VIEWER_COUNTS.at(-1)!]!;
    lines.push(`CPU ratio ${VIEWER_COUNTS.at(-1)} viewers / ${VIEWER_COUNTS[0]}: ${(hi / lo).toFixed(2)}×`);
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
