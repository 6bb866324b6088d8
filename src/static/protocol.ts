/**
 * @module static/protocol
 * Messages between the page and the browser edition's worker (static/worker.ts). The page
 * turns its fetch and WebSocket calls to `/api/…` into these; the worker answers from its
 * VirtualServer. Plain JSON-able objects only (structured clone).
 */

/** The page asks. */
export type ToWorker =
  /** Boot a lab from a topology file's text (format chosen by the file name, as the CLI does). */
  | { type: "load"; id: number; text: string; fileName: string; seed?: number; speed?: number; user?: string }
  | { type: "request"; id: number; method: string; url: string; body?: unknown }
  | { type: "socket-open"; id: number; url: string }
  | { type: "socket-send"; id: number; data: string }
  | { type: "socket-close"; id: number };

/** The worker answers. */
export type FromWorker =
  | { type: "loaded"; id: number; name: string; nodes: number; links: number; lesson: boolean }
  | { type: "load-error"; id: number; error: string }
  | { type: "response"; id: number; status: number; body: unknown }
  | { type: "socket-message"; id: number; data: string }
  | { type: "socket-closed"; id: number; code: number; reason: string };
