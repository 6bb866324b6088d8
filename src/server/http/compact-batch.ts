/**
 * @module server/http/compact-batch
 * The page's compact encoding of a batch (issue 23, `/api/events?format=compact`): the same
 * events as the JSON batch, as rows. Each event becomes an array — its shape's number, then
 * its values in that shape's key order — with every string replaced by its index in the
 * message's string table (node, link and user names repeat in every hop) and `t` given as the
 * difference from the event before. A shape is the event's keys and one type letter per key
 * (`s` string index, `n` number, `v` any other JSON value as is, `u` undefined: no value in the
 * row, the key left out as JSON.stringify leaves it out).
 *
 *   {"type":"batch","format":"compact","clock":{…},"sample":{…}?,
 *    "shapes":[{"keys":["kind","t",…],"types":"sn…"},…],"strings":["hop","vm1",…],
 *    "rows":[[0,0,5,…],…]} The page decodes it with
 * web/src/batch-decode.ts; a round-trip test holds the two together.
 */
import type { ClockState } from "../../lab/lab.js";
import type { StreamEvent } from "./event-fanout.js";
import type { SampleInfo } from "./fanout-sample.js";

/** A value's type letter: `s` a string (sent as its index), `n` a number, `u` left out, `v` as is. */
function typeOf(v: unknown): "s" | "n" | "u" | "v" {
  return typeof v === "string" ? "s" : typeof v === "number" ? "n" : v === undefined ? "u" : "v";
}

/** Encodes one batch compactly (the text of a FanoutView, made once per view). */
export function encodeCompact(
  clock: ClockState,
  events: readonly StreamEvent[],
  sample?: SampleInfo,
): string {
  const shapes: { keys: string[]; types: string }[] = [];
  const shapeIndex = new Map<string, number>();
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const intern = (s: string): number => {
    let i = stringIndex.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      stringIndex.set(s, i);
    }
    return i;
  };
  const rows: unknown[][] = [];
  let lastT = 0;
  for (const e of events) {
    const record = e as unknown as Record<string, unknown>;
    const keys = Object.keys(record);
    let types = "";
    for (const k of keys) types += typeOf(record[k]);
    const sig = `${keys.join(",")}:${types}`;
    let shape = shapeIndex.get(sig);
    if (shape === undefined) {
      shape = shapes.length;
      shapes.push({ keys, types });
      shapeIndex.set(sig, shape);
    }
    const row: unknown[] = [shape];
    for (let i = 0; i < keys.length; i++) {
      const v = record[keys[i]!];
      const type = types[i];
      if (type === "u") continue;
      if (keys[i] === "t" && type === "n") {
        row.push((v as number) - lastT);
        lastT = v as number;
      } else row.push(type === "s" ? intern(v as string) : v);
    }
    rows.push(row);
  }
  const msg: Record<string, unknown> = { type: "batch", format: "compact", clock };
  if (sample) msg.sample = sample;
  msg.shapes = shapes;
  msg.strings = strings;
  msg.rows = rows;
  return JSON.stringify(msg);
}
