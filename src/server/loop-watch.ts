/**
 * @module server/loop-watch
 * What held the server's event loop (issue 23: the API, the stream and SSH must answer within
 * 100 ms while the lab converges). A timer every `intervalMs` notes how late it fires; a gap
 * past `stallMs` is a stall, recorded with what ran in it: the simulation's slices (the
 * pacer's work counters), the event stream's flushes (encoding for viewers), HTTP requests
 * answered, and the garbage collector's pauses (perf_hooks 'gc' entries that overlap it).
 * Also each HTTP request's time on the server, arrival to answer, and the loop's delay
 * histogram. `routelab up` runs one when ROUTELAB_LOOP_WATCH names a file, and writes the
 * report there when it stops (bench/live-latency.ts, bench/live-class.ts).
 */
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay, PerformanceObserver, performance } from "node:perf_hooks";
import type { FastifyInstance } from "fastify";
import type { PacerControl } from "../lab/lab.js";

/** The pacer's work counters (sim/pacer.ts PacerWork), as the lab's interface gives them. */
type PacerWork = NonNullable<PacerControl["work"]>;

/** What ran on the event loop: counters that only grow (the longest marks are reset here). */
export interface WorkSources {
  pacer?: PacerWork | undefined;
  /** Commands started (SSH, the page's terminals, the API): their synchronous part. */
  commands?: { started: number; ms: number; longestMs: number } | undefined;
  fanout?: { flushes: number; events: number; ms: number; longestMs: number } | undefined;
}

/** One stall: the timer fired `gapMs` after the one before (due every intervalMs). */
export interface Stall {
  /** ms since the watch started, at the end of the gap. */
  at: number;
  gapMs: number;
  sim: { runs: number; slices: number; ms: number; longestSliceMs: number };
  flush: { flushes: number; events: number; ms: number; longestMs: number };
  commands: { started: number; ms: number; longestMs: number };
  http: { answered: number };
  gc: { pauses: number; ms: number; longestMs: number; kinds: string[] };
}

/** One thread's own figures over a watch: how late its loop ran, its collector, its CPU. */
export interface ThreadFigures {
  seconds: number;
  loopDelayMs: { p50: number; p99: number; max: number };
  gc: { pauses: number; ms: number; longestMs: number };
  /** This thread's CPU time, user + system (Linux only: undefined elsewhere). */
  cpuMs: number | undefined;
}

/**
 * The simulation's worker as `routelab up --sim-thread worker` reports it at the end of a
 * watch: its thread's figures and its work (the pacer's slices, the event stream's flushes),
 * which are that thread's, not the server's.
 */
export interface WorkerLoopFigures extends ThreadFigures {
  sim: { ms: number; slices: number; longestSliceMs: number };
  flush: { flushes: number; ms: number; longestMs: number };
}

export interface LoopReport {
  seconds: number;
  /** The server's thread's CPU time over the watch (Linux only). */
  cpuMs?: number | undefined;
  /** The simulation's worker thread, when the simulation runs in one. */
  worker?: WorkerLoopFigures | undefined;
  loopDelayMs: { p50: number; p99: number; max: number };
  requests: { count: number; p50: number; p99: number; max: number };
  gc: { pauses: number; ms: number; longestMs: number };
  sim: { ms: number; slices: number; longestSliceMs: number };
  flush: { flushes: number; ms: number; longestMs: number };
  commands: { started: number; ms: number; longestMs: number };
  stalls: Stall[];
}

/** Bounds on what the watch keeps, whatever the run's length. */
const MAX_STALLS = 2_000;
const MAX_GC_ENTRIES = 20_000;
const MAX_REQUESTS = 200_000;

const GC_KINDS: Record<number, string> = {
  1: "scavenge",
  2: "mark-compact",
  4: "incremental",
  8: "weak-callbacks",
};

/**
 * The CPU time of the calling thread, ms: /proc/thread-self/stat's utime + stime (in ticks of
 * 1/100 s, Linux's USER_HZ), read on this thread so that it names this thread; undefined where
 * there is no such file. (process.cpuUsage counts every thread; Node 20 has no per-thread call.)
 */
export function threadCpuMs(): number | undefined {
  let stat: string;
  try {
    stat = readFileSync("/proc/thread-self/stat", "utf8");
  } catch {
    return undefined;
  }
  // Fields after the command's ")": state is field 3, utime 14 and stime 15.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(f[11]) + Number(f[12]);
  return Number.isFinite(ticks) ? ticks * 10 : undefined;
}

/** The collector's pauses on this thread: observed from start() to stop(). */
function gcTotals(): { observer: PerformanceObserver; totals: ThreadFigures["gc"] } {
  const totals = { pauses: 0, ms: 0, longestMs: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      totals.pauses++;
      totals.ms += e.duration;
      totals.longestMs = Math.max(totals.longestMs, e.duration);
    }
  });
  return { observer, totals };
}

/**
 * A thread's loop delay, GC and CPU from start() to stop(): what the simulation's worker keeps
 * for the server's report (LoopWatch accounts for the server's own thread, stall by stall).
 */
export class ThreadWatch {
  private readonly histogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly gc = gcTotals();
  private t0 = 0;
  private cpu0: number | undefined;

  start(): void {
    this.t0 = performance.now();
    this.cpu0 = threadCpuMs();
    this.gc.observer.observe({ entryTypes: ["gc"] });
    this.histogram.enable();
  }

  /** The figures so far (the watch goes on). */
  figures(): ThreadFigures {
    const ms = (ns: number) => ns / 1e6;
    const cpu = threadCpuMs();
    return {
      seconds: (performance.now() - this.t0) / 1000,
      loopDelayMs: {
        p50: ms(this.histogram.percentile(50)),
        p99: ms(this.histogram.percentile(99)),
        max: ms(this.histogram.max),
      },
      gc: { ...this.gc.totals },
      cpuMs: cpu !== undefined && this.cpu0 !== undefined ? cpu - this.cpu0 : undefined,
    };
  }

  stop(): void {
    this.histogram.disable();
    this.gc.observer.disconnect();
  }
}

export class LoopWatch {
  private timer: NodeJS.Timeout | null = null;
  private readonly gcObserver: PerformanceObserver;
  private readonly gcEntries: { start: number; ms: number; kind: string }[] = [];
  private readonly histogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly requestMs: number[] = [];
  private answered = 0;
  private readonly stalls: Stall[] = [];
  private t0 = 0;
  private last = 0;
  private prevSim = { runs: 0, slices: 0, ms: 0 };
  private prevFlush = { flushes: 0, events: 0, ms: 0 };
  private prevCommands = { started: 0, ms: 0 };
  private prevAnswered = 0;
  private baseSim = { runs: 0, slices: 0, ms: 0 };
  private baseFlush = { flushes: 0, events: 0, ms: 0 };
  private baseCommands = { started: 0, ms: 0 };
  private readonly stallGaps: { start: number; end: number; stall: Stall }[] = [];
  private cpu0: number | undefined;

  constructor(
    /** Set before start(): the server's fanout exists only once it listens. */
    readonly sources: WorkSources,
    private readonly opts: { intervalMs: number; stallMs: number } = { intervalMs: 5, stallMs: 50 },
  ) {
    this.gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (this.gcEntries.length >= MAX_GC_ENTRIES) break;
        const kind = (e as { detail?: { kind?: number } }).detail?.kind ?? 0;
        this.gcEntries.push({ start: e.startTime, ms: e.duration, kind: GC_KINDS[kind] ?? String(kind) });
      }
    });
  }

  /**
   * Times the synchronous part of every command the lab starts (a `netstat -rn` of 1,500 routes
   * is all synchronous; a ping's later replies run in the simulation's slices).
   */
  watchExec<L extends { exec(...a: never[]): unknown }>(lab: L): void {
    const work = { started: 0, ms: 0, longestMs: 0 };
    this.sources.commands = work;
    const exec = lab.exec.bind(lab) as (...a: unknown[]) => unknown;
    (lab as unknown as { exec: (...a: unknown[]) => unknown }).exec = (...a: unknown[]) => {
      const t = performance.now();
      try {
        return exec(...a);
      } finally {
        const ms = performance.now() - t;
        work.started++;
        work.ms += ms;
        if (ms > work.longestMs) work.longestMs = ms;
      }
    };
  }

  /** Times each request, arrival to answer sent (fastify's hooks). */
  watchHttp(app: FastifyInstance): void {
    const started = new WeakMap<object, number>();
    app.addHook("onRequest", async (request) => {
      started.set(request, performance.now());
    });
    app.addHook("onResponse", async (request) => {
      const t = started.get(request);
      this.answered++;
      if (t !== undefined && this.requestMs.length < MAX_REQUESTS) this.requestMs.push(performance.now() - t);
    });
  }

  start(): void {
    this.t0 = this.last = performance.now();
    this.readWork();
    this.baseSim = { ...this.prevSim };
    this.baseFlush = { ...this.prevFlush };
    this.baseCommands = { ...this.prevCommands };
    this.cpu0 = threadCpuMs();
    this.gcObserver.observe({ entryTypes: ["gc"] });
    this.histogram.enable();
    this.timer = setInterval(() => this.fire(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): LoopReport {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.histogram.disable();
    this.gcObserver.disconnect();
    return this.report();
  }

  private fire(): void {
    const now = performance.now();
    const gap = now - this.last;
    const start = this.last;
    this.last = now;
    const work = this.readWork();
    if (gap < this.opts.stallMs || this.stalls.length >= MAX_STALLS) return;
    const stall: Stall = {
      at: now - this.t0,
      gapMs: gap,
      ...work,
      gc: { pauses: 0, ms: 0, longestMs: 0, kinds: [] },
    };
    this.stalls.push(stall);
    this.stallGaps.push({ start, end: now, stall });
  }

  /** What ran since the last fire (and resets the longest-slice marks). */
  private readWork(): Pick<Stall, "sim" | "flush" | "commands" | "http"> {
    const p = this.sources.pacer;
    const f = this.sources.fanout;
    const sim = {
      runs: (p?.runs ?? 0) - this.prevSim.runs,
      slices: (p?.slices ?? 0) - this.prevSim.slices,
      ms: (p?.ms ?? 0) - this.prevSim.ms,
      longestSliceMs: p?.longestSliceMs ?? 0,
    };
    if (p) {
      this.prevSim = { runs: p.runs, slices: p.slices, ms: p.ms };
      p.longestSliceMs = 0;
    }
    const flush = {
      flushes: (f?.flushes ?? 0) - this.prevFlush.flushes,
      events: (f?.events ?? 0) - this.prevFlush.events,
      ms: (f?.ms ?? 0) - this.prevFlush.ms,
      longestMs: f?.longestMs ?? 0,
    };
    if (f) {
      this.prevFlush = { flushes: f.flushes, events: f.events, ms: f.ms };
      f.longestMs = 0;
    }
    const x = this.sources.commands;
    const commands = {
      started: (x?.started ?? 0) - this.prevCommands.started,
      ms: (x?.ms ?? 0) - this.prevCommands.ms,
      longestMs: x?.longestMs ?? 0,
    };
    if (x) {
      this.prevCommands = { started: x.started, ms: x.ms };
      x.longestMs = 0;
    }
    const http = { answered: this.answered - this.prevAnswered };
    this.prevAnswered = this.answered;
    return { sim, flush, commands, http };
  }

  private report(): LoopReport {
    // The collector's pauses are reported after they happen: matched to the stalls now.
    for (const g of this.gcEntries)
      for (const s of this.stallGaps) {
        if (g.start + g.ms < s.start || g.start > s.end) continue;
        s.stall.gc.pauses++;
        s.stall.gc.ms += g.ms;
        s.stall.gc.longestMs = Math.max(s.stall.gc.longestMs, g.ms);
        if (!s.stall.gc.kinds.includes(g.kind)) s.stall.gc.kinds.push(g.kind);
      }
    const ms = (ns: number) => ns / 1e6;
    const req = [...this.requestMs].sort((a, b) => a - b);
    const q = (p: number) => req[Math.min(req.length - 1, Math.floor(p * req.length))] ?? Number.NaN;
    const p = this.sources.pacer;
    const f = this.sources.fanout;
    const cpu = threadCpuMs();
    return {
      seconds: (performance.now() - this.t0) / 1000,
      cpuMs: cpu !== undefined && this.cpu0 !== undefined ? cpu - this.cpu0 : undefined,
      loopDelayMs: {
        p50: ms(this.histogram.percentile(50)),
        p99: ms(this.histogram.percentile(99)),
        max: ms(this.histogram.max),
      },
      requests: { count: req.length, p50: q(0.5), p99: q(0.99), max: req.at(-1) ?? Number.NaN },
      gc: {
        pauses: this.gcEntries.length,
        ms: this.gcEntries.reduce((a, g) => a + g.ms, 0),
        longestMs: this.gcEntries.reduce((a, g) => Math.max(a, g.ms), 0),
      },
      sim: {
        ms: (p?.ms ?? 0) - this.baseSim.ms,
        slices: (p?.slices ?? 0) - this.baseSim.slices,
        longestSliceMs: Math.max(0, ...this.stalls.map((s) => s.sim.longestSliceMs)),
      },
      flush: {
        flushes: (f?.flushes ?? 0) - this.baseFlush.flushes,
        ms: (f?.ms ?? 0) - this.baseFlush.ms,
        longestMs: Math.max(0, ...this.stalls.map((s) => s.flush.longestMs)),
      },
      commands: {
        started: (this.sources.commands?.started ?? 0) - this.baseCommands.started,
        ms: (this.sources.commands?.ms ?? 0) - this.baseCommands.ms,
        longestMs: Math.max(0, ...this.stalls.map((s) => s.commands.longestMs)),
      },
      stalls: this.stalls,
    };
  }
}
