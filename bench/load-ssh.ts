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
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import ssh2 from "ssh2";
import { loadTopologyFile } from "../src/cli/io.js";
import { createSimLab } from "../src/engines/sim/index.js";
import { UserLimits } from "../src/server/limits.js";
import { startSshServer } from "../src/server/ssh/index.js";
import { UsersStore } from "../src/server/users/index.js";

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const SESSIONS = arg("sessions", 100);
const SPEED = arg("speed", 1);
const TIMEOUT_S = arg("timeout", 90);
const ROOT = join(import.meta.dirname, "..");

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
const pct = (xs: number[], p: number) =>
  xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? Number.NaN;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "routelab-load-ssh-"));
  const key = ssh2.utils.generateKeyPairSync("ed25519");
  const users = UsersStore.load(join(dir, "routelab-users.yaml"));
  const names = Array.from({ length: SESSIONS }, (_, i) => `student${String(i + 1).padStart(3, "0")}`);
  for (const n of names) await users.add({ name: n, key: key.public });
  users.save();

  const lab = createSimLab(loadTopologyFile(join(ROOT, "examples", "seed.yaml")), {
    seed: 1,
    wallClock: {
      now: () => performance.now(),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
    },
  });
  // Converge RIP fast, then real time (or --speed).
  lab.pacer!.setSpeed(200);
  while (
    !lab.routes("vm4").some((r) => r.dest === "10.0.90.0/24") ||
    !lab.routes("vm9").some((r) => r.dest === "10.0.40.0/24")
  )
    await new Promise((r) => setTimeout(r, 20));
  lab.pacer!.setSpeed(SPEED);
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

  // Leaves on one side ping leaves on the other: vm4/vm5 (under vm1) ↔ vm8/vm9 (under vm3), vm6/vm7 ↔ vm8/vm9.
  const pairs = [
    ["vm4", "vm9"],
    ["vm5", "vm8"],
    ["vm6", "vm9"],
    ["vm7", "vm8"],
    ["vm9", "vm4"],
    ["vm8", "vm6"],
  ];
  const jobs = names.map((n, i) => {
    const [from, to] = pairs[i % pairs.length]!;
    return { user: n, command: `${from} ping -c 5 ${to}` };
  });

  const worker = new Worker(CLIENT_CODE, {
    eval: true,
    workerData: { port: server.port, key: key.private, jobs, timeoutMs: TIMEOUT_S * 1000 },
  });
  const t0 = performance.now();
  const results = await new Promise<{ ok: boolean; ms: number; code: number | null; error?: string }[]>(
    (resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    },
  );
  const wall = performance.now() - t0;
  clearInterval(sampler);
  await worker.terminate();
  global.gc?.();
  await new Promise((r) => setTimeout(r, 200));
  const after = process.memoryUsage();

  const ok = results.filter((r) => r.ok);
  const lat = ok.map((r) => r.ms).sort((a, b) => a - b);
  const errors = new Map<string, number>();
  for (const r of results)
    if (!r.ok) errors.set(r.error ?? `exit ${r.code}`, (errors.get(r.error ?? `exit ${r.code}`) ?? 0) + 1);
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

/** The clients, in a worker thread: plain CommonJS (eval'd worker code). */
const CLIENT_CODE = `
const { workerData, parentPort } = require("node:worker_threads");
const { Client } = require("ssh2");
const { port, key, jobs, timeoutMs } = workerData;
function one(job) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const c = new Client();
    let out = "";
    let code = null;
    let settled = false;
    const done = (ok, error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      c.end();
      resolve({ ok, ms: performance.now() - t0, code, error });
    };
    const timer = setTimeout(() => done(false, "timeout"), timeoutMs);
    c.on("ready", () => c.exec(job.command, (err, ch) => {
      if (err) return done(false, String(err.message));
      ch.on("data", (d) => { out += d; });
      ch.stderr.on("data", (d) => { out += d; });
      ch.on("exit", (x) => { code = x; });
      ch.on("close", () => done(code === 0 && /5 packets received/.test(out), code === 0 ? "bad output: " + out.slice(-120) : undefined));
    }));
    c.on("error", (e) => done(false, String(e.message)));
    c.connect({ host: "127.0.0.1", port, username: job.user, privateKey: key, readyTimeout: timeoutMs });
  });
}
Promise.all(jobs.map(one)).then((r) => parentPort.postMessage(r));
`;

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(70);
});
