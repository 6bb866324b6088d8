/**
 * `routelab compare --tcp`: what reaches where over TCP, on the simulator and on real kernels
 * (src/cli/compare-tcp.ts, src/lab/tcp-reach.ts). The relay lesson after the post's commands
 * compares equal — the old address 192.168.10.200:22 connects from every node and lands on the
 * relay, then the server; the same lab without xinetd on netns must show the difference.
 * Needs root, iproute2, iptables, xinetd, nc, OpenSSH (FAILS under CI=true without them):
 *   flock /tmp/routelab-netns.lock npx vitest run test/system/compare-tcp.test.ts
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareTcp } from "../../src/cli/compare-tcp.js";
import { runCompare } from "../../src/cli/compare.js";
import { createNetnsLab } from "../../src/engines/netns/index.js";
import { createSimLab } from "../../src/engines/sim/index.js";
import { parseScenario, runScenario } from "../../src/lab/scenario.js";
import { parseRoutelabYaml, quietInterval } from "../../src/topology/index.js";
import { netnsWhyWith, RUN, skipFor } from "./netns.testkit.js";

const DIR = join(import.meta.dirname, "..", "..", "examples", "lessons");
const RELAY = join(DIR, "relay.yaml");
const PREFIX = `rlc-${RUN}`;
const why = netnsWhyWith(["iptables", "xinetd", "nc", "ifconfig", "ssh", "/usr/sbin/sshd"]);

describe.skipIf(skipFor(why))("routelab compare --tcp on the relay lesson", () => {
  it("has what it needs", () => {
    expect(why).toBeNull();
  });

  it("after the post's commands both engines agree on what reaches where", { timeout: 300_000 }, async () => {
    let out = "";
    const code = await runCompare({
      topology: RELAY,
      script: join(DIR, "relay.pass.txt"),
      seed: 1,
      prefix: PREFIX,
      tcp: [22],
      out: (s) => (out += s),
      err: () => {},
    });
    expect(out).toContain("tcp client → 192.168.10.200:22: connects, lands at relay → server\n");
    expect(out).toMatch(
      /^tcp: \d+ connections compared \(ports 22; \d+ connect on the simulator\), 0 differences$/m,
    );
    expect(out).not.toMatch(/^tcp .*: sim /m);
    expect(code).toBe(0);
  });

  it("shows a difference: netns without xinetd (the fail script), the simulator with it", {
    timeout: 300_000,
  }, async () => {
    const topo = parseRoutelabYaml(readFileSync(RELAY, "utf8"), "relay.yaml");
    const names = new Set(topo.nodes.map((n) => n.name));
    const script = (f: string) => readFileSync(join(DIR, f), "utf8");
    const sim = createSimLab(topo, { seed: 1 });
    const net = await createNetnsLab(topo, { prefix: PREFIX });
    try {
      await runScenario(sim, parseScenario(script("relay.pass.txt"), "pass", names, new Set()), "pass", {
        write() {},
        quietInterval: quietInterval(topo),
      });
      await runScenario(net, parseScenario(script("relay.fail.txt"), "fail", names, new Set()), "fail", {
        write() {},
        quietInterval: quietInterval(topo),
      });
      const r = await compareTcp(topo, script("relay.pass.txt"), [22], sim, net);
      expect(r?.differ).toBe(true);
      expect(r?.text).toContain(
        "tcp client → 192.168.10.200:22: sim connects, lands at relay → server; netns no connection\n",
      );
    } finally {
      await sim.close();
      await net.close();
    }
  });
});
