/**
 * @module engines/sim/rewind
 * `RewindableLab`: the simulator lab with a journal, so the instructor can step back as well as
 * forward (issue 9, "Rewind"). Every input (link/node changes, commands, Ctrl-C) is journaled
 * with its moment (engines/sim/timeline.ts). To rewind to `t`, the lab is rebuilt from the
 * topology and seed and the journal replayed up to `t`: the network, the tables and the event
 * stream are then exactly as they were when `t` was first reached. Playing on re-applies the
 * recorded future at the same points ("play on"); any new input drops it ("branch").
 *
 * Rebuild and replay is used rather than snapshots: a simulated network is a web of closures
 * and timers that does not serialize, and replay is fast (the seed class's hour of routing traffic
 * replays in well under a second; see rewind.test.ts for the measured figure).
 *
 * The same replay makes `fork(t)`: a separate copy of the lab at `t` in which checks send their
 * probes without disturbing the real network, its picture or its journal.
 *
 * Inputs are expected from outside the simulator's event loop (HTTP handlers, SSH sessions,
 * scripts), as they all are: an input made from inside an event listener would be replayed just
 * after that event rather than in the middle of it.
 *
 * Commands still running when the lab is rewound end for their caller with status 130 (as if
 * interrupted): the terminal that started them gets its prompt back; the replayed copy of such a
 * command runs on silently in the rebuilt lab, exactly as it ran the first time.
 */
import type { LabEvent, LabEventKind } from "../../core/events.js";
import { LabError } from "../../core/errors.js";
import type { Nanos } from "../../core/time.js";
import type {
  ClockState,
  ExecOptions,
  Execution,
  LinkInfo,
  LinkShape,
  NodeInfo,
  PacerControl,
  OspfView,
  RouteInfo,
  TimelineFollower,
  WireListener,
} from "../../lab/lab.js";
import { ofKinds } from "../../lab/lab.js";
import { clockState } from "../../lab/clock-step.js";
import type { JournalEntry, JournalPage, RewindableLabView } from "../../lab/lesson-view.js";
import { checkShape, describeShape } from "../../lab/link-shape.js";
import {
  type PlayedSchedule,
  playSchedule,
  type ScheduleEntry,
  scheduleView,
} from "../../lab/lesson-schedule.js";
import { justBefore, Pacer, type SliceRunner, type WallClock } from "../../sim/index.js";
import type { LessonEvent } from "../../topology/lesson-model.js";
import type { Topology } from "../../topology/model.js";
import { createSimLab } from "./index.js";
import type { SimLab } from "./sim-lab.js";
import type { ShellHop } from "../../shell/session.js";

export type { JournalEntry, JournalPage } from "../../lab/lesson-view.js";
import { ENTRY_OVERHEAD, JournalQuota } from "./journal-quota.js";
import { type Input, type InputBody, Timeline } from "./timeline.js";

export interface RewindableOptions {
  seed?: number;
  /** Pace the clock in real time (server); unpaced when absent. */
  wallClock?: WallClock;
  /** The fault schedule to play (default: the topology's lesson events). */
  events?: readonly LessonEvent[];
  /** Output of scheduled commands (not of their replays). */
  write?: (s: string) => void;
  /**
   * The journal's bounds (engines/sim/journal-quota.ts). Default: the limits of core/limits.ts,
   * with the per-person rate on `wallClock` when there is one (unpaced labs are not rate limited).
   */
  quota?: JournalQuota;
}

/** Exit status a rewound command reports to its caller. */
export const REWOUND_EXIT = 130;

class ExecProxy implements Execution {
  readonly done: Promise<number>;
  private resolve!: (code: number) => void;
  private inner: Execution | undefined;
  private code: number | undefined;
  /** Ctrl-C was journaled for it. */
  interrupted = false;

  /** Typed input and its end, journaled by the lab (set there). */
  input?: (text: string) => void;
  endInput?: () => void;

  constructor(
    private readonly out: ((s: string) => void) | undefined,
    readonly interrupt: () => void,
  ) {
    this.done = new Promise((r) => {
      this.resolve = r;
    });
  }

  readonly write = (s: string) => {
    if (this.code === undefined) this.out?.(s);
  };

  bind(x: Execution): void {
    this.inner = x;
    x.done.then((c) => {
      if (this.code === undefined) {
        this.code = c;
        this.resolve(c);
      }
    });
  }

  get exitCode(): number | undefined {
    return this.code ?? this.inner?.exitCode;
  }

  /** Ends it for the caller (the lab was rewound under it). */
  detach(code: number): void {
    if (this.code !== undefined) return;
    this.code = code;
    this.resolve(code);
  }
}

export class RewindableLab implements RewindableLabView {
  readonly engine = "sim";
  readonly pacer?: PacerControl & Pacer;
  private line: Timeline;
  private played!: PlayedSchedule;
  private readonly listeners = new Set<(e: LabEvent) => void>();
  private readonly rewindListeners = new Set<(t: Nanos) => void>();
  private readonly followers = new Set<TimelineFollower>();
  /** Counts the SimLabs built: the newest is the timeline's. */
  private generation = 0;
  private readonly proxies = new Map<number, ExecProxy>();
  /** Who hears that a live `ssh` connection (by journal id) ended by itself (the session). */
  private readonly hopLost = new Map<number, (message: string) => void>();
  private nextExec = 1;
  private replayTap: ((e: LabEvent) => void) | null = null;
  private replaying = false;
  private readonly wireListeners = new Set<WireListener>();
  /** Unsubscribes from the current SimLab's frames (set while anyone listens to `onWire`). */
  private wireOff: (() => void) | null = null;
  private reached: Nanos = 0;
  private readonly events: readonly LessonEvent[];
  private readonly quota: JournalQuota;
  /** Bytes the recorded inputs hold (as JournalQuota counts them). */
  private heldBytes = 0;
  /** Entries recorded (applied and future) when last counted: fewer now means some were dropped. */
  private recorded = 0;
  /** The journal's generation and, per generation since the oldest kept, the entries it kept. */
  private gen = 0;
  private readonly kept: { gen: number; kept: number }[] = [];

  constructor(
    readonly topology: Topology,
    private readonly opts: RewindableOptions = {},
  ) {
    this.events = opts.events ?? topology.lesson?.events ?? [];
    const wall = opts.wallClock;
    this.quota = opts.quota ?? new JournalQuota(wall ? () => wall.now() : undefined);
    this.line = this.liveTimeline([]);
    if (opts.wallClock) {
      // The pacer drives this lab (through the journal), not one SimLab: it survives rewinds.
      const driver: SliceRunner = {
        now: () => this.line.lab.net.scheduler.now(),
        runUntil: (t: Nanos) => this.drive(t),
        runSlice: (t: Nanos, maxEvents: number) => this.drive(t, undefined, maxEvents),
        runSliceBefore: (t: Nanos, maxEvents: number) => {
          // The journal's inputs due before t are applied on the way, as in runSlice.
          if (!this.drive(justBefore(t), undefined, maxEvents)) return false;
          this.line.lab.net.scheduler.advanceTo(t);
          this.reached = Math.max(this.reached, this.line.lab.net.scheduler.now());
          return true;
        },
      };
      const p = new Pacer(driver, opts.wallClock);
      this.pacer = p;
      p.start();
    }
  }

  /** A fresh, unpaced SimLab with the fault schedule on its clock. */
  private build(write: (s: string) => void): { lab: SimLab; played: PlayedSchedule } {
    const lab = createSimLab(this.topology, { seed: this.opts.seed ?? 1 });
    const played = playSchedule(lab, this.events, (t, fn) => lab.net.scheduler.at(t, fn), { write });
    return { lab, played };
  }

  private liveTimeline(future: Input[]): Timeline {
    const out = this.opts.write;
    const { lab, played } = this.build((s) => {
      if (!this.replaying) out?.(s);
    });
    this.played = played;
    // A lab left behind by a rewind is closed; whatever it still says is no one's timeline.
    const generation = ++this.generation;
    lab.onEvent((e) => {
      if (generation === this.generation) for (const f of this.followers) f.event(e);
      if (this.replaying) this.replayTap?.(e);
      else for (const l of this.listeners) l(e);
    });
    this.tapWire(lab);
    return new Timeline(
      lab,
      future,
      (id) => this.proxies.get(id)?.write,
      (id) => this.hopLost.get(id),
    );
  }

  /** Follows `lab`'s frames while anyone listens; a replay's frames are nobody's (as its events). */
  private tapWire(lab: SimLab): void {
    this.wireOff?.();
    this.wireOff = null;
    if (this.wireListeners.size === 0) return;
    this.wireOff = lab.onWire((link, t, bytes, packet) => {
      if (this.replaying) return;
      for (const l of this.wireListeners) l(link, t, bytes, packet);
    });
  }

  /** The SimLab behind this lab right now (it changes on rewind: do not keep it). */
  get current(): SimLab {
    return this.line.lab;
  }

  private drive(until: Nanos, cond?: () => boolean, maxEvents?: number): boolean {
    const held = this.line.drive(until, cond, maxEvents);
    this.reached = Math.max(this.reached, this.line.lab.net.scheduler.now());
    return held;
  }

  /**
   * Applies a new input: journaled, and the recorded future (if any) is dropped — a branch.
   * `user` is who made it, for the per-person rate (none for the instructor's link and node
   * changes). Throws a LabError (code `limit`) when the journal's bounds refuse it.
   */
  private input(body: InputBody, user?: string): Execution | ShellHop | undefined {
    this.noteDropped();
    const line = this.line;
    const bytes = inputBytes(body);
    const held = line.future.length ? sumBytes(line.applied) : this.heldBytes;
    // A Ctrl-C and an ssh hop's exit always pass (no one may be stuck in a running command or
    // on a far node): journaled past the bound and the rate, at most one per command or hop
    // admitted, so the overrun is bounded by what was admitted, and a rewind still replays it.
    if (body.kind !== "interrupt" && body.kind !== "ssh-close")
      this.quota.admit(user, bytes, line.applied.length, held);
    const i = line.stamp(body);
    const x = line.apply(i);
    if (line.future.length) {
      line.future = [];
      this.dropped(line.applied.length - 1, held);
    }
    this.heldBytes += bytes;
    this.recorded = line.applied.length;
    return x;
  }

  /** Recorded entries from index `kept` on are gone (a branch, or a replay that diverged). */
  private dropped(kept: number, heldBefore: number): void {
    this.heldBytes = heldBefore;
    this.gen++;
    this.kept.push({ gen: this.gen, kept });
    if (this.kept.length > 1000) this.kept.shift();
  }

  private noteDropped(): void {
    const line = this.line;
    if (line.applied.length + line.future.length < this.recorded) {
      // Only a diverged replay drops the future by itself (it should not happen: see Timeline).
      this.dropped(line.applied.length, sumBytes(line.applied) + sumBytes(line.future));
      this.recorded = line.applied.length + line.future.length;
    }
  }

  nodes(): NodeInfo[] {
    return this.line.lab.nodes();
  }
  links(): LinkInfo[] {
    return this.line.lab.links();
  }
  routes(node: string): RouteInfo[] {
    return this.line.lab.routes(node);
  }
  ospf(node: string): OspfView | undefined {
    return this.line.lab.ospf(node);
  }

  exec(node: string, commandLine: string, opts: ExecOptions = {}): Execution {
    this.line.lab.node(node); // unknown node: throw before anything is journaled
    const id = this.nextExec++;
    const proxy = new ExecProxy(opts.write, () => {
      // One Ctrl-C per command is journaled: more would only add entries.
      if (proxy.exitCode === undefined && this.proxies.get(id) === proxy && !proxy.interrupted) {
        this.input({ kind: "interrupt", id });
        proxy.interrupted = true;
      }
    });
    // Typed input is journaled as it comes (a rewind replays it at the same event), for as long as the command runs.
    const running = () => proxy.exitCode === undefined && this.proxies.get(id) === proxy;
    proxy.input = (text) => {
      if (running() && text.length > 0) this.input({ kind: "stdin", id, text }, opts.user ?? "root");
    };
    proxy.endInput = () => {
      if (running()) this.input({ kind: "eof", id }, opts.user ?? "root");
    };
    this.proxies.set(id, proxy);
    try {
      // The instructor's root rights are part of the input: replayed, the command acts the same.
      const body: InputBody = { kind: "exec", id, node, line: commandLine, user: opts.user ?? "root" };
      if (opts.privileged) body.privileged = true;
      const x = this.input(body, body.user) as Execution;
      proxy.bind(x);
      x.done.then(() => this.proxies.delete(id));
    } catch (e) {
      this.proxies.delete(id);
      throw e;
    }
    return proxy;
  }

  /**
   * A terminal's `ssh HOST` (SimLab.ssh), journaled like a command: a rewind replays the
   * connection, and `exit` (close) is an input too.
   */
  ssh(from: string, host: string, opts: { user?: string; lost?: (message: string) => void } = {}): ShellHop {
    this.line.lab.node(from); // unknown node: throw before anything is journaled
    const id = this.nextExec++;
    const user = opts.user ?? "root";
    if (opts.lost) this.hopLost.set(id, opts.lost);
    const hop = this.input({ kind: "ssh", id, from, host, user }, user) as ShellHop;
    let closed = false;
    return {
      landed: hop.landed,
      close: () => {
        if (closed) return;
        closed = true;
        this.hopLost.delete(id);
        this.input({ kind: "ssh-close", id });
      },
    };
  }

  setLink(a: string, b: string, up: boolean, opts: { silent?: boolean } = {}): void {
    this.input({ kind: "link", a, b, up, silent: !up && (opts.silent ?? false) });
  }

  setLinkShape(a: string, b: string, shape: LinkShape): void {
    this.line.lab.findLink(a, b); // refused before anything is journaled
    checkShape(shape);
    this.input({ kind: "shape", a, b, shape: { ...shape } });
  }

  setNode(node: string, up: boolean): void {
    this.input({ kind: "node", node, up });
  }

  onEvent(listener: (e: LabEvent) => void, kinds?: readonly LabEventKind[]): () => void {
    // The timeline keeps every event for its followers, so the inner lab builds them all anyway.
    const l = ofKinds(listener, kinds);
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  onWire(listener: WireListener): () => void {
    this.wireListeners.add(listener);
    if (this.wireListeners.size === 1) this.tapWire(this.line.lab);
    return () => {
      this.wireListeners.delete(listener);
      if (this.wireListeners.size === 0) this.tapWire(this.line.lab);
    };
  }

  followTimeline(follower: TimelineFollower): () => void {
    this.followers.add(follower);
    return () => this.followers.delete(follower);
  }

  /** Called after every rewind with the moment rewound to (the page redraws; records truncate). */
  onRewind(listener: (t: Nanos) => void): () => void {
    this.rewindListeners.add(listener);
    return () => this.rewindListeners.delete(listener);
  }

  clock(): ClockState {
    return clockState(this.line.lab.net.scheduler.now(), this.pacer);
  }

  async advance(ns: Nanos): Promise<void> {
    this.drive(this.line.lab.net.scheduler.now() + ns);
  }

  async advanceUntil(cond: () => boolean, max: Nanos): Promise<boolean> {
    return this.drive(this.line.lab.net.scheduler.now() + max, cond);
  }

  /** The fault schedule, for the page's timeline. */
  schedule(): ScheduleEntry[] {
    return scheduleView(this.events, this.clock().now);
  }

  /** Whether every scheduled change has happened and the commands it started have ended. */
  scheduleFinished(): boolean {
    return this.played.finished();
  }

  /** The latest moment this lab has reached (the end of the timeline; rewinding does not lower it). */
  horizon(): Nanos {
    return this.reached;
  }

  /** Inputs so far, and those recorded after now that playing on will re-apply. */
  journal(): { past: JournalEntry[]; future: JournalEntry[] } {
    return { past: this.line.applied.map(entryView), future: this.line.future.map(entryView) };
  }

  /** How many inputs have been applied (cheap: the status cache keys on it). */
  inputsApplied(): number {
    return this.line.applied.length;
  }

  /**
   * The journal from entry `since` on, at most `limit` entries, for a client that holds the
   * entries before `since` as of generation `gen` (none: it holds nothing). When entries it
   * holds were dropped since (a branch), the page starts where they were.
   */
  journalSince(since: number, gen: number | undefined, limit: number): JournalPage {
    this.noteDropped();
    const { applied, future } = this.line;
    const total = applied.length + future.length;
    let from = gen === undefined || gen > this.gen ? 0 : Math.max(0, Math.min(since, total));
    if (gen !== undefined && gen < this.gen) {
      const oldest = this.kept[0];
      if (!oldest || oldest.gen > gen + 1) from = 0;
      for (const k of this.kept) if (k.gen > gen) from = Math.min(from, k.kept);
    }
    const end = Math.min(total, from + Math.max(0, limit));
    const entries: JournalEntry[] = [];
    for (let i = from; i < end; i++)
      entries.push(entryView(i < applied.length ? applied[i]! : future[i - applied.length]!));
    return { gen: this.gen, from, entries, applied: applied.length, total };
  }

  /**
   * Makes the lab as it was at `t`: rebuilt and replayed to `t` (or, for a later `t`, run on to
   * it). A paced lab is left paused there. `events` receives the replayed events (tests compare
   * them with the original stream); listeners of `onEvent` do not see the replay.
   */
  rewindTo(t: Nanos, opts: { events?: (e: LabEvent) => void } = {}): void {
    if (!(t >= 0)) throw new LabError(`cannot rewind to ${t}`, { field: "t" }, "usage");
    if (this.pacer && !this.pacer.paused) this.pacer.pause();
    const now = this.clock().now;
    if (t >= now) {
      this.drive(t);
      return;
    }
    const recorded = [...this.line.applied, ...this.line.future];
    for (const p of this.proxies.values()) p.detach(REWOUND_EXIT);
    this.proxies.clear();
    void this.line.lab.close();
    this.replaying = true;
    this.replayTap = opts.events ?? null;
    for (const f of this.followers) f.restart();
    try {
      this.line = this.liveTimeline(recorded);
      this.drive(t);
    } finally {
      this.replaying = false;
      this.replayTap = null;
    }
    for (const l of this.rewindListeners) l(t);
  }

  /**
   * A separate copy of this lab at `t` (default now; at most now), unpaced, with no listeners:
   * probes sent in it change nothing here. Close it when done.
   */
  async fork(t?: Nanos): Promise<SimLab> {
    const now = this.clock().now;
    const at = Math.min(t ?? now, now);
    const { lab } = this.build(() => {});
    const tl = new Timeline(lab, [...this.line.applied, ...this.line.future]);
    tl.drive(at);
    return lab;
  }

  async close(): Promise<void> {
    (this.pacer as Pacer | undefined)?.stop();
    for (const p of this.proxies.values()) p.detach(REWOUND_EXIT);
    this.listeners.clear();
    this.rewindListeners.clear();
    this.followers.clear();
    await this.line.lab.close();
  }
}

function entryView(i: Input): JournalEntry {
  // The page's journal knows commands: an ssh hop and its exit, and a line typed to a command,
  // are a person's input like them (Ctrl-D is Ctrl-C's twin).
  const kind =
    i.kind === "ssh" || i.kind === "ssh-close" || i.kind === "stdin"
      ? "exec"
      : i.kind === "eof"
        ? "interrupt"
        : i.kind;
  return { t: i.t, kind, text: describeInput(i) };
}

/** What an input weighs in the journal's byte bound. */
function inputBytes(i: InputBody | Input): number {
  if (i.kind === "ssh") return ENTRY_OVERHEAD + i.from.length + i.host.length + i.user.length;
  if (i.kind === "stdin") return ENTRY_OVERHEAD + i.text.length;
  return ENTRY_OVERHEAD + (i.kind === "exec" ? i.line.length + i.node.length + i.user.length : 0);
}

function sumBytes(list: readonly Input[]): number {
  let n = 0;
  for (const i of list) n += inputBytes(i);
  return n;
}

function describeInput(i: Input): string {
  switch (i.kind) {
    case "link":
      return `link ${i.a}–${i.b} ${i.up ? "up" : "down"}${i.silent ? " (silent)" : ""}`;
    case "node":
      return `node ${i.node} ${i.up ? "up" : "down"}`;
    case "shape":
      return `link ${i.a}–${i.b} ${describeShape(i.shape)}`;
    case "exec":
      return `${i.user === "root" ? "" : `${i.user}@`}${i.node}: ${i.line}`;
    case "interrupt":
      return `Ctrl-C (command ${i.id})`;
    case "stdin":
      return `input to command ${i.id} (${i.text.length} characters)`;
    case "eof":
      return `Ctrl-D (command ${i.id})`;
    case "ssh":
      return `${i.user === "root" ? "" : `${i.user}@`}${i.from}: ssh ${i.host}`;
    case "ssh-close":
      return `exit (ssh ${i.id})`;
  }
}
