/**
 * A user's ssh on netns is drawn in their colour: the client's segments carry their mark
 * (OpenSSH's IPQoS, the TOS byte of user-marks.ts) and the captures own the connection's
 * segments both ways by its first SYN (src/engines/netns/tcp-flows.ts) — the server's kernel
 * does not copy the client's TOS, and sshd sets its own IPQoS after login. Through the relay
 * (alias, REDIRECT, xinetd) the relay's own connection is the caller's too, as on the simulator.
 * Needs root, iproute2, iptables, xinetd, OpenSSH (FAILS under CI=true without them):
 *   flock /tmp/routelab-netns.lock npx vitest run test/system/netns-ssh-colour.test.ts
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabEvent } from "../../src/core/events.js";
import { SECOND } from "../../src/core/time.js";
import { createNetnsLab, type NetnsLab } from "../../src/engines/netns/index.js";
import { runToEnd } from "../../src/lab/drive.testkit.js";
import { parseRoutelabYaml } from "../../src/topology/index.js";
import { netnsWhyWith, RUN, skipFor } from "./netns.testkit.js";

const RELAY = join(import.meta.dirname, "..", "..", "examples", "lessons", "relay.yaml");
const PREFIX = `rls-${RUN}`;
const why = netnsWhyWith(["iptables", "xinetd", "ifconfig", "ssh", "/usr/sbin/sshd"]);

/** The users of every TCP hop to or from port 22 while alice's ssh from the client runs. */
async function sshHops(lab: NetnsLab, host: string): Promise<{ landed: unknown; users: string[] }> {
  const users: string[] = [];
  const off = lab.onEvent((e: LabEvent) => {
    if (e.kind === "hop" && e.cls === "tcp" && /TCP (22 >|\d+ > 22:)/.test(e.summary)) users.push(e.user);
  });
  const hop = lab.ssh!("client", host, { user: "alice" });
  let landed: unknown;
  void hop.landed.then((r) => {
    landed = r;
  });
  await lab.advanceUntil(() => landed !== undefined, 30 * SECOND);
  hop.close();
  await lab.advance(2 * SECOND);
  off();
  return { landed, users };
}

describe.skipIf(skipFor(why))("netns: a user's ssh in their colour", () => {
  let lab: NetnsLab;
  beforeAll(async () => {
    if (why !== null) return;
    lab = await createNetnsLab(parseRoutelabYaml(readFileSync(RELAY, "utf8"), "relay.yaml"), {
      prefix: PREFIX,
    });
  }, 120_000);
  afterAll(async () => {
    await lab?.close();
  });

  it("has what it needs", () => {
    expect(why).toBeNull();
  });

  it("alice's ssh to the server: every segment both ways is alice's", { timeout: 60_000 }, async () => {
    const r = await sshHops(lab, "192.168.20.200");
    expect(r.landed).toEqual({ node: "server" });
    expect(r.users.length).toBeGreaterThan(10);
    expect([...new Set(r.users)]).toEqual(["alice"]);
  });

  it("through the post's relay: the client's and the relay's connections are alice's", {
    timeout: 90_000,
  }, async () => {
    for (const line of [
      "ifconfig eth0:1 inet 192.168.10.200 netmask 255.255.255.255",
      "iptables -t nat -A PREROUTING -p tcp --dest 192.168.10.200 --dport 22 -j REDIRECT --to-port 50022",
      'echo "hoge-ssh        50022/tcp" >> /etc/services',
      "/etc/init.d/xinetd start",
    ])
      expect((await runToEnd(lab, "relay", line)).code).toBe(0);
    const r = await sshHops(lab, "192.168.10.200");
    expect(r.landed).toEqual({ node: "server" });
    expect([...new Set(r.users)]).toEqual(["alice"]);
  });
});
