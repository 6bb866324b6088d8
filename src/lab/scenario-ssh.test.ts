/**
 * `ssh` in a script (lab/scenario-ssh.ts): the post's `ssh 192.168.10.200 hostname` form — the
 * command runs on the node the connection landed on — on the simulator's relay lesson, before
 * and after the post's commands; ssh's failures as in a terminal.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSimLab } from "../engines/sim/index.js";
import { parseRoutelabYaml, quietInterval } from "../topology/index.js";
import { parseScenario, runScenario } from "./scenario.js";

const RELAY = parseRoutelabYaml(
  readFileSync(join(import.meta.dirname, "..", "..", "examples", "lessons", "relay.yaml"), "utf8"),
  "relay.yaml",
);

async function run(script: string): Promise<{ code: number; out: string }> {
  const lab = createSimLab(RELAY, { seed: 1 });
  let out = "";
  try {
    const stmts = parseScenario(script, "s.txt", new Set(RELAY.nodes.map((n) => n.name)), new Set());
    const code = await runScenario(lab, stmts, "s.txt", {
      write: (s) => (out += s),
      quietInterval: quietInterval(RELAY),
    });
    return { code, out };
  } finally {
    await lab.close();
  }
}

describe("ssh in a script", () => {
  it("runs the command on the node it lands on: the old address, after the post, is the server", async () => {
    const r = await run(
      [
        "wait 2s",
        "alice@client: ssh 192.168.10.200 hostname",
        "relay: ifconfig eth0:1 inet 192.168.10.200 netmask 255.255.255.255",
        "relay: iptables -t nat -A PREROUTING -p tcp --dest 192.168.10.200 --dport 22 -j REDIRECT --to-port 50022",
        'relay: echo "hoge-ssh        50022/tcp" >> /etc/services',
        "relay: /etc/init.d/xinetd start",
        "alice@client: ssh 192.168.10.200 hostname",
        "alice@client: ssh 192.168.20.200 ifconfig eth0",
        "alice@client: ssh relay",
        "alice@client: ssh bob@server hostname",
        "alice@client: ssh nowhere hostname",
      ].join("\n"),
    );
    // Before the alias nobody answers ARP for the old address: FreeBSD's connect gives up (75 s).
    expect(r.out).toContain(
      "alice@client$ ssh 192.168.10.200 hostname\nssh: connect to host 192.168.10.200 port 22: Operation timed out\n(exit 255)\n",
    );
    expect(r.out).toContain("alice@client$ ssh 192.168.10.200 hostname\nserver\n");
    // The server is `os: linux`: its own ifconfig answers.
    expect(r.out).toMatch(
      /alice@client\$ ssh 192\.168\.20\.200 ifconfig eth0\neth0: flags=.*\n +inet 192\.168\.20\.200 /,
    );
    expect(r.out).toContain(
      "alice@client$ ssh relay\nPseudo-terminal will not be allocated because stdin is not a terminal.\n",
    );
    expect(r.out).toContain(
      "alice@client$ ssh bob@server hostname\nbob@server: Permission denied (publickey,password).\n(exit 255)\n",
    );
    expect(r.out).toMatch(
      /alice@client\$ ssh nowhere hostname\nssh: Could not resolve hostname nowhere: .*\n\(exit 255\)\n$/,
    );
    expect(r.code).toBe(0);
  });
});
