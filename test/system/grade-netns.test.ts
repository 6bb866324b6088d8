/**
 * `routelab grade --engine netns`: the relay lesson (examples/lessons/relay.yaml) marked on real
 * kernels — the post's commands with the real ifconfig, iptables and Debian's xinetd, the
 * checks' probes (nc -z, the real ssh) in the live lab, the capture checks from tcpdump's view
 * of the handshakes (engines/netns/tcp-flows.ts). The passing script passes 6 of 6, the failing
 * one fails exactly the checks it fails on the simulator (src/cli/grade.test.ts).
 * Needs root, iproute2, iptables, xinetd, nc, ifconfig, OpenSSH (FAILS under CI=true without):
 *   flock /tmp/routelab-netns.lock npx vitest run test/system/grade-netns.test.ts
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runGrade } from "../../src/cli/grade.js";
import { netnsWhyWith, RUN, skipFor } from "./netns.testkit.js";

const DIR = join(import.meta.dirname, "..", "..", "examples", "lessons");
const PREFIX = `rlg-${RUN}`;
const why = netnsWhyWith(["iptables", "xinetd", "nc", "ifconfig", "ssh", "/usr/sbin/sshd"]);

async function grade(engine: "sim" | "netns", script: string, json = false) {
  let out = "";
  let log = "";
  const code = await runGrade({
    lesson: join(DIR, "relay.yaml"),
    script: join(DIR, script),
    seed: 1,
    engine,
    json,
    prefix: PREFIX,
    out: (s) => (out += s),
    err: (s) => (log += s),
  });
  return { code, out, log, failed: out.match(/^✗ [^:]*/gm) };
}

describe.skipIf(skipFor(why))("routelab grade --engine netns: the relay lesson", () => {
  it("has what it needs", () => {
    expect(why).toBeNull();
  });

  it("the post's commands pass every check", { timeout: 240_000 }, async () => {
    const r = await grade("netns", "relay.pass.txt");
    expect(r.out).not.toMatch(/^✗/m);
    expect(r.out).toMatch(/^6 of 6 checks passed$/m);
    // The probe's connection went through the relay and landed on the server.
    expect(r.out).toMatch(/^✓ client connects to 192\.168\.10\.200 port 22 on server: .*server/m);
    expect(r.out).toMatch(/^✓ capture shows relay connecting to 192\.168\.20\.200 port 22: /m);
    expect(r.code).toBe(0);
  });

  it("says in its JSON that netns marked it", { timeout: 240_000 }, async () => {
    const j = JSON.parse((await grade("netns", "relay.pass.txt", true)).out);
    expect(j.engine).toBe("netns");
    const marks = j.checks.map((c: { status: string; reason: string }) => `${c.status}: ${c.reason}`);
    expect(marks.filter((m: string) => !m.startsWith("pass"))).toEqual([]);
  });

  it("without xinetd, the same checks fail as on the simulator", { timeout: 240_000 }, async () => {
    const sim = await grade("sim", "relay.fail.txt");
    const netns = await grade("netns", "relay.fail.txt");
    expect(netns.failed).toEqual(sim.failed);
    expect(netns.failed).toHaveLength(4);
    expect(netns.out).toMatch(/2 of 6 checks passed\n$/);
    expect(netns.code).toBe(1);
  });
});
