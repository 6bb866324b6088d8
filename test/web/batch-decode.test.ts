/**
 * The page's compact encoding of the event stream (issue 23) carries the same batch as the JSON
 * encoding: what web/src/batch-decode.ts makes of server/http/compact-batch.ts's text equals the
 * JSON batch, for every kind of event a real lab sends (the seed with a ping and a link cut) and
 * for values of any type; and it is smaller.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LabEvent } from "../../src/core/events.js";
import { SECOND } from "../../src/core/time.js";
import { createSimLab } from "../../src/engines/sim/index.js";
import { encodeCompact } from "../../src/server/http/compact-batch.js";
import { FanoutView } from "../../src/server/http/fanout-view.js";
import { loadTopologyText } from "../../src/topology/index.js";
import { decodeBatch } from "../../web/src/batch-decode.js";

const SEED = join(import.meta.dirname, "..", "..", "examples", "seed.yaml");
const clock = { now: 5, speed: 1, paused: false };

describe("compact batches", () => {
  it("decode to the JSON batch of a real lab's events, at a third of the bytes or less", async () => {
    const lab = createSimLab(loadTopologyText(readFileSync(SEED, "utf8"), "seed.yaml"));
    const events: LabEvent[] = [];
    lab.onEvent((e) => events.push(e));
    await lab.advance(10 * SECOND);
    const x = lab.exec("vm4", "ping -c 5 -i 0.2 vm9", { user: "alice" });
    lab.setLink("vm1", "vm2", false);
    await lab.advanceUntil(() => x.exitCode !== undefined, 30 * SECOND);
    expect(new Set(events.map((e) => e.kind)).size).toBeGreaterThanOrEqual(5);
    const view = FanoutView.of(clock, events, { every: 2, hidden: 3, links: { "vm1-vm2": 3 } });
    expect(decodeBatch(JSON.parse(view.compact))).toEqual(JSON.parse(view.text));
    expect(view.compact.length).toBeLessThan(view.text.length / 3);
  });

  it("round-trips events with values of any type, keys left undefined, and times out of order", () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }),
    );
    const event = fc
      .record({ kind: fc.constantFrom("hop", "route", "missed"), t: fc.integer({ min: 0, max: 1e15 }) })
      .chain((base) =>
        fc
          .dictionary(fc.constantFrom("a", "b", "link", "summary", "packet"), value, { maxKeys: 4 })
          .map((rest) => ({
            ...base,
            ...rest,
          })),
      );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const text = encodeCompact(clock, events as never);
        const json = JSON.parse(JSON.stringify({ type: "batch", clock, events }));
        expect(decodeBatch(JSON.parse(text))).toEqual(json);
      }),
    );
  });

  it("leaves a plain JSON message as it is", () => {
    const plain = { type: "batch", clock, events: [{ kind: "missed", t: 3, count: 7 }] };
    expect(decodeBatch(plain)).toBe(plain);
  });
});
