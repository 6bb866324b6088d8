/**
 * @module bench/ab
 * `npm run bench:ab`: is a change faster? Two builds of routelab run the same RIP workload at
 * the same moment, pair after pair, and the answer is the median of their ratios.
 *
 *   npm run bench:ab -- save before       # compile (as npm run bench does) and keep a copy
 *   … change the code …
 *   npm run bench:ab -- save after
 *   npm run bench:ab -- compare before after --topo random-100 --pairs 8
 *   npm run bench:ab -- save at-08a9092 --from /tmp/ab-08a9092   # another checkout's sources
 *
 * A saved build is tsc's output of src and bench (NAME/bench/child.js and the modules it
 * imports) and that child bundled as the CLI is (NAME/bundle/, bench/vite.child.config.ts);
 * the children run the bundle, as `routelab run` runs one, with --expose-gc and no other V8
 * flag. Builds saved before the bundling have no bundle/: they run module by module, which
 * grew V8's young generation and the main-thread CPU with the number of modules (issue 19);
 * compare saves of the same kind (re-save an old commit with --from). --from compiles the
 * checkout DIR's src and bench with DIR's bench/tsconfig.json and bundles them with this one's
 * bench/vite.child.config.ts (DIR needs node_modules: a symlink to this checkout's will do).
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
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Job } from "./child.js";
import { bundleChild, COMPILED, childBundle, compile } from "./compile.js";
import { median } from "./stats.js";
import { FULL_TOPOLOGIES, generateEdges, REPO } from "./topologies.js";
import type { RipResult } from "./workloads/rip.js";

const SAVED = join(REPO, "node_modules", ".cache", "routelab-ab");

const USAGE = `usage: npm run bench:ab -- save NAME [--from DIR]
       npm run bench:ab -- compare A B [--topo NAME|FILE] [--pairs N] [--time S] [--pings N]
  save     compiles src and bench as npm run bench does (tsc, then the child bundled by
           vite) and keeps the result as NAME; --from DIR: DIR's src and bench, not this
           checkout's (bundled with this checkout's bench/vite.child.config.ts)
  compare  runs build A and build B at the same time, N times (default 8), on one RIP
           workload (default random-100; names as in npm run bench, or an edge-list file)
           and prints the median of B/A for wall, main-thread CPU and process CPU`;

function fail(msg: string): never {
  process.stderr.write(`bench:ab: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

function save(name: string, from: string | undefined): void {
  if (!/^[\w.-]+$/.test(name)) fail(`NAME must be letters, digits, '.', '_' or '-': ${name}`);
  // Built beside the saved build and renamed over it, so a build that fails keeps the old one.
  const to = join(SAVED, name);
  const staging = `${to}.saving`;
  rmSync(staging, { recursive: true, force: true });
  let notBuilt: string | null;
  if (from === undefined) {
    notBuilt = compile(join("bench", "tsconfig.json"));
    if (notBuilt === null) cpSync(COMPILED, staging, { recursive: true });
  } else {
    const project = resolve(from, "bench", "tsconfig.json");
    if (!existsSync(project)) fail(`--from ${from}: no bench/tsconfig.json there`);
    if (!existsSync(join(from, "node_modules")))
      fail(
        `--from ${from}: no node_modules there (ln -s ${join(REPO, "node_modules")} ${join(from, "node_modules")})`,
      );
    notBuilt = compile(project, staging);
  }
  notBuilt ??= bundleChild(staging);
  if (notBuilt !== null) {
    rmSync(staging, { recursive: true, force: true });
    process.stderr.write(`bench:ab: the code does not build:\n${notBuilt}\n`);
    process.exit(1);
  }
  rmSync(to, { recursive: true, force: true });
  renameSync(staging, to);
  process.stdout.write(`saved build ${name} (${to}, bundled: ${childBundle(to)})\n`);
}

/** The child a saved build runs: its bundle, or bench/child.js for a build saved before them. */
function childOf(build: string): string {
  const bundled = childBundle(join(SAVED, build));
  return existsSync(bundled) ? bundled : join(SAVED, build, "bench", "child.js");
}

type Figures = Pick<RipResult, "wallSeconds" | "mainCpuSeconds" | "cpuSeconds">;

function runOnce(build: string, job: Job): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", childOf(build), JSON.stringify(job)], {
      cwd: REPO,
      stdio: ["ignore", "pipe", "pipe"],
    });
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
  for (const build of [a, b]) {
    if (!existsSync(childOf(build)))
      fail(`no saved build ${build}: run npm run bench:ab -- save ${build} first`);
    if (childOf(build) !== childBundle(join(SAVED, build)))
      process.stderr.write(`bench:ab: ${build} was saved before the bundling: it runs module by module\n`);
  }

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
if (cmd === "save" && args.length >= 1) {
  const from = args.includes("--from") ? flag(args, "--from", "") : undefined;
  if (args.length !== 1) fail(`save takes a NAME and --from DIR: ${args.join(" ")}`);
  save(args[0]!, from);
} else if (cmd === "compare") await compare(args);
else if (cmd === "--help" || cmd === "-h") process.stdout.write(`${USAGE}\n`);
else fail(cmd ? `unknown command: ${[cmd, ...args].join(" ")}` : "a command is needed");
