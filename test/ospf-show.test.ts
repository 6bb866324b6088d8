/**
 * `show ip ospf …` on the simulator against FRR 8.4.4's own output for the same node of the
 * same topology (test/fixtures/ospf/frr-show-vm1.txt, vm1 of the seed with `routing: ospf`,
 * captured on netns ~50 s after start: see that file's header). Times and sequence numbers
 * differ run to run, so they are masked in both; everything else must be byte-equal.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SECOND } from "../src/core/time.js";
import { routingProtocol } from "../src/proto/registry.js";
import { frrTimeval } from "../src/proto/ospf/show.js";
import { daemonOf, ospfLab, seedOspf } from "./ospf-lab.js";

const FIXTURE = join(import.meta.dirname, "fixtures", "ospf", "frr-show-vm1.txt");

/** The fixture's sections: `### show ip ospf neighbor` then FRR's text. */
function frrSections(): Map<string, string> {
  const out = new Map<string, string>();
  const text = readFileSync(FIXTURE, "utf8");
  for (const part of text.split(/^### /m).slice(1)) {
    const nl = part.indexOf("\n");
    out.set(part.slice(0, nl), part.slice(nl + 1));
  }
  return out;
}

/**
 * Times (1.234s, 40.972s, 1m02s), ages, sequence numbers and checksums masked; runs of
 * equal-cost `via` lines sorted (FRR orders them by its heap's memory-address ties: show.ts).
 */
function mask(s: string): string {
  const lines = s.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let j = i;
    while (j < lines.length && lines[j]!.trimStart().startsWith("via ")) j++;
    if (j - i > 1) lines.splice(i, j - i, ...lines.slice(i, j).sort());
    i = Math.max(i, j);
  }
  return lines
    .join("\n")
    .replace(/\b\d+(\.\d{3})?s\b|\b\d+m\d\ds\b/g, "T")
    .replace(/0x8000[0-9a-f]{4} 0x[0-9a-f]{4}/g, "SEQ CK")
    .replace(/(\S\s+)\d+( SEQ)/g, "$1AGE$2")
    .replace(/ +T/g, " T")
    .replace(/T +/g, "T ");
}

describe("show ip ospf on the simulator, FRR 8.4's text", () => {
  const topo = seedOspf();
  const lab = ospfLab(topo);
  lab.net.scheduler.runUntil(50 * SECOND);
  const vtysh = routingProtocol("ospf")!.vtysh!;
  const d = daemonOf(lab, "vm1");
  const frr = frrSections();

  for (const cmd of [
    "show ip ospf neighbor",
    "show ip ospf interface",
    "show ip ospf database",
    "show ip ospf route",
  ])
    it(cmd, () => {
      const ours = vtysh(d, cmd.split(" "), lab.clock().now)!;
      expect(frr.get(cmd), `fixture has ${cmd}`).toBeDefined();
      expect(mask(ours)).toBe(mask(frr.get(cmd)!));
    });

  it("takes abbreviations as vtysh does, and leaves other commands to others", () => {
    const now = lab.clock().now;
    expect(vtysh(d, ["sh", "ip", "os", "nei"], now)).toBe(vtysh(d, ["show", "ip", "ospf", "neighbor"], now));
    expect(vtysh(d, ["show", "ip", "route"], now)).toBeUndefined();
    expect(vtysh(d, ["show", "ip", "rip"], now)).toBeUndefined();
    expect(vtysh(d, ["show", "ip", "ospf", "interface", "nosuch"], now)).toBe("No such interface name\n");
  });

  it("formats times as ospf_timeval_dump does", () => {
    expect(frrTimeval(40.972 * SECOND)).toBe("40.972s");
    expect(frrTimeval(62 * SECOND)).toBe("1m02s");
    expect(frrTimeval(3723 * SECOND)).toBe("1h02m03s");
    expect(frrTimeval(2 * 86400 * SECOND + 3 * 3600 * SECOND)).toBe("2d03h00m");
    expect(frrTimeval(500_000)).toBe("500 usecs");
  });
});
