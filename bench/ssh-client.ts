/**
 * The class both SSH load tests set up and the sessions they run (bench/load-ssh.ts,
 * bench/load-class.ts): N students in a fresh users file sharing one key, the seed lab paced
 * in real time with RIP converged, and each student's SSH login running `ping -c COUNT` leaf to
 * leaf across the network — the clients in a worker thread (ssh2's client, not N ssh
 * processes), so the server thread does only the server's work.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { loadTopologyFile } from "../src/cli/io.js";
import { createSimLab } from "../src/engines/sim/index.js";
import { generateEd25519 } from "../src/server/ssh/host-key.js";
import { UsersStore } from "../src/server/users/index.js";
import { systemWallClock } from "../src/sim/index.js";

const ROOT = join(import.meta.dirname, "..");

/** `--NAME N` from the command line, or `def`. */
export function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

export const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
export const pct = (xs: number[], p: number) =>
  xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? Number.NaN;

/**
 * `sessions` students (student001, …) with one key in a users file in a new temporary folder
 * (named from `prefix`), and the seed lab paced in real time: RIP converged at 200x (vm4 and
 * vm9 have routes to each other's side), then the clock at `speed`.
 */
export async function seedClass(prefix: string, sessions: number, speed: number) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const key = generateEd25519();
  const users = UsersStore.load(join(dir, "routelab-users.yaml"));
  const names = Array.from({ length: sessions }, (_, i) => `student${String(i + 1).padStart(3, "0")}`);
  for (const n of names) await users.add({ name: n, key: key.public });
  users.save();

  const lab = createSimLab(loadTopologyFile(join(ROOT, "examples", "seed.yaml")), {
    seed: 1,
    wallClock: systemWallClock,
  });
  lab.pacer!.setSpeed(200);
  while (
    !lab.routes("vm4").some((r) => r.dest === "10.0.90.0/24") ||
    !lab.routes("vm9").some((r) => r.dest === "10.0.40.0/24")
  )
    await new Promise((r) => setTimeout(r, 20));
  lab.pacer!.setSpeed(speed);
  return { dir, key, users, names, lab };
}

export interface SshJob {
  user: string;
  command: string;
}

/**
 * Each student's command: `FROM ping -c COUNT TO`, leaves on one side to leaves on the other
 * (vm4/vm5 under vm1 ↔ vm8/vm9 under vm3, vm6/vm7 ↔ vm8/vm9), 3 or 4 links.
 */
export function pingJobs(names: string[], count: number): SshJob[] {
  const pairs = [
    ["vm4", "vm9"],
    ["vm5", "vm8"],
    ["vm6", "vm9"],
    ["vm7", "vm8"],
    ["vm9", "vm4"],
    ["vm8", "vm6"],
  ];
  return names.map((n, i) => {
    const [from, to] = pairs[i % pairs.length]!;
    return { user: n, command: `${from} ping -c ${count} ${to}` };
  });
}

/** One session: `ok` when it exited 0 having printed "COUNT packets received"; `ms` from connect to the end. */
export interface SessionResult {
  ok: boolean;
  ms: number;
  code: number | null;
  error?: string;
}

/**
 * Logs every job in at once (its user, the private key) on the SSH server at `port` and runs
 * its command, in a worker thread; each session is given up after `timeoutMs`. `results`
 * resolves when all have ended; terminate `worker` after.
 */
export function runSshSessions(o: {
  port: number;
  key: string;
  jobs: SshJob[];
  timeoutMs: number;
  count: number;
}): { worker: Worker; results: Promise<SessionResult[]> } {
  const worker = new Worker(SSH_CODE, {
    eval: true,
    execArgv: [], // plain CommonJS: no tsx loader in the client threads
    workerData: o,
  });
  const results = new Promise<SessionResult[]>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  return { worker, results };
}

/** The failed sessions, counted by what went wrong. */
export function failures(results: SessionResult[]): Map<string, number> {
  const errors = new Map<string, number>();
  for (const r of results)
    if (!r.ok) errors.set(r.error ?? `exit ${r.code}`, (errors.get(r.error ?? `exit ${r.code}`) ?? 0) + 1);
  return errors;
}

/** SSH sessions, in a worker: plain CommonJS (eval'd worker code). */
const SSH_CODE = `
const { workerData, parentPort } = require("node:worker_threads");
const { Client } = require("ssh2");
const { port, key, jobs, timeoutMs, count } = workerData;
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
      const want = new RegExp(count + " packets received");
      ch.on("close", () => done(code === 0 && want.test(out), code === 0 ? "bad output: " + out.slice(-120) : "exit " + code + ": " + out.slice(-120)));
    }));
    c.on("error", (e) => done(false, String(e.message)));
    c.connect({ host: "127.0.0.1", port, username: job.user, privateKey: key, readyTimeout: timeoutMs });
  });
}
Promise.all(jobs.map(one)).then((r) => parentPort.postMessage(r));
`;
