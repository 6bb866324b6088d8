/**
 * @module bench/ab
 * `npm run bench:ab`: is a change faster? Two builds of routelab run the same RIP workload at
 * the same moment, pair after pair, and the answer is the median of their ratios.
 *
 *   npm run bench:ab -- save before       # compile (as npm run bench does) and keep a copy
 *   … change the code …
 *   npm run bench:ab -- save after
 *   npm run bench:ab -- compare before after --topo random-100 --pairs 8
 *
 * Why pairs: this machine is a virtual one whose speed drifts by up to 2x within minutes
 * (other guests, the host's memory reclaim), so runs one after the other compare the moments
 * more than the code, and it has no hardware counters to count instructions instead. Two
 * processes started together share the moment; the builds alternate which starts first. A/A
 * comparisons (a build against a copy of itself) gave medians of 0.94–1.02 over 6–8 pairs,
 * single pairs 0.6–1.3: take a difference under ~6 % as none, and use 8 pairs or more.
 *
 * Figures per run (bench/workloads/rip.ts): wall time of the run, the simulation thread's own
 * CPU time (schedstat; without V8's compiler and GC threads) and the process's CPU time.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Job } from "./child.js";
import { median } from "./stats.js";
import { FULL_TOPOLOGIES, generateEdges, REPO } from "./topologies.js";
import type { RipResult } from "./workloads/rip.js";

const COMPILED = join(REPO, "node_modules", ".cache", "routelab-bench");
const SAVED = join(REPO, "node_modules", ".cache", "routelab-ab");

const USAGE = `usage: npm run bench:ab -- save NAME
       npm run bench:ab -- compare A B [--topo NAME|FILE] [--pairs N] [--time S] [--pings N]
  save     compiles src and bench as npm run bench does and keeps the result as NAME
  compare  runs build A and build B at the same time, N times (default 8), on one RIP
           workload (default random-100; names as in npm run bench, or an edge-list file)
           and prints the median of B/A for wall, main-thread CPU and process CPU`;

function fail(msg: string): never {
  process.stderr.write(`bench:ab: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

function save(name: string): void {
  if (!/^[\w.-]+$/.test(name)) fail(`NAME must be letters, digits, '.', '_' or '-': ${name}`);
  const tsc = join(REPO, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", join(REPO, "bench", "tsconfig.json")], {
    cwd: REPO,
    encoding: "utf8",
  });
  if (r.status !== 0) {
    process.stderr.write(`bench:ab: the code does not compile:\n${(r.stdout + r.stderr).trim()}\n`);
    process.exit(1);
  }
  const to = join(SAVED, name);
  rmSync(to, { recursive: true, force: true });
  cpSync(COMPILED, to, { recursive: true });
  process.stdout.write(`saved build ${name} (${to})\n`);
}

type Figures = Pick<RipResult, "wallSeconds" | "mainCpuSeconds" | "cpuSeconds">;

function runOnce(build: string, job: Job): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--expose-gc", join(SAVED, build, "bench", "child.js"), JSON.stringify(job)],
      { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("RESULT "));
      if (!line) return reject(new Error(`build ${build} exited ${code}: ${err.trim().slice(-300)}`));
      const o = JSON.parse(line.slice(7)) as { ok: boolean; result?: Figures; error?: string };
      if (!o.ok || !o.result) return reject(new Error(`build ${build}: ${o.error}`));
      resolve(o.result);
    });
  });
}

function flag(args: string[], name: string, def: string): string {
  const i = args.indexOf(name);
  if (i < 0) return def;
  const v = args[i + 1];
  if (v === undefined) fail(`${name} needs a value`);
  args.splice(i, 2);
  return v;
}

async function compare(args: string[]): Promise<void> {
  const topo = flag(args, "--topo", "random-100");
  const pairs = Number(flag(args, "--pairs", "8"));
  const time = Number(flag(args, "--time", "600"));
  const pings = Number(flag(args, "--pings", "50"));
  const [a, b, ...rest] = args;
  if (!a || !b || rest.length > 0) fail("compare takes two saved builds and options");
  for (const [what, v] of [
    ["--pairs", pairs],
    ["--time", time],
    ["--pings", pings],
  ] as const)
    if (!Number.isInteger(v) || v < (what === "--pings" ? 0 : 1)) fail(`${what} must be a whole number`);
  for (const build of [a, b])
    if (!existsSync(join(SAVED, build, "bench", "child.js")))
      fail(`no saved build ${build}: run npm run bench:ab -- save ${build} first`);

  const spec = FULL_TOPOLOGIES.find((t) => t.name === topo);
  if (!spec && !existsSync(topo)) fail(`--topo ${topo}: not a topology name nor a file`);
  const dir = mkdtempSync(join(tmpdir(), "routelab-ab-"));
  try {
    let file = topo;
    if (spec) {
      file = join(dir, `${topo}.edges`);
      writeFileSync(file, generateEdges(spec, 1));
    }
    const job: Job = {
      kind: "rip",
      name: topo,
      topoFile: file,
      options: { time, pings, interval: 1, failAt: -1, failLink: "", seed: 1 },
    };
    const keys = ["wallSeconds", "mainCpuSeconds", "cpuSeconds"] as const;
    const ratios: Record<(typeof keys)[number], number[]> = {
      wallSeconds: [],
      mainCpuSeconds: [],
      cpuSeconds: [],
    };
    const seen: Record<string, Figures[]> = { [a]: [], [b]: [] };
    for (let i = 0; i < pairs; i++) {
      process.stderr.write(`[${i + 1}/${pairs}] ${a} and ${b} together on ${topo}\n`);
      const order = i % 2 === 0 ? [a, b] : [b, a];
      const [first, second] = await Promise.all(order.map((x) => runOnce(x, job)));
      const ra = order[0] === a ? first! : second!;
      const rb = order[0] === a ? second! : first!;
      seen[a]!.push(ra);
      seen[b]!.push(rb);
      for (const k of keys) ratios[k].push(rb[k] / ra[k]);
    }
    const label = { wallSeconds: "wall", mainCpuSeconds: "main-thread CPU", cpuSeconds: "process CPU" };
    process.stdout.write(
      `${b} against ${a} on ${topo}, ${pairs} pairs run together (B/A: below 1 is faster)\n`,
    );
    for (const k of keys) {
      const rs = ratios[k];
      const ms = (x: string) => (median(seen[x]!.map((f) => f[k])) * 1000).toFixed(0);
      process.stdout.write(
        `${label[k].padEnd(16)} B/A ${median(rs).toFixed(3)}   (${[...rs]
          .sort((x, y) => x - y)
          .map((r) => r.toFixed(2))
          .join(" ")})   medians ${ms(a)} / ${ms(b)} ms\n`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === "save" && args.length === 1) save(args[0]!);
else if (cmd === "compare") await compare(args);
else if (cmd === "--help" || cmd === "-h") process.stdout.write(`${USAGE}\n`);
else fail(cmd ? `unknown command: ${[cmd, ...args].join(" ")}` : "a command is needed");
