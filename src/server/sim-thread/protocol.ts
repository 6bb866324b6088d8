/**
 * @module server/sim-thread/protocol
 * The messages between `routelab up`'s main thread (HTTP, WebSockets, SSH, logins) and the
 * worker thread that runs the simulator (cli/sim-worker.ts), one MessagePort both ways, in order.
 * Main → worker: calls answered once (`call`/`reply`), commands and their input (`exec`,
 * `exec-op`), ssh hops, event-stream viewers, link captures. Worker → main: every 50 ms a
 * `tick` (the clock, what the fanout sends to which viewer, already encoded, link and node
 * changes with a fresh snapshot of nodes and links when they changed); commands' output
 * and exit statuses as they come.
 */
import type { LabEvent } from "../../core/events.js";
import type { Nanos } from "../../core/time.js";
import type { ClockState, LinkInfo, NodeInfo, PacerControl } from "../../lab/lab.js";
import type { Topology } from "../../topology/model.js";
import type { FanoutOptions } from "../http/event-fanout.js";
import type { UserCounters } from "../http/user-stats.js";

/** What the worker is started with (workerData). */
export interface WorkerInit {
  topology: Topology;
  seed: number;
  speed: number;
  fanout?: FanoutOptions;
  /** One Int32 slot per viewer: its socket's bufferedAmount, written by the main thread. */
  buffered: SharedArrayBuffer;
}

/** Nodes and links as the server shows them (the mirror the main thread answers from). */
export interface Snapshot {
  nodes: NodeInfo[];
  links: LinkInfo[];
}

/** The worker's view of its own state, carried by every tick and reply. */
export interface LabState {
  clock: ClockState;
  horizon: Nanos;
  inputsApplied: number;
  /** Present when nodes or links changed since the last message that carried one. */
  snapshot?: Snapshot;
}

/** An error thrown in the worker, rebuilt as the same class on the main thread. */
export interface WireError {
  name: string;
  message: string;
  pos?: { file?: string; line?: number; col?: number; field?: string };
  code?: string;
  status?: number;
  field?: string;
}

export type CallOp =
  | "routes"
  | "ospf"
  | "setLink"
  | "setLinkShape"
  | "setNode"
  | "setSpeed"
  | "pause"
  | "resume"
  | "step"
  | "lessonStatus"
  | "journal"
  | "rewind"
  | "packet"
  | "stats"
  | "loopFigures";

export type ToWorker =
  | { type: "call"; id: number; op: CallOp; args: unknown[] }
  | { type: "exec"; exec: number; node: string; line: string; user?: string; privileged?: boolean }
  | { type: "exec-op"; exec: number; op: "interrupt" | "input" | "endInput"; text?: string }
  | { type: "ssh"; hop: number; from: string; host: string; user?: string }
  | { type: "ssh-close"; hop: number }
  | { type: "viewer-add"; viewer: number; slot: number; compact: boolean }
  | { type: "viewer-set"; viewer: number; hideRouting?: boolean; sample?: boolean }
  | { type: "viewer-remove"; viewer: number }
  | { type: "tap"; tap: number; link: string }
  | { type: "untap"; tap: number }
  /**
   * The server listens: the lab's clock starts (it waits from the lab's boot until then);
   * `watch`: the worker keeps its thread's figures for the server's loop report ("loopFigures").
   */
  | { type: "run"; watch?: boolean }
  | { type: "close" };

export interface PacerFigures {
  speed: number;
  paused: boolean;
  actualSpeed: number | undefined;
  behind: boolean;
  work?: NonNullable<PacerControl["work"]>;
}

export type FromWorker =
  | { type: "ready"; state: LabState & { snapshot: Snapshot }; engine: string; pacer: PacerFigures }
  | {
      type: "tick";
      state: LabState;
      pacer: PacerFigures;
      /** Link and node events since the last tick (the terminals' "host down", the mirror). */
      events: LabEvent[];
      /** Each text the fanout sent this flush, with the viewers it went to. */
      sends: [string, number[]][];
      fanout: { work: { flushes: number; events: number; ms: number; longestMs: number }; thinned: number };
    }
  | { type: "reply"; id: number; state: LabState; value?: unknown; error?: WireError }
  | { type: "out"; chunks: [number, string][] }
  | { type: "exit"; exec: number; code: number }
  | { type: "exec-error"; exec: number; error: WireError }
  | { type: "landed"; hop: number; value: { node: string } | { error: string } }
  | { type: "hop-lost"; hop: number; message: string }
  | { type: "frames"; tap: number; frames: [Nanos, Uint8Array, number][] }
  | { type: "rewound"; t: Nanos; state: LabState }
  | { type: "closed" };

export type StatsReply = Record<string, UserCounters>;

/** The most viewers of the event stream at once (slots of the shared bufferedAmount array). */
export const MAX_VIEWERS = 4096;
