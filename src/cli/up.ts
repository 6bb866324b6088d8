/**
 * @module cli/up
 * `routelab up`: boot a lab paced in real time and serve the API and the live page until
 * Ctrl-C. Shuts down cleanly on SIGINT/SIGTERM.
 */
import { writeFileSync } from "node:fs";
import { createNetnsLab } from "../engines/netns/index.js";
import { createLessonLab, type LessonSession } from "../engines/sim/lesson.js";
import type { ServerLab } from "../server/server-lab.js";
import { SimWorker, workerEntry } from "../server/sim-thread/remote-lab.js";
import { createServer } from "../server/index.js";
import { DEFAULT_SIM_NICE } from "../server/thread-nice.js";
import { createServerLog, type LogLevel } from "../server/log.js";
import { type Logins, loginBanner, startLogins } from "../server/logins.js";
import { LoopWatch } from "../server/loop-watch.js";
import { defaultStateDir, importLegacyState, openStateDir } from "../server/state-dir.js";
import { applyRunHeapPolicy } from "./heap-policy.js";
import { loadTopologyFile } from "./io.js";
import { labSize } from "../topology/index.js";
import { netnsOptions } from "./netns-options.js";
import { pageBanner, roomHosts } from "./room.js";
import { type Pacer, systemWallClock } from "../sim/index.js";

export interface UpArgs {
  topology: string;
  http: number;
  host: string;
  speed: number;
  seed: number;
  adminToken?: string | undefined;
  /** The class's state directory (users file, host key, journals); default defaultStateDir(). */
  state?: string | undefined;
  /** Users file; default users.yaml in the state directory. */
  users?: string | undefined;
  /** Watching needs a login too. */
  private?: boolean | undefined;
  /** SSH port, or false for none. */
  ssh: number | false;
  /** Level of the structured HTTP + SSH log on standard error (default info). */
  logLevel?: LogLevel | undefined;
  /** `sim` (default) or `netns` (Linux namespaces + FRR, root; real time, speed 1 only). */
  engine?: "sim" | "netns" | undefined;
  /** Namespace name prefix of a netns lab (default rl-<lab name>). */
  prefix?: string | undefined;
  /**
   * Where the simulator runs: `main` (the server's thread, as the browser edition does) or
   * `worker` (a worker thread of its own, so the server's answers never wait for the
   * simulation's events or its garbage collector). Default: ROUTELAB_SIM_THREAD, else worker.
   * The netns engine runs no simulation: it ignores this.
   */
  simThread?: SimThread | undefined;
  /**
   * The simulation thread's nice value, 0 (off) to 19 (Linux; default 10): with the simulation
   * in a worker, the server's thread gets the CPU first when both want it. Not used by `main`.
   */
  simNice?: number | undefined;
  out: (s: string) => void;
  err: (s: string) => void;
  /** Resolves when the lab should stop (tests); default: SIGINT or SIGTERM. */
  until?: Promise<void>;
}

export type SimThread = "main" | "worker";

/** `--sim-thread`'s default: ROUTELAB_SIM_THREAD when it names one, else a worker thread. */
export function defaultSimThread(env: NodeJS.ProcessEnv = process.env): SimThread {
  return env.ROUTELAB_SIM_THREAD === "main" ? "main" : "worker";
}

/**
 * ROUTELAB_SIM_HEAP_MB, the worker's heap limit in MiB: undefined when unset (the process's own
 * limit then), the number when it is a whole number of MiB, else the message saying why not.
 */
export function simHeapMb(env: NodeJS.ProcessEnv = process.env): number | undefined | { error: string } {
  const text = env.ROUTELAB_SIM_HEAP_MB;
  if (text === undefined || text === "") return undefined;
  const mb = Number(text);
  if (Number.isInteger(mb) && mb > 0) return mb;
  return {
    error: `ROUTELAB_SIM_HEAP_MB=${JSON.stringify(text)}: the worker's heap limit is a whole number of MiB`,
  };
}

export async function runUp(a: UpArgs): Promise<number> {
  const heapMb = simHeapMb();
  if (typeof heapMb === "object") {
    a.err(`routelab: ${heapMb.error}\n`);
    return 1;
  }
  // The simulation's heap grows to at most 2.5× what survived its last full collection (V8
  // flags are the process's, so the worker's heap follows them too): under overload it holds
  // the lab and the journal, not a lazily grown old generation (issue 23; docs/performance.md).
  applyRunHeapPolicy();
  const topo = loadTopologyFile(a.topology);
  let lab: ServerLab;
  let session: LessonSession | undefined;
  let sim: SimWorker | undefined;
  // The simulator's clock on this thread (--sim-thread main): held until the server listens.
  let heldPacer: Pacer | undefined;
  // The worker's death (an exception, out of memory) stops the lab with its message.
  let simFailed: ((message: string) => void) | undefined;
  const failure = new Promise<string>((resolve) => {
    simFailed = resolve;
  });
  if (a.engine === "netns") lab = await createNetnsLab(topo, netnsOptions(a));
  else if ((a.simThread ?? defaultSimThread()) === "worker") {
    try {
      // Its heap is limited as the process's is (--max-old-space-size), or by ROUTELAB_SIM_HEAP_MB.
      sim = await SimWorker.start(topo, {
        entry: workerEntry(import.meta.url, "sim-worker", "cli"),
        seed: a.seed,
        speed: a.speed,
        ...(heapMb !== undefined ? { heapMb } : {}),
        nice: a.simNice ?? DEFAULT_SIM_NICE,
        onFailure: (m) => simFailed!(m),
      });
      const n = sim.threadNice;
      if ("skipped" in n && process.platform === "linux" && (a.simNice ?? DEFAULT_SIM_NICE) > 0)
        a.err(`routelab: note: --sim-nice: the simulation's thread keeps its priority (${n.skipped})\n`);
    } catch (e) {
      a.err(`routelab: ${(e as Error).message}\n`);
      return 1;
    }
    lab = sim.lab;
  } else {
    // A rewindable lab that plays the file's fault schedule and evaluates its checks.
    const lesson = createLessonLab(topo, { seed: a.seed, wallClock: systemWallClock });
    lesson.lab.pacer!.setSpeed(a.speed);
    heldPacer = lesson.lab.pacer!;
    heldPacer.stop();
    lab = lesson.lab;
    session = lesson.session;
  }
  // One structured log for both servers: logins, failures, throttling, refused connections.
  const log = createServerLog(a.logLevel ?? "info");
  let logins: Logins;
  const notes: string[] = [];
  try {
    const state = openStateDir(a.state ?? defaultStateDir());
    if (a.users === undefined) notes.push(...importLegacyState(a.topology, state));
    logins = await startLogins({
      lab,
      usersFile: a.users ?? state.usersFile,
      hostKeyPath: state.hostKey,
      sshPort: a.ssh,
      host: a.host,
      log,
    });
  } catch (e) {
    await lab.close();
    if ((e as NodeJS.ErrnoException).code === "EADDRINUSE") {
      a.err(`routelab: --ssh ${a.ssh}: port already in use (try --ssh 0 for any free port)\n`);
      return 1;
    }
    throw e;
  }
  // ROUTELAB_LOOP_WATCH=FILE: what held the event loop, written to FILE at the end (the benches).
  const watchFile = process.env.ROUTELAB_LOOP_WATCH;
  // With the simulation in a worker, its slices and flushes are not this thread's: the watch
  // then accounts for the server's thread alone (what it finds held is GC, I/O or no CPU).
  const watch = watchFile ? new LoopWatch({ pacer: sim ? undefined : lab.pacer?.work }) : undefined;
  watch?.watchExec(lab);
  let server: Awaited<ReturnType<typeof createServer>>;
  try {
    server = await createServer({
      ...(watch ? { plugins: async (app) => watch.watchHttp(app) } : {}),
      lab,
      ...(sim ? { sim: sim.services } : { lesson: session }),
      port: a.http,
      host: a.host,
      adminToken: a.adminToken,
      logins,
      logger: log,
      private: a.private === true,
    });
  } catch (e) {
    await logins.close();
    await lab.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      a.err(`routelab: --http ${a.http}: port already in use (try --http 0 for any free port)\n`);
      return 1;
    }
    throw e;
  }
  if (watch) {
    if (!sim) watch.sources.fanout = server.fanout.work;
    watch.start();
  }
  // The lab has stood still since its boot, here or in the worker: it runs once the server
  // answers (a converging lab running while the server started made the start 2-3× longer).
  heldPacer?.start();
  sim?.run(watch !== undefined);
  // Listen for Ctrl-C before the banner says it works: one sent as soon as it is read must not
  // kill the process before its handler exists (a test caught that race).
  const signalled =
    a.until ??
    new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
  let failed: string | undefined;
  const stop = Promise.race([
    signalled,
    failure.then((m) => {
      failed = m;
    }),
  ]);
  const hosts = roomHosts(a.host);
  const sshHosts = hosts.room.length > 0 ? hosts.room : [hosts.local ?? a.host];
  // What `routelab users …` needs to find the same users file as this lab.
  const usersFlags =
    a.users !== undefined ? ` --users ${a.users}` : a.state !== undefined ? ` --state ${a.state}` : "";
  a.out(
    `routelab: ${topo.name}: ${labSize(topo)}, speed ${a.speed}x\n` +
      pageBanner(a.host, server.port, hosts) +
      loginBanner(logins, { hosts: sshHosts, usersFlags }) +
      notes.map((n) => `  note: ${n}\n`).join("") +
      `  stop with Ctrl-C\n`,
  );
  await stop;
  if (failed !== undefined) a.err(`routelab: ${failed}; shutting down\n`);
  else a.out("routelab: shutting down\n");
  if (watch && watchFile) {
    const report = watch.stop();
    // The worker's own thread beside the server's (a worker that died reports nothing).
    if (sim) report.worker = await sim.loopFigures().catch(() => undefined);
    writeFileSync(watchFile, JSON.stringify(report));
  }
  await logins.close();
  await server.close();
  await lab.close();
  return failed !== undefined ? 1 : 0;
}
