/**
 * ICMP redirects on the simulator, on examples/lan.yaml: h1 (gateway r1 10.0.1.1) pings h3 on
 * lan2, reached through r2 on h1's own segment. r1 forwards the echo back out the interface it
 * came in on, so it also sends h1 a host redirect naming r2 (FreeBSD 8 ip_forward,
 * sys/netinet/ip_input.c:1479-1520 in rodrigc/bz-vimage 46b4e0c); h1 installs a dynamic host
 * route (sys/net/route.c:500-600 rtredirect_fib) and its next packets go straight to r2.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LabEvent } from "../src/core/events.js";
import { createSimLab } from "../src/engines/sim/index.js";
import type { SimLab } from "../src/engines/sim/sim-lab.js";
import { runScript as run } from "../src/lab/drive.testkit.js";
import { loadTopologyText } from "../src/topology/index.js";

const LAN = readFileSync(join(import.meta.dirname, "..", "examples", "lan.yaml"), "utf8");

function lab(seed = 1): SimLab {
  return createSimLab(loadTopologyText(LAN, "lan.yaml"), { seed }) as SimLab;
}

const hops = (events: LabEvent[], cls: string) =>
  events.flatMap((e) => (e.kind === "hop" && e.cls === cls ? [`${e.from}>${e.to} ${e.summary}`] : []));

describe("ICMP redirects on lan.yaml (sim)", () => {
  it("r1 sends h1 a host redirect naming r2, still forwards the echo, and h1's next echo goes to r2", async () => {
    const l = lab();
    await run(l, "wait converged\n");
    const events: LabEvent[] = [];
    l.onEvent((e) => events.push(e));
    const out = await run(l, "h1: ping -c 2 10.0.2.11\n");
    expect(out).toContain("2 packets transmitted, 2 packets received");
    const redirects = hops(events, "icmp-error").filter((h) => h.includes("redirect"));
    // One redirect, r1 → the switch → h1; the second echo never reaches r1.
    expect(redirects).toEqual([
      "r1>lan1 ICMP redirect 10.0.2.11 to host 10.0.1.2",
      "lan1>h1 ICMP redirect 10.0.2.11 to host 10.0.1.2",
    ]);
    const echoes = hops(events, "echo-request").filter((h) => h.startsWith("h1>") || h.startsWith("lan1>r"));
    // The first by r1 (forwarded all the same, ip_input.c:1531), the second straight to r2.
    expect(echoes.map((h) => h.split(" ")[0])).toEqual([
      "h1>lan1",
      "lan1>r1",
      "lan1>r2",
      "h1>lan1",
      "lan1>r2",
    ]);
    await l.close();
  });

  it("netstat -rn and route -n get on h1 show the dynamic host route; traceroute's first hop is r2", async () => {
    const l = lab();
    const out = await run(
      l,
      "wait converged\nh1: ping -c 1 10.0.2.11\nh1: netstat -rn\nh1: route -n get 10.0.2.11\nh1: traceroute -n 10.0.2.11\n",
    );
    // UGHD3: RTF_DYNAMIC from rtredirect, and RTPRF_OURS (RTF_PROTO3, netstat's `3`) with an
    // expiry an hour after its last use, which in_clsroute sets when nothing holds the route
    // (sys/netinet/in_rmx.c:160-185, rtq_reallyold 3600 s at :135).
    expect(out).toMatch(/\n10\.0\.2\.11 +10\.0\.1\.2 +UGHD3 +0 +0 +epair0 +3600\n/);
    expect(out).toContain("destination: 10.0.2.11\n    gateway: 10.0.1.2\n");
    expect(out).toContain("flags: <UP,GATEWAY,HOST,DYNAMIC,DONE>");
    expect(out).toMatch(/\n 1 {2}10\.0\.1\.2 /);
    await l.close();
  });

  it("net.inet.ip.redirect=0 on r1: no redirect, h1 keeps going through r1", async () => {
    const l = lab();
    l.net.byName.get("r1")!.sendRedirects = false;
    const events: LabEvent[] = [];
    l.onEvent((e) => events.push(e));
    const out = await run(l, "wait converged\nh1: ping -c 2 10.0.2.11\nh1: traceroute -n 10.0.2.11\n");
    expect(hops(events, "icmp-error").filter((h) => h.includes("redirect"))).toEqual([]);
    expect(out).toMatch(/\n 1 {2}10\.0\.1\.1 /);
    await l.close();
  });

  it("net.inet.icmp.drop_redirect=1 on h1: r1 sends it, h1 does not act on it (ip_icmp.c:590)", async () => {
    const l = lab();
    l.net.byName.get("h1")!.dropRedirects = true;
    const events: LabEvent[] = [];
    l.onEvent((e) => events.push(e));
    const out = await run(l, "wait converged\nh1: ping -c 2 10.0.2.11\nh1: netstat -rn\n");
    expect(
      hops(events, "icmp-error").filter((h) => h.startsWith("lan1>h1") && h.includes("redirect")),
    ).toHaveLength(2);
    expect(out).not.toContain("UGHD");
    await l.close();
  });

  it("a router ignores a redirect (RFC 1812; ip_icmp.c:590 `V_ipforwarding`)", async () => {
    const l = lab();
    await run(l, "wait converged\n");
    // r3 is told (wrongly, statically) that lan2 is through r1: r1 sends the packet on to r2
    // and tells r3 of r2; r3 forwards, so it keeps its route and makes no host route.
    const r3 = l.net.byName.get("r3")!;
    const lan1 = r3.ifaces.find((i) => i.addr === 0x0a000103)!.index;
    r3.setRoute("static", { dest: 0x0a000200, len: 24, gateway: 0x0a000101, iface: lan1, metric: 0 }, "test");
    const events: LabEvent[] = [];
    l.onEvent((e) => events.push(e));
    const out = await run(l, "r3: ping -c 2 10.0.2.11\n");
    expect(out).toContain("2 packets received");
    expect(
      hops(events, "icmp-error").filter((h) => h.startsWith("lan1>r3") && h.includes("redirect")),
    ).toHaveLength(2);
    expect(r3.fib.get(0x0a00020b, 32)).toBeUndefined();
    await l.close();
  });

  it("the same seed gives the same events, byte for byte", async () => {
    const once = async () => {
      const l = lab(7);
      const events: string[] = [];
      l.onEvent((e) => events.push(JSON.stringify(e)));
      await run(l, "wait converged\nh1: ping -c 2 10.0.2.11\nh1: netstat -rn\n");
      await l.close();
      return events.join("\n");
    };
    expect(await once()).toBe(await once());
  });
});
