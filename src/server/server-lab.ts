/**
 * @module server/server-lab
 * What the server needs of a lab. An in-process engine's Lab fits as it is; `routelab up
 * --sim-thread worker` gives the server a facade (sim-thread/remote-lab.ts) whose reads of
 * simulation state (a routing table, OSPF, a control that changes the network and must say
 * how it went) are answered by the worker thread that runs the simulator, so they may be
 * promises. Synchronous reads (nodes, links, clock) stay synchronous: the facade mirrors them.
 * The server awaits every call typed Awaitable here (awaiting a plain value costs a microtask).
 */
import { stepClock } from "../lab/clock-step.js";
import type { Nanos } from "../core/time.js";
import type { Lab, LinkShape, OspfView, PacerControl, RouteInfo } from "../lab/lab.js";

export type Awaitable<T> = T | Promise<T>;

/** The clock controls the server uses (the remote facade's answer once the worker applied them). */
export interface ServerPacer
  extends Pick<PacerControl, "speed" | "paused" | "actualSpeed" | "behind" | "work"> {
  setSpeed(x: number): Awaitable<void>;
  pause(): Awaitable<void>;
  resume(): Awaitable<void>;
}

export interface ServerLab
  extends Omit<Lab, "routes" | "ospf" | "setLink" | "setLinkShape" | "setNode" | "pacer"> {
  routes(node: string): Awaitable<RouteInfo[]>;
  ospf?(node: string): Awaitable<OspfView | undefined>;
  setLink(a: string, b: string, up: boolean, opts?: { silent?: boolean }): Awaitable<void>;
  setLinkShape(a: string, b: string, shape: LinkShape): Awaitable<void>;
  setNode(node: string, up: boolean): Awaitable<void>;
  readonly pacer?: ServerPacer;
  /**
   * The instructor's step, where the lab runs elsewhere (the worker runs stepClock itself).
   * Absent on an in-process Lab, which the server steps with lab/clock-step.ts.
   */
  stepClock?(ns: Nanos): Promise<void>;
}

/** Steps the lab's clock by `ns`: the worker's own step, or stepClock on an in-process Lab. */
export function stepServerLab(lab: ServerLab, ns: Nanos): Promise<void> {
  if (lab.stepClock) return lab.stepClock(ns);
  // Without stepClock the lab is an in-process engine's Lab (the only other ServerLab).
  return stepClock(lab as unknown as Lab, ns);
}

/** `then` after `r`: at once when `r` is a value, once it settles when it is a promise. */
export function afterward<T>(r: Awaitable<void>, then: () => T): T | Promise<T> {
  return r instanceof Promise ? r.then(then) : then();
}
