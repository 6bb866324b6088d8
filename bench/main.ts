/**
 * @module bench/main
 * `npm run bench`: routelab's simulator against its yardstick, ns-3, on the same work.
 *
 * Each workload of ours runs in a fresh child process (bench/child.ts) `--runs` times and the
 * median is reported; the ns-3 peer runs as many times, taking turns with ours on the same edge
 * list and flags, and its median is the other side of the ratio (once when its first run took
 * over a minute: 300 routers and up). The `cli` workloads run the shipped command line
 * (bin/routelab.js, dist/ built first) and fail unless the ping they time was answered across
 * the network. Results go to stdout as a table, and to `--json FILE`; progress goes to stderr.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Job } from "./child.js";
import { type BenchOptions, parseOptions, USAGE, type WorkloadOptions } from "./options.js";
import {
  ensureForwardPeer,
  ensurePeer,
  type ForwardPeerResult,
  type PeerResult,
  runForwardPeer,
  runPeer,
} from "./peer.js";
import { Progress } from "./progress.js";
import { type Report, renderReport } from "./report.js";
import { median } from "./stats.js";
import {
  CLI_QUICK_TOPOLOGIES,
  CLI_TOPOLOGIES,
  FULL_TOPOLOGIES,
  farthestFrom,
  generateEdges,
  parseEdgeList,
  QUICK_TOPOLOGIES,
  REPO,
  type TopoSpec,
} from "./topologies.js";
import { buildCli, bundleChild, COMPILED, childBundle, compile } from "./compile.js";
import { type CliRunResult, runCliRun, seedCliRun } from "./workloads/cli-run.js";
import { type ProcessRunResult, runProcessRun } from "./workloads/process-run.js";
import type { ForwardResult } from "./workloads/forward.js";
import { NETNS_BOOT_TOPOLOGIES, type NetnsBootResult } from "./workloads/netns-boot.js";
import { MEMORY_QUICK_TOPOLOGIES, MEMORY_TOPOLOGIES, memoryRow } from "./memory-rows.js";
import { ospfFrrRow, ospfRows } from "./ospf-rows.js";
import { OSPF_TOPOLOGIES } from "./workloads/ospf.js";
import type { ConvergeResult, RipResult } from "./workloads/rip.js";
import type { ScaleResult } from "./workloads/scale.js";
import type { SchedulerResult } from "./workloads/scheduler.js";

type Outcome<T> = { ok: true; result: T } | { ok: false; error: string };

/**
 * A job in a child running the bench child bundled (COMPILED/bundle/child.js): the workloads run
 * as the JavaScript tsc emits (what `npm run build` ships in dist/), not through tsx's transform,
 * which ran the same workloads about 15 % slower (random-100: 0.95–1.04 s against 0.78–0.92 s of
 * wall time), and loaded as one bundle, as `routelab run` loads the CLI's, not as ~180 modules
 * whose loading grew V8's young generation (docs/performance.md, issues 19 and 22).
 */
function runChild<T>(job: Job): Outcome<T> {
  const r = spawnSync(process.execPath, ["--expose-gc", childBundle(COMPILED), JSON.stringify(job)], {
    cwd: REPO,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  const line = r.stdout
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("RESULT "));
  if (!line) {
    const why = (r.stderr || r.stdout).trim().split("\n").slice(-4).join(" | ");
    return { ok: false, error: `workload crashed (exit ${r.status ?? r.signal}): ${why}` };
  }
  return JSON.parse(line.slice(7)) as Outcome<T>;
}

/** The ns-3 forwarding peer's median of `opts.runs` runs by hops per CPU second, or why not. */
function forwardPeerRow(opts: BenchOptions, progress: Progress): Report["forwardNs3"] {
  const peer = ensureForwardPeer(opts.forwardPeer);
  if (!peer.ok) return { skipped: peer.reason };
  const requests = opts.quick ? 20_000 : 50_000;
  const all: ForwardPeerResult[] = [];
  try {
    for (let i = 0; i < opts.runs; i++) {
      progress.step(`forwarding, ns-3 peer${opts.runs > 1 ? ` (run ${i + 1}/${opts.runs})` : ""}`);
      all.push(runForwardPeer(peer.path, 32, requests));
      progress.tick();
      if (i === 0 && all[0]!.wallSeconds * 1000 > REPEAT_BELOW_MS) {
        progress.grow(-(opts.runs - 1));
        break;
      }
    }
  } catch (e) {
    return { error: (e as Error).message };
  }
  const m = medianRun(all, (x) => x.packetHops / (x.cpuSeconds ?? x.wallSeconds));
  return { ...m.pick, runs: m.values };
}

/**
 * Whole processes at random-100, as a user waits for them: `routelab run` with the peer's work
 * as a script, and the ns-3 peer (each build present), taking turns run by run.
 */
function processRows(
  opts: BenchOptions,
  work: WorkloadOptions,
  peer: { ok: true; path: string } | { ok: false; reason: string },
  peerOpt: { ok: true; path: string } | { ok: false; reason: string },
  dir: string,
  progress: Progress,
): Report["process"] {
  progress.step("building dist/ and its bundle for bin/routelab.js (tsc, then vite.cli.config.ts)");
  const notBuilt = buildCli();
  progress.tick();
  const spec = FULL_TOPOLOGIES.find((t) => t.name === "random-100")!;
  progress.step("generating random-100 for the whole-process runs");
  const file = join(dir, "process-random-100.edges");
  const edges = generateEdges(spec, opts.seed);
  writeFileSync(file, edges);
  progress.tick();
  const ours: ProcessRunResult[] = [];
  const deb: PeerResult[] = [];
  const opt: PeerResult[] = [];
  const errors: string[] = notBuilt === null ? [] : [`dist/ does not build: ${notBuilt}`];
  for (let i = 0; i < opts.runs; i++) {
    const label = (what: string) =>
      `random-100, whole process: ${what}${opts.runs > 1 ? ` (run ${i + 1}/${opts.runs})` : ""}`;
    for (const [side, runs, name] of [
      [peer, deb, "ns-3"],
      [peerOpt, opt, "optimized ns-3"],
    ] as const) {
      if (!side.ok) continue;
      progress.step(label(name));
      try {
        runs.push(runPeer(side.path, file, join(dir, "process.dump"), work));
      } catch (e) {
        errors.push(`${name}: ${(e as Error).message}`);
      }
      progress.tick();
    }
    progress.step(label("routelab run"));
    try {
      if (notBuilt === null) ours.push(runProcessRun(file, edges, join(dir, "process-flows.txt"), work));
    } catch (e) {
      errors.push((e as Error).message);
    }
    progress.tick();
  }
  const pick = <T>(all: T[], key: (x: T) => number) => (all.length === 0 ? undefined : medianRun(all, key));
  const o = pick(ours, (x) => x.wallSeconds);
  const d = pick(deb, (x) => x.processSeconds);
  const p = pick(opt, (x) => x.processSeconds);
  return {
    name: "random-100",
    ...(o ? { ours: { ...o.pick, runs: o.values } } : {}),
    ...(d
      ? {
          ns3: {
            processSeconds: d.median,
            cpuSeconds: d.pick.cpuSeconds,
            maxRssBytes: d.pick.maxRssBytes,
            runs: d.values,
          },
        }
      : {}),
    ...(p
      ? {
          ns3opt: {
            processSeconds: p.median,
            cpuSeconds: p.pick.cpuSeconds,
            maxRssBytes: p.pick.maxRssBytes,
            runs: p.values,
          },
        }
      : {}),
    errors,
  };
}

/** A run longer than this is not repeated: its noise is small against its length. */
const REPEAT_BELOW_MS = 60_000;

/**
 * Runs a job (a Job for a child process, or a function) `runs` times (once when the first run
 * takes over a minute); the run whose `key` is the median is reported, with all values.
 */
function medianOf<T>(
  job: Job | (() => Outcome<T>),
  runs: number,
  key: (r: T) => number,
  progress: Progress,
  label: string,
) {
  const all: T[] = [];
  for (let i = 0; i < runs; i++) {
    progress.step(`${label}${runs > 1 ? ` (run ${i + 1}/${runs})` : ""}`);
    const t0 = performance.now();
    const o = typeof job === "function" ? job() : runChild<T>(job);
    progress.tick();
    if (!o.ok) {
      progress.grow(-(runs - i - 1));
      return { ok: false as const, error: o.error };
    }
    all.push(o.result);
    if (i === 0 && runs > 1 && performance.now() - t0 > REPEAT_BELOW_MS) {
      progress.grow(-(runs - 1));
      break;
    }
  }
  const m = medianRun(all, key);
  return { ok: true as const, result: m.pick, median: m.median, values: m.values };
}

/** The run whose `key` is the median of the runs' (the nearer one when the count is even). */
function medianRun<T>(
  all: readonly T[],
  key: (r: T) => number,
): { pick: T; median: number; values: number[] } {
  const m = median(all.map(key));
  const pick = all.reduce((best, r) => (Math.abs(key(r) - m) < Math.abs(key(best) - m) ? r : best), all[0]!);
  return { pick, median: m, values: all.map(key) };
}

/** Routers a generated topology will have (for the peer's size limit, before generating). */
function routersOf(t: TopoSpec): number {
  const [kind, a, b] = t.args;
  if (kind === "random") return Number(a);
  if (kind === "grid") {
    const [w, h] = a!.split("x").map(Number);
    return w! * h!;
  }
  if (kind === "tree") return (Number(a) ** Number(b) - 1) / (Number(a) - 1);
  return Number(a);
}

function wanted(o: BenchOptions, name: string): boolean {
  return o.only.length === 0 || o.only.some((x) => name.includes(x));
}

async function main(): Promise<number> {
  let o: BenchOptions | "help";
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (o === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const opts = o;
  // The page's frame times (bench/page.ts: Chromium, routelab up, minutes) run on their own
  // with `--only page`, and after the rest in a whole run (not --quick, no --only).
  if (opts.only.length > 0 && opts.only.every((x) => x === "page")) return runPage();
  const work: WorkloadOptions = {
    time: opts.time,
    pings: opts.pings,
    interval: opts.interval,
    failAt: opts.failAt,
    failLink: opts.failLink,
    seed: opts.seed,
  };
  const topologies: TopoSpec[] = (opts.quick ? QUICK_TOPOLOGIES : FULL_TOPOLOGIES).filter(
    (t) => wanted(opts, `rip ${t.name}`) || wanted(opts, `converge ${t.name}`),
  );
  const peer = opts.noPeer ? { ok: false as const, reason: "--no-peer" } : ensurePeer(opts.peer);
  const peerOpt = opts.noPeer
    ? { ok: false as const, reason: "--no-peer" }
    : existsSync(opts.peerOpt)
      ? { ok: true as const, path: opts.peerOpt }
      : {
          ok: false as const,
          reason: `no ${opts.peerOpt} (build it once, outside the bench: ../shared/bench/ns3/build-optimized.sh ${opts.peerOpt})`,
        };
  const dir = mkdtempSync(join(tmpdir(), "routelab-bench-"));
  const report: Report = {
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? "?",
      node: process.version,
      platform: process.platform,
      loadAverageAtStart: loadavg()[0]!,
    },
    options: work,
    runs: opts.runs,
    quick: opts.quick,
    peer: peer.ok ? { path: peer.path } : { skipped: peer.reason },
    peerOpt: peerOpt.ok ? { path: peerOpt.path } : { skipped: peerOpt.reason },
    scheduler: [],
    forward: [],
    rip: [],
    converge: [],
    cli: [],
    scale: [],
  };

  const sched = opts.quick ? [10_000] : [1_000, 10_000, 100_000];
  const doSched = wanted(opts, "scheduler");
  const doForward = wanted(opts, "forward");
  const doScale = wanted(opts, "scale");
  const netnsWhy = wanted(opts, "netns-boot")
    ? await (await import("./workloads/netns-boot.js")).netnsBootUnavailable()
    : "not asked";
  const ripTopos = topologies.filter((t) => wanted(opts, `rip ${t.name}`));
  const convTopos = topologies.filter((t) => wanted(opts, `converge ${t.name}`));
  const doCliSeed = wanted(opts, "cli seed");
  const cliTopos = (opts.quick ? CLI_QUICK_TOPOLOGIES : CLI_TOPOLOGIES).filter((t) =>
    wanted(opts, `cli ${t.name}`),
  );
  const doCli = doCliSeed || cliTopos.length > 0;
  const doProcess = wanted(opts, "process random-100");
  const memoryTopos = (opts.quick ? MEMORY_QUICK_TOPOLOGIES : MEMORY_TOPOLOGIES).filter((t) =>
    wanted(opts, `memory ${t.name}`),
  );
  const ospfTopos = OSPF_TOPOLOGIES.filter((t) => wanted(opts, `ospf ${t.name}`));
  const doOspfFrr = ospfTopos.some((t) => t.name === "seed");
  const ospfFrrWhy = doOspfFrr
    ? await (await import("./workloads/netns-boot.js")).netnsBootUnavailable()
    : "not asked";
  const progress = new Progress(
    (doSched ? sched.length * opts.runs : 0) +
      (doForward ? (opts.noPeer ? 2 : 3) * opts.runs : 0) +
      ripTopos.length * opts.runs +
      ((peer.ok ? 1 : 0) + (peerOpt.ok ? 1 : 0)) *
        ripTopos.filter((t) => routersOf(t) <= opts.peerMax).length *
        opts.runs +
      convTopos.length * opts.runs +
      (doScale ? 1 : 0) +
      (doCli ? 1 : 0) +
      memoryTopos.length +
      (doProcess ? 2 + opts.runs * (1 + (peer.ok ? 1 : 0) + (peerOpt.ok ? 1 : 0)) : 0) +
      (doCliSeed ? opts.runs : 0) +
      cliTopos.length * 2 +
      (netnsWhy === null ? NETNS_BOOT_TOPOLOGIES.length * opts.runs : 0) +
      topologies.length +
      ospfTopos.length * 2 * opts.runs +
      (doOspfFrr && ospfFrrWhy === null ? opts.runs : 0) +
      1,
  );

  progress.step("compiling the workloads (tsc and vite, as npm run build)");
  const notBuilt = compile(join("bench", "tsconfig.json")) ?? bundleChild(COMPILED);
  progress.tick();
  if (notBuilt !== null) {
    progress.finish();
    process.stderr.write(`bench: the workloads do not compile:\n${notBuilt}\n`);
    return 1;
  }

  try {
    if (doSched)
      for (const pending of sched) {
        const r = medianOf<SchedulerResult>(
          { kind: "scheduler", pending, events: opts.quick ? 1_000_000 : 3_000_000, seed: opts.seed },
          opts.runs,
          (x) => x.eventsPerSecond,
          progress,
          `scheduler, ${pending} pending`,
        );
        report.scheduler.push(r.ok ? { ...r.result, runs: r.values } : { pending, error: r.error });
      }
    if (doForward)
      for (const burst of [1, 100]) {
        const r = medianOf<ForwardResult>(
          { kind: "forward", routers: 32, requests: opts.quick ? 20_000 : 50_000, burst, seed: opts.seed },
          opts.runs,
          (x) => x.hopsPerSecond,
          progress,
          `forwarding on a 32-router chain, ${burst} per 100 µs`,
        );
        report.forward.push(r.ok ? { ...r.result, runs: r.values } : { routers: 32, error: r.error });
        // ns-3 on the same chain and traffic (one request per 100 µs; its ping cannot burst).
        if (burst === 1 && !opts.noPeer) report.forwardNs3 = forwardPeerRow(opts, progress);
      }

    const files = new Map<string, string>();
    for (const t of topologies) {
      progress.step(`generating ${t.name}`);
      const file = join(dir, `${t.name}.edges`);
      writeFileSync(file, generateEdges(t, opts.seed));
      files.set(t.name, file);
      progress.tick();
    }

    for (const t of ripTopos) {
      const file = files.get(t.name)!;
      const dump = join(dir, `${t.name}.ns3.dump`);
      const routers = routersOf(t);
      const job: Job = { kind: "rip", name: t.name, topoFile: file, options: work };
      // ns-3 and ours take turns, run by run: a slow spell of the machine (this VM's speed
      // drifts up to 2x within minutes) then slows both sides of the ratio, not one. Each side's
      // median is reported; a side whose first run took over a minute runs once.
      const sides = [
        { side: peer, dump, runs: [] as PeerResult[], error: undefined as string | undefined },
        {
          side: peerOpt,
          dump: join(dir, `${t.name}.ns3opt.dump`),
          runs: [] as PeerResult[],
          error: undefined as string | undefined,
        },
      ];
      const ourRuns: (RipResult & { parseSeconds: number })[] = [];
      let ourError: string | undefined;
      let ourFirstMs = 0;
      for (let i = 0; i < opts.runs; i++) {
        for (const p of sides) {
          if (!p.side.ok || routers > opts.peerMax) continue;
          const again = i === 0 || (p.runs.length > 0 && p.runs[0]!.processSeconds * 1000 < REPEAT_BELOW_MS);
          if (p.error === undefined && again) {
            const label = p === sides[0] ? "ns-3 peer" : "optimized ns-3 peer";
            progress.step(`${t.name}: ${label}${opts.runs > 1 ? ` (run ${i + 1}/${opts.runs})` : ""}`);
            try {
              p.runs.push(runPeer(p.side.path, file, p.dump, work));
            } catch (e) {
              p.error = (e as Error).message;
            }
            progress.tick();
          } else progress.grow(-1);
        }
        if (ourError !== undefined || ourFirstMs > REPEAT_BELOW_MS) {
          progress.grow(-1);
          continue;
        }
        if (sides[0]!.runs.length > 0) job.peerDump = dump;
        progress.step(`${t.name}: routelab${opts.runs > 1 ? ` (run ${i + 1}/${opts.runs})` : ""}`);
        const t0 = performance.now();
        const o = runChild<RipResult & { parseSeconds: number }>(job);
        progress.tick();
        if (i === 0) ourFirstMs = performance.now() - t0;
        if (!o.ok) ourError = o.error;
        else ourRuns.push(o.result);
      }
      const ours = ourError === undefined ? medianRun(ourRuns, (x) => x.wallSeconds) : undefined;
      const [debian, optimized] = sides.map((p) => {
        if (!p.side.ok || routers > opts.peerMax)
          return { skipped: p.side.ok ? `${routers} routers > --peer-max ${opts.peerMax}` : p.side.reason };
        if (p.runs.length === 0) return { error: p.error ?? "no run" };
        const m = medianRun(p.runs, (x) => x.wallSeconds);
        return { ...m.pick, metrics: undefined, routes: m.pick.metrics.size, runs: m.values };
      });
      const a = sides[0]!.runs[0]?.metrics;
      const b = sides[1]!.runs[0]?.metrics;
      report.rip.push({
        name: t.name,
        ours: ours ? { ...ours.pick, runs: ours.values } : { error: ourError ?? "no run" },
        ns3: debian!,
        ns3opt: optimized!,
        ...(a && b ? { ns3TablesAgree: a.size === b.size && [...a].every(([k, v]) => b.get(k) === v) } : {}),
      });
    }

    for (const t of convTopos) {
      const r = medianOf<ConvergeResult & { parseSeconds: number }>(
        { kind: "converge", name: t.name, topoFile: files.get(t.name)!, options: work },
        opts.runs,
        (x) => x.convergeWallSeconds + x.bootSeconds,
        progress,
        `${t.name}: boot and converge`,
      );
      report.converge.push({ name: t.name, ...(r.ok ? { ...r.result } : { error: r.error }) });
    }

    if (doProcess) report.process = processRows(opts, work, peer, peerOpt, dir, progress);

    for (const t of memoryTopos) {
      progress.step(`memory per route, ${t.name} converged`);
      const file = join(dir, `${t.name}.memory.edges`);
      writeFileSync(file, generateEdges(t, opts.seed));
      (report.memory ??= []).push(memoryRow(t.name, file, opts.seed));
      progress.tick();
    }

    if (doCli) report.cli = runCliWorkloads(doCliSeed, cliTopos, opts, dir, progress);

    if (doScale) {
      progress.step("10,000 routers: boot and forward");
      const r = runChild<ScaleResult & { engine: string }>({
        kind: "scale",
        routers: 10_000,
        flows: 1_000,
        seed: opts.seed,
      });
      progress.tick();
      report.scale.push(r.ok ? r.result : { routers: 10_000, error: r.error });
    }

    if (netnsWhy !== null && netnsWhy !== "not asked") report.netnsBoot = { skipped: netnsWhy };
    else if (netnsWhy === null) {
      report.netnsBoot = [];
      for (const t of NETNS_BOOT_TOPOLOGIES) {
        const topoFile = "file" in t ? join(REPO, t.file) : join(dir, `${t.name}.edges`);
        if ("gen" in t) writeFileSync(topoFile, generateEdges({ name: t.name, args: [...t.gen] }, opts.seed));
        const r = medianOf<NetnsBootResult>(
          { kind: "netns-boot", name: t.name, topoFile },
          opts.runs,
          (x) => x.msPerRouter,
          progress,
          `netns boot, ${t.name}`,
        );
        report.netnsBoot.push({
          name: t.name,
          ...(r.ok ? { ...r.result, runs: r.values } : { error: r.error }),
        });
      }
    }
    if (ospfTopos.length > 0) {
      report.ospf = ospfRows(ospfTopos, work, dir, opts.seed, (job, key, label) =>
        medianOf(job, opts.runs, key, progress, label),
      );
      if (doOspfFrr)
        report.ospfFrr = ospfFrrRow(ospfFrrWhy, (job, key, label) =>
          medianOf(job, opts.runs, key, progress, label),
        );
    }
  } finally {
    progress.finish();
    rmSync(dir, { recursive: true, force: true });
  }

  report.machine.loadAverageAtEnd = loadavg()[0]!;
  process.stdout.write(renderReport(report));
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
  if (!opts.quick && opts.only.length === 0) {
    process.stdout.write(
      "\nThe page's frame times (npm run bench:page: routelab up and headless Chromium)\n",
    );
    return runPage();
  }
  return 0;
}

function runPage(): number {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "page.ts")], {
    stdio: "inherit",
  });
  return r.status ?? 1;
}

/**
 * The command line's figures (bench/workloads/cli-run.ts), after building dist/: the seed
 * network `--runs` times (median), each generated RIP network once (minutes each).
 */
function runCliWorkloads(
  seed: boolean,
  topos: readonly TopoSpec[],
  opts: BenchOptions,
  dir: string,
  progress: Progress,
): Report["cli"] {
  const rows: Report["cli"] = [];
  progress.step("building dist/ and its bundle for bin/routelab.js (tsc, then vite.cli.config.ts)");
  const notBuilt = buildCli();
  progress.tick();
  if (notBuilt !== null) {
    progress.grow(-((seed ? opts.runs : 0) + topos.length * 2));
    return [{ name: "cli", error: `dist/ does not build: ${notBuilt}` }];
  }
  const attempt = (spec: Parameters<typeof runCliRun>[0]) => (): Outcome<CliRunResult> => {
    try {
      return { ok: true, result: runCliRun(spec) };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  };
  const cases: { spec: Parameters<typeof runCliRun>[0]; runs: number }[] = [];
  if (seed) {
    cases.push({ spec: seedCliRun(join(dir, "seed.txt")), runs: opts.runs });
  }
  for (const t of topos) {
    progress.step(`generating ${t.name} for the command line`);
    const text = generateEdges(t, opts.seed);
    const file = join(dir, `r${t.args[1]}.edges`);
    writeFileSync(file, text);
    const topo = parseEdgeList(text, t.name);
    const far = farthestFrom(topo, "r1");
    progress.tick();
    cases.push({
      spec: {
        name: t.name,
        topoFile: file,
        routers: topo.nodes.length,
        links: topo.links.length,
        from: "r1",
        to: far.name,
        hops: far.hops,
        scriptFile: join(dir, `${t.name}.txt`),
        madeBy: `python3 ../shared/bench/gen-topology.py ${t.args.join(" ")} --seed ${opts.seed} > r${t.args[1]}.edges`,
      },
      runs: 1,
    });
  }
  for (const c of cases) {
    const r = medianOf<CliRunResult>(
      attempt(c.spec),
      c.runs,
      (x) => x.wallSeconds,
      progress,
      `routelab run ${c.spec.name}: wait converged, ${c.spec.from} pings ${c.spec.to}`,
    );
    rows.push(r.ok ? { ...r.result, runs: r.values } : { name: c.spec.name, error: r.error });
  }
  return rows;
}

process.exitCode = await main();
