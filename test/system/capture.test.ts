/**
 * The simulator's own captures (`routelab run --capture DIR`) decoded by tshark, an
 * independent dissector: Ethernet frames (LINKTYPE_ETHERNET) with ARP, no malformed frame,
 * every IPv4, ICMP and UDP checksum of every packet on the seed's vm1–vm2 link good, and the
 * ARP, RIP, ping and traceroute traffic what it should be.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { routelab } from "../cli.js";
import { LINKTYPE_ETHERNET, parsePcap, WireError } from "../../src/wire/index.js";
import { CHECKSUM_GOOD, CHECKSUM_UNVERIFIED, EXPERT_ERROR, requireTshark, tsharkFields } from "./tshark.js";

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
    const file = parsePcap(new Uint8Array(readFileSync(join(dir, "vm1-vm2.pcap"))));
    expect(file instanceof WireError ? file.reason : file.linktype).toBe(LINKTYPE_ETHERNET);
    const rows = tsharkFields(join(dir, "vm1-vm2.pcap"), [
      "frame.protocols",
      "eth.src",
      "eth.dst",
      "arp.opcode",
      "arp.src.proto_ipv4",
      "arp.dst.proto_ipv4",
      "arp.src.hw_mac",
      "_ws.expert.severity",
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
      // Nothing malformed or in error, by tshark's own verdict.
      expect(row["frame.protocols"]).not.toContain("malformed");
      for (const sev of row["_ws.expert.severity"]!.split(",").filter(Boolean))
        expect(Number(sev)).toBeLessThan(EXPERT_ERROR);
      expect(row["frame.protocols"]).toMatch(/^eth:ethertype:(ip|arp)/);
      if (row["frame.protocols"]!.includes("arp")) continue;
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
    // ARP: both ends announce their address at boot (gratuitous), and vm1 asks for vm2's MAC
    // by broadcast and hears the answer by unicast.
    const arp = rows.filter((r) => r["arp.opcode"] !== "");
    const announce = arp.filter((r) => r["arp.src.proto_ipv4"] === r["arp.dst.proto_ipv4"]);
    expect(announce.map((r) => r["arp.src.proto_ipv4"]).sort()).toEqual(["10.0.10.1", "10.0.10.2"]);
    const asks = arp.filter(
      (r) => r["arp.opcode"] === "1" && r["arp.src.proto_ipv4"] !== r["arp.dst.proto_ipv4"],
    );
    expect(asks.length).toBeGreaterThan(0);
    for (const r of asks) expect(r["eth.dst"]).toBe("ff:ff:ff:ff:ff:ff");
    const replies = arp.filter((r) => r["arp.opcode"] === "2");
    expect(replies.length).toBe(asks.length);
    for (const r of replies) {
      expect(r["eth.dst"]).not.toBe("ff:ff:ff:ff:ff:ff");
      expect(r["eth.src"]).toBe(r["arp.src.hw_mac"]);
    }
  });

  it("shows a router's unanswered ARP for an absent host once a second, and no TTL expiry", () => {
    const sub = join(dir, "absent");
    const script = "wait converged\nvm1: ping -c 7 10.0.30.5\n";
    const r = routelab(["run", "examples/seed.yaml", "--script", "-", "--capture", sub], script);
    expect(r.out).not.toContain("Time to live exceeded");
    expect(r.out).toContain("Destination Host Unreachable");
    const rows = tsharkFields(join(sub, "vm2-vm3.pcap"), [
      "frame.time_relative",
      "frame.protocols",
      "eth.dst",
      "arp.opcode",
      "arp.dst.proto_ipv4",
      "icmp.type",
    ]);
    const asks = rows.filter((x) => x["arp.opcode"] === "1" && x["arp.dst.proto_ipv4"] === "10.0.30.5");
    // One request per ping that reached vm2, at most one a second (if_ether.c renew), broadcast.
    expect(asks.length).toBe(7);
    for (const x of asks) expect(x["eth.dst"]).toBe("ff:ff:ff:ff:ff:ff");
    const times = asks.map((x) => Number(x["frame.time_relative"]));
    for (let k = 1; k < times.length; k++) expect(times[k]! - times[k - 1]!).toBeGreaterThanOrEqual(0.99);
    // The echo requests never cross the vm2–vm3 link (before ARP, they bounced until TTL 0).
    expect(rows.some((x) => x["icmp.type"] === "8")).toBe(false);
    for (const x of rows) expect(x["frame.protocols"]).not.toContain("malformed");
  });
});
