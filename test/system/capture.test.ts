/**
 * The simulator's own captures (`routelab run --capture DIR`) decoded by tshark, an
 * independent dissector: every IPv4, ICMP and UDP checksum of every packet on the seed's
 * vm1–vm2 link is good, and the RIP, ping and traceroute traffic is what it should be.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { routelab } from "../cli.js";
import { CHECKSUM_GOOD, CHECKSUM_UNVERIFIED, requireTshark, tsharkFields } from "./tshark.js";

const dir = mkdtempSync(join(tmpdir(), "routelab-capture-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(requireTshark())("captures of a simulated run, read by tshark", () => {
  it("writes one pcap per link with only good checksums", () => {
    const script = "wait converged\nvm1: ping -c 2 vm6\nvm1: traceroute -q 1 vm6\n";
    const r = routelab(["run", "examples/seed.yaml", "--script", "-", "--capture", dir], script);
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(
      ["vm1-vm2", "vm1-vm3", "vm1-vm4", "vm1-vm5", "vm2-vm3", "vm2-vm6", "vm2-vm7", "vm3-vm8", "vm3-vm9"].map(
        (l) => `${l}.pcap`,
      ),
    );
    const rows = tsharkFields(join(dir, "vm1-vm2.pcap"), [
      "ip.src",
      "ip.dst",
      "ip.ttl",
      "ip.checksum.status",
      "icmp.type",
      "icmp.checksum.status",
      "udp.dstport",
      "udp.checksum.status",
      "rip.version",
      "rip.command",
      "rip.ip",
    ]);
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      for (const s of row["ip.checksum.status"]!.split(",")) expect(s).toBe(CHECKSUM_GOOD);
      if (row["icmp.checksum.status"]) expect(row["icmp.checksum.status"]).toBe(CHECKSUM_GOOD);
      // A UDP header quoted inside an ICMP error cannot be verified without its payload.
      for (const s of row["udp.checksum.status"]!.split(",").filter(Boolean))
        expect([CHECKSUM_GOOD, CHECKSUM_UNVERIFIED]).toContain(s);
    }
    const rip = rows.filter((r) => r["rip.version"] === "2");
    expect(rip.some((r) => r["rip.command"] === "1")).toBe(true); // start-up whole-table requests
    expect(
      rip.some((r) => r["rip.command"] === "2" && r["ip.dst"] === "224.0.0.9" && r["ip.ttl"] === "1"),
    ).toBe(true);
    // vm2 tells vm1 about the subnets behind it
    expect(rip.some((r) => r["ip.src"] === "10.0.10.2" && r["rip.ip"]!.includes("10.0.60.0"))).toBe(true);
    // ping: 2 echo requests and 2 replies cross this link
    expect(rows.filter((r) => r["icmp.type"] === "8").length).toBe(2);
    expect(rows.filter((r) => r["icmp.type"] === "0").length).toBe(2);
    // traceroute: probes to 33435+ and a time exceeded from vm2 back to vm1
    expect(rows.some((r) => Number(r["udp.dstport"]!.split(",")[0]) >= 33435)).toBe(true);
    expect(rows.some((r) => r["icmp.type"] === "11" && r["ip.src"]!.startsWith("10.0.10.2"))).toBe(true);
  });
});
