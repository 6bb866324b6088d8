/**
 * @module server/http/sim-services
 * What the HTTP server keeps beside the lab: the event stream's fanout, the per-user packet
 * counters, the packet store and the lesson's API. In process they are built on the Lab here
 * (server.ts); with the simulation in a worker thread (`routelab up --sim-thread worker`,
 * sim-thread/) they live in the worker next to the simulator, which encodes each flush once and
 * answers the rest by message: the server gets these facades instead.
 */
import type { Nanos } from "../../core/time.js";
import type { ClockState } from "../../lab/lab.js";
import type { JournalPage, LessonStatus, LessonView } from "../../lab/lesson-view.js";
import { journalView, LessonStatusCache, rewindSession } from "../lesson-status.js";
import type { Awaitable } from "../server-lab.js";
import type { PacketSource } from "./api-packets.js";
import type { EventSocket } from "./event-fanout.js";
import type { UserCounters } from "./user-stats.js";

/** A viewer's handle in the fanout. */
export interface FanoutHandle {
  remove(): void;
  setHideRouting(hide: boolean): void;
  setSample(on: boolean): void;
}

/** What the server does with the event fanout (EventFanout, or the worker's through a facade). */
export interface FanoutService {
  add(socket: EventSocket, opts?: { compact?: boolean }): FanoutHandle;
  start(): void;
  stop(): void;
  /** The lab was rewound to `t` (the worker's fanout hears it there: a no-op on the facade). */
  rewound(t: number): void;
  readonly work: { flushes: number; events: number; ms: number; longestMs: number };
  /** Viewers connected. */
  readonly size: number;
  /** Events dropped for lack of room, all viewers together. */
  readonly thinned: number;
}

/** `GET /api/stats`: per-user packet counters. */
export interface StatsService {
  snapshot(): Awaitable<Record<string, UserCounters>>;
  stop(): void;
}

/** The lesson API's answers (server/lesson-status.ts on a LessonView, or the worker's). */
export interface LessonService {
  status(): Promise<LessonStatus>;
  journal(query: { since?: unknown; gen?: unknown }): Awaitable<JournalPage & { now: Nanos; horizon: Nanos }>;
  rewind(t: string | number): Awaitable<ClockState & { paced: boolean; horizon: Nanos }>;
  onRewind(listener: (t: Nanos) => void): () => void;
  close(): void;
}

/** The services of a lab whose simulation runs elsewhere (sim-thread/remote-lab.ts makes them). */
export interface SimServices {
  fanout: FanoutService;
  stats: StatsService;
  packets: PacketSource;
  lesson?: LessonService;
}

/** The lesson API on an in-process LessonView: its status shared between pollers for a second. */
export function localLesson(session: LessonView): LessonService {
  const cache = new LessonStatusCache(session);
  return {
    status: () => cache.get(),
    journal: (query) => journalView(session, query),
    rewind: (t) => rewindSession(session, t),
    onRewind: (listener) => session.lab.onRewind(listener),
    close: () => cache.close(),
  };
}
