/**
 * A large RIP table's update leaves in simulation events of at most 8 messages (issue 23: a
 * random-2000 router's whole-table update was one event of ~700 sends, 10–20 ms of CPU the
 * live server's pacer could not cut; proto/rip/outbox.ts). routed sends the messages in one
 * loop (output.c supply()); here they leave at the same simulated time, in the same order,
 * 8 to an event — and what they carry is unchanged: the whole table, 25 routes a message.
 */
import { describe, expect, it } from "vitest";
import { SECOND } from "../../core/time.js";
import { loadTopologyText } from "../../topology/index.js";
import { RIP_PORT } from "../../wire/rip.js";
import { randomEdges } from "../../../test/random-graph.js";
import { MESSAGES_PER_EVENT, RipDaemon } from "../../proto/rip/index.js";
import { createSimLab } from "./index.js";

/** 120 routers, 180 links: every router's table holds 180 routes, 8 messages an interface. */
function lab() {
  return createSimLab(loadTopologyText(randomEdges(120, 5), "random-120.edges"), { seed: 1 });
}

function ripOf(l: ReturnType<typeof lab>, name: string): RipDaemon {
  const d = l.net.byName.get(name)!.daemons.find((x) => x instanceof RipDaemon);
  if (!(d instanceof RipDaemon)) throw new Error(`${name}: no RIP daemon`);
  return d;
}

interface Sent {
  node: string;
  /** The scheduler's count of events run when the message was sent: which event sent it. */
  event: number;
  t: number;
  entries: number;
}

/** Every RIP message sent from now on, with the event that sent it. */
function recordRipSends(l: ReturnType<typeof lab>): Sent[] {
  const sent: Sent[] = [];
  const s = l.net.scheduler;
  for (const node of l.net.nodes) {
    const send = node.sendUdp.bind(node);
    node.sendUdp = (dst, srcPort, dstPort, payload, opts) => {
      if (srcPort === RIP_PORT && payload[0] === 2)
        sent.push({ node: node.name, event: s.executed, t: s.now(), entries: (payload.length - 4) / 20 });
      return send(dst, srcPort, dstPort, payload, opts);
    };
  }
  return sent;
}

describe("RIP's updates leave at most 8 messages an event", () => {
  it("a regular update of a whole table is sent in events of 8 messages, at the timer's time", () => {
    const l = lab();
    l.net.scheduler.runUntil(60 * SECOND); // converged: every table holds every link's prefix
    const r = l.net.byName.get("n1")!;
    expect(ripOf(l, "n1").status().routes.length).toBe(180);
    const sent = recordRipSends(l);
    l.net.scheduler.runUntil(100 * SECOND); // at least one regular update of n1 (every 25–35 s)

    // No event sent more than MESSAGES_PER_EVENT RIP messages, at any router.
    const perEvent = new Map<number, number>();
    for (const m of sent) perEvent.set(m.event, (perEvent.get(m.event) ?? 0) + 1);
    expect(Math.max(...perEvent.values())).toBe(MESSAGES_PER_EVENT);

    // n1's regular updates: the whole table (split horizon leaves out what came in on each
    // interface), 25 routes a message, every message at the update's own instant.
    const ifaces = r.ifaces.filter((i) => i.isLink).length;
    const mine = sent.filter((m) => m.node === "n1");
    const byTime = new Map<number, Sent[]>();
    for (const m of mine) byTime.set(m.t, [...(byTime.get(m.t) ?? []), m]);
    const updates = [...byTime.values()].filter((ms) => ms.length >= ifaces * 3);
    expect(updates.length).toBeGreaterThan(0);
    for (const ms of updates) {
      expect(new Set(ms.map((m) => m.event)).size).toBe(Math.ceil(ms.length / MESSAGES_PER_EVENT));
      expect(ms.every((m) => m.entries <= 25)).toBe(true);
    }
  });

  it("stopping the daemon drops what waits: no message after the stop", () => {
    const l = lab();
    l.net.scheduler.runUntil(60 * SECOND);
    const sent = recordRipSends(l);
    // Run until n1 is in the middle of an update: one message out, the others waiting.
    const s = l.net.scheduler;
    const rip = ripOf(l, "n1");
    while (rip.outbox.pending === 0) s.step();
    expect(sent.filter((m) => m.node === "n1").length).toBeGreaterThan(0);
    rip.stop();
    const at = sent.length;
    s.runUntil(s.now() + SECOND);
    expect(sent.slice(at).filter((m) => m.node === "n1")).toEqual([]);
  });
});
