/**
 * The rewindable lab's journal under a hostile room (issue 17): bounded in entries and bytes,
 * each person at a fair rate (one student made 35,000 entries in 48 s), read in pages; and the
 * instructor's root rights are journaled, so `route add` works live and on replay (the
 * rewindable lab dropped the privileged flag: "Operation not permitted" even for instructors).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SECOND } from "../../core/time.js";
import { loadTopologyText } from "../../topology/index.js";
import { JournalQuota } from "./journal-quota.js";
import { RewindableLab } from "./rewind.js";

const SEED = join(import.meta.dirname, "..", "..", "..", "examples", "seed.yaml");
const seed = () => loadTopologyText(readFileSync(SEED, "utf8"), "seed.yaml");

function output(lab: RewindableLab, node: string, line: string, o: { user: string; privileged?: boolean }) {
  let out = "";
  const x = lab.exec(node, line, { ...o, write: (s) => (out += s) });
  return { x, out: () => out };
}

describe("journal bounds", () => {
  it("one person may add only a burst, then a couple a second; others keep working", async () => {
    let wall = 0;
    const lab = new RewindableLab(seed(), { quota: new JournalQuota(() => wall) });
    await lab.advance(5 * SECOND);
    let refused = "";
    let admitted = 0;
    for (let i = 0; i < 35_000 && !refused; i++) {
      try {
        lab.exec("vm1", "hostname", { user: "alice" });
        admitted++;
      } catch (e) {
        refused = (e as Error).message;
      }
    }
    expect(admitted).toBe(30);
    expect(refused).toBe(
      "alice: too many commands at once (at most 2 a second, 30 in a burst); wait a moment",
    );
    expect(() => lab.exec("vm2", "hostname", { user: "bob" })).not.toThrow();
    wall += 1000;
    lab.exec("vm1", "hostname", { user: "alice" });
    lab.exec("vm1", "hostname", { user: "alice" });
    expect(() => lab.exec("vm1", "hostname", { user: "alice" })).toThrow(/too many commands/);
    expect(lab.inputsApplied()).toBe(33);
  });

  it("a full journal refuses new inputs with a message, and nothing changes", async () => {
    const lab = new RewindableLab(seed(), { quota: new JournalQuota(undefined, 3, 1 << 20) });
    lab.setLink("vm1", "vm2", false);
    lab.setLink("vm1", "vm2", true);
    lab.exec("vm1", "hostname", { user: "alice" });
    expect(() => lab.setNode("vm3", false)).toThrow(/journal is full \(at most 3 inputs/);
    expect(lab.nodes().find((n) => n.name === "vm3")!.up).toBe(true);
    const bytes = new RewindableLab(seed(), { quota: new JournalQuota(undefined, 1000, 4096) });
    expect(() => bytes.exec("vm1", `hostname ${"x".repeat(4000)}`, { user: "alice" })).not.toThrow();
    expect(() => bytes.exec("vm1", `hostname ${"x".repeat(100)}`, { user: "alice" })).toThrow(
      /journal is full/,
    );
  });

  it("Ctrl-C pressed many times is journaled once", async () => {
    const lab = new RewindableLab(seed());
    const x = lab.exec("vm1", "ping vm9", { user: "alice" });
    for (let i = 0; i < 1000; i++) x.interrupt();
    expect(lab.journal().past.map((e) => e.kind)).toEqual(["exec", "interrupt"]);
  });

  it("is read in pages after what the reader holds; a branch cuts it where entries were dropped", async () => {
    const lab = new RewindableLab(seed());
    for (let i = 1; i <= 10; i++) {
      await lab.advance(SECOND);
      lab.setLink("vm1", "vm2", i % 2 === 0);
    }
    let p = lab.journalSince(0, undefined, 4);
    expect(p).toMatchObject({ gen: 0, from: 0, applied: 10, total: 10 });
    expect(p.entries).toHaveLength(4);
    p = lab.journalSince(4, 0, 100);
    expect(p.entries.map((e) => e.t)).toEqual([5, 6, 7, 8, 9, 10].map((s) => s * SECOND));
    lab.rewindTo(5.5 * SECOND);
    expect(lab.journalSince(10, 0, 100)).toMatchObject({
      gen: 0,
      from: 10,
      entries: [],
      applied: 5,
      total: 10,
    });
    lab.setNode("vm9", false); // a branch: the recorded five after 5.5 s are dropped
    p = lab.journalSince(10, 0, 100);
    expect(p).toMatchObject({ gen: 1, from: 5, applied: 6, total: 6 });
    expect(p.entries.map((e) => e.text)).toEqual(["node vm9 down"]);
    expect(lab.journalSince(6, 1, 100).entries).toEqual([]);
  });
});

describe("instructors are root in a rewindable lab", () => {
  it("route add and ifconfig down work for a privileged user, live and replayed; not for a student", async () => {
    const lab = new RewindableLab(seed());
    await lab.advance(10 * SECOND);
    const student = output(lab, "vm1", "route add 10.99.0.0/24 10.0.10.2", { user: "alice" });
    expect(await student.x.done).not.toBe(0);
    expect(student.out()).toMatch(/Operation not permitted/);
    const add = output(lab, "vm1", "route add 10.99.0.0/24 10.0.10.2", { user: "carol", privileged: true });
    expect(await add.x.done).toBe(0);
    const down = output(lab, "vm4", "ifconfig epair3b down", { user: "carol", privileged: true });
    expect(await down.x.done).toBe(0);
    const has = () => lab.routes("vm1").some((r) => r.dest === "10.99.0.0/24");
    const ifUp = () =>
      lab
        .nodes()
        .find((n) => n.name === "vm4")!
        .interfaces.find((i) => i.name === "epair3b")!.up;
    expect(has()).toBe(true);
    expect(ifUp()).toBe(false);
    await lab.advance(10 * SECOND);
    lab.rewindTo(15 * SECOND); // rebuilt and replayed: the instructor's commands act again as root
    expect(has()).toBe(true);
    expect(ifUp()).toBe(false);
  });
});
