/**
 * @module bench/rip-phases
 * Where in simulated time a RIP run's CPU goes: the bench's RIP workload (a topology of
 * `npm run bench`, 50 ping flows from 60 s, seed 1), run up to each mark in turn, with the
 * simulation thread's CPU (schedstat) of each stretch. The first simulated seconds (the network
 * converging, in code V8 has not optimized yet) cost several times what a later second does,
 * which a run's total hides. With `--profile FROM-TO FILE`, a CPU profile (100 µs samples) of
 * that stretch alone is written: the steady state without the converging minute, or the
 * converging minute alone.
 *
 * The code measured is a build saved by `npm run bench:ab -- save NAME` (compiled as the bench
 * runs it); this script, run from the source tree, makes the topology and loads that build.
 *
 *   npm run bench:ab -- save NAME
 *   node --expose-gc --import tsx bench/rip-phases.ts NAME random-100
 *   node --expose-gc --import tsx bench/rip-phases.ts NAME random-100 \
 *     --marks 5,60,300,600 --profile 300-600 /tmp/steady.cpuprofile
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { SECOND } from "../src/core/time.js";
import type * as Engine from "./engine.js";
import type * as Pings from "./pings.js";
import { FULL_TOPOLOGIES, generateEdges, REPO } from "./topologies.js";
import type * as Topologies from "./topologies.js";

const USAGE = `usage: node --expose-gc --import tsx bench/rip-phases.ts BUILD TOPOLOGY [--marks S,S,…] [--profile FROM-TO FILE]`;

function fail(msg: string): never {
  process.stderr.write(`rip-phases: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

function threadMs(): number {
  return Number(readFileSync("/proc/thread-self/schedstat", "latin1").split(" ", 1)[0]) / 1e6;
}

async function main(args: string[]): Promise<void> {
  const [build, name] = args;
  const saved = join(REPO, "node_modules", ".cache", "routelab-ab", build ?? "", "bench");
  if (!build || !existsSync(join(saved, "engine.js")))
    fail(`no saved build ${build ?? "(none)"}: run npm run bench:ab -- save ${build ?? "NAME"} first`);
  const spec = FULL_TOPOLOGIES.find((t) => t.name === name);
  if (!spec) fail(`${name ?? "(none)"}: not a topology of npm run bench`);
  const at = (flag: string) => args.indexOf(flag, 2);
  const marksText = at("--marks") > 0 ? args[at("--marks") + 1] : "5,10,20,30,45,60,120,300,600";
  const marks = (marksText ?? "").split(",").map(Number);
  if (marks.some((m, i) => !(m > 0) || (i > 0 && m <= marks[i - 1]!)))
    fail(`--marks ${marksText}: rising seconds`);
  let profile: { from: number; to: number; file: string } | undefined;
  if (at("--profile") > 0) {
    const [from, to] = (args[at("--profile") + 1] ?? "").split("-").map(Number);
    const file = args[at("--profile") + 2];
    if (!(from! >= 0 && to! > from!) || !file) fail("--profile FROM-TO FILE, FROM < TO in seconds");
    if (!marks.includes(to!)) marks.push(to!);
    if (from! > 0 && !marks.includes(from!)) marks.push(from!);
    marks.sort((a, b) => a - b);
    profile = { from: from!, to: to!, file };
  }
  const end = marks[marks.length - 1]!;
  const { loadRipLab } = (await import(join(saved, "engine.js"))) as typeof Engine;
  const { startPingFlows } = (await import(join(saved, "pings.js"))) as typeof Pings;
  const { parseEdgeList } = (await import(join(saved, "topologies.js"))) as typeof Topologies;
  const { create } = await loadRipLab();
  const topo = parseEdgeList(generateEdges(spec, 1), spec.name);
  const lab = await create(topo, { seed: 1 });
  // The flows of the bench's 600-s run (their count of echoes depends on it), whatever the marks.
  startPingFlows(lab.net, {
    time: Math.max(600, end),
    pings: 50,
    interval: 1,
    failAt: -1,
    failLink: "",
    seed: 1,
  });
  const s = lab.net.scheduler;
  const session = profile ? new Session() : undefined;
  const stretches: string[] = [];
  let total = 0;
  let prev = 0;
  for (const m of marks) {
    if (session && prev === profile!.from) {
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: 100 });
      await session.post("Profiler.start");
    }
    const a = threadMs();
    s.runUntil(m * SECOND);
    const ms = threadMs() - a;
    if (session && m === profile!.to) {
      const { profile: p } = await session.post("Profiler.stop");
      writeFileSync(profile!.file, JSON.stringify(p));
    }
    total += ms;
    stretches.push(`${prev}-${m}s ${ms.toFixed(0)}`);
    prev = m;
  }
  process.stdout.write(
    `${name}: simulation thread ${total.toFixed(0)} ms CPU, ${s.executed} events; by stretch of simulated time (ms): ${stretches.join(", ")}\n`,
  );
  await lab.close();
}

await main(process.argv.slice(2));
