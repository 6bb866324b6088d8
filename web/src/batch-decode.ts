/**
 * @module web/batch-decode
 * Decodes the compact batch the page asks for (`/api/events?format=compact`, the server's
 * src/server/http/compact-batch.ts) back into the JSON batch's events: each row is a shape's
 * number and that shape's values; a shape's type letters say how each is sent (`s` an index into
 * the message's string table, `n` a number, `v` a JSON value as is, `u` no value: the key is left
 * out); `t` is the difference from the event before. A message without `format: "compact"` (a
 * gap marker, a clock update) is plain JSON and passes through.
 */
interface CompactBatch {
  type: "batch";
  format: "compact";
  shapes: { keys: string[]; types: string }[];
  strings: string[];
  rows: unknown[][];
}

/** The batch as the JSON encoding would have sent it. */
export function decodeBatch<B extends { type: string }>(msg: B | CompactBatch): B {
  if (!("format" in msg) || msg.format !== "compact") return msg as B;
  const { format: _format, shapes, strings, rows, ...rest } = msg;
  const events: Record<string, unknown>[] = [];
  let t = 0;
  for (const row of rows) {
    const { keys, types } = shapes[row[0] as number]!;
    const e: Record<string, unknown> = {};
    let col = 1;
    for (let i = 0; i < keys.length; i++) {
      const type = types[i];
      if (type === "u") continue;
      const v = row[col++];
      if (keys[i] === "t" && type === "n") {
        t += v as number;
        e.t = t;
      } else e[keys[i]!] = type === "s" ? strings[v as number] : v;
    }
    events.push(e);
  }
  return { ...rest, events } as unknown as B;
}
