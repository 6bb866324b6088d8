import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LabEvent } from "../../core/events.js";
import { SECOND } from "../../core/time.js";
import { RewindableLab } from "../../engines/sim/rewind.js";
import { loadTopologyText } from "../../topology/index.js";
import { OTHER_USERS, UserStats } from "./user-stats.js";

const SEED = join(import.meta.dirname, "..", "..", "..", "examples", "seed.yaml");
const seedLab = () =>
  new RewindableLab(loadTopologyText(readFileSync(SEED, "utf8"), "seed.yaml"), { seed: 3 });

/** Runs `line` on `node` as `user` until it ends; its exit status. */
async function run(lab: RewindableLab, node: string, line: string, user: string): Promise<number> {
  const x = lab.exec(node, line, { user });
  await lab.advanceUntil(() => x.exitCode !== undefined, 60 * SECOND);
  return x.done;
}

const hop = (packet: number, user: string): LabEvent => ({
  kind: "hop",
  t: 0,
  packet,
  user,
  cls: "echo-request",
  from: "a",
  to: "b",
  link: "a-b",
  duration: 1,
  size: 84,
  summary: "",
});

describe("UserStats", () => {
  it("counts a packet once however many hops it takes; a delivery or a drop once each", () => {
    const s = new UserStats();
    s.add(hop(1, "alice"));
    s.add(hop(1, "alice"));
    s.add({ kind: "deliver", t: 0, packet: 1, user: "alice", cls: "echo-request", node: "b", summary: "" });
    s.add({ kind: "deliver", t: 0, packet: 1, user: "alice", cls: "echo-request", node: "b", summary: "" });
    // A packet that dies before any hop (no route at its first router) was still sent.
    s.add({
      kind: "drop",
      t: 0,
      packet: 2,
      user: "alice",
      cls: "echo-request",
      node: "a",
      reason: "no-route",
      summary: "",
    });
    s.add({
      kind: "route",
      t: 0,
      node: "a",
      action: "add",
      dest: "x",
      gateway: "y",
      iface: "z",
      source: "rip",
      reason: "",
    });
    // (No route at the node it started from: nobody answers, it is lost.)
    expect(s.snapshot()).toEqual({
      alice: {
        sent: 2,
        delivered: 1,
        answered: 0,
        lost: 1,
        answeredBy: {},
        lostBy: { "no-route": 1 },
        refusedBy: {},
      },
    });
    // Arrived but nobody listening: delivered, and the refusal noted.
    s.add({
      kind: "hop",
      t: 0,
      packet: 3,
      user: "bob",
      cls: "traceroute",
      from: "a",
      to: "b",
      link: "a-b",
      duration: 1,
      size: 40,
      summary: "",
    });
    s.add({
      kind: "drop",
      t: 0,
      packet: 3,
      user: "bob",
      cls: "traceroute",
      node: "b",
      reason: "port-unreachable",
      summary: "",
    });
    expect(s.snapshot().bob).toEqual({
      sent: 1,
      delivered: 1,
      answered: 0,
      lost: 0,
      answeredBy: {},
      lostBy: {},
      refusedBy: { "port-unreachable": 1 },
    });
  });

  it("a clean traceroute is not lost: its expired probes were answered (issue 16)", async () => {
    const lab = seedLab();
    const s = new UserStats().attach(lab);
    await lab.advance(40 * SECOND); // RIP has converged
    expect(await run(lab, "vm1", "traceroute vm9", "alice")).toBe(0);
    const alice = s.snapshot().alice!;
    // Every probe but the last three expired at a router, which sent time exceeded back.
    expect(alice.lost).toBe(0);
    expect(alice.lostBy).toEqual({});
    expect(alice.answered).toBeGreaterThanOrEqual(3);
    expect(alice.answeredBy).toEqual({ "ttl-expired": alice.answered });
    expect(alice.refusedBy).toEqual({ "port-unreachable": 3 });
    // Probes and the routers' answers to them, every one accounted for.
    expect(alice.sent).toBe(alice.delivered + alice.answered);
    // A ping that meets a dead end nobody answers for is lost, and says why.
    lab.setLink("vm3", "vm9", false, { silent: true });
    await run(lab, "vm3", "ping -c 1 -t 2 vm9", "alice");
    expect(s.snapshot().alice!.lostBy).toEqual({ "link-down": 1 });
    await lab.close();
  });

  it("follows a rewind: the counters are the rewound moment's (issue 16)", async () => {
    const lab = seedLab();
    const s = new UserStats().attach(lab);
    await lab.advance(40 * SECOND);
    expect(await run(lab, "vm1", "ping -c 2 vm6", "alice")).toBe(0);
    await lab.advance(SECOND);
    const before = s.snapshot();
    const t = lab.clock().now;
    expect(before.alice).toMatchObject({ sent: 4, delivered: 4, lost: 0 });
    await lab.advance(SECOND);
    expect(await run(lab, "vm1", "ping -c 3 vm9", "bob")).toBe(0);
    expect(s.snapshot().bob!.sent).toBe(6);
    lab.rewindTo(t);
    expect(s.snapshot()).toEqual(before);
    // Rewinding to before anyone typed anything: only the routers' own chatter is left.
    lab.rewindTo(10 * SECOND);
    expect(Object.keys(s.snapshot())).toEqual(["rip"]);
    // Playing on re-makes the recorded future, and the counts with it.
    await lab.advance(t - lab.clock().now);
    expect(s.snapshot()).toEqual(before);
    await lab.close();
  });

  it("stays bounded: a flood of packets and of invented user names", () => {
    const s = new UserStats();
    for (let i = 0; i < 250_000; i++) s.add(hop(i, `u${i % 1500}`));
    const snap = s.snapshot();
    expect(Object.keys(snap).length).toBe(1001);
    // u0…u999 counted by name; u1000…u1499 share the last row.
    expect(snap.u999!.sent).toBe(Math.ceil((250_000 - 999) / 1500));
    expect(snap[OTHER_USERS]!.sent).toBe(
      500 * Math.floor(250_000 / 1500) + Math.max(0, (250_000 % 1500) - 1000),
    );
    let total = 0;
    for (const c of Object.values(snap)) total += c.sent;
    expect(total).toBe(250_000);
  });
});
