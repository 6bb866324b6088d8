/**
 * ICMP redirects on both engines, on examples/lan.yaml: h1 (gateway r1) pings h3 on lan2, which
 * r2 on h1's own segment reaches. Linux's r1 (send_redirects=1, which boot.ts leaves alone) and
 * the simulator's (FreeBSD 8's ip_forward, sys/netinet/ip_input.c:1487-1516 in rodrigc/bz-vimage
 * 46b4e0c; sim/redirect.ts) both redirect h1 to r2; h1 takes it (Linux: a next-hop exception,
 * `ip route show cache`; FreeBSD: rtredirect's dynamic host route, sys/net/route.c:500-600), so
 * traceroute starts at r2 and `netstat -rn` lists the same UGHD3 host route on both. Needs
 * Linux, root and FRR; skipped elsewhere, but FAILS under CI=true when they are missing. Run it
 * under `flock /tmp/routelab-netns.lock`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareLabs, formatComparison } from "../../src/cli/compare.js";
import { createSimLab } from "../../src/engines/sim/index.js";
import type { Lab } from "../../src/lab/lab.js";
import { loadTopologyText } from "../../src/topology/index.js";
import { routesSettled as settled, runToEnd } from "../../src/lab/drive.testkit.js";
import { netnsLabPerTest, RUN, skipNetns } from "./netns.testkit.js";

const LAN = readFileSync(join(import.meta.dirname, "..", "..", "examples", "lan.yaml"), "utf8");

/** A command's output, run to its end. */
const exec = async (lab: Lab, node: string, line: string) => (await runToEnd(lab, node, line)).out;

/** netstat -rn's rows without the counters and the expiry: destination, gateway, flags, netif. */
function table(netstat: string): string[] {
  return netstat
    .split("\n")
    .filter((l) => /^(default|\d)/.test(l))
    .map((l) => {
      const [dst, gw, flags, , , netif] = l.split(/\s+/);
      return `${dst} ${gw} ${flags} ${netif}`;
    });
}

describe.skipIf(skipNetns)("ICMP redirects on netns and the simulator (lan.yaml)", () => {
  const boot = netnsLabPerTest();

  it("h1 is redirected to r2 on both: the same first hop, the same netstat -rn", async () => {
    const topo = loadTopologyText(LAN, "lan.yaml");
    const sim = createSimLab(topo, { seed: 1 });
    expect(await settled(sim)).toBe(true);
    const net = await boot(topo, { prefix: `rlt-redir-${RUN}` });
    expect(await settled(net)).toBe(true);

    const before = { sim: await exec(sim, "h1", "traceroute -n 10.0.2.11"), net: "" };
    // No redirect yet on the simulator: traceroute's TTL-1 probe dies at r1 (no redirect for a
    // packet that is not forwarded), the TTL-2 one is forwarded back out lan1 and redirects h1.
    expect(before.sim).toMatch(/\n 1 {2}10\.0\.1\.1 /);

    const events: string[] = [];
    const off = net.onEvent((e) => {
      if (e.kind === "deliver" && e.summary.startsWith("ICMP redirect"))
        events.push(`${e.node} ${e.summary}`);
    });
    const ping = await exec(net, "h1", "ping -c 2 10.0.2.11");
    expect(ping).toMatch(/2 packets transmitted, 2 received/);
    // The capture saw it reach h1; the lab reads h1's exceptions then (route-table.ts `redirected`).
    const end = Date.now() + 10_000;
    while (!net.routes("h1").some((r) => r.source === "redirect") && Date.now() < end)
      await new Promise((r) => setTimeout(r, 100));
    off();
    expect(events[0]).toBe("h1 ICMP redirect 10.0.2.11 to host 10.0.1.2");
    await exec(sim, "h1", "ping -c 2 10.0.2.11");

    const trace = {
      sim: await exec(sim, "h1", "traceroute -n 10.0.2.11"),
      net: await exec(net, "h1", "traceroute -n 10.0.2.11"),
    };
    const first = (t: string) => t.match(/\n 1 {2}(\S+) /)?.[1];
    expect(first(trace.sim)).toBe("10.0.1.2");
    expect(first(trace.net)).toBe("10.0.1.2");

    const netstat = { sim: await exec(sim, "h1", "netstat -rn"), net: await exec(net, "h1", "netstat -rn") };
    expect(table(netstat.sim)).toContain("10.0.2.11 10.0.1.2 UGHD3 epair0");
    expect(table(netstat.net)).toEqual(table(netstat.sim));
    const get = {
      sim: await exec(sim, "h1", "route -n get 10.0.2.11"),
      net: await exec(net, "h1", "route -n get 10.0.2.11"),
    };
    const head = (s: string) => s.split("\n").slice(0, 5).join("\n");
    expect(head(get.net)).toBe(head(get.sim));
    expect(get.sim).toContain("flags: <UP,GATEWAY,HOST,DYNAMIC,DONE>");

    // route delete: FreeBSD deletes the dynamic route; netns flushes the host's exceptions.
    const del = {
      sim: await exec(sim, "h1", "route delete 10.0.2.11"),
      net: await exec(net, "h1", "route delete 10.0.2.11"),
    };
    expect(del.net).toBe(del.sim);
    expect(del.sim).toBe("delete host 10.0.2.11\n");
    const after = { sim: await exec(sim, "h1", "netstat -rn"), net: await exec(net, "h1", "netstat -rn") };
    expect(table(after.sim).some((r) => r.startsWith("10.0.2.11 "))).toBe(false);
    expect(table(after.net)).toEqual(table(after.sim));
    expect(first(await exec(net, "h1", "traceroute -n 10.0.2.11"))).toBe("10.0.1.1");

    // compare: host routes (a redirect's D among them) are not what it compares; the rest agrees.
    await net.refreshAll();
    const r = compareLabs(topo, sim, net);
    if (r.differences.length + r.pathDifferences.length > 0) console.log(formatComparison(r));
    expect(r.differences).toEqual([]);
    expect(r.pathDifferences).toEqual([]);
    await sim.close();
  }, 180_000);
});
