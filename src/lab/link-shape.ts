/**
 * @module lab/link-shape
 * A link's delay and loss, changed while the lab runs. People write the values as in a topology
 * file — `delay 20ms`, `loss 10%` in a scenario or the instructor's shell, `{"delay": "20ms",
 * "loss": "10%"}` in the API, `{at: 2m, link: [a, b], loss: 10%}` in a lesson — and they are
 * read with the topology's own parsers, so `20ms` and `10%` mean the same everywhere.
 */
import { LabError } from "../core/errors.js";
import type { LinkEvent } from "../core/events.js";
import { durationText, type Nanos } from "../core/time.js";
import { checkDelayNanos, type Parsed, parseDelay, parseLoss } from "../topology/values.js";
import type { LinkShape } from "./lab.js";

/** The words after `link A B`: `delay D`, `loss L`, or both in either order. */
export function parseShapeWords(words: readonly string[]): Parsed<LinkShape> {
  const shape: LinkShape = {};
  if (words.length !== 2 && words.length !== 4)
    return { ok: false, error: "usage: link A B [delay DURATION] [loss RATE] (e.g. delay 20ms, loss 10%)" };
  for (let i = 0; i < words.length; i += 2) {
    const [what, text] = [words[i]!, words[i + 1]!];
    if ((what !== "delay" && what !== "loss") || what in shape)
      return { ok: false, error: `link: expected delay or loss (once each), not '${what}'` };
    const v = what === "delay" ? parseDelay(text) : parseLoss(text);
    if (!v.ok) return { ok: false, error: `link ${what}: ${v.error}` };
    shape[what] = v.value;
  }
  return { ok: true, value: shape };
}

/**
 * The shape a JSON body asks for: `delay` a duration with a unit (`"20ms"`) or whole
 * nanoseconds (what `/api/topology` reports), `loss` 0…1 or `"10%"`. Absent fields stay as
 * they are. Throws a LabError naming the field.
 */
export function shapeFromJson(delay: unknown, loss: unknown): LinkShape {
  const shape: LinkShape = {};
  if (delay !== undefined) {
    const v =
      typeof delay === "number"
        ? checkDelayNanos(delay)
        : typeof delay === "string"
          ? parseDelay(delay)
          : { ok: false as const, error: "expected a duration such as 20ms, or nanoseconds" };
    if (!v.ok) throw new LabError(v.error, { field: "delay" });
    shape.delay = v.value;
  }
  if (loss !== undefined) {
    const v =
      typeof loss === "number" || typeof loss === "string"
        ? parseLoss(loss)
        : { ok: false as const, error: "expected 0…1 or a percentage such as 10%" };
    if (!v.ok) throw new LabError(v.error, { field: "loss" });
    shape.loss = v.value;
  }
  return shape;
}

/**
 * What a link request (`POST /api/links`: `state`, `silent`, `delay`, `loss`) asks for besides
 * its state: the shape, or undefined for none. Refuses a request that asks for nothing, and
 * `silent` without a state. Throws a LabError naming the field.
 */
export function linkRequestShape(body: {
  state?: unknown;
  silent?: unknown;
  delay?: unknown;
  loss?: unknown;
}): LinkShape | undefined {
  if (body.state === undefined && body.delay === undefined && body.loss === undefined)
    throw new LabError("give state (up or down), delay or loss", { field: "state" });
  if (body.silent !== undefined && body.state === undefined)
    throw new LabError("silent goes with state: down", { field: "silent" });
  if (body.delay === undefined && body.loss === undefined) return undefined;
  return shapeFromJson(body.delay, body.loss);
}

/** Checks a shape given as numbers (the Lab's callers may be anything); throws naming the field. */
export function checkShape(shape: LinkShape): void {
  const delay = shape.delay === undefined ? undefined : checkDelayNanos(shape.delay);
  if (delay && !delay.ok) throw new LabError(`delay ${delay.error}`, { field: "delay" });
  if (shape.loss !== undefined && !(shape.loss >= 0 && shape.loss <= 1))
    throw new LabError(`loss ${shape.loss} is outside 0…1`, { field: "loss" });
  if (shape.delay === undefined && shape.loss === undefined)
    throw new LabError("give delay or loss (or both)", { field: "delay" });
}

/** `delay 20ms loss 10%`, as a log line or the timeline says it. */
export function describeShape(shape: { delay?: Nanos | undefined; loss?: number | undefined }): string {
  const parts: string[] = [];
  if (shape.delay !== undefined) parts.push(`delay ${durationText(shape.delay)}`);
  if (shape.loss !== undefined) parts.push(`loss ${Number((shape.loss * 100).toFixed(4))}%`);
  return parts.join(" ");
}

/** The event of a shape change: the link as it stands, with the new delay and/or loss. */
export function shapeEvent(
  t: Nanos,
  link: { id: string; a: string; b: string; up: boolean; silent: boolean },
  shape: LinkShape,
): LinkEvent {
  const e: LinkEvent = {
    kind: "link",
    t,
    link: link.id,
    a: link.a,
    b: link.b,
    state: link.up ? "up" : "down",
    silent: link.silent,
  };
  if (shape.delay !== undefined) e.delay = shape.delay;
  if (shape.loss !== undefined) e.loss = shape.loss;
  return e;
}
