/**
 * The invariant checks can fail: each is shown a lab broken on purpose and must say so.
 */
import { describe, expect, it } from "vitest";
import { parseIpv4 } from "../../src/core/ip.js";
import { createSimLab } from "../../src/engines/sim/index.js";
import { Packet } from "../../src/sim/index.js";
import { loadTopologyText } from "../../src/topology/index.js";
import { checkArpCaches, checkCarrier, checkRouting, drain, Ledger, waitConverged } from "./invariants.js";

const LINE = "r0 r1 10.0.1.0/24\nr1 r2 10.0.2.0/24\n";
const ip = (s: string) => parseIpv4(s)!;

function converged() {
  const lab = createSimLab(loadTopologyText(LINE, "line.edges"));
  const ledger = new Ledger(lab);
  expect(waitConverged(lab, lab.topology.rip.update, 600e9)).toBe(true);
  expect(drain(lab)).toBe(true);
  return { lab, ledger };
}

describe("invariant checks", () => {
  it("pass on a healthy converged line, with traffic", () => {
    const { lab, ledger } = converged();
    const x = lab.exec("r0", "ping -c 3 10.0.2.2");
    lab.runUntil(() => x.exitCode !== undefined, 60e9);
    expect(x.exitCode).toBe(0);
    expect(drain(lab)).toBe(true);
    expect(ledger.checkDrained()).toEqual([]);
    expect(checkRouting(lab)).toEqual([]);
    expect(checkCarrier(lab.net)).toEqual([]);
    expect(checkArpCaches(lab.net)).toEqual([]);
    expect(ledger.hops).toBeGreaterThan(0);
    // The ping needed ARP: requests broadcast, replies unicast, all in the capture.
    expect(ledger.arpRequests).toBeGreaterThan(0);
    expect(ledger.arpReplies).toBeGreaterThan(0);
  });

  it("catch a wrong ARP entry and a packet left held", () => {
    const { lab } = converged();
    const x = lab.exec("r0", "ping -c 1 10.0.2.2");
    lab.runUntil(() => x.exitCode !== undefined, 60e9);
    const r0 = lab.net.byName.get("r0")!;
    const e = r0.ifaces[1]!.arp.get(ip("10.0.1.2"))!;
    expect(e.valid).toBe(true);
    e.mac[5] ^= 1;
    expect(checkArpCaches(lab.net).join("\n")).toMatch(/r0 .* 10\.0\.1\.2: cached MAC is not r1 /);
    e.mac[5] ^= 1;
    e.hold = Packet.ipv4(new Uint8Array(20), 99999, "root", "other");
    expect(checkArpCaches(lab.net).join("\n")).toMatch(/still holds packet 99999/);
    e.hold = null;
    expect(checkArpCaches(lab.net)).toEqual([]);
  });

  it("catch a packet that never ends, a second terminal event and a lost capture", () => {
    const { lab, ledger } = converged();
    const net = lab.net;
    const r0 = net.byName.get("r0")!;
    // A packet counted as created with no event at all.
    net.nextPacketId++;
    net.created++;
    // A packet dropped twice.
    const p = Packet.ipv4(new Uint8Array(20), net.nextPacketId++, "root", "other");
    net.created++;
    net.drop(r0, p, "no-route");
    net.drop(r0, p, "no-route");
    const v = ledger.checkDrained().join("\n");
    expect(v).toMatch(/never ended \(no event at all\)/);
    expect(v).toMatch(/2 terminal events/);
    expect(v).toMatch(/\d+ packets ended, \d+ created/);
    net.capture = null; // captures stop: the next hops are not in the pcap
    const x = lab.exec("r0", "ping -c 1 10.0.1.2");
    lab.runUntil(() => x.exitCode !== undefined, 60e9);
    expect(ledger.checkDrained().join("\n")).toMatch(/captured ≠ \d+ hop events/);
  });

  it("catch a forwarding loop, a black hole and a carrier mismatch", () => {
    const { lab } = converged();
    const r1 = lab.net.byName.get("r1")!;
    const r2 = lab.net.byName.get("r2")!;
    // r1 sends 10.0.2.0/24 back to r0, which sends it to r1: a loop (a static beats RIP).
    r1.setRoute(
      "static",
      { dest: ip("10.0.2.2"), len: 32, gateway: ip("10.0.1.1"), iface: 1, metric: 1 },
      "test",
    );
    expect(checkRouting(lab).join("\n")).toMatch(/forwarding loop r0 → 10\.0\.2\.2/);
    r1.deleteRoute("static", ip("10.0.2.2"), 32, "test");
    expect(checkRouting(lab)).toEqual([]);
    r2.ifaces[1]!.up = false; // down without telling anyone
    expect(checkCarrier(lab.net).join("\n")).toMatch(/r2 .* is down but administratively up with carrier/);
    r2.ifaces[1]!.up = true;
    r2.ifaces[1]!.carrier = false; // carrier lost on a link that is up
    expect(checkCarrier(lab.net).join("\n")).toMatch(/r2 .* has no carrier but link .* is up/);
    r2.ifaces[1]!.carrier = true;
    // r0 forgets its RIP route to r2's subnet: a black hole.
    lab.net.byName.get("r0")!.deleteRoute("rip", ip("10.0.2.0"), 24, "test");
    expect(checkRouting(lab).join("\n")).toMatch(/unreachable r0 → 10\.0\.2\.2 .*no route at r0/);
  });
});
