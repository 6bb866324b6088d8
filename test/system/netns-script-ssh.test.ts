/**
 * `ssh` in a script on netns (src/lab/scenario-ssh.ts): the post's `ssh 192.168.10.200 hostname`
 * runs OpenSSH from the client's namespace, lands on the moved server through the real alias,
 * REDIRECT and xinetd, and the command runs there — the same transcript lines as the simulator's
 * (src/lab/scenario-ssh.test.ts). Needs root, iproute2, iptables, xinetd, OpenSSH:
 *   flock /tmp/routelab-netns.lock npx vitest run test/system/netns-script-ssh.test.ts
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseScenario, runScenario } from "../../src/lab/scenario.js";
import { parseRoutelabYaml, quietInterval } from "../../src/topology/index.js";
import { netnsLabPerTest, netnsWhyWith, RUN, skipFor } from "./netns.testkit.js";

const RELAY = join(import.meta.dirname, "..", "..", "examples", "lessons", "relay.yaml");
const PREFIX = `rlq-${RUN}`;
const why = netnsWhyWith(["iptables", "xinetd", "ifconfig", "ssh", "/usr/sbin/sshd"]);

describe.skipIf(skipFor(why))("netns: ssh in a script", () => {
  const boot = netnsLabPerTest({}, why);

  it("ssh 192.168.10.200 hostname after the post prints the moved server's name", {
    timeout: 180_000,
  }, async () => {
    const topo = parseRoutelabYaml(readFileSync(RELAY, "utf8"), "relay.yaml");
    const script = [
      ...readFileSync(join(RELAY, "..", "relay.pass.txt"), "utf8")
        .split("\n")
        .filter((l) => !l.startsWith("alice")),
      "alice@client: ssh 192.168.10.200 hostname",
      "alice@client: ssh relay",
      "alice@client: ssh nowhere hostname",
    ].join("\n");
    const lab = await boot(topo, { prefix: PREFIX });
    let out = "";
    const stmts = parseScenario(script, "s.txt", new Set(topo.nodes.map((n) => n.name)), new Set());
    await runScenario(lab, stmts, "s.txt", {
      write: (s) => (out += s),
      quietInterval: quietInterval(topo),
    });
    expect(out).toContain("alice@client$ ssh 192.168.10.200 hostname\nserver\n");
    expect(out).toContain(
      "alice@client$ ssh relay\nPseudo-terminal will not be allocated because stdin is not a terminal.\n",
    );
    expect(out).toMatch(
      /alice@client\$ ssh nowhere hostname\nssh: Could not resolve hostname nowhere: .*\n\(exit 255\)\n/,
    );
  });
});
