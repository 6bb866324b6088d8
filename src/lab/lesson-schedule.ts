/**
 * @module lab/lesson-schedule
 * Plays a lesson's fault schedule (`events:`) on a lab: each change happens at its virtual time,
 * through the Lab interface, so it looks to everyone (the page, the checks, the event stream)
 * exactly like an instructor's click at that moment. The timer is passed in — the simulator's
 * own clock (`scheduler.at`) — so scheduled changes fall between packets deterministically,
 * paced or not, and a rebuilt lab (rewind) replays them identically.
 *
 * `scheduleView` describes the schedule for the page's timeline: what happens when, and whether
 * it already has.
 */
import { formatDuration, type Nanos } from "../core/time.js";
import type { LessonEvent } from "../topology/lesson-model.js";
import type { Execution, Lab, LinkShape } from "./lab.js";
import { describeShape } from "./link-shape.js";

/** Calls `fn` when the lab's virtual clock reaches `t`. */
export type LabTimer = (t: Nanos, fn: () => void) => void;

/** One line of the page's timeline. */
export interface ScheduleEntry {
  /** `e1`, `e2`, … in time order. */
  id: string;
  at: Nanos;
  kind: LessonEvent["kind"];
  /** `link vm1–vm2 down (silent)`, `link vm1–vm2 loss 10%`, `node vm3 down`, `alice@vm4: traceroute vm9`. */
  text: string;
  /** Line of the topology file that states it. */
  line?: number;
  /** Its time has come (it ran). */
  done: boolean;
}

/** A short description of a scheduled change, for the timeline and run output. */
export function describeLessonEvent(e: LessonEvent): string {
  switch (e.kind) {
    case "link":
      return `link ${e.a}–${e.b} ${e.up ? "up" : "down"}${e.silent ? " (silent)" : ""}`;
    case "node":
      return `node ${e.node} ${e.up ? "up" : "down"}`;
    case "shape":
      return `link ${e.a}–${e.b} ${describeShape(e)}`;
    case "run":
      return `${e.user === "root" ? "" : `${e.user}@`}${e.node}: ${e.command}`;
  }
}

/** The delay and loss a shape event sets (only those it names). */
function shapeOf(e: { delay?: Nanos; loss?: number }): LinkShape {
  const shape: LinkShape = {};
  if (e.delay !== undefined) shape.delay = e.delay;
  if (e.loss !== undefined) shape.loss = e.loss;
  return shape;
}

/** The schedule as the page shows it, relative to the clock `now`. */
export function scheduleView(events: readonly LessonEvent[], now: Nanos): ScheduleEntry[] {
  return events.map((e, i) => {
    const s: ScheduleEntry = {
      id: `e${i + 1}`,
      at: e.at,
      kind: e.kind,
      text: describeLessonEvent(e),
      done: e.at <= now,
    };
    if (e.pos.line !== undefined) s.line = e.pos.line;
    return s;
  });
}

export interface PlayOptions {
  /** Output of scheduled commands, with a prompt line before each (the CLI prints it). */
  write?: (s: string) => void;
}

/** What a played schedule leaves behind: commands it started, to wait for at the end of a run. */
export interface PlayedSchedule {
  /** Time of the last scheduled change. */
  readonly end: Nanos;
  /** Whether every change has happened and every command it started has finished. */
  finished(): boolean;
}

/**
 * Schedules every event on `lab` through `timer`. Changes that cannot apply (a link to a node
 * that is down is still set; an unknown name was refused when the file was read) are reported
 * to `write` rather than thrown into the simulator's event loop.
 */
export function playSchedule(
  lab: Lab,
  events: readonly LessonEvent[],
  timer: LabTimer,
  opts: PlayOptions = {},
): PlayedSchedule {
  const write = opts.write ?? (() => {});
  const started: Execution[] = [];
  let fired = 0;
  for (const e of events) {
    timer(e.at, () => {
      fired++;
      try {
        if (e.kind === "link") lab.setLink(e.a, e.b, e.up, { silent: e.silent });
        else if (e.kind === "node") lab.setNode(e.node, e.up);
        else if (e.kind === "shape") lab.setLinkShape(e.a, e.b, shapeOf(e));
        else {
          const prompt = e.user === "root" ? `${e.node}# ` : `${e.user}@${e.node}$ `;
          write(`[${formatDuration(e.at)}] ${prompt}${e.command}\n`);
          started.push(lab.exec(e.node, e.command, { user: e.user, write }));
        }
      } catch (err) {
        write(`[${formatDuration(e.at)}] ${describeLessonEvent(e)}: ${(err as Error).message}\n`);
      }
    });
  }
  const end = events.reduce((m, e) => Math.max(m, e.at), 0);
  return {
    end,
    finished: () => fired === events.length && started.every((x) => x.exitCode !== undefined),
  };
}
