/**
 * Load test of the SSH server (issue 5, issue 8): N concurrent SSH sessions (default 100), each
 * logging in as its own user with a key and running `ping -c 5` across the seed network (from a
 * leaf router to a leaf on the other side, 3 or 4 links) on a lab paced in real time. Bounded: it
 * stops after --timeout seconds whatever happens.
 *
 *   node --import tsx bench/load-ssh.ts [--sessions 100] [--speed 1] [--timeout 90]
 *
 * The clients run in a worker thread (ssh2's client, not 100 ssh processes), so the server's
 * JavaScript heap is measured alone; RSS covers the whole process. Prints completions, session
 * latency (connect → exit status) p50/p99, and the server's memory before, at peak and after.
 */
import { join } from "node:path";
import { UserLimits } from "../src/server/limits.js";
import { startSshServer } from "../src/server/ssh/index.js";
import { arg, failures, mb, pct, pingJobs, runSshSessions, seedClass } from "./ssh-client.js";

const SESSIONS = arg("sessions", 100);
const SPEED = arg("speed", 1);
const TIMEOUT_S = arg("timeout", 90);

async function main(): Promise<void> {
  // Converge RIP fast, then real time (or --speed).
  const { dir, key, users, names, lab } = await seedClass("routelab-load-ssh-", SESSIONS, SPEED);
  let events = 0;
  lab.onEvent(() => {
    events++;
  });

  const server = await startSshServer({
    lab,
    users,
    port: 0,
    hostKeyPath: join(dir, "host-key"),
    limits: new UserLimits(),
  });
  global.gc?.();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakRss = before.rss;
  let peakConnections = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
    peakConnections = Math.max(peakConnections, server.connections());
  }, 50);

  const jobs = pingJobs(names, 5);
  const t0 = performance.now();
  const sessions = runSshSessions({
    port: server.port,
    key: key.private,
    jobs,
    timeoutMs: TIMEOUT_S * 1000,
    count: 5,
  });
  const results = await sessions.results;
  const wall = performance.now() - t0;
  clearInterval(sampler);
  await sessions.worker.terminate();
  global.gc?.();
  await new Promise((r) => setTimeout(r, 200));
  const after = process.memoryUsage();

  const ok = results.filter((r) => r.ok);
  const lat = ok.map((r) => r.ms).sort((a, b) => a - b);
  const errors = failures(results);
  const lines = [
    `SSH load: ${SESSIONS} concurrent sessions, each \`ping -c 5\` leaf to leaf across the seed network (3-4 links), clock speed ${SPEED}x`,
    `completed: ${ok.length}/${SESSIONS} (exit 0 and "5 packets received")  wall ${(wall / 1000).toFixed(1)} s`,
    `session latency (connect → exit status): p50 ${(pct(lat, 50) / 1000).toFixed(2)} s, p99 ${(pct(lat, 99) / 1000).toFixed(2)} s, max ${((lat.at(-1) ?? Number.NaN) / 1000).toFixed(2)} s`,
    `server heap: before ${mb(before.heapUsed)}, peak ${mb(peakHeap)}, after ${mb(after.heapUsed)}; process RSS peak ${mb(peakRss)}`,
    `peak connections ${peakConnections}; lab events ${events}`,
  ];
  for (const [e, n] of errors) lines.push(`failed ×${n}: ${e}`);
  process.stdout.write(`${lines.join("\n")}\n`);
  await server.close();
  lab.pacer?.pause();
  await lab.close();
  process.exit(ok.length === SESSIONS ? 0 : 1);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(70);
});
