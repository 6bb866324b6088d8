/** Edge lists: the seed's list gives the seed network; faults carry line and column. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatIpv4 } from "../core/ip.js";
import { DEFAULT_LINK } from "./defaults.js";
import { RIP_DEFAULTS as DEFAULT_RIP } from "./protocols/index.js";
import { parseEdges } from "./parse-edges.js";
import { parseRoutelabYaml } from "./parse-yaml.js";
import { faults, linkRows, SEED_ROWS } from "./test-util.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "examples");

describe("edge lists", () => {
  it("examples/seed.edges (= ../shared/topologies/seed9.edges) gives the nodes and addresses of seed.yaml", () => {
    const edges = parseEdges(readFileSync(join(EXAMPLES, "seed.edges"), "utf8"), "seed.edges");
    const yaml = parseRoutelabYaml(readFileSync(join(EXAMPLES, "seed.yaml"), "utf8"), "seed.yaml");
    expect(linkRows(edges)).toEqual(SEED_ROWS);
    expect(linkRows(edges)).toEqual(linkRows(yaml));
    expect(edges.links.map((l) => l.id)).toEqual(yaml.links.map((l) => l.id));
    expect(edges.nodes.map((n) => [n.name, n.routing, n.statics])).toEqual(
      yaml.nodes.map((n) => [n.name, n.routing, n.statics]),
    );
    expect(edges.rip).toEqual(DEFAULT_RIP);
    expect(edges.name).toBe("seed");
  });

  it("skips comments and blank lines, takes nodes in order of first mention, and pools missing subnets", () => {
    const t = parseEdges("# ring\n\n  c a 10.0.0.0/24  # first\r\na b\nb c\n", "ring.edges");
    expect(t.nodes.map((n) => n.name)).toEqual(["c", "a", "b"]);
    expect(linkRows(t)).toEqual([
      "c:epair0a 10.0.0.1 a:epair0b 10.0.0.2 10.0.0.0/24",
      "a:epair1a 10.0.1.1 b:epair1b 10.0.1.2 10.0.1.0/24",
      "b:epair2a 10.0.2.1 c:epair2b 10.0.2.2 10.0.2.0/24",
    ]);
    expect(t.links.every((l) => l.delay === DEFAULT_LINK.delay)).toBe(true);
  });

  it("reports every bad line with its line and column", () => {
    const text = [
      "vm1 vm2 10.0.10.0/24",
      "vm1",
      "vm2 vm3 10.0.300.0/24",
      "vm3 vm3 10.0.30.0/24",
      "vm3 4x 10.0.40.0/24",
      "vm4 vm5 10.0.10.128/25",
      "vm4 vm5 10.0.50.0/24 extra",
      "vm5 vm6 10.0.60.0/32",
    ].join("\n");
    expect(faults(() => parseEdges(text, "bad.edges"))).toEqual([
      "bad.edges:2:1: a link line needs two node names: write 'A B SUBNET', e.g. 'vm1 vm2 10.0.10.0/24'",
      "bad.edges:3:9: '10.0.300.0/24' is not a CIDR prefix (write A.B.C.D/LEN, e.g. 10.0.10.0/24)",
      "bad.edges:4:5: link from 'vm3' to itself: a link joins two different nodes",
      "bad.edges:5:5: bad node name '4x': use a letter then up to 31 letters, digits, '_' or '-' (names become hostnames and shell words)",
      "bad.edges:6:9: subnet 10.0.10.128/25 overlaps 10.0.10.0/24 of link vm1–vm2 (at line 1)",
      "bad.edges:7:22: unexpected 'extra': write 'A B SUBNET', e.g. 'vm1 vm2 10.0.10.0/24'",
      "bad.edges:8:9: subnet 10.0.60.0/32 is too small for a link: it needs two host addresses (/31 or shorter)",
    ]);
    expect(faults(() => parseEdges("# nothing\n", "empty.edges"))).toEqual([
      "empty.edges:1:1: no links: write one link a line, 'A B SUBNET'",
    ]);
  });

  it("loads the largest generated list (65,536 links, gen-topology.py numbering)", () => {
    const text = Array.from(
      { length: 65_536 },
      (_, i) => `r${i + 1} r${i + 2} 10.${i >> 8}.${i & 255}.0/24`,
    ).join("\n");
    const t = parseEdges(text, "big.edges");
    expect(t.links.length).toBe(65_536);
    expect(formatIpv4(t.links[65_535]!.b.addr)).toBe("10.255.255.2");
  });
});
