/**
 * Typing into a running nc on netns: the terminal's lines go to netcat-openbsd's standard input
 * (a pipe, Execution.input), across a real TCP connection between two namespaces; Ctrl-D
 * (Execution.endInput) closes the pipe and nc -N shuts down its write side — a FIN — as FreeBSD
 * 8's nc does on the simulator (src/server/terminal-stdin.test.ts). Needs root and nc:
 *   flock /tmp/routelab-netns.lock npx vitest run test/system/netns-nc-stdin.test.ts
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LabEvent } from "../../src/core/events.js";
import { SECOND } from "../../src/core/time.js";
import { parseRoutelabYaml } from "../../src/topology/index.js";
import { netnsLabPerTest, netnsWhyWith, RUN, skipFor } from "./netns.testkit.js";

const RELAY = join(import.meta.dirname, "..", "..", "examples", "lessons", "relay.yaml");
const PREFIX = `rln-${RUN}`;
const why = netnsWhyWith(["nc", "ssh", "/usr/sbin/sshd"]);

describe.skipIf(skipFor(why))("netns: typing into a running nc", () => {
  const boot = netnsLabPerTest({}, why);

  it("lines typed cross the connection both ways; Ctrl-D sends a FIN and both ends finish", {
    timeout: 120_000,
  }, async () => {
    const lab = await boot(parseRoutelabYaml(readFileSync(RELAY, "utf8"), "relay.yaml"), { prefix: PREFIX });
    const fins: string[] = [];
    lab.onEvent((e: LabEvent) => {
      if (e.kind === "hop" && e.cls === "tcp" && /Flags \[F/.test(e.summary) && e.from === "client")
        fins.push(e.summary);
    });
    let bobOut = "";
    let aliceOut = "";
    const bob = lab.exec("server", "nc -l 5000", { user: "bob", write: (s) => (bobOut += s) });
    await lab.advance(SECOND);
    const alice = lab.exec("client", "nc 192.168.20.200 5000", {
      user: "alice",
      write: (s) => (aliceOut += s),
    });
    await lab.advance(SECOND);
    alice.input!("hello from alice\n");
    expect(await lab.advanceUntil(() => bobOut.includes("hello from alice\n"), 10 * SECOND)).toBe(true);
    bob.input!("hi back\n");
    expect(await lab.advanceUntil(() => aliceOut.includes("hi back\n"), 10 * SECOND)).toBe(true);
    alice.endInput!();
    expect(await lab.advanceUntil(() => fins.length > 0, 10 * SECOND)).toBe(true);
    bob.endInput!();
    expect(
      await lab.advanceUntil(() => bob.exitCode !== undefined && alice.exitCode !== undefined, 10 * SECOND),
    ).toBe(true);
    expect([bob.exitCode, alice.exitCode]).toEqual([0, 0]);
  });

  it("a shell pipe into nc: `echo hello | nc HOST PORT` sends the line, and both ends finish (as on the simulator)", {
    timeout: 120_000,
  }, async () => {
    const lab = await boot(parseRoutelabYaml(readFileSync(RELAY, "utf8"), "relay.yaml"), { prefix: PREFIX });
    let bobOut = "";
    const bob = lab.exec("server", "nc -l 5001", { user: "bob", write: (s) => (bobOut += s) });
    await lab.advance(SECOND);
    // The shell's pipe (shell/run.ts runPipe): echo's output is nc's standard input, its end nc's EOF.
    const alice = lab.exec("client", "echo hello | nc 192.168.20.200 5001", { user: "alice" });
    expect(await lab.advanceUntil(() => bobOut.includes("hello\n"), 10 * SECOND)).toBe(true);
    bob.endInput!();
    expect(
      await lab.advanceUntil(() => bob.exitCode !== undefined && alice.exitCode !== undefined, 10 * SECOND),
    ).toBe(true);
    expect([bobOut, bob.exitCode, alice.exitCode]).toEqual(["hello\n", 0, 0]);
  });

  it("nc -l ends when the peer closes (its own input still open), as FreeBSD's nc does on the simulator", {
    timeout: 120_000,
  }, async () => {
    // netcat-openbsd's readwrite: "listen and net in gone, queues empty, done" — the listener
    // ends on the peer's FIN without its own EOF, as FreeBSD 8's readwrite ends on the network's.
    const lab = await boot(parseRoutelabYaml(readFileSync(RELAY, "utf8"), "relay.yaml"), { prefix: PREFIX });
    let bobOut = "";
    const bob = lab.exec("server", "nc -l 5002", { user: "bob", write: (s) => (bobOut += s) });
    await lab.advance(SECOND);
    const alice = lab.exec("client", "nc 192.168.20.200 5002", { user: "alice" });
    await lab.advance(SECOND);
    alice.input!("bye\n");
    expect(await lab.advanceUntil(() => bobOut.includes("bye\n"), 10 * SECOND)).toBe(true);
    alice.endInput!(); // alice's Ctrl-D: her FIN; bob types nothing and never ends his input
    expect(await lab.advanceUntil(() => bob.exitCode !== undefined, 10 * SECOND)).toBe(true);
    expect(bob.exitCode).toBe(0);
    // bob's end closes the connection: alice's nc, its input ended, ends too.
    expect(await lab.advanceUntil(() => alice.exitCode !== undefined, 10 * SECOND)).toBe(true);
    expect(alice.exitCode).toBe(0);
  });
});
