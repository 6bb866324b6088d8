/**
 * A class on a big lab (issue 23, "Done means": a class of 20 viewers and 30 SSH users on
 * random-1000 keeps every command answer under a second). Starts `node bin/routelab.js up
 * TOPOLOGY --ssh 0` (dist/, built first) on 127.0.0.1 with a fresh state directory whose users
 * were added as the docs say (`routelab users add NAME --key FILE`, here its function
 * `usersAdd`), and from the moment it listens (RIP converging: the burst is included):
 *  - V viewers watch the event stream as the page asks for it (`?format=compact`, then
 *    `{"type":"sample","value":true}`), reading every byte (bench/raw-viewer.ts);
 *  - U students, each on its own SSH connection from its own address (127.0.0.10, .11, …: the
 *    server's per-address limits are for one machine each), run in a loop on a router of their
 *    own `netstat -rn`, `ping -c 3 R`, `traceroute -q 1 -w 1 R` and `arp -an` (R a far router),
 *    one at a time with `--think` ms between them, for `--seconds`.
 * Per command: the answer time (exec request sent to its first byte of output) and the time to
 * its end (ping and traceroute wait for simulated seconds, so that one follows the lab's clock).
 * Also the server's own account of its event loop (src/server/loop-watch.ts) and the load
 * average.
 *
 *   node --import tsx bench/live-class.ts [--topology random-1000] [--viewers 20] [--users 30]
 *        [--seconds 60] [--think 1000] [--command-timeout 30] [--prof DIR] [--no-build]
 *        [--sim-thread main|worker|both]
 * `--sim-thread` is `routelab up`'s (where the simulator runs); `both` runs the class with the
 * simulation on the main thread, then in a worker thread, to compare them.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import type { Socket } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import ssh2 from "ssh2";
import { usersAdd } from "../src/cli/users.js";
import { generateEd25519 } from "../src/server/ssh/host-key.js";
import { statePaths } from "../src/server/state-dir.js";
import { compile } from "./compile.js";
import { describeLoop, readLoopReport } from "./loop-report.js";
import { openRawViewer } from "./raw-viewer.js";
import { REPO, topologyFile } from "./topologies.js";
import { type SimThread, simThreads } from "./live-server.js";

const { values } = parseArgs({
  options: {
    topology: { type: "string", default: "random-1000" },
    viewers: { type: "string", default: "20" },
    users: { type: "string", default: "30" },
    seconds: { type: "string", default: "60" },
    think: { type: "string", default: "1000" },
    "command-timeout": { type: "string", default: "30" },
    "no-build": { type: "boolean", default: false },
    /** A CPU profile of the server (`node --cpu-prof`) into this directory. */
    prof: { type: "string" },
    "sim-thread": { type: "string", default: "worker" },
  },
});
const THREADS = simThreads(values["sim-thread"]);
const VIEWERS = Number(values.viewers);
const USERS = Number(values.users);
const WINDOW_S = Number(values.seconds);
const THINK_MS = Number(values.think);
/** A command not ended within this is given up, counted as unfinished (and the student goes on). */
const COMMAND_TIMEOUT_MS = Number(values["command-timeout"]) * 1000;

/** The routers of an edge list, in order of first mention. */
function routersOf(edges: string): string[] {
  const seen = new Set<string>();
  for (const line of edges.split("\n")) {
    const [a, b] = line.trim().split(/\s+/);
    if (a && b && !a.startsWith("#")) seen.add(a).add(b);
  }
  return [...seen];
}

/** Student i's router and the far router its ping and traceroute aim at. */
function commandsFor(i: number, routers: string[]): { kind: string; line: string }[] {
  const n = routers.length;
  const at = routers[Math.floor((i * n) / USERS)]!;
  const far = routers[Math.floor(((i + USERS / 2) * n) / USERS) % n]!;
  return [
    { kind: "netstat -rn", line: `${at} netstat -rn` },
    { kind: "ping -c 3", line: `${at} ping -c 3 ${far}` },
    { kind: "traceroute", line: `${at} traceroute -q 1 -w 1 ${far}` },
    { kind: "arp -an", line: `${at} arp -an` },
  ];
}

async function startServer(file: string, state: string, loopFile: string, thread: SimThread) {
  const child = spawn(
    process.execPath,
    [
      ...(values.prof ? ["--cpu-prof", `--cpu-prof-dir=${values.prof}`] : []),
      join(REPO, "bin", "routelab.js"),
      "up",
      file,
      "--http",
      "0",
      "--ssh",
      "0",
      "--host",
      "127.0.0.1",
      "--state",
      state,
      "--log-level",
      "silent",
    ],
    {
      cwd: REPO,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ROUTELAB_LOOP_WATCH: loopFile, ROUTELAB_SIM_THREAD: thread },
    },
  );
  const found = await new Promise<{ url: string; sshPort: number }>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const web = /live picture and API: (http:\/\/[^/\s]+)/.exec(out);
      const ssh = /ssh -p (\d+) /.exec(out);
      if (web && ssh) resolve({ url: web[1]!, sshPort: Number(ssh[1]) });
    });
    child.once("exit", (code) => reject(new Error(`routelab up exited ${code}: ${out}`)));
  });
  return { child, ...found };
}

interface CommandTime {
  kind: string;
  answerMs: number;
  doneMs: number;
  ok: boolean;
}

/** One student: logs in from `localAddress` and runs its commands in a loop until `until`. */
async function student(o: {
  port: number;
  user: string;
  key: string;
  localAddress: string;
  commands: { kind: string; line: string }[];
  until: number;
  times: CommandTime[];
  errors: string[];
}): Promise<void> {
  const c = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    c.once("ready", () => resolve());
    c.once("error", reject);
    c.connect({
      host: "127.0.0.1",
      port: o.port,
      localAddress: o.localAddress,
      username: o.user,
      privateKey: o.key,
      readyTimeout: COMMAND_TIMEOUT_MS,
    });
  }).catch((e: Error) => {
    o.errors.push(`${o.user} login: ${e.message}`);
    throw e;
  });
  try {
    for (let k = 0; performance.now() < o.until; k++) {
      const cmd = o.commands[k % o.commands.length]!;
      o.times.push(await runOne(c, cmd, o.errors));
      await new Promise((r) => setTimeout(r, THINK_MS));
    }
  } finally {
    c.end();
  }
}

function runOne(c: ssh2.Client, cmd: { kind: string; line: string }, errors: string[]): Promise<CommandTime> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    let answer = Number.NaN;
    let code: number | null = null;
    let out = "";
    let ended = false;
    const end = (ok: boolean, why?: string) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      if (!ok) errors.push(`${cmd.line}: ${why}`);
      resolve({
        kind: cmd.kind,
        answerMs: Number.isNaN(answer) ? performance.now() - t0 : answer,
        doneMs: performance.now() - t0,
        ok,
      });
    };
    let channel: ssh2.ClientChannel | undefined;
    const timer = setTimeout(() => {
      // Still running (a ping waits for simulated seconds: at 0.1x, ten times as long): it is
      // given up (the channel closed, so the server interrupts it), counted as unfinished.
      channel?.close();
      end(false, `no end within ${COMMAND_TIMEOUT_MS / 1000} s`);
    }, COMMAND_TIMEOUT_MS);
    c.exec(cmd.line, (err, ch) => {
      if (err) return end(false, err.message);
      channel = ch;
      const first = (d: Buffer) => {
        if (Number.isNaN(answer)) answer = performance.now() - t0;
        if (out.length < 400) out += d.toString();
      };
      ch.on("data", first);
      ch.stderr.on("data", first);
      ch.on("exit", (x: number | null) => {
        code = x;
      });
      // ping exits 2 when no reply came back (routes still converging): an answer all the same.
      ch.on("close", () => end(code === 0 || code === 2, `exit ${code}: ${out.slice(-200)}`));
    });
  });
}

const pct = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? Number.NaN;
const f0 = (x: number) => x.toFixed(0);

function summary(times: CommandTime[]): string[] {
  const lines: string[] = [];
  const kinds = [...new Set(times.map((t) => t.kind))];
  for (const kind of [...kinds, "all"]) {
    const these = times.filter((t) => kind === "all" || t.kind === kind);
    const a = these.map((t) => t.answerMs).sort((x, y) => x - y);
    const d = these.map((t) => t.doneMs).sort((x, y) => x - y);
    const over = a.filter((x) => x >= 1000).length;
    lines.push(
      `  ${kind.padEnd(12)} ${String(these.length).padStart(5)} commands (${these.filter((t) => !t.ok).length} failed or unfinished): answer p50 ${f0(pct(a, 0.5))} ms, p99 ${f0(pct(a, 0.99))} ms, max ${f0(a.at(-1) ?? Number.NaN)} ms, ${over} over 1 s; ` +
        `to the end p50 ${f0(pct(d, 0.5))} ms, p99 ${f0(pct(d, 0.99))} ms, max ${f0(d.at(-1) ?? Number.NaN)} ms`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  if (!values["no-build"]) {
    const notBuilt = compile("tsconfig.build.json");
    if (notBuilt !== null) throw new Error(`dist/ does not build:\n${notBuilt}`);
  }
  const file = topologyFile(values.topology);
  const routers = routersOf(readFileSync(file, "utf8"));
  const dir = mkdtempSync(join(tmpdir(), "routelab-class-"));
  const key = generateEd25519();
  const keyFile = join(dir, "student.pub");
  writeFileSync(keyFile, `${key.public}\n`);
  const state = join(dir, "state");
  const names = Array.from({ length: USERS }, (_, i) => `student${String(i + 1).padStart(3, "0")}`);
  mkdirSync(state, { recursive: true });
  for (const n of names) await usersAdd(statePaths(state).usersFile, n, { key: keyFile });
  for (const thread of THREADS)
    await runClass({ file, routers, state, key: key.private, names, dir, thread });
}

async function runClass(o: {
  file: string;
  routers: string[];
  state: string;
  key: string;
  names: string[];
  dir: string;
  thread: SimThread;
}): Promise<void> {
  const { file, routers, state, names } = o;
  const loopFile = join(o.dir, `loop-${o.thread}.json`);
  const load0 = loadavg()[0]!;
  const { child, url, sshPort } = await startServer(file, state, loopFile, o.thread);
  let child_: ChildProcess | undefined = child;
  const viewerBytes: number[] = Array(VIEWERS).fill(0);
  const sockets: Socket[] = [];
  const times: CommandTime[] = [];
  const errors: string[] = [];
  let clock: { now?: number; actualSpeed?: number } = {};
  try {
    for (let v = 0; v < VIEWERS; v++)
      sockets.push(
        await openRawViewer(url, { compact: true, sample: true }, (chunk) => {
          viewerBytes[v]! += chunk.length;
        }),
      );
    const t0 = performance.now();
    const until = t0 + WINDOW_S * 1000;
    const clockTimer = setInterval(() => {
      void fetch(`${url}/api/clock`)
        .then((r) => r.json())
        .then(
          (c) => {
            clock = c as typeof clock;
          },
          () => {},
        );
    }, 1000);
    const students = names.map((user, i) =>
      student({
        port: sshPort,
        user,
        key: o.key,
        localAddress: `127.0.0.${10 + i}`,
        commands: commandsFor(i, routers),
        until,
        times,
        errors,
      }).catch(() => {}),
    );
    await Promise.all(students);
    clearInterval(clockTimer);
    const seconds = (performance.now() - t0) / 1000;
    const load1 = loadavg()[0]!;
    for (const s of sockets) s.destroy();
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    child_ = undefined;
    const loop = readLoopReport(loopFile);
    const kbs = viewerBytes.map((b) => b / 1024 / seconds).sort((a, b) => a - b);
    const lines = [
      `machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}`,
      `${values.topology} (${routers.length} routers), routelab up at 1x, simulation on the ${o.thread} thread; ${VIEWERS} viewers as the page (compact, sample), ${USERS} SSH students each from its own 127.0.0.x running netstat -rn, ping -c 3, traceroute -q 1 -w 1, arp -an in a loop (${THINK_MS} ms between), ${seconds.toFixed(0)} s from the moment it listens`,
      ...summary(times),
      `  errors: ${errors.length}${errors.length ? ` — ${errors.slice(0, 3).join(" | ")}` : ""}`,
      `  viewers: ${f0(kbs[0] ?? 0)}–${f0(kbs.at(-1) ?? 0)} KB/s each; lab at t=${((clock.now ?? 0) / 1e9).toFixed(1)} s (${clock.actualSpeed?.toFixed(2) ?? "?"}x at the end)`,
      `  load average ${load0.toFixed(2)} before, ${load1.toFixed(2)} at the end`,
      ...(loop ? describeLoop(loop) : ["  (the server wrote no account of its event loop)"]),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    for (const s of sockets) s.destroy();
    if (child_) {
      child_.kill("SIGTERM");
      await new Promise((r) => child_!.once("exit", r));
    }
  }
}

await main();
