/** Check judgement that needs no network: losses, commands, windows, pending, the report. */
import { describe, expect, it } from "vitest";
import type { DropEvent, LabEvent } from "../core/events.js";
import { MINUTE, SECOND } from "../core/time.js";
import { parseCheckText } from "../topology/lesson-grammar.js";
import type { CheckSpec } from "../topology/lesson-model.js";
import { type CheckEnv, evaluateChecks } from "./checks.js";
import { CheckRecord, isLoss } from "./checks-record.js";
import type { Lab, NodeInfo } from "./lab.js";
import { formatCheckReport } from "./lesson-report.js";

const drop = (t: number, o: Partial<DropEvent> = {}): DropEvent => ({
  kind: "drop",
  t,
  packet: 1,
  user: "alice",
  cls: "echo-request",
  node: "vm2",
  reason: "no-route",
  summary: "ICMP echo request",
  ...o,
});

const nodes: NodeInfo[] = [
  {
    name: "vm6",
    kind: "router",
    up: true,
    routing: "rip",
    interfaces: [{ name: "epair5b", addr: "10.0.60.2", len: 24, up: true }],
  },
];

/** A lab that only tells the time and its nodes: enough for checks judged from the record. */
function env(now: number, events: LabEvent[], final = false): CheckEnv {
  const lab = { clock: () => ({ now, speed: 0, paused: false }), nodes: () => nodes } as unknown as Lab;
  const record = new CheckRecord();
  for (const e of events) record.add(e);
  return { lab, record, labAt: async () => lab, final };
}

let n = 0;
function spec(text: string, more: Partial<CheckSpec> = {}): CheckSpec {
  const p = parseCheckText(text);
  if (!p.ok) throw new Error(p.error);
  return { ...p.value, id: `c${++n}`, text, pos: { line: n }, ...more } as CheckSpec;
}

describe("losses", () => {
  it("count what people sent and lost, not RIP or a traceroute doing its job", () => {
    expect(isLoss(drop(0))).toBe(true);
    expect(isLoss(drop(0, { reason: "ttl-expired" }))).toBe(true); // a ping in a loop
    expect(isLoss(drop(0, { cls: "traceroute", reason: "ttl-expired" }))).toBe(false);
    expect(isLoss(drop(0, { cls: "traceroute", reason: "port-unreachable" }))).toBe(false);
    expect(isLoss(drop(0, { cls: "traceroute", reason: "link-down" }))).toBe(true);
    expect(isLoss(drop(0, { cls: "rip", reason: "link-down" }))).toBe(false);
    expect(isLoss(drop(0, { reason: "no-listener" }))).toBe(false);
  });

  it("judge windows: pending before they open, open windows only fail when already too many", async () => {
    const after2m = spec("no packet lost after 2m");
    const atLeast = spec("at least 2 packets lost by alice between 1m and 3m");
    const events = [drop(30 * SECOND), drop(90 * SECOND), drop(150 * SECOND, { user: "bob" })];
    const at = async (now: number, final = false) =>
      (await evaluateChecks([after2m, atLeast], env(now, events, final))).map((r) => [r.status, r.reason]);
    expect(await at(50 * SECOND)).toEqual([
      ["pending", "counting from 2m"],
      ["pending", "counting from 1m"],
    ]);
    expect(await at(2.5 * MINUTE)).toEqual([
      ["fail", "1 packet lost, first at 2m30s at vm2 (no-route: ICMP echo request)"],
      ["pending", "1 packet lost, first at 1m30s at vm2 (no-route: ICMP echo request)"],
    ]);
    expect((await at(2.5 * MINUTE, true))[1]![0]).toBe("fail");
  });
});

describe("commands", () => {
  const cmd = (t: number, user: string, node: string, command: string): LabEvent => ({
    kind: "command",
    t,
    node,
    user,
    command,
  });
  it("match the program, then the wanted words in order; a node name matches its address", async () => {
    const events = [
      cmd(10 * SECOND, "alice", "vm4", "ping -c 3 10.0.60.2"),
      { ...(cmd(12 * SECOND, "alice", "vm4", "ping -c 3 10.0.60.2") as object), exit: 0 } as LabEvent,
      cmd(20 * SECOND, "bob", "vm4", "traceroute -n vm6"),
    ];
    const r = await evaluateChecks(
      [
        spec("alice ran ping vm6"),
        spec("alice ran ping -c 3 vm6 on vm4"),
        spec("alice ran traceroute vm6"),
        spec("anyone ran traceroute vm6"),
        spec("bob ran traceroute vm6 after 30s"),
        spec("carol ran ping vm6"),
        spec("bob ran traceroute vm6", { at: 15 * SECOND }),
      ],
      env(MINUTE, events, true),
    );
    expect(r.map((x) => `${x.status}: ${x.reason}`)).toEqual([
      "pass: alice@vm4 ran 'ping -c 3 10.0.60.2' at 10s",
      "pass: alice@vm4 ran 'ping -c 3 10.0.60.2' at 10s",
      "fail: alice ran 'ping -c 3 10.0.60.2' on vm4",
      "pass: bob@vm4 ran 'traceroute -n vm6' at 20s",
      "fail: bob ran no command after 30s",
      "fail: carol ran no command",
      "fail: bob ran no command",
    ]);
    expect(r[0]!.user).toBe("alice");
  });

  it('match words inside a quoted argument: vtysh -c "show ip ospf neighbor"', async () => {
    const events = [cmd(10 * SECOND, "alice", "vm1", `vtysh -c "show ip ospf neighbor"`)];
    const r = await evaluateChecks(
      [spec("alice ran vtysh show ip ospf neighbor on vm1"), spec("alice ran vtysh show ip ospf database")],
      env(MINUTE, events, true),
    );
    expect(r.map((x) => x.status)).toEqual(["pass", "fail"]);
  });

  it("'every student ran …' is judged once per student, each seeing their own", async () => {
    const each = spec("every student ran ping vm6");
    const events = [
      cmd(5 * SECOND, "root", "vm1", "ping vm6"),
      cmd(10 * SECOND, "alice", "vm4", "ping -c 3 10.0.60.2"),
      cmd(20 * SECOND, "bob", "vm4", "traceroute -n vm6"),
    ];
    const r = await evaluateChecks([each], env(MINUTE, events, true));
    expect(r.map((x) => [x.id, x.user, x.status, x.reason])).toEqual([
      [`${each.id}:alice`, "alice", "pass", "alice@vm4 ran 'ping -c 3 10.0.60.2' at 10s"],
      [`${each.id}:bob`, "bob", "fail", "bob ran 'traceroute -n vm6' on vm4"],
    ]);
    const none = await evaluateChecks([each], env(MINUTE, events.slice(0, 1), true));
    expect(none.map((x) => [x.id, x.status, x.reason])).toEqual([
      [each.id, "fail", "no student has run a command"],
    ]);
  });

  it("(issue 16) live, an end-of-session check that does not hold yet is pending, not failed; one that holds passes", async () => {
    const events = [cmd(10 * SECOND, "alice", "vm4", "ping -c 3 10.0.60.2")];
    const checks = [
      spec("alice ran ping vm6"),
      spec("bob ran ping vm6"),
      spec("every student ran traceroute vm6"),
    ];
    const live = await evaluateChecks(checks, env(MINUTE, events));
    expect(live.map((x) => `${x.status}: ${x.reason}`)).toEqual([
      "pass: alice@vm4 ran 'ping -c 3 10.0.60.2' at 10s",
      "pending: bob ran no command (judged at the end)",
      "pending: alice ran 'ping -c 3 10.0.60.2' on vm4 (judged at the end)",
    ]);
    // At the end (grading) the same checks fail.
    const end = await evaluateChecks(checks, env(MINUTE, events, true));
    expect(end.map((x) => x.status)).toEqual(["pass", "fail", "fail"]);
    // A loss count already too high cannot mend: it fails live too.
    const lost = await evaluateChecks([spec("no packet lost")], env(MINUTE, [drop(30 * SECOND)]));
    expect(lost[0]!.status).toBe("fail");
  });
});

describe("the record", () => {
  it("forgets what came after a rewind", () => {
    const r = new CheckRecord();
    for (const t of [1, 2, 3, 4]) r.add(drop(t * SECOND));
    r.add({ kind: "command", t: 2 * SECOND, node: "vm1", user: "root", command: "ping vm2" });
    r.truncate(2 * SECOND);
    expect(r.losses.map((e) => e.t)).toEqual([SECOND, 2 * SECOND]);
    expect(r.commands).toHaveLength(1);
    r.truncate(0);
    expect(r.commands).toHaveLength(0);
  });
});

describe("the report", () => {
  it("marks each check, hints under failures, and counts", () => {
    expect(
      formatCheckReport([
        {
          id: "c1",
          text: "vm4 reaches vm9",
          kind: "reach",
          status: "pass",
          reason: "ping 10.0.90.2 answered",
        },
        {
          id: "c2",
          text: "vm1 has 10.0.60.0/24",
          kind: "route",
          status: "fail",
          reason: "no route",
          hint: "wait",
          at: 2 * MINUTE,
        },
        {
          id: "c3",
          text: "no packet lost after 9m",
          kind: "lost",
          status: "pending",
          reason: "counting from 9m",
        },
      ]),
    ).toBe(
      [
        "✓ vm4 reaches vm9: ping 10.0.90.2 answered",
        "✗ vm1 has 10.0.60.0/24 [at 2m]: no route",
        "    hint: wait",
        "… no packet lost after 9m: counting from 9m",
        "1 of 3 checks passed",
        "",
      ].join("\n"),
    );
  });
});
