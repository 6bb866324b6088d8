/**
 * vtysh's front end (vtysh.ts): the lab's rule (show commands only, checked before anything runs,
 * on every engine), vtysh's run of several -c, and the simulator's answers through the routing
 * registry's hooks — on a chain r1 — r2 — r3 — r4 where r1…r3 run RIP and r4 is static. The
 * texts themselves are compared with real FRR in test/vtysh-frr.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { ProgramIo } from "../../apps/process.js";
import { SECOND } from "../../core/time.js";
import { RipDaemon } from "../../proto/rip/index.js";
import { routingProtocol } from "../../proto/registry.js";
import { frrInterval, minSec } from "../../proto/vty.js";
import { buildNetwork } from "../../sim/build.js";
import type { RoutingDaemon } from "../../sim/host.js";
import type { Network } from "../../sim/network.js";
import { chainTopology } from "../../sim/test-topology.js";
import type { RibRoute } from "../context.js";
import { runCommand } from "../run.js";
import { simShellContext } from "../sim-context.js";
import { runOn } from "../sim.testkit.js";
import { vtyshArgs } from "./vtysh.js";
import { showIpRoute } from "./vtysh-route.js";

function lab(): Network {
  const topo = chainTopology(4, { routing: "rip" });
  topo.nodes[3]!.routing = "static";
  const net = buildNetwork(topo, 1);
  for (const n of net.nodes.slice(0, 3)) {
    const d = new RipDaemon(topo.rip);
    n.daemons.push(d);
    d.start(n);
  }
  net.scheduler.runUntil(40 * SECOND);
  return net;
}

describe("vtysh: what a student may run", () => {
  it("refuses configuration, writes, vtysh's other options and filters, before anything runs", () => {
    const refused: [string[], RegExp][] = [
      [["-c", "configure terminal"], /'configure terminal' is not allowed in this lab: only show commands/],
      [["-c", "write memory"], /'write memory' is not allowed/],
      [["-c", "show version\nconfigure terminal"], /'configure terminal' is not allowed/],
      [["-c", "show ip rip", "-c", "conf t"], /'conf t' is not allowed/],
      [["-c", "show ip rip\rconf t"], /a control character/],
      [["-c", "show running-config | include rip"], /an output filter/],
      [["-b"], /-b is not allowed in this lab: only vtysh -c 'show …'/],
      [["-f", "/etc/shadow"], /-f is not allowed/],
      [["-w"], /-w is not allowed/],
      [["--vty_socket", "/run/frr/other", "-c", "show ip route"], /--vty_socket is not allowed/],
      [["-d", "zebra", "-c", "show ip route"], /-d is not allowed/],
      [["show", "ip", "route"], /'show' is not allowed/],
    ];
    for (const [args, why] of refused) {
      const r = vtyshArgs(args);
      expect(r.ok, args.join(" ")).toBe(false);
      if (!r.ok) expect(r.text, args.join(" ")).toMatch(why);
    }
    expect(vtyshArgs(["-z"])).toEqual({
      ok: false,
      text: "vtysh: invalid option -- 'z'\nTry `vtysh --help' for more information.\n",
      code: 1,
    });
    expect(vtyshArgs(["-c"])).toMatchObject({ ok: false, text: /option requires an argument -- 'c'/ });
    expect(vtyshArgs([])).toMatchObject({
      ok: false,
      text: /^% Interactive vtysh is not available in this shell/,
    });
  });

  it("takes several -c, --command and lines of one -c, in order; abbreviations of show pass", () => {
    expect(
      vtyshArgs(["-c", "sh ip ro", "--command=show ip rip", "-cshow ip rip status", "-c", "show a\n\nsho b"]),
    ).toEqual({
      ok: true,
      lines: ["sh ip ro", "show ip rip", "show ip rip status", "show a", "sho b"],
    });
  });

  it("checks the same on an engine whose FRR is real: the refused never reach it", () => {
    const net = lab();
    const ran: (readonly string[])[] = [];
    let out = "";
    const ctx = {
      ...simShellContext(net, net.byName.get("r1")!, { user: "alice", write: (t) => (out += t) }),
      vtysh: (lines: readonly string[], _io: ProgramIo) => {
        ran.push(lines);
        return 0;
      },
    };
    for (const line of ["vtysh -c 'write memory'", "vtysh -c 'show ip rip\nconf t'", "vtysh", "vtysh -b"])
      expect(runCommand(ctx, line).exitCode, line).toBe(1);
    expect(ran).toEqual([]);
    expect(runCommand(ctx, "vtysh -c 'show ip rip' -c 'sh ip ro'").exitCode).toBe(0);
    expect(ran).toEqual([["show ip rip", "sh ip ro"]]);
    expect(out).toMatch(/not allowed in this lab/);
  });
});

describe("vtysh on the simulator", () => {
  it("runs every -c in order and stops at the first failure with status 1, as vtysh_main.c:672-677", () => {
    const net = lab();
    const r = runOn(net, "r1", "vtysh -c 'show ip rip status' -c 'show ip foo' -c 'show ip rip'");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^Routing Protocol is "rip"\n[\s\S]* {2}Distance: \(default is 120\)\n% Unknown command: show ip foo\n$/,
    );
    // A warning (CMD_WARNING) is no failure: the next line runs.
    const w = runOn(net, "r1", "vtysh -c 'show ip route 192.168.1.0/24' -c 'show ip rip'");
    expect(w.code).toBe(0);
    expect(w.out).toMatch(/^% Network not in table\nCodes: R - RIP, C - connected/);
  });

  it("asks the node's daemons through the registry's hooks: RIP answers show ip rip", () => {
    const net = lab();
    const r1 = net.byName.get("r1")!;
    const rip = r1.daemons[0]!;
    const hook = routingProtocol("rip")!.vtysh!;
    expect(hook(rip, ["show", "ip", "rip"], r1.now())).toMatch(/^Codes: R - RIP/);
    expect(hook(rip, ["show", "ip", "rip", "st"], r1.now())).toMatch(/^Routing Protocol is "rip"/);
    expect(hook(rip, ["show", "ip", "rip", "bogus"], r1.now())).toBeUndefined();
    expect(hook(rip, ["show", "ip", "ospf"], r1.now())).toBeUndefined();
    // A daemon the hook does not own is not answered for: vtysh says the command is unknown.
    const impostor: RoutingDaemon = { name: "rip", start() {}, stop() {} };
    r1.daemons[0] = impostor;
    expect(runOn(net, "r1", "vtysh -c 'show ip rip'")).toMatchObject({
      out: "% Unknown command: show ip rip\n",
      code: 1,
    });
    r1.daemons[0] = rip;
    expect(runOn(net, "r1", "vtysh -c 'show ip ospf neighbor'")).toMatchObject({
      out: "ospfd is not running\n",
      code: 1,
    });
  });

  it("a router with no routing daemon: vtysh connects to none, as vtysh_main.c:572", () => {
    expect(runOn(lab(), "r4", "vtysh -c 'show ip route'")).toMatchObject({
      out: "Exiting: failed to connect to any daemons.\n",
      code: 1,
    });
  });

  it("shows r3's routes: R with [120/metric], weight 1, uptime since the route came", () => {
    const net = lab();
    const r = runOn(net, "r3", "vtysh -c 'show ip route rip'");
    expect(r.code).toBe(0);
    const lines = r.out.split("\n").filter((l) => l.startsWith("R"));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/^R>\* \S+ \[120\/\d+\] via \S+, \S+, weight 1, 00:00:[34]\d$/);
  });
});

describe("FRR's texts", () => {
  it("frrtime_to_interval and rip_vty_out_uptime (lib/monotime.h:144, ripd.c:2935)", () => {
    expect(frrInterval(0)).toBe("00:00:00");
    expect(frrInterval(3 * 3600 + 62)).toBe("03:01:02");
    expect(frrInterval(86_400 + 3600 * 5 + 60 * 7)).toBe("1d05h07m");
    expect(frrInterval(15 * 86_400 + 3600 * 2)).toBe("02w1d02h");
    expect(minSec(179)).toBe("02:59");
    expect(minSec(3600 + 5)).toBe("00:05");
  });

  it("ECMP next hops continue under the first, indented to its width (zebra_vty.c:1104-1117)", () => {
    const hop = (gateway: number, iface: number): RibRoute => ({
      dest: 0x0a000300,
      len: 24,
      gateway,
      iface,
      metric: 20,
      source: "rip",
      since: 40,
      selected: true,
    });
    const names = ["lo0", "eth1", "eth2"];
    const out = showIpRoute([hop(0x0a000102, 1), hop(0x0a000202, 2)], (i) => names[i]!, 100);
    expect(out.split("\n").slice(7).join("\n")).toBe(
      "R>* 10.0.3.0/24 [120/20] via 10.0.1.2, eth1, weight 1, 00:01:00\n" +
        "  *                      via 10.0.2.2, eth2, weight 1, 00:01:00\n",
    );
  });
});
