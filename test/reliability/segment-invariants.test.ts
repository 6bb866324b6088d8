/**
 * The reliability invariants on a segment (issue 19): every frame a switch floods is a packet
 * accounted for (created, then delivered or dropped), ARP caches hold only true MACs, carrier
 * follows the port links — on examples/lan.yaml with traffic from hosts and a port taken down.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSimLab } from "../../src/engines/sim/index.js";
import { loadTopologyText } from "../../src/topology/index.js";
import { checkArpCaches, checkCarrier, drain, Ledger, waitConverged } from "./invariants.js";

const LAN = readFileSync(join(import.meta.dirname, "..", "..", "examples", "lan.yaml"), "utf8");

describe("invariants on a segment", () => {
  it("hold with floods, ARP fan-out, broadcast pings and a port taken down", () => {
    const lab = createSimLab(loadTopologyText(LAN, "lan.yaml"), { seed: 5 });
    const ledger = new Ledger(lab);
    expect(waitConverged(lab, lab.topology.rip.update, 600e9)).toBe(true);
    for (const [node, line] of [
      ["h1", "ping -c 3 10.0.2.11"],
      ["h2", "ping -c 2 10.0.1.255"],
      ["h3", "traceroute 10.0.1.4"],
      ["h4", "ping -c 2 10.0.1.77"],
    ] as const) {
      const x = lab.exec(node, line);
      lab.runUntil(() => x.exitCode !== undefined, 120e9);
    }
    lab.setLink("r2", "lan1", false);
    const y = lab.exec("h1", "ping -c 2 10.0.2.11");
    lab.runUntil(() => y.exitCode !== undefined, 120e9);
    expect(drain(lab)).toBe(true);
    expect(ledger.checkDrained()).toEqual([]);
    expect(checkCarrier(lab.net)).toEqual([]);
    expect(checkArpCaches(lab.net)).toEqual([]);
    expect(ledger.arpRequests).toBeGreaterThan(0);
  });
});
