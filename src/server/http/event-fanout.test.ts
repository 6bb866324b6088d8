import { describe, expect, it, vi } from "vitest";
import type { LabEvent } from "../../core/events.js";
import type { ClockState } from "../../lab/lab.js";
import { type BatchMessage, EventFanout, type EventSocket, eventPriority } from "./event-fanout.js";

/** A lab stand-in: events are pushed by hand. */
function fakeSource() {
  const listeners = new Set<(e: LabEvent) => void>();
  let t = 0;
  return {
    onEvent(l: (e: LabEvent) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    clock: (): ClockState => ({ now: t, speed: 1, paused: false }),
    get listeners() {
      return listeners.size;
    },
    emit(e: LabEvent) {
      t = e.t;
      for (const l of listeners) l(e);
    },
  };
}

/** A socket whose buffer only drains when told to: a stalled or slow browser. */
class SlowSocket implements EventSocket {
  bufferedAmount = 0;
  received: BatchMessage[] = [];
  constructor(public drains: boolean) {}
  send(data: string): void {
    this.received.push(JSON.parse(data));
    if (!this.drains) this.bufferedAmount += data.length;
  }
  events() {
    return this.received.flatMap((m) => m.events);
  }
}

let seq = 0;
const hop = (cls: "rip" | "echo-request" = "echo-request"): LabEvent => ({
  kind: "hop",
  t: ++seq,
  packet: seq,
  user: "alice",
  cls,
  from: "vm1",
  to: "vm2",
  link: "vm1-vm2",
  duration: 1000,
  size: 84,
  summary: "x",
});
const drop = (): LabEvent => ({
  kind: "drop",
  t: ++seq,
  packet: seq,
  user: "alice",
  cls: "echo-request",
  node: "vm2",
  reason: "ttl-expired",
  summary: "x",
});
const route = (): LabEvent => ({
  kind: "route",
  t: ++seq,
  node: "vm1",
  action: "add",
  dest: "10.0.30.0/24",
  gateway: "10.0.10.2",
  iface: "epair0a",
  source: "rip",
  reason: "x",
});

describe("EventFanout", () => {
  it("ranks RIP below other packets below drops and routing events", () => {
    expect(eventPriority(hop("rip"))).toBe(0);
    expect(eventPriority(hop())).toBe(1);
    expect(eventPriority(drop())).toBe(2);
    expect(eventPriority(route())).toBe(2);
  });

  it("subscribes only while clients are connected", () => {
    const src = fakeSource();
    const f = new EventFanout(src, {}, () => 0);
    expect(src.listeners).toBe(0);
    const h = f.add(new SlowSocket(true));
    expect(src.listeners).toBe(1);
    h.remove();
    expect(src.listeners).toBe(0);
  });

  it("sends every event in order to a healthy client, in one batch per flush", () => {
    const src = fakeSource();
    const f = new EventFanout(src, {}, () => 0);
    const a = new SlowSocket(true);
    const b = new SlowSocket(true);
    f.add(a);
    f.add(b);
    const sent = [hop(), hop("rip"), drop(), route()];
    for (const e of sent) src.emit(e);
    f.flush();
    expect(a.received).toHaveLength(1);
    expect(a.events()).toEqual(sent);
    expect(b.events()).toEqual(sent);
    expect(a.received[0]!.clock.now).toBe(sent[3]!.t);
  });

  it("leaves RIP out for a client that hides it", () => {
    const src = fakeSource();
    const f = new EventFanout(src, {}, () => 0);
    const a = new SlowSocket(true);
    f.add(a).setHideRouting(true);
    src.emit(hop("rip"));
    src.emit(hop());
    f.flush();
    expect(a.events().map((e) => e.kind === "hop" && e.cls)).toEqual(["echo-request"]);
    // A flush of RIP alone still tells it the clock moved (an empty batch), as it did before
    // the views were shared.
    src.emit(hop("rip"));
    f.flush();
    expect(a.received).toHaveLength(2);
    expect(a.received[1]!.events).toEqual([]);
    expect(a.received[1]!.clock.now).toBe(seq);
  });

  it("past what a page can draw, a viewer that asks gets whole packets of a sample and per-link counts; scripts get all", () => {
    const src = fakeSource();
    let wall = 0;
    const f = new EventFanout(src, {}, () => wall);
    const page = new SlowSocket(true);
    const script = new SlowSocket(true);
    f.add(page).setSample(true);
    f.add(script);
    const flushOf = (packets: number) => {
      for (let p = 0; p < packets; p++) {
        const h = hop() as Extract<LabEvent, { kind: "hop" }>;
        src.emit(h);
        src.emit({ ...h, t: ++seq, from: "vm2", to: "vm3", link: "vm2-vm3" }); // the same packet on
      }
      src.emit(drop());
      wall += 50;
      f.flush();
    };
    flushOf(10); // 20 hops in 50 ms: 400/s, drawn in full
    expect(page.received.at(-1)!.sample).toBeUndefined();
    expect(page.events()).toHaveLength(21);
    for (let i = 0; i < 20; i++) flushOf(600); // 24,000 hops/s: past DRAWABLE_PER_S
    const last = page.received.at(-1)!;
    expect(last.sample!.every).toBeGreaterThanOrEqual(8);
    const kept = last.events.filter((e) => e.kind === "hop");
    expect(kept.length + last.sample!.hidden).toBe(1200);
    expect(last.sample!.links["vm1-vm2"]! + last.sample!.links["vm2-vm3"]!).toBe(last.sample!.hidden);
    // Whole paths: a packet kept on its first link is kept on its second.
    const first = new Set(
      kept.filter((e) => e.kind === "hop" && e.link === "vm1-vm2").map((e) => e.kind === "hop" && e.packet),
    );
    const second = kept
      .filter((e) => e.kind === "hop" && e.link === "vm2-vm3")
      .map((e) => e.kind === "hop" && e.packet);
    expect(second.every((p) => first.has(p))).toBe(true);
    expect(last.events.some((e) => e.kind === "drop")).toBe(true); // drops are never sampled out
    // The script that asked for nothing gets every event, without a sample field.
    expect(script.events()).toHaveLength(21 + 20 * 1201);
    expect(script.received.every((m) => m.sample === undefined)).toBe(true);
  });

  it("past what the event log shows, a viewer that asks gets the route changes of a sample of routers, whole, and how many were left out (issue 23)", () => {
    const src = fakeSource();
    let wall = 0;
    const f = new EventFanout(src, { maxBatch: 100_000, maxBacklog: 1_000_000 }, () => wall);
    const page = new SlowSocket(true);
    const script = new SlowSocket(true);
    f.add(page).setSample(true);
    f.add(script);
    const routers = Array.from({ length: 64 }, (_, i) => `r${i + 1}`);
    const flushOf = (perRouter: number) => {
      for (const node of routers)
        for (let d = 0; d < perRouter; d++)
          src.emit({
            kind: "route",
            t: ++seq,
            node,
            action: "add",
            dest: `10.0.${d}.0/24`,
            gateway: "10.9.0.1",
            iface: "em0",
            metric: 2,
            source: "rip",
            reason: "learned",
          });
      src.emit({ kind: "link", t: ++seq, link: "vm1-vm2", a: "vm1", b: "vm2", state: "down", silent: false });
      wall += 50;
      f.flush();
    };
    flushOf(1); // 64 route changes in 50 ms: 1,280/s, past 500/s but the smoothed rate starts there
    for (let i = 0; i < 10; i++) flushOf(10); // 640 in 50 ms: 12,800/s
    const last = page.received.at(-1)!;
    const every = last.sample!.routeEvery!;
    expect(every).toBeGreaterThanOrEqual(16);
    const routes = last.events.filter((e) => e.kind === "route");
    expect(routes.length + last.sample!.routesHidden!).toBe(640);
    expect(routes.length).toBeLessThan(640 / 4);
    // Whole routers: a router kept has all ten of its changes.
    const perRouter = new Map<string, number>();
    for (const e of routes) if (e.kind === "route") perRouter.set(e.node, (perRouter.get(e.node) ?? 0) + 1);
    expect([...perRouter.values()].every((n) => n === 10)).toBe(true);
    expect(last.events.some((e) => e.kind === "link")).toBe(true); // links are never left out
    // The script that asked for nothing gets every route change, without a sample field.
    expect(script.events().filter((e) => e.kind === "route")).toHaveLength(64 + 10 * 640);
    expect(script.received.every((m) => m.sample === undefined)).toBe(true);
  });

  it("serialises each event once however many slow viewers' backlogs hold it (issue 23)", () => {
    const src = fakeSource();
    const f = new EventFanout(src, { highWater: 0, hardWater: 1e9, maxBacklog: 1000, maxBatch: 50 }, () => 0);
    // Twenty viewers whose sockets stay above highWater: every one takes the backlog path.
    const viewers = Array.from({ length: 20 }, () => {
      const s = new SlowSocket(false);
      s.bufferedAmount = 1;
      f.add(s);
      return s;
    });
    const events = Array.from({ length: 100 }, () => drop());
    const stringify = vi.spyOn(JSON, "stringify");
    let encoded = 0;
    try {
      for (const e of events) src.emit(e);
      f.flush();
      f.flush();
      // Events serialised, counted whether JSON.stringify saw them one by one or in a batch.
      for (const [value] of stringify.mock.calls) {
        const v = value as { type?: string; events?: unknown[]; kind?: string };
        if (v?.type === "batch") encoded += v.events!.length;
        else if (v?.kind === "drop") encoded++;
      }
    } finally {
      stringify.mockRestore();
    }
    expect(encoded).toBe(events.length);
    for (const v of viewers) expect(v.events()).toEqual(events); // drops are never thinned
  });

  it("thins a slow client's stream (RIP and hops first), marks the gap, and keeps drops and routes", () => {
    const src = fakeSource();
    const f = new EventFanout(src, { highWater: 100, hardWater: 1e9, maxBacklog: 1000 }, () => 0);
    const slow = new SlowSocket(false);
    const fast = new SlowSocket(true);
    f.add(slow);
    f.add(fast);
    src.emit(hop());
    f.flush(); // first batch fills the slow socket's buffer past highWater
    expect(slow.bufferedAmount).toBeGreaterThan(100);
    const second = [hop("rip"), hop(), drop(), hop(), route()];
    for (const e of second) src.emit(e);
    f.flush();
    const got = slow.received[1]!.events;
    expect(got.map((e) => e.kind)).toEqual(["missed", "drop", "missed", "route"]);
    expect(got[0]).toMatchObject({ kind: "missed", count: 2 });
    expect(got[2]).toMatchObject({ kind: "missed", count: 1 });
    expect(fast.events().slice(1)).toEqual(second); // the healthy client is not affected
  });

  it("bounds a stalled client's memory and reports how much it missed", () => {
    const src = fakeSource();
    const f = new EventFanout(src, { highWater: 10, hardWater: 20, maxBacklog: 50 }, () => 0);
    const stalled = new SlowSocket(false);
    f.add(stalled);
    src.emit(hop());
    f.flush(); // now stalled: buffer above hardWater, nothing more is sent
    let total = 0;
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 30; i++) src.emit(i % 10 === 0 ? drop() : hop(i % 2 ? "rip" : "echo-request"));
      total += 30;
      f.flush();
      expect(stalled.received).toHaveLength(1);
    }
    // The socket drains: the client gets at most maxBacklog entries (in one message per queued
    // flush, each shared with any other client at its level), and the missed counts add up.
    stalled.bufferedAmount = 0;
    stalled.drains = true;
    f.flush();
    const batch = stalled.received.slice(1).flatMap((m) => m.events);
    expect(batch.length).toBeLessThanOrEqual(50);
    const kept = batch.filter((e) => e.kind !== "missed").length;
    const missed = batch.reduce((n, e) => n + (e.kind === "missed" ? e.count : 0), 0);
    expect(kept + missed).toBe(total);
    expect(batch.filter((e) => e.kind === "hop")).toHaveLength(0); // hops went before drops
    // Back to normal: the next events flow through unthinned.
    const e = hop();
    src.emit(e);
    const before = stalled.received.length;
    f.flush();
    expect(stalled.received.slice(before).flatMap((m) => m.events)).toEqual([e]);
  });

  it("folds a stalled client's marker-only flushes into one marker that counts them all", () => {
    const src = fakeSource();
    const f = new EventFanout(src, { highWater: 10, hardWater: 20, maxBacklog: 1000 }, () => 0);
    const stalled = new SlowSocket(false);
    const healthy = new SlowSocket(true);
    f.add(stalled);
    f.add(healthy);
    src.emit(hop());
    f.flush(); // stalled from now on
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 7; i++) src.emit(hop(i % 2 ? "rip" : "echo-request"));
      f.flush();
    }
    const last = route();
    src.emit(last);
    f.flush();
    stalled.bufferedAmount = 0;
    stalled.drains = true;
    f.flush();
    const got = stalled.received.slice(1).flatMap((m) => m.events);
    expect(got).toEqual([{ kind: "missed", t: expect.any(Number), count: 35 }, last]);
    expect(f.thinned).toBe(35);
    expect(healthy.events()).toHaveLength(37); // the healthy client's shared views are untouched
  });

  it("never calls back into the source while events are produced (the simulation does not wait)", () => {
    const src = fakeSource();
    const f = new EventFanout(src, { maxBacklog: 10 }, () => 0);
    const s = new SlowSocket(false);
    s.bufferedAmount = 1e12;
    f.add(s);
    const t0 = performance.now();
    for (let i = 0; i < 200_000; i++) src.emit(hop());
    f.flush();
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(s.received).toHaveLength(0);
  });

  it("sends an idle clock update now and then, and drops a socket that throws", () => {
    const src = fakeSource();
    let now = 0;
    const f = new EventFanout(src, { idleClockMs: 500 }, () => now);
    const a = new SlowSocket(true);
    f.add(a);
    f.flush();
    expect(a.received).toHaveLength(1);
    now = 100;
    f.flush();
    expect(a.received).toHaveLength(1);
    now = 700;
    f.flush();
    expect(a.received).toHaveLength(2);
    const broken: EventSocket = {
      bufferedAmount: 0,
      send() {
        throw new Error("closed");
      },
    };
    f.add(broken);
    src.emit(hop());
    f.flush();
    expect(f.size).toBe(1);
  });
});
