/** Lesson sections: the check grammar, events and checks read with positions, bad ones refused. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LabError } from "../core/errors.js";
import { MINUTE, SECOND } from "../core/time.js";
import { parseCheckText, parseRunText } from "./lesson-grammar.js";
import { parseLessonYaml } from "./parse-lesson.js";
import { parseRoutelabYaml } from "./parse-yaml.js";

const SEED = readFileSync(join(import.meta.dirname, "..", "..", "examples", "seed.yaml"), "utf8");
const seed = parseRoutelabYaml(SEED, "seed.yaml");
const value = (t: string) => {
  const p = parseCheckText(t);
  if (!p.ok) throw new Error(p.error);
  return p.value;
};
const error = (t: string) => {
  const p = parseCheckText(t);
  return p.ok ? "parsed" : p.error;
};
const faults = (text: string): string => {
  try {
    parseRoutelabYaml(text, "l.yaml");
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    return (e as LabError).format();
  }
  throw new Error("expected LabErrors");
};
const TOPO = "nodes: {a: , b: , c: }\nlinks:\n  - endpoints: [a, b]\n  - endpoints: [b, c]\n";

describe("check sentences", () => {
  it("reads every form", () => {
    expect(value("vm4 reaches vm9")).toEqual({ kind: "reach", from: "vm4", to: "vm9", negate: false });
    expect(value("vm4 can reach 10.0.90.2")).toMatchObject({ to: "10.0.90.2", negate: false });
    expect(value("vm4 cannot reach vm9")).toMatchObject({ negate: true });
    expect(value("vm4 does not reach vm9")).toMatchObject({ negate: true });
    expect(value("vm1 → vm6 via vm3")).toEqual({
      kind: "path",
      from: "vm1",
      to: "vm6",
      via: ["vm3"],
      avoid: [],
    });
    expect(value("vm1->vm6 via vm3, vm2 not via vm5")).toEqual({
      kind: "path",
      from: "vm1",
      to: "vm6",
      via: ["vm3", "vm2"],
      avoid: ["vm5"],
    });
    expect(value("vm1 -> vm6 avoiding vm2")).toMatchObject({ via: [], avoid: ["vm2"] });
    expect(value("vm1 has 10.0.60.0/24 metric 3")).toEqual({
      kind: "route",
      node: "vm1",
      dest: "10.0.60.0/24",
      metric: 3,
      absent: false,
    });
    expect(value("vm1 has a route to default via vm2")).toMatchObject({ dest: "0.0.0.0/0", gateway: "vm2" });
    expect(value("vm1 has no route to 10.0.60.0/24")).toMatchObject({ absent: true });
    expect(value("no packet lost after 2m")).toEqual({
      kind: "lost",
      op: "at-most",
      count: 0,
      after: 2 * MINUTE,
    });
    expect(value("at most 3 packets lost by alice between 30s and 1m")).toEqual({
      kind: "lost",
      op: "at-most",
      count: 3,
      user: "alice",
      after: 30 * SECOND,
      before: MINUTE,
    });
    expect(value("at least 1 packet lost")).toMatchObject({ op: "at-least", count: 1 });
    expect(value("2 packets lost before 10s")).toMatchObject({
      op: "exactly",
      count: 2,
      before: 10 * SECOND,
    });
    expect(value("alice ran traceroute vm6")).toEqual({
      kind: "ran",
      user: "alice",
      words: ["traceroute", "vm6"],
    });
    expect(value("anyone ran ping -c 3 vm9 on vm4")).toEqual({
      kind: "ran",
      words: ["ping", "-c", "3", "vm9"],
      node: "vm4",
    });
    expect(value("every student ran traceroute vm9 on vm6")).toEqual({
      kind: "ran",
      each: true,
      words: ["traceroute", "vm9"],
      node: "vm6",
    });
    expect(value("alice ran traceroute vm9 after 3m30s on vm6")).toEqual({
      kind: "ran",
      user: "alice",
      words: ["traceroute", "vm9"],
      node: "vm6",
      after: 210 * SECOND,
    });
  });

  it("says what is wrong", () => {
    expect(error("vm4 pings vm9")).toMatch(/^'vm4 pings vm9' is not a check: write 'A reaches B'/);
    expect(error("vm4 reaches")).toBe("write 'A reaches B' (one node or address each side)");
    expect(error("vm1 -> vm6 via")).toBe("'via' needs at least one node after it");
    expect(error("vm1 has 10.0.60.1/24")).toBe(
      "'10.0.60.1/24' has host bits set: the subnet is 10.0.60.0/24",
    );
    expect(error("vm1 has 10.0.60.0/24 metric x")).toMatch(/^unexpected 'metric'/);
    expect(error("no packet lost after 2")).toBe("'2' has no unit: write e.g. 2ms or 2s");
    expect(error("no packet lost between 2m and 1m")).toBe("the time window is empty (after ≥ before)");
    expect(error("alice ran")).toMatch(/^write 'alice ran COMMAND'/);
  });

  it("reads scheduled commands", () => {
    expect(parseRunText("vm4: traceroute vm9")).toEqual({
      ok: true,
      value: { user: "root", node: "vm4", command: "traceroute vm9" },
    });
    expect(parseRunText("alice@vm4:  ping -c 1 vm9 ")).toMatchObject({ value: { user: "alice" } });
    expect(parseRunText("vm4:")).toEqual({ ok: false, error: "missing command after 'vm4:'" });
  });
});

describe("events: and checks: in a topology file", () => {
  it("reads them, sorted by time, with positions", () => {
    const t = parseRoutelabYaml(
      `${TOPO}events:
  - {at: 2m, node: c, state: down}
  - {at: 30s, link: [a, b], state: down, silent: true}
  - {at: 3m, run: "alice@a: traceroute c"}
  - {at: 4m, link: b-c, state: up}
checks:
  - a reaches c
  - {check: "a -> c via b", at: 1m, hint: "wait for RIP"}
`,
      "l.yaml",
    );
    expect(t.lesson!.events.map((e) => [e.at / SECOND, e.kind, e.pos.line])).toEqual([
      [30, "link", 7],
      [120, "node", 6],
      [180, "run", 8],
      [240, "link", 9],
    ]);
    expect(t.lesson!.events[0]).toMatchObject({ a: "a", b: "b", up: false, silent: true });
    expect(t.lesson!.events[2]).toMatchObject({ user: "alice", node: "a", command: "traceroute c" });
    expect(t.lesson!.events[3]).toMatchObject({ a: "b", b: "c", up: true, silent: false });
    expect(t.lesson!.checks).toEqual([
      {
        kind: "reach",
        from: "a",
        to: "c",
        negate: false,
        id: "c1",
        text: "a reaches c",
        pos: expect.objectContaining({ line: 11, col: 5 }),
      },
      expect.objectContaining({
        kind: "path",
        id: "c2",
        at: MINUTE,
        hint: "wait for RIP",
        pos: expect.objectContaining({ line: 12 }),
      }),
    ]);
    expect(seed.lesson).toBeUndefined();
  });

  it("reads a link's delay and loss changing on schedule", () => {
    const t = parseRoutelabYaml(
      `${TOPO}events:\n  - {at: 1m, link: [a, b], delay: 20ms, loss: 10%}\n  - {at: 2m, link: b-c, loss: 0.5}\n`,
      "l.yaml",
    );
    expect(t.lesson!.events).toEqual([
      {
        at: MINUTE,
        kind: "shape",
        a: "a",
        b: "b",
        delay: 20_000_000,
        loss: 0.1,
        pos: expect.objectContaining({ line: 6 }),
      },
      { at: 2 * MINUTE, kind: "shape", a: "b", b: "c", loss: 0.5, pos: expect.objectContaining({ line: 7 }) },
    ]);
    expect(faults(`${TOPO}events:\n  - {at: 1m, link: [a, b], state: down, loss: 10%}\n`)).toBe(
      "l.yaml:6:28: events[0].state: a link event changes either its state or its delay and loss: write two events",
    );
    expect(faults(`${TOPO}events:\n  - {at: 1m, link: [a, b], loss: 150%}\n`)).toBe(
      "l.yaml:6:34: events[0].loss: loss 150% is outside 0…1 (write 0.01 or 1% for one packet in a hundred)",
    );
    expect(faults(`${TOPO}events:\n  - {at: 1m, link: [a, b], delay: 20}\n`)).toBe(
      "l.yaml:6:35: events[0].delay: '20' has no unit: write e.g. 20ms or 20s",
    );
    expect(faults(`${TOPO}events:\n  - {at: 1m, node: a, delay: 1ms, state: down}\n`)).toBe(
      "l.yaml:6:23: events[0].delay: only a link has a delay and a loss",
    );
  });

  it("refuses bad events and checks with file:line:col and field", () => {
    expect(faults(`${TOPO}events:\n  - {at: 30s, link: [a, c], state: down}\n`)).toBe(
      "l.yaml:6:21: events[0].link: there is no link between a and c",
    );
    expect(faults(`${TOPO}events:\n  - {at: 30s, node: d, state: down}\n`)).toBe(
      "l.yaml:6:21: events[0].node: unknown node 'd'; did you mean 'a'?",
    );
    expect(faults(`${TOPO}events:\n  - {at: soon, node: a, state: off}\n`)).toBe(
      [
        "l.yaml:6:10: events[0].at: 'soon' is not a duration (e.g. 500us, 2ms, 30s, 5m)",
        "l.yaml:6:32: events[0].state: 'off' is not a state (use up or down)",
      ].join("\n"),
    );
    expect(faults(`${TOPO}events:\n  - {at: 1s, node: a, link: [a, b], state: down}\n`)).toBe(
      "l.yaml:6:5: events[0]: an event has exactly one of `link:`, `node:` or `run:`",
    );
    expect(faults(`${TOPO}events:\n  - {at: 1s, node: a, state: down, silent: true}\n`)).toBe(
      "l.yaml:6:36: events[0].silent: only a link can be cut silently",
    );
    expect(faults(`${TOPO}events:\n  - {at: 1s, run: "z: ping a"}\n`)).toBe(
      "l.yaml:6:19: events[0].run: unknown node 'z'; did you mean 'a'?",
    );
    expect(faults(`${TOPO}checks:\n  - a reaches x\n`)).toBe(
      "l.yaml:6:5: checks[0]: unknown node 'x'; did you mean 'a'?",
    );
    expect(faults(`${TOPO}checks:\n  - {check: a sings}\n`)).toMatch(
      /^l\.yaml:6:13: checks\[0\]\.check: 'a sings' is not a check/,
    );
    expect(faults(`${TOPO}checks:\n  - {at: 1m}\n`)).toBe(
      "l.yaml:6:5: checks[0]: a check needs `check:` (the sentence, e.g. 'vm4 reaches vm9')",
    );
    expect(faults(`${TOPO}lessons: []\n`)).toMatch(/^l\.yaml:5:1: lessons: unknown key 'lessons'/);
  });
});

describe("a separate exercise file", () => {
  it("reads events and checks against a topology", () => {
    const l = parseLessonYaml(
      "checks: [vm4 reaches vm9]\nevents: [{at: 1m, link: vm1-vm2, state: down}]\n",
      "ex.yaml",
      seed,
    );
    expect(l.checks[0]).toMatchObject({ kind: "reach", from: "vm4", to: "vm9" });
    expect(l.events[0]).toMatchObject({ kind: "link", a: "vm1", b: "vm2", at: MINUTE });
  });
  it("refuses anything else", () => {
    expect(() => parseLessonYaml("nodes: {}\n", "ex.yaml", seed)).toThrow(
      /ex\.yaml:1:1: nodes: unknown key 'nodes'/,
    );
    expect(() => parseLessonYaml("{}\n", "ex.yaml", seed)).toThrow(
      "ex.yaml:1:1: an exercise file needs `events:` or `checks:`",
    );
  });
});

describe("connect checks", () => {
  it("reads 'A connects to B port P [on NODE]' and 'A cannot connect to B port P'", () => {
    expect(parseCheckText("client connects to 192.168.10.200 port 22 on server")).toEqual({
      ok: true,
      value: { kind: "connect", from: "client", to: "192.168.10.200", port: 22, negate: false, on: "server" },
    });
    expect(parseCheckText("client cannot connect to vm5 port 80")).toEqual({
      ok: true,
      value: { kind: "connect", from: "client", to: "vm5", port: 80, negate: true },
    });
    expect(parseCheckText("client connects to vm5 port 0")).toEqual({
      ok: false,
      error: "port 0 is not 1…65535",
    });
    expect(parseCheckText("client connects to vm5")).toEqual({
      ok: false,
      error: "write 'A connects to B port P [on NODE]'",
    });
  });
});

describe("ssh and capture checks", () => {
  it("reads 'A ssh B lands on NODE' and 'capture shows A connecting to B port P'", () => {
    expect(parseCheckText("client ssh 192.168.10.200 lands on server")).toEqual({
      ok: true,
      value: { kind: "ssh", from: "client", to: "192.168.10.200", on: "server" },
    });
    expect(parseCheckText("client ssh 192.168.10.200")).toEqual({
      ok: false,
      error: "write 'A ssh B lands on NODE'",
    });
    expect(parseCheckText("capture shows relay connecting to 192.168.20.200 port 22")).toEqual({
      ok: true,
      value: { kind: "captured", from: "relay", to: "192.168.20.200", port: 22 },
    });
    expect(parseCheckText("capture shows relay connecting to 192.168.20.200 port 70000")).toEqual({
      ok: false,
      error: "port 70000 is not 1…65535",
    });
    expect(parseCheckText("capture shows relay")).toEqual({
      ok: false,
      error: "write 'capture shows A connecting to B port P'",
    });
  });
});
