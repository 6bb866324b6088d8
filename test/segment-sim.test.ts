/**
 * Issue 19: a shared Ethernet segment on the simulator — three routers and two hosts on one
 * learning switch (sim/bridge.ts, FreeBSD 8's if_bridge), RIP across it, hosts that do not
 * forward (net.inet.ip.forwarding=0), and a segment port taken down.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LabEvent } from "../src/core/events.js";
import { formatMac } from "../src/core/mac.js";
import { createSimLab } from "../src/engines/sim/index.js";
import { runScript as run } from "../src/lab/drive.testkit.js";
import type { SimLab } from "../src/engines/sim/sim-lab.js";
import { loadTopologyText } from "../src/topology/index.js";

/** r1, r2, r3 and hosts h1, h2 on lan1; r3 has a stub link to r4, whose subnet RIP must carry across. */
const LAN3 = readFileSync(join(import.meta.dirname, "fixtures", "segment", "lan3.yaml"), "utf8");

function lab(seed = 1): SimLab {
  return createSimLab(loadTopologyText(LAN3, "lan3.yaml"), { seed }) as SimLab;
}

function record(l: SimLab): LabEvent[] {
  const events: LabEvent[] = [];
  l.onEvent((e) => events.push(e));
  return events;
}

describe("a segment of three routers and two hosts (sim)", () => {
  it("an ARP request from h1 reaches every other station; the reply goes to h1's port only", async () => {
    const l = lab();
    const events = record(l);
    await run(l, "h1: ping -c 1 10.0.1.12\n");
    const arp = events.filter(
      (e) => e.kind === "hop" && e.cls === "arp" && e.summary.includes("who-has 10.0.1.12"),
    );
    // h1 → switch, then the switch floods to the four other ports.
    const hops = arp.map((e) => (e.kind === "hop" ? `${e.from}>${e.to}` : ""));
    expect(hops.filter((h) => h.startsWith("lan1>")).sort()).toEqual([
      "lan1>h2",
      "lan1>r1",
      "lan1>r2",
      "lan1>r3",
    ]);
    expect(hops.filter((h) => h.endsWith(">lan1"))).toEqual(["h1>lan1"]);
    const reply = events.filter(
      (e) => e.kind === "hop" && e.cls === "arp" && e.summary.includes("10.0.1.12 is-at"),
    );
    expect(reply.map((e) => (e.kind === "hop" ? `${e.from}>${e.to}` : ""))).toEqual(["h2>lan1", "lan1>h1"]);
    await l.close();
  });

  it("the switch learns each station's MAC on its port; unicast after learning leaves by that port only", async () => {
    const l = lab();
    const events = record(l);
    await run(l, "h1: ping -c 1 10.0.1.12\n");
    const sw = l.net.bridges.get("lan1")!;
    const learned = new Map([...sw.learned()].map(([k, port]) => [k.toString(16).padStart(12, "0"), port]));
    const h1 = l.net.byName.get("h1")!.ifaces[1]!;
    const h2 = l.net.byName.get("h2")!.ifaces[1]!;
    const hex = (m: Uint8Array) => formatMac(m).replaceAll(":", "");
    expect(learned.get(hex(h1.mac))).toBe("port3");
    expect(learned.get(hex(h2.mac))).toBe("port4");
    const echo = events.filter(
      (e) => e.kind === "hop" && (e.cls === "echo-request" || e.cls === "echo-reply"),
    );
    expect(echo.map((e) => (e.kind === "hop" ? `${e.cls} ${e.from}>${e.to}` : ""))).toEqual([
      "echo-request h1>lan1",
      "echo-request lan1>h2",
      "echo-reply h2>lan1",
      "echo-reply lan1>h1",
    ]);
    await l.close();
  });

  it("RIP converges through the segment: routes via a segment neighbour name it as next hop", async () => {
    const l = lab();
    await run(l, "wait converged\n");
    const r1 = l.routes("r1").find((r) => r.dest === "10.0.34.0/24");
    expect(r1).toMatchObject({ gateway: "10.0.1.3", iface: "epair0a", source: "rip", metric: 2 });
    const r4 = l.routes("r4").find((r) => r.dest === "10.0.1.0/24");
    expect(r4).toMatchObject({ gateway: "10.0.34.1", source: "rip" });
    // Hosts run no daemon: only their connected subnet and the default route.
    expect(l.routes("h1").map((r) => `${r.dest} ${r.gateway}`)).toEqual([
      "0.0.0.0/0 10.0.1.1",
      "10.0.1.0/24 link#2",
      "10.0.1.11/32 link#1",
      "127.0.0.1/32 link#1",
    ]);
    await l.close();
  });

  it("hosts ping and traceroute across: h1 → r4 through r1 and r3, h2 → h1 on the segment", async () => {
    const l = lab();
    const out = await run(
      l,
      "wait converged\nh1: ping -c 2 10.0.34.2\nh1: traceroute -n 10.0.34.2\nh2: ping -c 1 10.0.1.11\n",
    );
    expect(out).toContain("2 packets transmitted, 2 packets received, 0.0% packet loss");
    expect(out).toContain("1 packets transmitted, 1 packets received, 0.0% packet loss");
    // h1's gateway is r1, which sends on to r3 over the same segment and tells h1 so with a host
    // redirect (sim/redirect.ts; ping prints it, ping.c:1492): traceroute then starts at r3.
    expect(out).toContain("36 bytes from r1 (10.0.1.1): Redirect Host(New addr: 10.0.1.3)\n");
    expect(out).toMatch(/ 1 {2}10\.0\.1\.3 .*\n 2 {2}10\.0\.34\.2 /);
    await l.close();
  });

  it("a host forwards nothing: a packet routed through h2 is dropped there, unanswered", async () => {
    const l = lab();
    const events = record(l);
    // r1 is told that 10.0.34.0/24 is through h2 (a wrong static route): h2 must not pass it on.
    l.net.byName
      .get("r1")!
      .setRoute("static", { dest: 0x0a002200, len: 24, gateway: 0x0a00010c, iface: 1, metric: 1 }, "test");
    const out = await run(l, "r1: ping -c 1 10.0.34.2\n");
    expect(out).toContain("1 packets transmitted, 0 packets received, 100.0% packet loss");
    const drops = events.filter((e) => e.kind === "drop" && e.node === "h2" && e.cls === "echo-request");
    expect(drops.map((e) => (e.kind === "drop" ? e.reason : ""))).toEqual(["not-for-us"]);
    expect(events.some((e) => e.kind === "hop" && e.from === "h2" && e.cls !== "arp")).toBe(false);
    await l.close();
  });

  it("a subnet broadcast ping reaches every station and nobody answers (bmcastecho=0)", async () => {
    const l = lab();
    const events = record(l);
    const out = await run(l, "h1: ping -c 1 10.0.1.255\n");
    expect(out).toContain("1 packets transmitted, 0 packets received");
    const got = events.filter((e) => e.kind === "hop" && e.cls === "echo-request" && e.from === "lan1");
    expect(got.map((e) => (e.kind === "hop" ? e.to : "")).sort()).toEqual(["h2", "r1", "r2", "r3"]);
    expect(events.some((e) => e.kind === "hop" && e.cls === "echo-reply")).toBe(false);
    await l.close();
  });

  it("ping to an absent address on the segment: every station hears each ARP request; after five, Host is down", async () => {
    const l = lab();
    const events = record(l);
    const out = await run(l, "h1: ping -c 7 10.0.1.77\n");
    expect(out).not.toContain("Time to live exceeded");
    expect(out.split("\n").filter((x) => x.startsWith("ping:"))).toEqual([
      "ping: sendto: Host is down",
      "ping: sendto: Host is down",
    ]);
    const asks = events.filter(
      (e) => e.kind === "hop" && e.cls === "arp" && e.summary.includes("who-has 10.0.1.77"),
    );
    // One request a second while packets come (if_ether.c arpresolve), each flooded to the four
    // other stations.
    expect(asks.filter((e) => e.kind === "hop" && e.from === "h1")).toHaveLength(7);
    expect(asks.filter((e) => e.kind === "hop" && e.from === "lan1")).toHaveLength(28);
    await l.close();
  });

  it("link down r2 lan1 takes r2's port down: r2 loses the subnet, the others keep it", async () => {
    const l = lab();
    await run(l, "wait converged\nlink down r2 lan1\nwait 1s\n");
    expect(l.routes("r2").some((r) => r.dest === "10.0.1.0/24" && r.source === "connected")).toBe(false);
    expect(l.routes("r1").some((r) => r.dest === "10.0.1.0/24" && r.source === "connected")).toBe(true);
    expect(l.links().find((x) => x.id === "r2-lan1")!.up).toBe(false);
    const out = await run(l, "h1: ping -c 1 10.0.1.2\nh1: ping -c 1 10.0.1.3\n");
    expect(out).toContain("1 packets transmitted, 1 packets received");
    expect(out).toContain("1 packets transmitted, 0 packets received");
    await l.close();
  });

  it("is deterministic: the same seed gives the same events, byte for byte", async () => {
    const once = async () => {
      const l = lab(7);
      const events = record(l);
      await run(l, "wait converged\nh1: ping -c 3 10.0.34.2\nh2: traceroute 10.0.34.2\n");
      await l.close();
      return JSON.stringify(events);
    };
    const a = await once();
    expect(a.length).toBeGreaterThan(10_000);
    expect(await once()).toBe(a);
  });
});
