import { describe, expect, it } from "vitest";
import type { LabEvent } from "../../core/events.js";
import { OTHER_USERS, UserStats } from "./user-stats.js";

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
    expect(s.snapshot()).toEqual({
      alice: { sent: 2, delivered: 1, lost: 1, lostBy: { "no-route": 1 }, refusedBy: {} },
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
      lost: 0,
      lostBy: {},
      refusedBy: { "port-unreachable": 1 },
    });
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
