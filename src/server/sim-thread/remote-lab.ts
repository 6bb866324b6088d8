/**
 * @module server/sim-thread/remote-lab
 * The main thread's side of `routelab up --sim-thread worker`: starts the worker (cli/sim-worker.ts)
 * and gives the server a ServerLab facade and its services (http/sim-services.ts).
 *
 * - What handlers read synchronously is mirrored: the clock (every tick and reply carries it),
 *   nodes and links (a snapshot from the worker whenever they changed: link and node events,
 *   controls, rewinds), the pacer's speed and state, the lesson's horizon and inputs.
 * - What needs the simulation's state is a message answered once: a routing table, OSPF, the
 *   controls (their answer carries the state after them, so a reply reads the new mirror), a
 *   packet's frames, the lesson's status, journal and rewind, the per-user counters.
 * - A command runs in the worker; its output and exit status come back as they are made;
 *   Ctrl-C, typed input and Ctrl-D go to it. An ssh hop likewise.
 * - The event stream's viewers are sockets here and clients of the worker's fanout there: the
 *   worker posts each flush's texts once with the viewers they go to, and reads each socket's
 *   bufferedAmount from a shared Int32Array this side keeps current (its slow-viewer rules are
 *   EventFanout's own).
 * A worker that dies (an exception, out of memory) rejects what waits on it and calls
 * `onFailure` with a message for people: `routelab up` prints it and stops.
 */
import { existsSync } from "node:fs";
import { getHeapStatistics } from "node:v8";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { LabError } from "../../core/errors.js";
import type { LabEvent, LabEventKind } from "../../core/events.js";
import type { Nanos } from "../../core/time.js";
import type {
  ClockState,
  Execution,
  ExecOptions,
  LinkInfo,
  LinkShape,
  NodeInfo,
  OspfView,
  PacerControl,
  RouteInfo,
} from "../../lab/lab.js";
import { ofKinds } from "../../lab/lab.js";
import type { JournalPage, LessonStatus } from "../../lab/lesson-view.js";
import type { ShellHop } from "../../shell/session.js";
import type { Topology } from "../../topology/model.js";
import { HttpError } from "../http/api-shapes.js";
import type { EventSocket, FanoutOptions } from "../http/event-fanout.js";
import type { FanoutHandle, FanoutService, SimServices } from "../http/sim-services.js";
import type { WorkerLoopFigures } from "../loop-watch.js";
import { packageRoot } from "../package-root.js";
import type { ServerLab, ServerPacer } from "../server-lab.js";
import { startNiced, type ThreadNice } from "../thread-nice.js";
import {
  type CallOp,
  type FromWorker,
  type LabState,
  MAX_VIEWERS,
  type PacerFigures,
  type Snapshot,
  type ToWorker,
  type WireError,
  type WorkerInit,
} from "./protocol.js";
import type { UserCounters } from "../http/user-stats.js";

export interface SimWorkerOptions {
  /** The worker's module (cli/sim-worker: it builds the engine's lab, which the server never names). */
  entry: WorkerEntry;
  seed: number;
  speed: number;
  fanout?: FanoutOptions;
  /** The worker's old-generation limit, MiB (default: the main thread's own heap limit). */
  heapMb?: number;
  /** The worker died: why, in words for people. */
  onFailure?: (message: string) => void;
  /** The worker thread's nice value, 0–19 (Linux; server/thread-nice.ts): default 0, unchanged. */
  nice?: number;
}

function rebuildError(w: WireError): Error {
  if (w.name === "HttpError") return new HttpError(w.status ?? 500, w.message, w.field, w.code);
  if (w.name === "LabError" || w.name === "LabErrors") return new LabError(w.message, w.pos ?? {}, w.code);
  return new Error(w.message);
}

export interface WorkerEntry {
  url: URL;
  execArgv?: string[];
}

/**
 * A worker module's entry: `name`.js beside `moduleUrl` (dist/), or `name`.ts there (src/,
 * loaded through tsx); from the bundled command line (dist/bundle/chunks/), the package's
 * `bin/name.js`, which loads the worker's bundle with its code cache, else `dist/<distDir>/name.js`.
 */
export function workerEntry(moduleUrl: string, name: string, distDir: string): WorkerEntry {
  const js = new URL(`./${name}.js`, moduleUrl);
  if (existsSync(fileURLToPath(js))) return { url: js };
  const ts = new URL(`./${name}.ts`, moduleUrl);
  if (existsSync(fileURLToPath(ts))) return { url: ts, execArgv: [...process.execArgv, "--import", "tsx"] };
  const root = packageRoot(moduleUrl);
  const bundled = join(root, "bin", `${name}.js`);
  if (existsSync(bundled)) return { url: pathToFileURL(bundled) };
  return { url: pathToFileURL(join(root, "dist", distDir, `${name}.js`)) };
}

/** Why a worker ended, for the person who started `routelab up`. */
function failureText(e: unknown, heapMb: number): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ERR_WORKER_OUT_OF_MEMORY")
    return (
      `the simulation ran out of memory (its heap is limited to ${heapMb} MiB; ` +
      `give node more with NODE_OPTIONS=--max-old-space-size=MiB, or run a smaller lab)`
    );
  return `the simulation stopped: ${e instanceof Error ? e.message : String(e)}`;
}

class RemoteExecution implements Execution {
  exitCode: number | undefined;
  readonly done: Promise<number>;
  private resolveDone!: (code: number) => void;
  private rejectDone!: (e: Error) => void;

  constructor(
    private readonly sim: SimWorker,
    private readonly id: number,
    readonly write: ((chunk: string) => void) | undefined,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // Whoever started it handles a refusal (as they would a throw); never an unhandled rejection.
    this.done.catch(() => {});
  }

  finish(code: number): void {
    if (this.exitCode !== undefined) return;
    this.exitCode = code;
    this.resolveDone(code);
  }

  /**
   * The lab refused the command (in process, `exec` would have thrown): `done` rejects with
   * that error, which the shell, SSH and the API show as they show a throw.
   */
  refuse(e: Error): void {
    if (this.exitCode !== undefined) return;
    this.exitCode = 1;
    this.rejectDone(e);
  }

  interrupt(): void {
    if (this.exitCode === undefined) this.sim.send({ type: "exec-op", exec: this.id, op: "interrupt" });
  }
  input(text: string): void {
    if (this.exitCode === undefined) this.sim.send({ type: "exec-op", exec: this.id, op: "input", text });
  }
  endInput(): void {
    if (this.exitCode === undefined) this.sim.send({ type: "exec-op", exec: this.id, op: "endInput" });
  }
}

interface Viewer {
  socket: EventSocket;
  slot: number;
}

/** The worker's fanout, seen from the server: viewers here, their messages made there. */
class RemoteFanout implements FanoutService {
  readonly work = { flushes: 0, events: 0, ms: 0, longestMs: 0 };
  thinned = 0;
  private readonly viewers = new Map<number, Viewer>();
  private readonly freeSlots: number[] = [];
  private nextViewer = 1;

  constructor(
    private readonly sim: SimWorker,
    private readonly buffered: Int32Array,
  ) {
    for (let i = MAX_VIEWERS - 1; i >= 0; i--) this.freeSlots.push(i);
  }

  get size(): number {
    return this.viewers.size;
  }

  add(socket: EventSocket, opts: { compact?: boolean } = {}): FanoutHandle {
    const viewer = this.nextViewer++;
    const slot = this.freeSlots.pop();
    if (slot === undefined) throw new LabError(`at most ${MAX_VIEWERS} viewers at once`, {}, "limit");
    Atomics.store(this.buffered, slot, socket.bufferedAmount);
    this.viewers.set(viewer, { socket, slot });
    this.sim.send({ type: "viewer-add", viewer, slot, compact: opts.compact ?? false });
    return {
      remove: () => this.remove(viewer),
      setHideRouting: (hide) => this.sim.send({ type: "viewer-set", viewer, hideRouting: hide }),
      setSample: (on) => this.sim.send({ type: "viewer-set", viewer, sample: on }),
    };
  }

  private remove(viewer: number): void {
    const v = this.viewers.get(viewer);
    if (!v) return;
    this.viewers.delete(viewer);
    this.freeSlots.push(v.slot);
    this.sim.send({ type: "viewer-remove", viewer });
  }

  /** A tick's messages to their viewers, then every viewer's backlog for the next flush. */
  deliver(sends: [string, number[]][], fig: { work: RemoteFanout["work"]; thinned: number }): void {
    for (const [text, to] of sends)
      for (const id of to) {
        const v = this.viewers.get(id);
        if (!v) continue;
        try {
          v.socket.send(text);
        } catch {
          this.remove(id); // a socket that throws on send is gone (EventFanout's rule)
        }
      }
    for (const v of this.viewers.values()) Atomics.store(this.buffered, v.slot, v.socket.bufferedAmount);
    Object.assign(this.work, fig.work);
    this.thinned = fig.thinned;
  }

  start(): void {}
  rewound(): void {}
  stop(): void {
    for (const id of [...this.viewers.keys()]) this.remove(id);
  }
}

/** The worker, its mirror of the lab, and what waits on it. */
export class SimWorker {
  readonly lab: RemoteLab;
  readonly services: SimServices;
  private readonly worker: Worker;
  /** The worker thread's priority: its nice value, or why it was left alone. */
  readonly threadNice: ThreadNice;
  private readonly calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextCall = 1;
  readonly execs = new Map<number, RemoteExecution>();
  readonly hops = new Map<
    number,
    { landed: (v: { node: string } | { error: string }) => void; lost?: (m: string) => void }
  >();
  readonly taps = new Map<number, (t: Nanos, bytes: Uint8Array, origLen: number) => void>();
  readonly eventListeners = new Set<(e: LabEvent) => void>();
  private readonly rewindListeners = new Set<(t: Nanos) => void>();
  private readonly fanout: RemoteFanout;
  failure: string | undefined;
  private readonly closed: Promise<void>;
  mirror!: LabState & { snapshot: Snapshot };
  pacerFigures!: PacerFigures;

  private constructor(
    topology: Topology,
    o: SimWorkerOptions,
    ready: (engine: string) => void,
    failed: (message: string) => void,
  ) {
    const buffered = new SharedArrayBuffer(MAX_VIEWERS * 4);
    const heapMb = o.heapMb ?? Math.ceil(getHeapStatistics().heap_size_limit / 2 ** 20);
    const entry = o.entry;
    const init: WorkerInit = { topology, seed: o.seed, speed: o.speed, buffered };
    if (o.fanout) init.fanout = o.fanout;
    // At a lower priority than this thread, which answers the page, the API and SSH.
    const spawned = startNiced(
      o.nice ?? 0,
      () =>
        new Worker(entry.url, {
          workerData: init,
          resourceLimits: { maxOldGenerationSizeMb: heapMb },
          ...(entry.execArgv ? { execArgv: entry.execArgv } : {}),
          stdout: false,
          stderr: false,
        }),
    );
    this.worker = spawned.started;
    this.threadNice = spawned.nice;
    this.fanout = new RemoteFanout(this, new Int32Array(buffered));
    this.lab = new RemoteLab(this, topology);
    this.services = {
      fanout: this.fanout,
      stats: { snapshot: () => this.call("stats", []) as Promise<Record<string, UserCounters>>, stop() {} },
      packets: { view: (id) => this.call("packet", [id]) as never, stop() {} },
      lesson: {
        status: () => this.call("lessonStatus", []) as Promise<LessonStatus>,
        journal: (q) => this.call("journal", [q]) as Promise<JournalPage & { now: Nanos; horizon: Nanos }>,
        rewind: (t) => this.call("rewind", [t]) as Promise<ClockState & { paced: boolean; horizon: Nanos }>,
        onRewind: (l) => {
          this.rewindListeners.add(l);
          return () => this.rewindListeners.delete(l);
        },
        close() {},
      },
    };
    let settleClosed!: () => void;
    this.closed = new Promise((r) => {
      settleClosed = r;
    });
    let started = false;
    this.worker.on("message", (m: FromWorker) => {
      if (m.type === "ready") {
        started = true;
        this.mirror = m.state;
        this.pacerFigures = m.pacer;
        ready(m.engine);
      } else this.receive(m);
    });
    const fail = (message: string) => {
      if (this.failure !== undefined) return;
      this.failure = message;
      this.abandon(message);
      if (started) o.onFailure?.(message);
      else failed(message);
    };
    this.worker.on("error", (e) => fail(failureText(e, heapMb)));
    this.worker.on("exit", (code) => {
      settleClosed();
      if (!this.closing) fail(`the simulation stopped (its thread exited with ${code})`);
    });
  }

  private closing = false;

  /** Starts the worker on `topology`; resolves once the lab is booted there. */
  static start(topology: Topology, o: SimWorkerOptions): Promise<SimWorker> {
    return new Promise((resolve, reject) => {
      const sim: SimWorker = new SimWorker(
        topology,
        o,
        () => resolve(sim),
        (message) => reject(new LabError(message, {}, "internal")),
      );
    });
  }

  /**
   * Starts the lab's clock (it stands still from the worker's boot until then); `watch`: the
   * worker also keeps its thread's figures from now on, for loopFigures().
   */
  run(watch = false): void {
    this.send({ type: "run", watch });
  }

  /** The worker thread's loop delay, GC, CPU and work since run(true); undefined without. */
  loopFigures(): Promise<WorkerLoopFigures | undefined> {
    return this.call("loopFigures", []) as Promise<WorkerLoopFigures | undefined>;
  }

  send(m: ToWorker): void {
    if (this.failure === undefined && !this.closing) this.worker.postMessage(m);
  }

  call(op: CallOp, args: unknown[]): Promise<unknown> {
    if (this.failure !== undefined) return Promise.reject(new LabError(this.failure, {}, "internal"));
    const id = this.nextCall++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.worker.postMessage({ type: "call", id, op, args } satisfies ToWorker);
    });
  }

  private apply(s: LabState): void {
    this.mirror = { ...s, snapshot: s.snapshot ?? this.mirror.snapshot };
  }

  private receive(m: FromWorker): void {
    switch (m.type) {
      case "tick":
        this.apply(m.state);
        this.pacerFigures = m.pacer;
        for (const e of m.events) for (const l of this.eventListeners) l(e);
        this.fanout.deliver(m.sends, m.fanout);
        break;
      case "reply": {
        this.apply(m.state);
        const c = this.calls.get(m.id);
        this.calls.delete(m.id);
        if (m.error) c?.reject(rebuildError(m.error));
        else c?.resolve(m.value);
        break;
      }
      case "out":
        for (const [id, chunk] of m.chunks) this.execs.get(id)?.write?.(chunk);
        break;
      case "exit":
        this.execs.get(m.exec)?.finish(m.code);
        this.execs.delete(m.exec);
        break;
      case "exec-error":
        this.execs.get(m.exec)?.refuse(rebuildError(m.error));
        this.execs.delete(m.exec);
        break;
      case "landed":
        this.hops.get(m.hop)?.landed(m.value);
        if ("error" in m.value) this.hops.delete(m.hop);
        break;
      case "hop-lost":
        this.hops.get(m.hop)?.lost?.(m.message);
        this.hops.delete(m.hop);
        break;
      case "frames": {
        const tap = this.taps.get(m.tap);
        if (tap) for (const [t, bytes, len] of m.frames) tap(t, bytes, len);
        break;
      }
      case "rewound":
        this.apply(m.state);
        for (const l of this.rewindListeners) l(m.t);
        break;
      case "closed":
        break;
    }
  }

  /** The worker is gone: nothing it owed will come. */
  private abandon(message: string): void {
    for (const c of this.calls.values()) c.reject(new LabError(message, {}, "internal"));
    this.calls.clear();
    for (const ex of this.execs.values()) ex.refuse(new LabError(message, {}, "internal"));
    this.execs.clear();
    for (const h of this.hops.values()) h.landed({ error: message });
    this.hops.clear();
  }

  /** Stops the simulation and the thread; resolves when the thread has ended. */
  async close(): Promise<void> {
    if (this.closing) return this.closed;
    this.closing = true;
    this.abandon("the lab is shutting down");
    if (this.failure === undefined) {
      this.worker.postMessage({ type: "close" } satisfies ToWorker);
      // A worker that does not end its own loop within 5 s is ended.
      const t = setTimeout(() => void this.worker.terminate(), 5000);
      t.unref();
      await this.closed;
      clearTimeout(t);
    } else await this.worker.terminate();
  }
}

/** The lab as the server sees it, on the main thread. */
export class RemoteLab implements ServerLab {
  readonly engine = "sim";
  readonly pacer: ServerPacer;
  private nextId = 1;

  constructor(
    private readonly sim: SimWorker,
    readonly topology: Topology,
  ) {
    const figures = () => sim.pacerFigures;
    const work: NonNullable<PacerControl["work"]> = { runs: 0, slices: 0, ms: 0, longestSliceMs: 0 };
    this.pacer = {
      get speed() {
        return figures().speed;
      },
      get paused() {
        return figures().paused;
      },
      get actualSpeed() {
        return figures().actualSpeed;
      },
      get behind() {
        return figures().behind;
      },
      get work() {
        const w = figures().work;
        return w ? Object.assign(work, w) : undefined;
      },
      setSpeed: (x) => this.control("setSpeed", [x]),
      pause: () => this.control("pause", []),
      resume: () => this.control("resume", []),
    };
  }

  /** A control answered once the worker applied it; the pacer's figures are then its own. */
  private async control(op: CallOp, args: unknown[]): Promise<void> {
    await this.sim.call(op, args);
    const c = this.sim.mirror.clock;
    this.sim.pacerFigures = {
      ...this.sim.pacerFigures,
      speed: c.speed,
      paused: c.paused,
      actualSpeed: c.actualSpeed,
      behind: c.behind === true,
    };
  }

  nodes(): NodeInfo[] {
    return this.sim.mirror.snapshot.nodes;
  }
  links(): LinkInfo[] {
    return this.sim.mirror.snapshot.links;
  }
  clock(): ClockState {
    return this.sim.mirror.clock;
  }
  horizon(): Nanos {
    return this.sim.mirror.horizon;
  }
  inputsApplied(): number {
    return this.sim.mirror.inputsApplied;
  }

  routes(node: string): Promise<RouteInfo[]> {
    return this.sim.call("routes", [node]) as Promise<RouteInfo[]>;
  }
  ospf(node: string): Promise<OspfView | undefined> {
    return this.sim.call("ospf", [node]) as Promise<OspfView | undefined>;
  }
  async setLink(a: string, b: string, up: boolean, opts?: { silent?: boolean }): Promise<void> {
    await this.sim.call("setLink", [a, b, up, opts]);
  }
  async setLinkShape(a: string, b: string, shape: LinkShape): Promise<void> {
    await this.sim.call("setLinkShape", [a, b, shape]);
  }
  async setNode(node: string, up: boolean): Promise<void> {
    await this.sim.call("setNode", [node, up]);
  }
  async stepClock(ns: Nanos): Promise<void> {
    await this.control("step", [ns]);
  }

  exec(node: string, commandLine: string, opts: ExecOptions = {}): Execution {
    const id = this.nextId++;
    const ex = new RemoteExecution(this.sim, id, opts.write);
    if (this.sim.failure !== undefined) {
      ex.refuse(new LabError(this.sim.failure, {}, "internal"));
      return ex;
    }
    this.sim.execs.set(id, ex);
    const m: ToWorker = { type: "exec", exec: id, node, line: commandLine };
    if (opts.user !== undefined) m.user = opts.user;
    if (opts.privileged !== undefined) m.privileged = opts.privileged;
    this.sim.send(m);
    return ex;
  }

  ssh(from: string, host: string, opts: { user?: string; lost?: (message: string) => void } = {}): ShellHop {
    const hop = this.nextId++;
    const landed = new Promise<{ node: string } | { error: string }>((resolve) => {
      this.sim.hops.set(hop, { landed: resolve, ...(opts.lost ? { lost: opts.lost } : {}) });
    });
    const m: ToWorker = { type: "ssh", hop, from, host };
    if (opts.user !== undefined) m.user = opts.user;
    this.sim.send(m);
    return {
      landed,
      close: () => {
        this.sim.hops.delete(hop);
        this.sim.send({ type: "ssh-close", hop });
      },
    };
  }

  /** Link and node events only: what listeners on this thread use (a terminal's "host down"). */
  onEvent(listener: (e: LabEvent) => void, kinds?: readonly LabEventKind[]): () => void {
    const l = ofKinds(listener, kinds);
    this.sim.eventListeners.add(l);
    return () => this.sim.eventListeners.delete(l);
  }

  tapLink(link: string, listener: (t: Nanos, bytes: Uint8Array, origLen: number) => void): () => void {
    if (!this.links().some((l) => l.id === link))
      throw new LabError(`no such link: ${link}`, { field: "link" }, "not-found");
    const tap = this.nextId++;
    this.sim.taps.set(tap, listener);
    this.sim.send({ type: "tap", tap, link });
    return () => {
      this.sim.taps.delete(tap);
      this.sim.send({ type: "untap", tap });
    };
  }

  async advance(): Promise<void> {
    throw new LabError("the lab runs paced in its worker thread: step its clock instead", {}, "unsupported");
  }
  async advanceUntil(): Promise<boolean> {
    throw new LabError("the lab runs paced in its worker thread: step its clock instead", {}, "unsupported");
  }

  close(): Promise<void> {
    return this.sim.close();
  }
}
