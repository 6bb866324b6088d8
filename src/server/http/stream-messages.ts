/**
 * @module server/http/stream-messages
 * The messages of the API's two WebSockets, both ways, as types the page imports (web/src:
 * stream.ts, terminal.ts, api.ts) so the page reads what the server writes, not a copy.
 * Types only: nothing here runs, and web/ type-checks it without Node.
 *
 * `/api/events` (events-ws.ts, the browser edition's virtual-server.ts): the server sends
 * BatchMessage (built by event-fanout.ts), the page may send EventsClientMessage.
 * `/api/terminal` (terminal-ws.ts): the page sends TerminalClientMessage, the server
 * TerminalServerMessage.
 */
import type { LabEvent } from "../../core/events.js";
import type { ClockState } from "../../lab/lab.js";

/** A gap in a client's stream: `count` events were thinned out here. */
export interface MissedMarker {
  kind: "missed";
  t: number;
  count: number;
}

/**
 * The lab was rewound to `t` (issue 9): everything shown before is history of another branch,
 * so the page clears its picture and re-reads nodes, links and routes.
 */
export interface RewindMarker {
  kind: "rewind";
  t: number;
}

export type StreamEvent = LabEvent | MissedMarker | RewindMarker;

/** What a sampled batch says about itself: 1 packet in `every`; hops left out, per link. */
export interface SampleInfo {
  every: number;
  /** Hops and deliveries left out of this batch. */
  hidden: number;
  /** Hops left out, by link id. */
  links: Record<string, number>;
  /** Past what the event log shows: the route changes of 1 router in `routeEvery` are sent. */
  routeEvery?: number;
  /** Route changes left out of this batch (present with `routeEvery`). */
  routesHidden?: number;
}

/** The message the page receives. */
export interface BatchMessage {
  type: "batch";
  clock: ClockState;
  events: StreamEvent[];
  /** Present for a viewer that asked for a sample, when this batch is one (fanout-sample.ts). */
  sample?: SampleInfo;
}

/**
 * Page → `/api/events`: leave routing chatter (every routing protocol's packets,
 * core/routing-traffic.ts) out of this client's batches, or put it back. The name is API: it
 * stays `hide-rip`, from when RIP was the only protocol (docs/api.md).
 */
export interface HideRipMessage {
  type: "hide-rip";
  value: boolean;
}
/** Page → `/api/events`: past what it can draw, send a sample of the packets (fanout-sample.ts). */
export interface SampleMessage {
  type: "sample";
  value: boolean;
}
export type EventsClientMessage = HideRipMessage | SampleMessage;

/** Page → `/api/terminal`: keystrokes (at most 4 KiB a frame) and the terminal's size. */
export type TerminalClientMessage =
  | { type: "input"; data: string }
  | { type: "resize"; cols: number; rows: number };

/** `/api/terminal` → page: the shell's output, its exit status when it ends, or why none started. */
export type TerminalServerMessage =
  | { type: "output"; data: string }
  | { type: "exit"; code: number }
  | { type: "error"; error: string };
