/**
 * @module cli/sim-worker
 * The worker thread of `routelab up --sim-thread worker`: runs the simulator lab (the lesson's
 * rewindable lab and its pacer), the packet store, the per-user counters and the event
 * stream's fanout — each flush encoded here once, as EventFanout does in process — and posts
 * to the main thread only what goes out: the texts and which viewers they go to, the clock,
 * link and node changes, commands' output. Its heap, its collections and its long events never
 * stop the thread that answers HTTP, WebSockets and SSH (issue 23; docs/performance.md).
 *
 * The same classes as in process run here, in the same order on the same lab: the simulation
 * and its output are what they are on the main thread, byte for byte. It lives in cli/ as
 * up.ts does: it builds an engine's lab, which the server (server/sim-thread/remote-lab.ts,
 * the other side) never names (DESIGN.md).
 */
import { parentPort, workerData } from "node:worker_threads";
import type { LabEvent } from "../core/events.js";
import type { Nanos } from "../core/time.js";
import { createLessonLab } from "../engines/sim/lesson.js";
import { stepClock } from "../lab/clock-step.js";
import type { Execution, LinkShape } from "../lab/lab.js";
import { PacketStore } from "../lab/packet-store.js";
import { systemWallClock } from "../sim/index.js";
import type { ShellHop } from "../shell/session.js";
import { packetView } from "../server/http/api-shapes.js";
import { EventFanout, type EventSocket } from "../server/http/event-fanout.js";
import { UserStats } from "../server/http/user-stats.js";
import { journalView, LessonStatusCache, rewindSession } from "../server/lesson-status.js";
import { ThreadWatch, type WorkerLoopFigures } from "../server/loop-watch.js";
import { TapFrames } from "../server/sim-thread/tap-frames.js";
import type {
  CallOp,
  FromWorker,
  LabState,
  PacerFigures,
  ToWorker,
  WireError,
  WorkerInit,
} from "../server/sim-thread/protocol.js";

/** Ticks: the fanout's flush and the clock the main thread mirrors. */
const TICK_MS = 50;
/** Link and node events kept for one tick (a flapping lesson: the snapshot follows anyway). */
const MAX_TICK_EVENTS = 10_000;

const port = parentPort!;
const init = workerData as WorkerInit;
const { lab, session } = createLessonLab(init.topology, { seed: init.seed, wallClock: systemWallClock });
const pacer = lab.pacer!;
pacer.setSpeed(init.speed);
// The clock waits for the main thread's "run", sent once the server listens: a converging lab
// simulating on the other core while the server loads and starts tripled the server's start at
// random-2000 (docs/performance.md, "The simulation's worker, session 10").
pacer.stop();
const post = (m: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer ?? []);

const fanout = new EventFanout(lab, init.fanout);
const stats = new UserStats().attach(lab);
const store = new PacketStore(lab);
const lessonCache = new LessonStatusCache(session);
const bufferedOf = new Int32Array(init.buffered);

let dirty = false;
let tickEvents: LabEvent[] = [];
lab.onEvent(
  (e) => {
    dirty = true;
    if (tickEvents.length < MAX_TICK_EVENTS) tickEvents.push(e);
  },
  ["link", "node"],
);
lab.onRewind((t) => {
  fanout.rewound(t);
  store.clear();
  dirty = true;
  post({ type: "rewound", t, state: state() });
});

function pacerFigures(): PacerFigures {
  const f: PacerFigures = {
    speed: pacer.speed,
    paused: pacer.paused,
    actualSpeed: pacer.actualSpeed,
    behind: pacer.behind,
  };
  if (pacer.work) f.work = { ...pacer.work };
  return f;
}

function state(): LabState {
  const s: LabState = { clock: lab.clock(), horizon: lab.horizon(), inputsApplied: lab.inputsApplied() };
  if (dirty) {
    dirty = false;
    s.snapshot = { nodes: lab.nodes(), links: lab.links() };
  }
  return s;
}

function wireError(e: unknown): WireError {
  if (!(e instanceof Error)) return { name: "Error", message: String(e) };
  const x = e as Error & { pos?: WireError["pos"]; code?: string; status?: number; field?: string };
  const w: WireError = { name: e.name, message: e.message };
  if (x.pos) w.pos = { ...x.pos };
  if (typeof x.code === "string") w.code = x.code;
  if (typeof x.status === "number") w.status = x.status;
  if (typeof x.field === "string") w.field = x.field;
  return w;
}

// --- the event stream's viewers: sockets whose sends are collected and posted once a tick ---

const viewers = new Map<number, ReturnType<EventFanout["add"]>>();
let outbox = new Map<string, number[]>();

function viewerSocket(viewer: number, slot: number): EventSocket {
  return {
    send(text) {
      const to = outbox.get(text);
      if (to) to.push(viewer);
      else outbox.set(text, [viewer]);
    },
    get bufferedAmount() {
      return Atomics.load(bufferedOf, slot);
    },
  };
}

function tick(): void {
  fanout.flush();
  const sends = [...outbox];
  outbox = new Map();
  const events = tickEvents;
  tickEvents = [];
  post({
    type: "tick",
    state: state(),
    pacer: pacerFigures(),
    events,
    sends,
    fanout: { work: { ...fanout.work }, thinned: fanout.thinned },
  });
}

// --- commands: output batched per turn of the loop, the exit status after the last output ---

const execs = new Map<number, Execution>();
let pendingOut: [number, string][] = [];
let outScheduled = false;

function flushOut(): void {
  outScheduled = false;
  if (pendingOut.length === 0) return;
  const chunks = pendingOut;
  pendingOut = [];
  post({ type: "out", chunks });
}

function queueOut(exec: number, chunk: string): void {
  pendingOut.push([exec, chunk]);
  if (!outScheduled) {
    outScheduled = true;
    setImmediate(flushOut);
  }
}

function startExec(m: Extract<ToWorker, { type: "exec" }>): void {
  let ex: Execution;
  try {
    ex = lab.exec(m.node, m.line, {
      ...(m.user !== undefined ? { user: m.user } : {}),
      ...(m.privileged !== undefined ? { privileged: m.privileged } : {}),
      write: (s) => queueOut(m.exec, s),
    });
  } catch (e) {
    flushOut();
    post({ type: "exec-error", exec: m.exec, error: wireError(e) });
    return;
  }
  execs.set(m.exec, ex);
  const exited = (code: number) => {
    execs.delete(m.exec);
    flushOut();
    post({ type: "exit", exec: m.exec, code });
  };
  ex.done.then(exited, () => exited(1));
}

function execOp(m: Extract<ToWorker, { type: "exec-op" }>): void {
  const ex = execs.get(m.exec);
  if (!ex) return;
  try {
    if (m.op === "interrupt") ex.interrupt();
    else if (m.op === "input") ex.input?.(m.text ?? "");
    else ex.endInput?.();
  } catch (e) {
    // The terminal prints what the lab refused (a full journal), as in process.
    queueOut(m.exec, `${e instanceof Error ? e.message : String(e)}\n`);
  }
}

// --- ssh hops and link captures ---

const hops = new Map<number, ShellHop>();
const taps = new Map<number, { off: () => void; frames: TapFrames }>();
let framesScheduled = false;

function flushFrames(): void {
  framesScheduled = false;
  for (const t of taps.values()) t.frames.flush();
}

function scheduleFrames(): void {
  if (framesScheduled) return;
  framesScheduled = true;
  setImmediate(flushFrames);
}

function startTap(tap: number, link: string): void {
  const frames = new TapFrames((f) => post({ type: "frames", tap, frames: f }), scheduleFrames);
  const off = lab.onWire((l, at, bytes) => {
    if (l === link) frames.push(at, bytes);
  });
  taps.set(tap, { off, frames });
}

// --- this thread's figures for the server's loop report (ROUTELAB_LOOP_WATCH) ---

let watch:
  | { thread: ThreadWatch; sim: { ms: number; slices: number }; flush: { flushes: number; ms: number } }
  | undefined;

function startWatch(): void {
  const thread = new ThreadWatch();
  thread.start();
  pacer.work.longestSliceMs = 0;
  fanout.work.longestMs = 0;
  watch = {
    thread,
    sim: { ms: pacer.work.ms, slices: pacer.work.slices },
    flush: { flushes: fanout.work.flushes, ms: fanout.work.ms },
  };
}

function loopFigures(): WorkerLoopFigures | undefined {
  if (!watch) return undefined;
  const { ms, slices, longestSliceMs } = pacer.work;
  const f = fanout.work;
  return {
    ...watch.thread.figures(),
    sim: { ms: ms - watch.sim.ms, slices: slices - watch.sim.slices, longestSliceMs },
    flush: { flushes: f.flushes - watch.flush.flushes, ms: f.ms - watch.flush.ms, longestMs: f.longestMs },
  };
}

// --- calls answered once ---

async function call(op: CallOp, a: unknown[]): Promise<unknown> {
  switch (op) {
    case "routes":
      return lab.routes(a[0] as string);
    case "ospf":
      return lab.ospf(a[0] as string);
    case "setLink":
      lab.setLink(a[0] as string, a[1] as string, a[2] as boolean, (a[3] ?? {}) as { silent?: boolean });
      dirty = true;
      return;
    case "setLinkShape":
      lab.setLinkShape(a[0] as string, a[1] as string, a[2] as LinkShape);
      dirty = true;
      return;
    case "setNode":
      lab.setNode(a[0] as string, a[1] as boolean);
      dirty = true;
      return;
    case "setSpeed":
      return pacer.setSpeed(a[0] as number);
    case "pause":
      return pacer.pause();
    case "resume":
      return pacer.resume();
    case "step":
      return stepClock(lab, a[0] as Nanos);
    case "lessonStatus":
      return lessonCache.get();
    case "journal":
      return journalView(session, a[0] as { since?: unknown; gen?: unknown });
    case "rewind":
      return rewindSession(session, a[0] as string | number);
    case "packet":
      return packetView(store, a[0] as number, lab.engine);
    case "stats":
      return stats.snapshot();
    case "loopFigures":
      return loopFigures();
  }
}

async function answer(id: number, op: CallOp, args: unknown[]): Promise<void> {
  try {
    const value = await call(op, args);
    post({ type: "reply", id, state: state(), value });
  } catch (e) {
    post({ type: "reply", id, state: state(), error: wireError(e) });
  }
}

let timer: ReturnType<typeof setInterval> | undefined;

async function close(): Promise<void> {
  if (timer) clearInterval(timer);
  watch?.thread.stop();
  for (const t of taps.values()) t.off();
  fanout.stop();
  stats.stop();
  store.stop();
  lessonCache.close();
  await lab.close();
  post({ type: "closed" });
  port.close();
}

port.on("message", (m: ToWorker) => {
  switch (m.type) {
    case "call":
      void answer(m.id, m.op, m.args);
      break;
    case "exec":
      startExec(m);
      break;
    case "exec-op":
      execOp(m);
      break;
    case "ssh": {
      let hop: ShellHop;
      try {
        hop = lab.ssh(m.from, m.host, {
          ...(m.user !== undefined ? { user: m.user } : {}),
          lost: (message) => post({ type: "hop-lost", hop: m.hop, message }),
        });
      } catch (e) {
        post({ type: "landed", hop: m.hop, value: { error: e instanceof Error ? e.message : String(e) } });
        break;
      }
      hops.set(m.hop, hop);
      hop.landed.then(
        (value) => post({ type: "landed", hop: m.hop, value }),
        (e: unknown) => post({ type: "landed", hop: m.hop, value: { error: String(e) } }),
      );
      break;
    }
    case "ssh-close":
      hops.get(m.hop)?.close();
      hops.delete(m.hop);
      break;
    case "viewer-add": {
      const h = fanout.add(viewerSocket(m.viewer, m.slot), { compact: m.compact });
      viewers.set(m.viewer, h);
      break;
    }
    case "viewer-set": {
      const h = viewers.get(m.viewer);
      if (m.hideRouting !== undefined) h?.setHideRouting(m.hideRouting);
      if (m.sample !== undefined) h?.setSample(m.sample);
      break;
    }
    case "viewer-remove":
      viewers.get(m.viewer)?.remove();
      viewers.delete(m.viewer);
      break;
    case "tap":
      startTap(m.tap, m.link);
      break;
    case "untap":
      taps.get(m.tap)?.off();
      taps.delete(m.tap);
      break;
    case "run":
      if (m.watch) startWatch();
      pacer.start();
      break;
    case "close":
      void close();
      break;
  }
});

dirty = true;
post({
  type: "ready",
  state: state() as LabState & { snapshot: NonNullable<LabState["snapshot"]> },
  engine: lab.engine,
  pacer: pacerFigures(),
});
timer = setInterval(tick, TICK_MS);
