/**
 * Does the live lab keep answering while it works hard (issue 23, "Always answering")? Starts
 * `node bin/routelab.js up TOPOLOGY` (dist/, built first) on 127.0.0.1 and, from the moment it
 * listens, sends `GET /api/clock` every `--every` ms for `--seconds` seconds, open loop: a
 * request is sent on schedule whether or not the one before has been answered, and its latency
 * counts from when it was due, so a server that stalls for 5 s shows as 100 slow requests, not
 * one. Meanwhile the lab converges (random-2000's RIP convergence is the burst of issue 23).
 *
 *   node --import tsx bench/live-latency.ts [--topology random-2000 | FILE] [--seconds 60]
 *        [--every 50] [--runs 1] [--grace 30] [--no-build] [--sim-thread main|worker|both]
 *
 * `--sim-thread` is `routelab up`'s (where the simulator runs); `both` runs each run on the
 * main thread and then in a worker thread, one after the other, to compare them.
 *
 * Prints per run: requests, p50 / p99 / max latency (ms), the longest gap between two answers,
 * the virtual time the lab reached and the speed it reported at the end, the server's peak RSS
 * (VmHWM), and the load average beside it (other jobs on the machine change every figure).
 */
import { compile } from "./compile.js";
import { mkdtempSync } from "node:fs";
import { get } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type SimThread, simThreads, startLiveServer, stopLiveServer } from "./live-server.js";
import { describeLoop, type LoopReport, readLoopReport } from "./loop-report.js";
import { processMemoryMiB } from "./proc-cpu.js";
import { median } from "./stats.js";
import { topologyFile } from "./topologies.js";

const { values } = parseArgs({
  options: {
    topology: { type: "string", default: "random-2000" },
    seconds: { type: "string", default: "60" },
    every: { type: "string", default: "50" },
    runs: { type: "string", default: "1" },
    grace: { type: "string", default: "30" },
    "no-build": { type: "boolean", default: false },
    "sim-thread": { type: "string", default: "worker" },
  },
});
const THREADS = simThreads(values["sim-thread"]);
const WINDOW_S = Number(values.seconds);
const EVERY_MS = Number(values.every);
const RUNS = Number(values.runs);
const GRACE_S = Number(values.grace);

/**
 * GET with node:http, no timeout of its own (fetch gives up connecting after 10 s; a stalled
 * server's latency is what this measures). One connection per request, as a new visitor's.
 */
function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        body += d;
      });
      res.on("end", () => {
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(e);
        }
      });
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

interface Run {
  requests: number;
  /** Requests that got no answer at all (connection refused or reset). */
  failed: number;
  /** Requests still unanswered GRACE_S after the window (counted at what they had waited). */
  unanswered: number;
  p50: number;
  p99: number;
  max: number;
  longestGapMs: number;
  virtualS: number;
  speed: string;
  rssMiB: number;
  load: number;
  bootS: number;
  /** The server's own account of its event loop over the window (src/server/loop-watch.ts). */
  loop?: LoopReport | undefined;
}

async function runOnce(file: string, thread: SimThread): Promise<Run> {
  const loopFile = join(mkdtempSync(join(tmpdir(), "routelab-loop-")), "delay.json");
  const { child, url, bootMs } = await startLiveServer(file, {
    ROUTELAB_LOOP_WATCH: loopFile,
    ROUTELAB_SIM_THREAD: thread,
  });
  let result: Run | undefined;
  try {
    const latencies: number[] = [];
    const answeredAt: number[] = [];
    let last: { now: number; speed: number; actualSpeed?: number } | undefined;
    const pending: Promise<void>[] = [];
    let failed = 0;
    const settled: boolean[] = [];
    const t0 = performance.now();
    for (let i = 0; i * EVERY_MS < WINDOW_S * 1000; i++) {
      const due = t0 + i * EVERY_MS;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const index = pending.length;
      settled.push(false);
      pending.push(
        getJson(`${url}/api/clock`).then(
          (body) => {
            settled[index] = true;
            const at = performance.now();
            latencies.push(at - due);
            answeredAt.push(at);
            last = body as typeof last;
          },
          () => {
            settled[index] = true;
            failed++;
          },
        ),
      );
    }
    // A request still unanswered GRACE_S after the window counts with what it has waited so far
    // (a lower bound: the old pacer held random-2000's server for minutes on a loaded machine).
    const deadline = performance.now() + GRACE_S * 1000;
    await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, GRACE_S * 1000))]);
    for (let i = 0; i < pending.length; i++) if (!settled[i]) latencies.push(deadline - (t0 + i * EVERY_MS));
    const unanswered = pending.length - answeredAt.length - failed;
    answeredAt.sort((a, b) => a - b);
    let gap = 0;
    for (let i = 1; i < answeredAt.length; i++) gap = Math.max(gap, answeredAt[i]! - answeredAt[i - 1]!);
    const sorted = latencies.sort((a, b) => a - b);
    result = {
      requests: sorted.length,
      unanswered,
      failed,
      p50: quantile(sorted, 0.5),
      p99: quantile(sorted, 0.99),
      max: sorted.at(-1) ?? Number.NaN,
      longestGapMs: gap,
      virtualS: (last?.now ?? 0) / 1e9,
      speed:
        last?.actualSpeed !== undefined
          ? `${last.actualSpeed.toFixed(2)}x of ${last.speed}x`
          : `${last?.speed}x`,
      rssMiB: processMemoryMiB(child.pid!).peak,
      load: loadavg()[0]!,
      bootS: bootMs / 1000,
    };
  } finally {
    await stopLiveServer(child);
  }
  result.loop = readLoopReport(loopFile);
  return result;
}

async function main(): Promise<void> {
  if (!values["no-build"]) {
    const notBuilt = compile("tsconfig.build.json");
    if (notBuilt !== null) throw new Error(`dist/ does not build:\n${notBuilt}`);
  }
  const file = topologyFile(values.topology);
  const lines = [
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}`,
    `${values.topology}, routelab up at 1x; GET /api/clock every ${EVERY_MS} ms (open loop) for ${WINDOW_S} s from the moment it listens`,
  ];
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++)
    for (const thread of THREADS) {
      const r = await runOnce(file, thread);
      runs.push(r);
      process.stderr.write(
        `  run ${i + 1}/${RUNS} (${thread}): ${JSON.stringify({ ...r, loop: undefined })}\n`,
      );
      lines.push(
        `run ${i + 1}, simulation on the ${thread} thread: ${r.requests} requests (${r.unanswered} unanswered ${GRACE_S} s after the window, counted as waiting until then; ${r.failed} failed), latency p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ` +
          `max ${r.max.toFixed(0)} ms; longest gap between answers ${r.longestGapMs.toFixed(0)} ms; ` +
          `lab at t=${r.virtualS.toFixed(1)} s (${r.speed}); boot ${r.bootS.toFixed(1)} s; peak RSS ${r.rssMiB.toFixed(0)} MiB; ` +
          `load average ${r.load.toFixed(2)}`,
        ...(r.loop ? describeLoop(r.loop) : ["  (the server wrote no account of its event loop)"]),
      );
    }
  if (RUNS > 1)
    lines.push(
      `median p99 ${median(runs.map((r) => r.p99)).toFixed(1)} ms, median max ${median(runs.map((r) => r.max)).toFixed(0)} ms`,
    );
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
