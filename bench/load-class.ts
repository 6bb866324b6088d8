/**
 * Load test of a whole class (issue 8, "Load"): on the seed lab paced in real time, N SSH
 * sessions (default 100) each run `ping -c C` leaf to leaf, while V WebSocket viewers (default
 * 50) watch the event stream — one of them stalled (it stops reading its socket) — and a prober
 * asks the HTTP API for the topology and a routing table every 20 ms. Bounded: it stops after
 * --timeout seconds whatever happens.
 *
 *   node --expose-gc --import tsx bench/load-class.ts [--sessions 100] [--viewers 50] [--count 20] [--timeout 120]
 *
 * Clients run in worker threads (ssh2 and ws clients, fetch for the API), so the server thread
 * does only the server's work. Prints: sessions completed, API latency p50/p99/max, viewers'
 * messages and bytes, what the fanout thinned for the stalled viewer (and the `missed`
 * markers it finds once it reads again), server heap and RSS before/peak/after, and the lab's
 * packet conservation. Exit status 0 only when every session completed, the API's p99 is under
 * 100 ms, the stalled viewer was thinned (not buffered without limit) and the heap stayed
 * bounded.
 */
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import ssh2 from "ssh2";
import { createServer } from "../src/server/http/index.js";
import { UserLimits } from "../src/server/limits.js";
import { startSshServer } from "../src/server/ssh/index.js";
import { arg, failures, mb, pct, pingJobs, runSshSessions, seedClass } from "./ssh-client.js";

const SESSIONS = arg("sessions", 100);
const VIEWERS = arg("viewers", 50);
const COUNT = arg("count", 20);
const TIMEOUT_S = arg("timeout", 120);

interface ViewerReport {
  api: number[];
  apiErrors: number;
  messages: number;
  bytes: number;
  stalledMessagesBefore: number;
  stalledMessagesAfter: number;
  stalledMissed: number;
  stalledOpen: boolean;
}

async function main(): Promise<void> {
  const { dir, key, users, names, lab } = await seedClass("routelab-load-class-", SESSIONS, 1);

  const http = await createServer({ lab, port: 0 });
  const ssh = await startSshServer({
    lab,
    users,
    port: 0,
    hostKeyPath: join(dir, "host-key"),
    limits: new UserLimits(),
  });
  // Warm up: one SSH command and one API call, so modules loaded on first use (tsx compiles
  // them on the fly here) are not counted as the server's latency. The cold figures are
  // printed apart.
  const cold = performance.now();
  await warmUp(ssh.port, key.private, names[0]!, http.url);
  const coldMs = performance.now() - cold;
  global.gc?.();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakRss = before.rss;
  let peakViewers = 0;
  let lag = 0;
  let last = performance.now();
  const t00 = performance.now();
  const sampler = setInterval(() => {
    const now = performance.now();
    lag = Math.max(lag, now - last - 50);
    if (process.env.LOAD_TRACE && now - last - 50 > 20)
      process.stderr.write(
        `lag ${(now - last - 50).toFixed(0)} ms at ${((now - t00) / 1000).toFixed(2)} s\n`,
      );
    last = now;
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
    peakViewers = Math.max(peakViewers, http.fanout.size);
  }, 50);

  const jobs = pingJobs(names, COUNT);

  // Viewers first, so they watch the whole run.
  const viewers = new Worker(VIEWER_CODE, {
    eval: true,
    execArgv: [], // plain CommonJS: no tsx loader in the client threads
    workerData: { url: http.url, viewers: VIEWERS },
  });
  await new Promise<void>((resolve, reject) => {
    viewers.once("message", () => resolve());
    viewers.once("error", reject);
  });
  const viewerReport = new Promise<ViewerReport>((resolve, reject) => {
    viewers.once("message", resolve);
    viewers.once("error", reject);
  });

  const t0 = performance.now();
  if (process.env.LOAD_TRACE)
    process.stderr.write(`ssh clients start at ${((t0 - t00) / 1000).toFixed(2)} s\n`);
  const sessions = runSshSessions({
    port: ssh.port,
    key: key.private,
    jobs,
    timeoutMs: TIMEOUT_S * 1000,
    count: COUNT,
  });
  const results = await sessions.results;
  const wall = performance.now() - t0;
  const thinnedWhileStalled = http.fanout.thinned;
  viewers.postMessage("stop");
  const v = await viewerReport;
  clearInterval(sampler);
  await sessions.worker.terminate();
  await viewers.terminate();
  global.gc?.();
  await new Promise((r) => setTimeout(r, 300));
  const after = process.memoryUsage();
  lab.pacer!.pause();
  // Conservation once nothing is in flight (the pacer is paused; run the queue by hand).
  const net = lab.net;
  lab.runUntil(() => net.created === net.delivered + net.dropped, 60e9);
  const c = net.counters();

  const ok = results.filter((r) => r.ok);
  const lat = ok.map((r) => r.ms).sort((a, b) => a - b);
  const api = v.api.sort((a, b) => a - b);
  const p99 = pct(api, 99);
  const heapBound = 256 * 1048576;
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");
  const lines = [
    `machine: ${cpus().length} cores, load average ${load} at the end (other jobs share the CPU: latency figures depend on it)`,
    `class load: ${SESSIONS} SSH sessions each \`ping -c ${COUNT}\` leaf to leaf on the seed lab at 1x, ${VIEWERS} WebSocket viewers (1 stalled), API probed every 20 ms`,
    `sessions completed: ${ok.length}/${SESSIONS}  wall ${(wall / 1000).toFixed(1)} s  session p50 ${(pct(lat, 50) / 1000).toFixed(2)} s, p99 ${(pct(lat, 99) / 1000).toFixed(2)} s`,
    `API: ${api.length} requests, ${v.apiErrors} errors, latency p50 ${pct(api, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(api.at(-1) ?? Number.NaN).toFixed(1)} ms; server event-loop lag max ${lag.toFixed(0)} ms`,
    `viewers: peak ${peakViewers} connected, ${v.messages} batches, ${mb(v.bytes)} received by the ${VIEWERS - 1} live ones`,
    `stalled viewer: ${v.stalledMessagesBefore} batches read before it stalled, fanout thinned ${thinnedWhileStalled} events while it was stalled; once it read again: ${v.stalledMessagesAfter} batches, 'missed' markers counting ${v.stalledMissed} events; still connected: ${v.stalledOpen}`,
    `warm-up (first SSH command and API call, modules loaded on first use): ${coldMs.toFixed(0)} ms`,
    `server heap: before ${mb(before.heapUsed)}, peak ${mb(peakHeap)}, after ${mb(after.heapUsed)}; RSS peak ${mb(peakRss)}`,
    `packets: created ${c.created} = delivered ${c.delivered} + dropped ${c.dropped} (${JSON.stringify(c.byReason)}): ${c.created === c.delivered + c.dropped ? "all accounted for" : "NOT CONSERVED"}`,
  ];
  for (const [e, n] of failures(results)) lines.push(`failed ×${n}: ${e}`);
  const pass =
    ok.length === SESSIONS &&
    p99 < 100 &&
    v.apiErrors === 0 &&
    thinnedWhileStalled > 0 &&
    peakHeap < heapBound &&
    c.created === c.delivered + c.dropped;
  lines.push(pass ? "PASS" : "FAIL");
  process.stdout.write(`${lines.join("\n")}\n`);
  await ssh.close();
  await http.close();
  await lab.close();
  process.exit(pass ? 0 : 1);
}

/** One SSH exec and one API request, waited for. */
async function warmUp(port: number, privateKey: string, username: string, url: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const c = new ssh2.Client();
    c.on("ready", () =>
      c.exec("vm1 hostname", (err, ch) => {
        if (err) return reject(err);
        ch.on("data", () => {});
        ch.on("close", () => {
          c.end();
          resolve();
        });
      }),
    );
    c.on("error", reject);
    c.connect({ host: "127.0.0.1", port, username, privateKey });
  });
  await (await fetch(`${url}/api/topology`)).text();
}

/** Viewers, the stalled viewer and the API prober, in a worker. */
const VIEWER_CODE = `
const { workerData, parentPort } = require("node:worker_threads");
const WebSocket = require("ws");
const { url, viewers } = workerData;
const wsUrl = url.replace("http", "ws") + "/api/events";
let messages = 0, bytes = 0;
let stalledBefore = 0, stalledAfter = 0, stalledMissed = 0, stalledState = "reading";
const api = [];
let apiErrors = 0;
let probing = true;
function open() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}
async function main() {
  const live = [];
  for (let i = 0; i < viewers - 1; i++) {
    const ws = await open();
    ws.on("message", (d) => { messages++; bytes += d.length; });
    live.push(ws);
  }
  const stalled = await open();
  stalled.on("message", (d) => {
    if (stalledState === "reading") stalledBefore++;
    else if (stalledState === "after") {
      stalledAfter++;
      const m = JSON.parse(String(d));
      for (const e of m.events) if (e.kind === "missed") stalledMissed += e.count;
    }
  });
  // It reads for a moment, then stops reading its socket: the server's send buffer fills.
  setTimeout(() => { stalledState = "stalled"; stalled.pause(); }, 500);
  (async function probe() {
    const paths = ["/api/topology", "/api/nodes/vm1/routes", "/api/clock"];
    let i = 0;
    while (probing) {
      const t0 = performance.now();
      try {
        const r = await fetch(url + paths[i++ % paths.length]);
        await r.text();
        if (r.status !== 200) apiErrors++;
      } catch { apiErrors++; }
      api.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  parentPort.postMessage("ready");
  parentPort.once("message", async () => {
    probing = false;
    stalledState = "after";
    stalled.resume();
    await new Promise((r) => setTimeout(r, 1500));
    const open = stalled.readyState === WebSocket.OPEN;
    for (const ws of live) ws.close();
    stalled.close();
    parentPort.postMessage({ api, apiErrors, messages, bytes, stalledMessagesBefore: stalledBefore,
      stalledMessagesAfter: stalledAfter, stalledMissed, stalledOpen: open });
  });
}
main().catch((e) => { throw e; });
`;

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(70);
});
