/**
 * Rewind: an earlier moment rebuilt by replay has the same tables and the same event stream
 * as when it was first reached; playing on re-makes the recorded future; a new input branches.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LabEvent } from "../../core/events.js";
import { MINUTE, SECOND } from "../../core/time.js";
import { runLabConformance } from "../../lab/conformance.testkit.js";
import type { Lab } from "../../lab/lab.js";
import { loadTopologyText } from "../../topology/index.js";
import type { Topology } from "../../topology/model.js";
import { REWOUND_EXIT, RewindableLab } from "./rewind.js";

const SEED = join(import.meta.dirname, "..", "..", "..", "examples", "seed.yaml");
const seed = (): Topology => loadTopologyText(readFileSync(SEED, "utf8"), "seed.yaml");

/** Every node's routing table, as `routes()` shows it (minus the use counters, which probes bump). */
function tables(lab: Lab): unknown {
  return lab.nodes().map((n) => ({
    node: n.name,
    up: n.up,
    ifaces: n.interfaces.map((i) => `${i.name}:${i.up}`),
    routes: lab.routes(n.name).map((r) => `${r.dest} ${r.gateway} ${r.flags} ${r.metric} ${r.source}`),
  }));
}

const to = async (lab: Lab, t: number) => lab.advance(t - lab.clock().now);

/**
 * A session with a little of everything: pings in the background, a silent cut, a link's delay
 * and loss changed under a ping, a crash, Ctrl-C.
 */
async function session(lab: RewindableLab, moments: number[]) {
  const events: LabEvent[] = [];
  const off = lab.onEvent((e) => events.push(e));
  const snaps = new Map<number, { tables: unknown; events: number }>();
  const snap = () => snaps.set(lab.clock().now, { tables: tables(lab), events: events.length });
  const script: [number, () => void][] = [
    [40 * SECOND, () => void lab.exec("vm4", "ping -c 20 vm9", { user: "alice" })],
    [50 * SECOND, () => lab.setLink("vm1", "vm3", false, { silent: true })],
    [52 * SECOND, () => void lab.exec("vm6", "traceroute -n vm9", { user: "bob" })],
    [53 * SECOND, () => lab.setLinkShape("vm3", "vm9", { delay: 20_000_000, loss: 0.2 })],
    [90 * SECOND, () => lab.setNode("vm2", false)],
    [95 * SECOND, () => lab.exec("vm7", "ping vm8").interrupt()],
    [150 * SECOND, () => lab.setNode("vm2", true)],
    [160 * SECOND, () => lab.setLink("vm1", "vm3", true)],
  ];
  const all = [...script.map(([t]) => ({ t, act: true })), ...moments.map((t) => ({ t, act: false }))].sort(
    (a, b) => a.t - b.t || Number(a.act) - Number(b.act),
  );
  for (const m of all) {
    await to(lab, m.t);
    if (m.act) script.find(([t]) => t === m.t)![1]();
    else snap();
  }
  off();
  return { events, snaps };
}

describe("RewindableLab", () => {
  const moments = [10 * SECOND, 45 * SECOND, 51 * SECOND, 3 * MINUTE, 4 * MINUTE, 6 * MINUTE];

  it("rewinds to any earlier moment with the same tables and the same event stream prefix", async () => {
    const lab = new RewindableLab(seed(), { seed: 7 });
    const { events, snaps } = await session(lab, moments);
    const end = lab.clock().now;
    // Out of order on purpose: back, forward, back again.
    let last = end;
    for (const t of [3 * MINUTE, 45 * SECOND, 4 * MINUTE, 10 * SECOND, 51 * SECOND, 6 * MINUTE]) {
      const replayed: LabEvent[] = [];
      const forward: LabEvent[] = [];
      const off = lab.onEvent((e) => forward.push(e));
      lab.rewindTo(t, { events: (e) => replayed.push(e) });
      off();
      expect(lab.clock().now).toBe(t);
      const s = snaps.get(t)!;
      expect(tables(lab)).toEqual(s.tables);
      if (t < last) {
        expect(forward).toEqual([]);
        expect(replayed).toEqual(events.slice(0, s.events));
      } else {
        // Forward from an earlier rewind: plays on, and listeners see what happened first time.
        expect(replayed).toEqual([]);
        expect(forward).toEqual(events.slice(snaps.get(last)!.events, s.events));
      }
      last = t;
    }
    expect(lab.current.net.scheduler.executed).toBeGreaterThan(0);
  });

  it("plays on after a rewind: the recorded future happens again, event for event", async () => {
    const lab = new RewindableLab(seed(), { seed: 3 });
    const { events, snaps } = await session(lab, moments);
    const at = 45 * SECOND;
    lab.rewindTo(at);
    expect(lab.journal().future.map((j) => j.text)).toContain("link vm1–vm3 down (silent)");
    const after: LabEvent[] = [];
    lab.onEvent((e) => after.push(e));
    await to(lab, 6 * MINUTE);
    expect(tables(lab)).toEqual(snaps.get(6 * MINUTE)!.tables);
    expect(after).toEqual(events.slice(snaps.get(at)!.events));
    expect(lab.journal().future).toEqual([]);
  });

  it("branches: a new input after a rewind drops the recorded future", async () => {
    const lab = new RewindableLab(seed(), { seed: 3 });
    await session(lab, [4 * MINUTE]);
    lab.rewindTo(45 * SECOND);
    expect(lab.journal().future.length).toBeGreaterThan(0);
    lab.setLink("vm1", "vm2", false);
    expect(lab.journal().future).toEqual([]);
    expect(lab.journal().past.at(-1)).toEqual({ t: 45 * SECOND, kind: "link", text: "link vm1–vm2 down" });
    await to(lab, 4 * MINUTE);
    // The original cut vm1–vm3 never happened in this branch; vm1–vm2 is down instead.
    const l = lab.links();
    expect(l.find((x) => x.id === "vm1-vm3")!.silent).toBe(false);
    expect(l.find((x) => x.id === "vm1-vm2")!.up).toBe(false);
  });

  it("ends a command running across a rewind for its caller, with status 130", async () => {
    const lab = new RewindableLab(seed(), { seed: 1 });
    await to(lab, MINUTE);
    let out = "";
    const x = lab.exec("vm4", "ping vm9", { write: (s) => (out += s) });
    await to(lab, MINUTE + 3 * SECOND);
    expect(out).toMatch(/icmp_seq=2/);
    lab.rewindTo(MINUTE + SECOND);
    expect(x.exitCode).toBe(REWOUND_EXIT);
    expect(await x.done).toBe(REWOUND_EXIT);
    const before = out;
    await to(lab, MINUTE + 10 * SECOND);
    expect(out).toBe(before);
  });

  it("forks a copy for probes without touching the lab", async () => {
    const lab = new RewindableLab(seed(), { seed: 1 });
    await to(lab, 2 * MINUTE);
    const before = { tables: tables(lab), journal: lab.journal() };
    let seen = 0;
    lab.onEvent(() => seen++);
    const copy = await lab.fork();
    expect(tables(copy)).toEqual(before.tables);
    const x = copy.exec("vm4", "ping -c 2 vm9");
    await copy.advanceUntil(() => x.exitCode !== undefined, MINUTE);
    expect(x.exitCode).toBe(0);
    expect(seen).toBe(0);
    expect(lab.journal()).toEqual(before.journal);
    const early = await lab.fork(10 * SECOND);
    expect(early.clock().now).toBe(10 * SECOND);
  });

  it("paced: rewinding pauses the clock there, and resuming plays on", () => {
    let wall = 0;
    const timers: (() => void)[] = [];
    const lab = new RewindableLab(seed(), {
      seed: 1,
      wallClock: { now: () => wall, setTimer: (fn) => timers.push(fn), clearTimer: () => {} },
    });
    const tick = (ms: number) => {
      wall += ms;
      for (const f of timers.splice(0)) f();
    };
    for (let i = 0; i < 60; i++) tick(1000);
    expect(lab.clock().now).toBe(60 * SECOND);
    lab.setLink("vm1", "vm2", false);
    tick(5000);
    lab.rewindTo(30 * SECOND);
    expect(lab.clock()).toMatchObject({ now: 30 * SECOND, paused: true });
    tick(5000);
    expect(lab.clock().now).toBe(30 * SECOND);
    lab.pacer!.resume();
    tick(40_000);
    expect(lab.clock().now).toBe(70 * SECOND);
    expect(lab.links().find((l) => l.id === "vm1-vm2")!.up).toBe(false);
    void lab.close();
  });

  it("replays an hour of the seed class quickly (rebuild + replay, no snapshots)", async () => {
    const lab = new RewindableLab(seed(), { seed: 1 });
    for (let m = 1; m <= 60; m++) {
      await to(lab, m * MINUTE);
      if (m % 5 === 0) void lab.exec(`vm${4 + (m % 6)}`, "ping -c 10 vm1", { user: "alice" });
    }
    const t0 = performance.now();
    lab.rewindTo(59 * MINUTE);
    const ms = performance.now() - t0;
    console.log(
      `rewind: replayed 59 virtual minutes of the seed (${lab.current.net.scheduler.executed} events) in ${ms.toFixed(0)} ms`,
    );
    expect(ms).toBeLessThan(5000);
  });
});

describe("RewindableLab with a fault schedule", () => {
  it("replays scheduled changes and commands too: same tables and events either side of them", async () => {
    const lesson = join(
      import.meta.dirname,
      "..",
      "..",
      "..",
      "examples",
      "lessons",
      "count-to-infinity.yaml",
    );
    const topo = loadTopologyText(readFileSync(lesson, "utf8"), "count-to-infinity.yaml");
    topo.lesson!.events.push({
      at: 70 * SECOND,
      kind: "run",
      node: "vm5",
      user: "root",
      command: "ping -c 5 vm4",
      pos: {},
    });
    let printed = "";
    const lab = new RewindableLab(topo, { seed: 2, write: (s) => (printed += s) });
    const events: LabEvent[] = [];
    const off = lab.onEvent((e) => events.push(e));
    const snaps = new Map<number, { tables: unknown; n: number }>();
    for (const t of [50, 65, 72, 90, 150].map((x) => x * SECOND)) {
      await to(lab, t);
      snaps.set(t, { tables: tables(lab), n: events.length });
    }
    off();
    const once = printed;
    expect(once).toMatch(/^\[1m10s\] vm5# ping -c 5 vm4\n/);
    for (const t of [90, 72, 65, 50].map((x) => x * SECOND)) {
      const replayed: LabEvent[] = [];
      lab.rewindTo(t, { events: (e) => replayed.push(e) });
      expect(tables(lab)).toEqual(snaps.get(t)!.tables);
      expect(replayed).toEqual(events.slice(0, snaps.get(t)!.n));
    }
    // The replays printed nothing; playing on past the scheduled command prints it afresh.
    expect(printed).toBe(once);
    lab.rewindTo(60 * SECOND);
    await to(lab, 150 * SECOND);
    expect(tables(lab)).toEqual(snaps.get(150 * SECOND)!.tables);
    expect(printed).toBe(once + once);
  });
});

runLabConformance("sim (rewindable)", () => new RewindableLab(seed(), { seed: 1 }));
