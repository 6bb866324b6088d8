/**
 * The server's own account of its event loop (src/server/loop-watch.ts, written by `routelab up`
 * when ROUTELAB_LOOP_WATCH names a file): read back and summed up for the live benches — the
 * loop's delay, each request's time on the server, and every stall over 50 ms with what ran in
 * it, sorted into a cause.
 */
import { readFileSync } from "node:fs";
import type { LoopReport, Stall, WorkerLoopFigures } from "../src/server/loop-watch.js";

export type { LoopReport };

/** The report the server wrote, or undefined when it did not (it died first). */
export function readLoopReport(file: string): LoopReport | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as LoopReport;
  } catch {
    return undefined;
  }
}

/**
 * What a stall mostly was: the collector (its pauses cover half the gap), one slice of the
 * simulation past 50 ms (one step that could not be cut), the simulation's ticks, the event
 * stream's flushes, commands started (their synchronous part), or none of these (the process
 * was not given the CPU, or other work: SSH's and WebSocket's I/O and crypto, HTTP).
 */
export function stallCause(s: Stall): string {
  const half = s.gapMs / 2;
  if (s.gc.ms >= half) return "gc";
  if (s.sim.longestSliceMs >= 50) return "one slice";
  if (s.sim.ms >= half) return "simulation";
  if (s.flush.ms >= half) return "flush";
  if ((s.commands?.ms ?? 0) >= half) return "commands";
  if (s.gc.ms + s.sim.ms + s.flush.ms + (s.commands?.ms ?? 0) >= half) return "mixed";
  return "unaccounted";
}

const f0 = (x: number) => x.toFixed(0);

/** The simulation's worker thread: its own loop, collector, CPU and work (`--sim-thread worker`). */
export function describeWorker(w: WorkerLoopFigures): string[] {
  return [
    `  simulation's worker${w.cpuMs !== undefined ? ` (its thread's CPU ${f0(w.cpuMs)} ms)` : ""}: event-loop delay p50 ${f0(w.loopDelayMs.p50)} ms, ` +
      `p99 ${f0(w.loopDelayMs.p99)} ms, max ${f0(w.loopDelayMs.max)} ms; ` +
      `simulation ${f0(w.sim.ms)} ms in ${w.sim.slices} slices (longest ${f0(w.sim.longestSliceMs)} ms), ` +
      `flushes ${f0(w.flush.ms)} ms in ${w.flush.flushes} (longest ${f0(w.flush.longestMs)} ms), ` +
      `GC ${f0(w.gc.ms)} ms in ${w.gc.pauses} pauses (longest ${f0(w.gc.longestMs)} ms)`,
  ];
}

/** Lines for the bench's output: the totals, the stalls by cause, the longest few. */
export function describeLoop(r: LoopReport, longest = 8): string[] {
  const byCause = new Map<string, { n: number; ms: number }>();
  for (const s of r.stalls) {
    const c = stallCause(s);
    const e = byCause.get(c) ?? { n: 0, ms: 0 };
    e.n++;
    e.ms += s.gapMs;
    byCause.set(c, e);
  }
  const lines = [
    `  server${r.cpuMs !== undefined ? ` (its thread's CPU ${f0(r.cpuMs)} ms)` : ""}: event-loop delay p50 ${f0(r.loopDelayMs.p50)} ms, p99 ${f0(r.loopDelayMs.p99)} ms, max ${f0(r.loopDelayMs.max)} ms; ` +
      `${r.requests.count} HTTP requests on the server (arrival to answer) p50 ${r.requests.p50.toFixed(1)} ms, p99 ${r.requests.p99.toFixed(1)} ms, max ${f0(r.requests.max)} ms`,
    `  server work over ${r.seconds.toFixed(0)} s: simulation ${f0(r.sim.ms)} ms in ${r.sim.slices} slices (longest ${f0(r.sim.longestSliceMs)} ms), ` +
      `flushes ${f0(r.flush.ms)} ms in ${r.flush.flushes} (longest ${f0(r.flush.longestMs)} ms), ` +
      (r.commands
        ? `commands ${f0(r.commands.ms)} ms in ${r.commands.started} (longest ${f0(r.commands.longestMs)} ms), `
        : "") +
      `GC ${f0(r.gc.ms)} ms in ${r.gc.pauses} pauses (longest ${f0(r.gc.longestMs)} ms)`,
    `  stalls over 50 ms: ${r.stalls.length}` +
      (r.stalls.length
        ? ` — ${[...byCause].map(([c, e]) => `${c} ${e.n} (${f0(e.ms)} ms)`).join(", ")}`
        : ""),
  ];
  if (r.worker) lines.push(...describeWorker(r.worker));
  for (const s of [...r.stalls].sort((a, b) => b.gapMs - a.gapMs).slice(0, longest))
    lines.push(
      `    at ${(s.at / 1000).toFixed(1)} s: ${f0(s.gapMs)} ms [${stallCause(s)}] — sim ${f0(s.sim.ms)} ms in ${s.sim.slices} slices (longest ${f0(s.sim.longestSliceMs)}), ` +
        `flush ${f0(s.flush.ms)} ms (${s.flush.events} events), ` +
        (s.commands ? `commands ${f0(s.commands.ms)} ms (${s.commands.started}), ` : "") +
        `GC ${f0(s.gc.ms)} ms in ${s.gc.pauses} (${s.gc.kinds.join("+") || "-"}; longest ${f0(s.gc.longestMs)}), ${s.http.answered} answered`,
    );
  return lines;
}
