/**
 * Typing into a running `nc` from a terminal (shell/session.ts `cooked`, journaled by the
 * rewindable lab): bob listens on the server, alice connects from the client, the lines each
 * types appear on the other side; Ctrl-D ends alice's input (FIN), and bob's nc ends with the
 * connection. A rewind to the start replays the typed lines at the same events: the TCP
 * segments that carried them come out the same, byte for byte.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LabEvent } from "../core/events.js";
import { SECOND } from "../core/time.js";
import { JournalQuota } from "../engines/sim/journal-quota.js";
import { RewindableLab } from "../engines/sim/rewind.js";
import { parseRoutelabYaml } from "../topology/index.js";
import { UserLimits } from "./limits.js";
import { openTerminal, type Terminal } from "./terminal.js";

const RELAY = parseRoutelabYaml(
  readFileSync(join(import.meta.dirname, "..", "..", "examples", "lessons", "relay.yaml"), "utf8"),
  "relay.yaml",
);

describe("typing into a running nc", () => {
  it("sends each line typed across the connection, Ctrl-D closes, and a rewind replays it the same", async () => {
    const lab = new RewindableLab(RELAY, { seed: 1 });
    const limits = new UserLimits();
    const open = (user: string, node: string) => {
      const o = { out: "", t: undefined as unknown as Terminal };
      o.t = openTerminal({
        lab,
        user,
        role: "student",
        limits,
        node,
        write: (s) => (o.out += s),
        onExit: () => {},
      }) as Terminal;
      return o;
    };
    const segments: string[] = [];
    lab.onEvent((e: LabEvent) => {
      if (e.kind === "deliver" && e.cls === "tcp" && /length [1-9]/.test(e.summary))
        segments.push(`${e.t} ${e.node} ${e.summary}`);
    });
    const step = () => lab.advance(SECOND);
    const bob = open("bob", "server");
    const alice = open("alice", "client");
    bob.t.input("nc -l 5000\r");
    await step();
    alice.t.input("nc 192.168.20.200 5000\r");
    await step();
    alice.t.input("hello from alice\r");
    await step();
    expect(bob.out).toContain("hello from alice\r\n");
    bob.t.input("hi bax\x7fck\r");
    await step();
    expect(alice.out).toContain("hi back\r\n");
    expect(bob.out).toContain("hi bax\b \bck\r\n"); // echoed, erased, retyped
    alice.t.input("\x04");
    await lab.advance(5 * SECOND);
    // alice's FIN ends bob's nc (one connection, relayed until the peer's FIN); his ends hers.
    await bob.t.session.idle();
    await alice.t.session.idle();
    expect(bob.out).toMatch(/bob@server\$ $/);
    expect(alice.out).toMatch(/alice@client\$ $/);
    expect(lab.journal().past.map((j) => j.text)).toEqual([
      "bob@server: nc -l 5000",
      "alice@client: nc 192.168.20.200 5000",
      "input to command 2 (17 characters)",
      "input to command 1 (8 characters)",
      "Ctrl-D (command 2)",
    ]);
    const first = [...segments];
    expect(first.length).toBeGreaterThanOrEqual(2);
    segments.length = 0;
    lab.rewindTo(0, {
      events: (e) => {
        if (e.kind === "deliver" && e.cls === "tcp" && /length [1-9]/.test(e.summary))
          segments.push(`${e.t} ${e.node} ${e.summary}`);
      },
    });
    await lab.advance(lab.horizon());
    expect(segments).toEqual(first);
    await lab.close();
  });

  it("a line the journal cannot take is refused with its message; a Ctrl-C still ends the command", async () => {
    const lab = new RewindableLab(RELAY, { seed: 1, quota: new JournalQuota(undefined, 2, 1 << 20) });
    let out = "";
    const t = openTerminal({
      lab,
      user: "alice",
      role: "student",
      limits: new UserLimits(),
      node: "client",
      write: (s) => (out += s),
      onExit: () => {},
    }) as Terminal;
    t.input("nc -l 5000\r");
    await lab.advance(SECOND);
    t.input("one\rtwo\r");
    expect(out).toContain("one\r\ntwo\r\nthe lesson's journal is full (at most 2 inputs");
    // A Ctrl-C always passes, the journal full or not: a student is never stuck in a command.
    // It is journaled past the bound (one per command), so a rewind still replays it exactly.
    out = "";
    t.input("\x03");
    await lab.advance(SECOND);
    await t.session.idle();
    expect(out).toMatch(/^\^C\r\n\r\x1b\[Jalice@client\$ $/); // nc ended (130): the prompt is back
    expect(lab.journal().past.map((j) => j.text)).toEqual([
      "alice@client: nc -l 5000",
      "input to command 1 (4 characters)",
      "Ctrl-C (command 1)",
    ]);
    lab.rewindTo(0);
    await lab.advance(lab.horizon());
    expect(
      lab
        .journal()
        .past.map((j) => j.text)
        .at(-1),
    ).toBe("Ctrl-C (command 1)");
    await lab.close();
  });

  it("`echo hello | nc HOST PORT`: an instructor's pipe feeds nc the line (netns: the same bytes, test/system/netns-nc-stdin.test.ts); a student's is refused with the shell's message", async () => {
    const lab = new RewindableLab(RELAY, { seed: 1 });
    const limits = new UserLimits();
    let out = "";
    let bobOut = "";
    const bob = lab.exec("server", "nc -l 5001", { user: "bob", write: (s) => (bobOut += s) });
    await lab.advance(SECOND);
    const open = (user: string, role: string) =>
      openTerminal({
        lab,
        user,
        role,
        limits,
        node: "client",
        write: (s) => (out += s),
        onExit: () => {},
      }) as Terminal;
    const student = open("alice", "student");
    student.input("echo hello | nc 192.168.20.200 5001\r");
    await student.session.idle();
    expect(out).toContain('Syntax error: "|" is not supported here (one command per line)');
    const teacher = open("teacher", "instructor");
    teacher.input("echo hello | nc 192.168.20.200 5001\r");
    await lab.advance(5 * SECOND);
    await teacher.session.idle();
    expect([bobOut, bob.exitCode]).toEqual(["hello\n", 0]);
    expect(out).toMatch(/teacher@client\$ $/); // nc ended: the prompt is back
    await lab.close();
  });

  it("exit from an ssh hop passes a full journal too: the student is back where they came from", async () => {
    const lab = new RewindableLab(RELAY, { seed: 1, quota: new JournalQuota(undefined, 1, 1 << 20) });
    let out = "";
    const t = openTerminal({
      lab,
      user: "alice",
      role: "student",
      limits: new UserLimits(),
      node: "client",
      write: (s) => (out += s),
      onExit: () => {},
    }) as Terminal;
    t.input("ssh 192.168.20.200\r");
    await lab.advance(5 * SECOND);
    await t.session.idle();
    expect(out).toMatch(/alice@server\$ $/);
    out = "";
    t.input("exit\r");
    await lab.advance(SECOND);
    await t.session.idle();
    expect(out).toMatch(/Connection to 192\.168\.20\.200 closed\.\r\n\r\x1b\[Jalice@client\$ $/);
    expect(lab.journal().past.map((j) => j.text)).toEqual([
      "alice@client: ssh 192.168.20.200",
      "exit (ssh 1)",
    ]);
    await lab.close();
  });
});
