/**
 * Property: the event fanout loses nothing silently. Whatever the viewers' sockets do (keep
 * up, fall behind, stall above the hard limit, drain), once they drain every viewer has
 * received each event exactly once, in order, or a `missed` marker counting it where it was
 * thinned — and the fanout's own `thinned` counter (for the page's statistics) is the sum of
 * what the markers say. A slow viewer's backlog never exceeds its bound.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LabEvent } from "../../src/core/events.js";
import { type EventSocket, EventFanout, type StreamEvent } from "../../src/server/http/index.js";

const RUNS = Number(process.env.RELIABILITY_RUNS ?? 50);
const OPTS = {
  intervalMs: 50,
  highWater: 100,
  hardWater: 1000,
  maxBacklog: 20,
  maxBatch: 8,
  idleClockMs: 500,
};

class FakeSocket implements EventSocket {
  bufferedAmount = 0;
  readonly got: StreamEvent[] = [];
  send(data: string): void {
    const m = JSON.parse(data) as { events: StreamEvent[] };
    this.got.push(...m.events);
  }
}

type Step =
  | { op: "emit"; kinds: ("rip" | "echo" | "drop" | "route")[] }
  | { op: "buffer"; client: number; level: number }
  | { op: "flush" };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("emit" as const),
      kinds: fc.array(fc.constantFrom("rip" as const, "echo" as const, "drop" as const, "route" as const), {
        maxLength: 30,
      }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("buffer" as const),
      client: fc.nat(3),
      level: fc.constantFrom(0, 50, 500, 5000),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("flush" as const) }) },
);

function event(kind: "rip" | "echo" | "drop" | "route", seq: number): LabEvent {
  // `t` carries the emission order, so a viewer's stream can be checked against it.
  switch (kind) {
    case "rip":
    case "echo":
      return {
        kind: "hop",
        t: seq,
        packet: seq,
        user: "root",
        cls: kind === "rip" ? "rip" : "echo-request",
        from: "a",
        to: "b",
        link: "a-b",
        duration: 1,
        size: 84,
        summary: "",
      };
    case "drop":
      return {
        kind: "drop",
        t: seq,
        packet: seq,
        user: "root",
        cls: "echo-request",
        node: "b",
        reason: "loss",
        summary: "",
      };
    case "route":
      return {
        kind: "route",
        t: seq,
        node: "a",
        action: "add",
        dest: "10.0.0.0/24",
        gateway: "direct",
        iface: "e0",
        source: "rip",
        reason: "",
      };
  }
}

describe("event fanout: nothing lost silently", () => {
  it("every viewer gets each event once, in order, or a marker counting it", () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 60 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        (steps, hide) => {
          const source: { listener: ((e: LabEvent) => void) | null } = { listener: null };
          let now = 0;
          const fanout = new EventFanout(
            {
              onEvent(l) {
                source.listener = l;
                return () => {
                  source.listener = null;
                };
              },
              clock: () => ({ now: 0, speed: 1, paused: false }),
            },
            OPTS,
            () => now,
          );
          const sockets = [0, 1, 2, 3].map(() => new FakeSocket());
          for (const [i, s] of sockets.entries()) fanout.add(s).setHideRouting(hide[i]!);
          const emitted: LabEvent[] = [];
          let seq = 1;
          for (const s of steps) {
            if (s.op === "emit")
              for (const k of s.kinds) {
                const e = event(k, seq++);
                emitted.push(e);
                source.listener?.(e);
              }
            else if (s.op === "buffer") sockets[s.client]!.bufferedAmount = s.level;
            else {
              now += OPTS.intervalMs;
              fanout.flush();
            }
            // The bound: a client's queue holds at most maxBacklog entries (events and markers).
            for (const c of (
              fanout as unknown as { clients: Set<{ queue: { size?: number }[]; queued: number }> }
            ).clients) {
              expect(c.queued).toBeLessThanOrEqual(OPTS.maxBacklog);
              expect(
                c.queue.reduce((n, q) => n + (q.size ?? 1), 0),
                "queued counts the queue",
              ).toBe(c.queued);
            }
          }
          // Everyone drains.
          for (const s of sockets) s.bufferedAmount = 0;
          for (let i = 0; i < 20; i++) {
            now += OPTS.intervalMs;
            fanout.flush();
          }
          let markers = 0;
          sockets.forEach((s, i) => {
            const want = emitted.filter((e) => !(hide[i] && e.kind === "hop" && e.cls === "rip"));
            let real = 0;
            let missed = 0;
            let last = 0;
            for (const e of s.got) {
              if (e.kind === "missed") {
                missed += e.count;
                continue;
              }
              real++;
              expect(e.t, `viewer ${i}: out of order`).toBeGreaterThan(last);
              last = e.t;
            }
            expect(real + missed, `viewer ${i}: received ${real} + missed ${missed} of ${want.length}`).toBe(
              want.length,
            );
            markers += missed;
          });
          expect(fanout.thinned, "the thinned counter equals what the markers say").toBe(markers);
        },
      ),
      { numRuns: RUNS * 4 },
    );
  });
});
