/**
 * routelab YAML: the seed file gives the seed's exact network; every field form and default
 * works; addresses are assigned deterministically; faults are positioned.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatIpv4, parseIpv4 } from "../core/ip.js";
import { MS, SECOND } from "../core/time.js";
import { RIP_DEFAULTS as DEFAULT_RIP } from "./protocols/index.js";
import type { Topology } from "./model.js";
import { parseRoutelabYaml } from "./parse-yaml.js";
import { faults, linkRows, SEED_ROWS } from "./test-util.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "examples");
const load = (f: string) => parseRoutelabYaml(readFileSync(join(EXAMPLES, f), "utf8"), `examples/${f}`);

const parse = (text: string) => parseRoutelabYaml(text, "t.yaml");

describe("examples/seed.yaml", () => {
  const t = load("seed.yaml");
  it("is the seed's network exactly", () => {
    expect(t.name).toBe("seed");
    expect(t.nodes.map((n) => n.name)).toEqual([
      "vm1",
      "vm2",
      "vm3",
      "vm4",
      "vm5",
      "vm6",
      "vm7",
      "vm8",
      "vm9",
    ]);
    expect(linkRows(t)).toEqual(SEED_ROWS);
    expect(t.links.map((l) => l.id)).toEqual([
      "vm1-vm2",
      "vm1-vm3",
      "vm2-vm3",
      "vm1-vm4",
      "vm1-vm5",
      "vm2-vm6",
      "vm2-vm7",
      "vm3-vm8",
      "vm3-vm9",
    ]);
  });
  it("runs RIP with RFC 2453 timers on every router, and places every node", () => {
    expect(t.nodes.every((n) => n.routing === "rip" && n.statics.length === 0 && n.position)).toBe(true);
    expect(t.rip).toEqual(DEFAULT_RIP);
    expect(
      t.links.every((l) => l.delay === 1 * MS && l.bandwidth === 0 && l.loss === 0 && l.queue === 100),
    ).toBe(true);
    expect(t.notes).toEqual([]);
  });
  it("gives the same network when the interfaces and subnets are left to the defaults", () => {
    const bare = parse(`nodes: {vm1: , vm2: , vm3: , vm4: , vm5: , vm6: , vm7: , vm8: , vm9: }
links:
${[
  "vm1 vm2 10",
  "vm1 vm3 20",
  "vm2 vm3 30",
  "vm1 vm4 40",
  "vm1 vm5 50",
  "vm2 vm6 60",
  "vm2 vm7 70",
  "vm3 vm8 80",
  "vm3 vm9 90",
]
  .map((s) => s.split(" "))
  .map(([a, b, n]) => `  - {endpoints: [${a}, ${b}], subnet: 10.0.${n}.0/24}`)
  .join("\n")}
`);
    expect(linkRows(bare)).toEqual(SEED_ROWS);
  });
});

describe("examples/seed-static.yaml", () => {
  const t = load("seed-static.yaml");
  it("has the seed's links and static routing everywhere", () => {
    expect(linkRows(t)).toEqual(SEED_ROWS);
    expect(t.nodes.every((n) => n.routing === "static")).toBe(true);
  });
  it("routes every node to every subnet, loop-free, along the seed's converged paths", () => {
    for (const from of t.nodes)
      for (const l of t.links) {
        const path = walk(t, from.name, l.subnet + 1);
        expect(path, `${from.name} → ${formatIpv4(l.subnet)}`).toBeDefined();
      }
    expect(walk(t, "vm1", parseIpv4("10.0.30.1")!)).toEqual(["vm1", "vm2"]);
    expect(walk(t, "vm1", parseIpv4("10.0.60.2")!)).toEqual(["vm1", "vm2", "vm6"]);
    expect(walk(t, "vm1", parseIpv4("10.0.90.2")!)).toEqual(["vm1", "vm3", "vm9"]);
  });
});

/** Follows connected and static routes (longest prefix) from `node` to `dst`; the nodes visited, or undefined on a loop or dead end. */
function walk(t: Topology, node: string, dst: number): string[] | undefined {
  const path = [node];
  for (let hops = 0; hops < 16; hops++) {
    const here = path[path.length - 1]!;
    const ends = t.links.flatMap((l) => [l.a, l.b].map((e) => ({ l, e }))).filter((x) => x.e.node === here);
    if (ends.some(({ e }) => e.addr === dst)) return path;
    const conn = ends.find(({ l }) => (dst ^ l.subnet) >>> (32 - l.len) === 0);
    if (conn) {
      const other = conn.l.a.node === here ? conn.l.b : conn.l.a;
      return other.addr === dst ? [...path, other.node] : path;
    }
    const routes = t.nodes
      .find((n) => n.name === here)!
      .statics.filter((s) => s.len === 0 || (dst ^ s.dest) >>> (32 - s.len) === 0);
    const best = routes.sort((x, y) => y.len - x.len)[0];
    if (!best) return undefined;
    const next = t.links.flatMap((l) => [l.a, l.b]).find((e) => e.addr === best.gateway)!;
    if (path.includes(next.node)) return undefined;
    path.push(next.node);
  }
  return undefined;
}

describe("examples/triangle.yaml", () => {
  it("has three routers in a ring with split horizon off", () => {
    const t = load("triangle.yaml");
    expect(t.rip.splitHorizon).toBe("off");
    expect(t.rip.update).toBe(10 * SECOND);
    expect(linkRows(t)).toEqual([
      "r1:epair0a 10.0.0.1 r2:epair0b 10.0.0.2 10.0.0.0/24",
      "r2:epair1a 10.0.1.1 r3:epair1b 10.0.1.2 10.0.1.0/24",
      "r3:epair2a 10.0.2.1 r1:epair2b 10.0.2.2 10.0.2.0/24",
    ]);
  });
});

describe("field forms", () => {
  it("reads endpoint strings, objects, addresses lists, link properties and positions", () => {
    const t = parse(`name: forms
defaults: {delay: 5ms, bandwidth: 10Mbit, loss: 1%, queue: 20, routing: static}
nodes:
  a: {position: {x: 1, y: 2.5}}
  b: {position: [3, 4], routing: rip, rip: {update: 10s, split-horizon: simple}}
  c:
links:
  - endpoints: ["a:eth0", b]
    addresses: [192.168.1.10, ~]
    subnet: 192.168.1.0/24
  - endpoints: [{node: b, iface: em1, address: 172.16.0.1/30}, {node: c}]
    delay: 20ms
    bandwidth: 1Gbps
    loss: 0.5
    queue: 7
  - endpoints: [a, c]
    addresses: [10.9.0.0/31, 10.9.0.1/31]
`);
    expect(t.name).toBe("forms");
    expect(linkRows(t)).toEqual([
      "a:eth0 192.168.1.10 b:epair0b 192.168.1.2 192.168.1.0/24",
      "b:em1 172.16.0.1 c:epair1b 172.16.0.2 172.16.0.0/30",
      "a:epair2a 10.9.0.0 c:epair2b 10.9.0.1 10.9.0.0/31",
    ]);
    const [l0, l1] = t.links;
    expect([l0!.delay, l0!.bandwidth, l0!.loss, l0!.queue]).toEqual([5 * MS, 10_000_000, 0.01, 20]);
    expect([l1!.delay, l1!.bandwidth, l1!.loss, l1!.queue]).toEqual([20 * MS, 1e9, 0.5, 7]);
    expect(t.nodes.map((n) => [n.name, n.routing, n.position])).toEqual([
      ["a", "static", { x: 1, y: 2.5 }],
      ["b", "rip", { x: 3, y: 4 }],
      ["c", "static", undefined],
    ]);
    expect(t.nodes[1]!.rip).toEqual({ update: 10 * SECOND, splitHorizon: "simple" });
  });

  it("reads RIP defaults, triggered ranges in both forms, and static routes in both forms", () => {
    const t = parse(`defaults:
  rip: {update: 5s, timeout: 30s, garbage: 20s, triggered: 500ms-2s, split-horizon: off}
nodes:
  a:
    routing: static
    static: ["default via 10.0.0.2", {dest: 10.8.0.0/16, via: 10.0.0.2}]
  b: {rip: {triggered: {min: 1s, max: 3s}}}
links:
  - endpoints: [a, b]
`);
    expect(t.rip).toEqual({
      update: 5 * SECOND,
      version: 2,
      timeout: 30 * SECOND,
      garbage: 20 * SECOND,
      triggeredMin: 500 * MS,
      triggeredMax: 2 * SECOND,
      splitHorizon: "off",
    });
    expect(t.nodes[0]!.statics).toEqual([
      { dest: 0, len: 0, gateway: parseIpv4("10.0.0.2") },
      { dest: parseIpv4("10.8.0.0"), len: 16, gateway: parseIpv4("10.0.0.2") },
    ]);
    expect(t.nodes[1]!.rip).toEqual({ triggeredMin: 1 * SECOND, triggeredMax: 3 * SECOND });
  });

  it("names the lab after the file when the file does not", () => {
    expect(parseRoutelabYaml("nodes: {a: }", "labs/my-lab.yml").name).toBe("my-lab");
    expect(parseRoutelabYaml("nodes: {a: }", "C:\\labs\\my lab (2).yaml").name).toBe("my-lab-2-");
    expect(faults(() => parse("name: my lab\nnodes: {a: }"))).toEqual([
      "t.yaml:1:7: name: bad lab name 'my lab': use letters, digits, '.', '_' or '-' (it names files on export)",
    ]);
  });

  it("follows YAML anchors and aliases", () => {
    const t = parse(`nodes: {a: , b: , c: }
links:
  - {endpoints: [a, b], delay: &slow 50ms}
  - {endpoints: [b, c], delay: *slow}
`);
    expect(t.links.map((l) => l.delay)).toEqual([50 * MS, 50 * MS]);
  });

  it("numbers parallel links", () => {
    const t = parse(
      "nodes: {a: , b: }\nlinks: [{endpoints: [a, b]}, {endpoints: [b, a]}, {endpoints: [a, b]}]\n",
    );
    expect(t.links.map((l) => l.id)).toEqual(["a-b", "b-a#2", "a-b#3"]);
  });
});

describe("address assignment", () => {
  const text = `defaults: {pool: 10.0.0.0/22}
nodes: {a: , b: , c: , d: }
links:
  - endpoints: [a, b]
  - endpoints: [b, c]
    subnet: 10.0.0.0/24
  - endpoints: [c, d]
  - endpoints: [d, a]
    addresses: [10.0.2.9/24, ~]
  - endpoints: [a, c]
    addresses: [~, 10.0.5.1/24]
`;
  it("takes free pool blocks in file order, skipping subnets written anywhere in the file", () => {
    expect(linkRows(parse(text))).toEqual([
      "a:epair0a 10.0.1.1 b:epair0b 10.0.1.2 10.0.1.0/24",
      "b:epair1a 10.0.0.1 c:epair1b 10.0.0.2 10.0.0.0/24",
      "c:epair2a 10.0.3.1 d:epair2b 10.0.3.2 10.0.3.0/24",
      "d:epair3a 10.0.2.9 a:epair3b 10.0.2.2 10.0.2.0/24",
      "a:epair4a 10.0.5.2 c:epair4b 10.0.5.1 10.0.5.0/24",
    ]);
  });
  it("fills a missing end around the written one, and uses both addresses of a /31", () => {
    const t = parse(`nodes: {a: , b: }
links:
  - {endpoints: [a, b], subnet: 10.1.0.0/31}
  - {endpoints: [a, b], subnet: 10.1.1.0/30, addresses: [~, 10.1.1.1]}
  - {endpoints: [a, b], subnet: 10.1.2.0/24, addresses: [10.1.2.2, ~]}
  - {endpoints: [a, b], addresses: [10.1.3.0/31, ~]}
`);
    expect(linkRows(t)).toEqual([
      "a:epair0a 10.1.0.0 b:epair0b 10.1.0.1 10.1.0.0/31",
      "a:epair1a 10.1.1.2 b:epair1b 10.1.1.1 10.1.1.0/30",
      "a:epair2a 10.1.2.2 b:epair2b 10.1.2.1 10.1.2.0/24",
      "a:epair3a 10.1.3.0 b:epair3b 10.1.3.1 10.1.3.0/31",
    ]);
  });

  it("is deterministic", () => {
    expect(parse(text)).toEqual(parse(text));
  });
  it("reports an exhausted pool at the first link that finds none", () => {
    const lines = faults(() =>
      parse(`defaults: {pool: {range: 10.0.0.0/23, length: 24}}
nodes: {a: , b: }
links:
  - endpoints: [a, b]
  - endpoints: [a, b]
  - endpoints: [a, b]
  - endpoints: [a, b]
`),
    );
    expect(lines).toEqual([
      "t.yaml:6:5: links[2]: the address pool 10.0.0.0/23 has no free /24 left for this link: set defaults.pool or give links subnets",
    ]);
  });
  it("numbers like gen-topology.py by default, past 256 links (10.X.Y.0/24 of 10.0.0.0/8)", () => {
    const nodes = Array.from({ length: 301 }, (_, i) => `  r${i}:`).join("\n");
    const links = Array.from({ length: 300 }, (_, i) => `  - endpoints: [r${i}, r${i + 1}]`).join("\n");
    const t = parse(`nodes:\n${nodes}\nlinks:\n${links}\n`);
    expect(t.links.length).toBe(300);
    expect(formatIpv4(t.links[299]!.b.addr)).toBe("10.1.43.2");
  });
});

describe("faults", () => {
  it("collects every fault of a file in file order", () => {
    expect(
      faults(() =>
        parse(`name: x
defaults: {loss: 2, routing: isis}
nodes:
  a: {position: [1], colour: red}
  b:
links:
  - endpoints: [a]
  - endpoints: [a, b]
    subnet: 10.0.0.0/33
  - endpoints: ["a:", b]
`),
      ),
    ).toEqual([
      "t.yaml:2:18: defaults.loss: loss 2 is outside 0…1 (write 0.01 or 1% for one packet in a hundred)",
      "t.yaml:2:30: defaults.routing: unknown routing 'isis' (use static, rip or ospf)",
      "t.yaml:4:17: nodes.a.position: a position is [x, y], found 1 number(s)",
      "t.yaml:4:22: nodes.a.colour: unknown key 'colour' (allowed here: kind, gateway, routing, static, position, rip, ospf, os, files)",
      "t.yaml:7:16: links[0].endpoints: a link has two endpoints (three or more make a segment), found 1",
      "t.yaml:9:13: links[1].subnet: '10.0.0.0/33' is not a CIDR prefix (write A.B.C.D/LEN, e.g. 10.0.10.0/24)",
      "t.yaml:10:17: links[2].endpoints[0]: 'a:' is not an endpoint (write NODE or NODE:INTERFACE, e.g. vm1:epair0a)",
    ]);
  });
  it("refuses empty files, lists and files without nodes", () => {
    expect(faults(() => parse(""))).toEqual([
      "t.yaml:1:1: the file is empty: a topology needs at least `nodes:`",
    ]);
    expect(faults(() => parse("- a\n- b\n"))).toEqual([
      "t.yaml:1:1: expected a topology (a mapping with name, defaults, nodes, links), found a list",
    ]);
    expect(faults(() => parse("name: x\n"))).toEqual([
      "t.yaml:1:1: nodes: missing `nodes:` (a mapping of node names)",
    ]);
  });
  it("checks addresses against each other and against their subnet", () => {
    expect(
      faults(() =>
        parse(`nodes: {a: , b: , c: }
links:
  - {endpoints: [a, b], addresses: [10.0.0.1, 10.0.0.2]}
  - {endpoints: [a, b], addresses: [10.0.1.1/24, 10.0.1.1/24]}
  - {endpoints: [b, c], addresses: [10.0.2.1/24, 10.0.2.2/25]}
  - {endpoints: [b, c], subnet: 10.0.3.0/24, addresses: [10.0.3.1/25, ~]}
`),
      ),
    ).toEqual([
      "t.yaml:3:37: links[0].addresses[0]: address 10.0.0.1 needs a prefix length: write 10.0.0.1/24 or give the link a subnet",
      "t.yaml:4:50: links[1].addresses[1]: both ends of the link have address 10.0.1.1",
      "t.yaml:5:50: links[2].addresses[1]: address 10.0.2.2/25 does not match the link's subnet 10.0.2.0/24",
      "t.yaml:6:58: links[3].addresses[0]: address 10.0.3.1/25 does not match the link's subnet 10.0.3.0/24",
    ]);
  });
  it("refuses a gateway that is the node's own address, and a default name already taken", () => {
    expect(
      faults(() =>
        parse(`nodes:
  a: {static: ["10.9.0.0/16 via 10.0.0.1"]}
  b:
links:
  - {endpoints: ["a:epair1a", b], subnet: 10.0.0.0/24}
  - {endpoints: [a, b]}
`),
      ),
    ).toEqual([
      "t.yaml:2:16: nodes.a.static[0]: gateway 10.0.0.1 is a's own address: use a neighbour's address",
      "t.yaml:6:18: links[1].endpoints[0]: interface 'epair1a' is used twice on 'a' (also at line 5) (the default name of this end; name it, e.g. 'a:eth1')",
    ]);
  });
  it("words YAML syntax errors for lab authors, one a line", () => {
    expect(faults(() => parse("nodes: {a: }\n---\nnodes: {}\n"))).toEqual([
      "t.yaml:2:1: YAML syntax error: a topology file holds one YAML document (remove the second '---')",
    ]);
    expect(faults(() => parse("nodes: {a: , b: }\nlinks:\n  - endpoints: [a, b]\n    delay:2ms\n"))).toEqual([
      "t.yaml:4:5: YAML syntax error: Implicit map keys need to be followed by map values (a space is needed after ':')",
    ]);
    expect(faults(() => parse("nodes:\n\tvm1:\n"))).toEqual([
      "t.yaml:2:1: YAML syntax error: Tabs are not allowed as indentation",
    ]);
  });

  it("reports duplicate keys and bad RIP timers", () => {
    expect(
      faults(() =>
        parse(`defaults:
  rip: {update: 0s, triggered: 5s-1s}
  delay: 1ms
  delay: 2ms
nodes: {a: {rip: {triggered: {min: 9s}}}}
`),
      ),
    ).toEqual([
      "t.yaml:2:17: defaults.rip.update: must be longer than 0",
      "t.yaml:2:32: defaults.rip.triggered: range '5s-1s' goes backwards (min > max)",
      "t.yaml:4:3: defaults.delay: duplicate key 'delay' (first at line 3)",
      "t.yaml:5:30: nodes.a.rip.triggered: triggered updates: min is greater than max",
    ]);
  });
});
