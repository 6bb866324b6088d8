/**
 * Issue 19's reproductions on the seed network, through the whole stack (topology → simulator
 * with Ethernet and ARP → RIP → shell → scenario runner).
 *
 * 10.0.30.0/24 is the vm2–vm3 link; nothing has 10.0.30.5. Before the link layer, vm2 and vm3
 * passed the packet back and forth until its TTL ran out, and vm1's ping printed `Time to live
 * exceeded`. FreeBSD 8 instead ARPs for 10.0.30.5: the first arp_maxtries (5) packets are held
 * silently (EWOULDBLOCK, masked by ether_output), and from the 6th on arpresolve fails, which a
 * forwarding router answers with ICMP host unreachable (ip_forward) and a local sender hears as
 * EHOSTDOWN: `ping: sendto: Host is down` (sys/netinet/if_ether.c:398-402).
 *
 * 10.0.10.255 is the broadcast address of the vm1–vm2 subnet: the echo request goes out as a
 * link broadcast, and FreeBSD does not answer those (net.inet.icmp.bmcastecho=0,
 * sys/netinet/ip_icmp.c:495-498), nor forwards them (ip_input.c:1407).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LabEvent } from "../src/core/events.js";
import { createSimLab } from "../src/engines/sim/index.js";
import { runScript } from "../src/lab/drive.testkit.js";
import { loadTopologyText } from "../src/topology/index.js";

const SEED = join(import.meta.dirname, "..", "examples", "seed.yaml");

async function run(script: string): Promise<{ out: string; events: LabEvent[] }> {
  const topo = loadTopologyText(readFileSync(SEED, "utf8"), "seed.yaml");
  const lab = createSimLab(topo, { seed: 1 });
  const events: LabEvent[] = [];
  lab.onEvent((e) => {
    if (e.kind !== "route") events.push(e);
  });
  const out = await runScript(lab, script);
  await lab.close();
  return { out, events };
}

describe("issue 19: an absent host and a broadcast on the seed network", () => {
  it("vm1: ping 10.0.30.5 — silent while ARP retries, then host unreachable; never TTL exceeded", async () => {
    const { out, events } = await run("wait converged\nvm1: ping -c 8 10.0.30.5\n");
    expect(out).not.toContain("Time to live exceeded");
    expect(events.some((e) => e.kind === "drop" && e.reason === "ttl-expired")).toBe(false);
    const body = out.split("\n").filter((l) => l.includes("bytes from") || l.includes("sendto"));
    // Pings 1–5 held by the router's ARP, 6–8 answered host unreachable by the router.
    expect(body).toEqual(Array(3).fill("36 bytes from vm2 (10.0.10.2): Destination Host Unreachable"));
    expect(out).toContain("8 packets transmitted, 0 packets received, 100.0% packet loss");
  });

  it("vm2: ping 10.0.30.5 on its own subnet — silent for 5 tries, then `ping: sendto: Host is down`", async () => {
    const { out } = await run("wait converged\nvm2: ping -c 7 10.0.30.5\n");
    expect(out).not.toContain("Time to live exceeded");
    expect(out.split("\n").filter((l) => l.startsWith("ping:"))).toEqual([
      "ping: sendto: Host is down",
      "ping: sendto: Host is down",
    ]);
    expect(out).toContain("7 packets transmitted, 0 packets received, 100.0% packet loss");
  });

  it("vm1: ping 10.0.10.255 — the subnet broadcast reaches vm2, which does not answer", async () => {
    const { out, events } = await run("wait converged\nvm1: ping -c 2 10.0.10.255\n");
    expect(out).not.toContain("Time to live exceeded");
    expect(out).not.toContain("bytes from");
    expect(out).toContain("2 packets transmitted, 0 packets received, 100.0% packet loss");
    // Delivered to every station on the segment (here vm2) and answered by none.
    const ends = events.filter(
      (e) => (e.kind === "drop" || e.kind === "deliver") && e.cls === "echo-request",
    );
    expect(
      ends.map((e) => `${e.kind === "drop" ? e.reason : "deliver"}@${(e as { node: string }).node}`),
    ).toEqual(["not-for-us@vm2", "not-for-us@vm2"]);
  });
});
