/**
 * Ethernet segments and hosts in routelab YAML (issue 19): a link with three or more endpoints
 * (or `segment: NAME`) is a segment; `kind: host` nodes are end systems with a default route.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatIpv4 } from "../core/ip.js";
import { exportContainerlab } from "./export-containerlab.js";
import { formatRoutelabYaml } from "./format-yaml.js";
import { parseContainerlab } from "./parse-containerlab.js";
import { parseRoutelabYaml } from "./parse-yaml.js";
import { summarizeTopology } from "./summary.js";
import { faults } from "./test-util.js";

const parse = (text: string) => parseRoutelabYaml(text, "t.yaml");
const ends = (t: ReturnType<typeof parse>, i = 0) =>
  t.segments![i]!.ends.map((e) => `${e.node}:${e.iface} ${formatIpv4(e.addr)}`);

describe("segments", () => {
  it("reads examples/lan.yaml: two segments, a link, four hosts with their gateways", () => {
    const file = join(import.meta.dirname, "..", "..", "examples", "lan.yaml");
    const t = parseRoutelabYaml(readFileSync(file, "utf8"), "examples/lan.yaml");
    expect(t.links.map((l) => l.id)).toEqual(["r1-r3"]);
    expect(t.segments!.map((s) => s.id)).toEqual(["lan1", "lan2"]);
    expect(ends(t, 1)).toEqual(["r2:epair1a 10.0.2.1", "h3:epair1a 10.0.2.11", "h4:epair1a 10.0.2.12"]);
    const gw = Object.fromEntries(
      t.nodes.filter((n) => n.kind === "host").map((n) => [n.name, formatIpv4(n.gateway!)]),
    );
    expect(gw).toEqual({ h1: "10.0.1.1", h2: "10.0.1.3", h3: "10.0.2.1", h4: "10.0.2.1" });
    const h3 = t.nodes.find((n) => n.name === "h3")!;
    expect(h3.routing).toBe("static");
    expect(h3.statics).toEqual([{ dest: 0, len: 0, gateway: h3.gateway }]);
    const summary = summarizeTopology(t);
    expect(summary).toContain("7 nodes (4 hosts), 1 link, 2 segments");
    expect(summary).toMatch(/lan2 +10\.0\.2\.0\/24 +r2:epair1a 10\.0\.2\.1, h3:epair1a 10\.0\.2\.11/);
    expect(summary).toContain("h1 via 10.0.1.1, h2 via 10.0.1.3, h3 via 10.0.2.1, h4 via 10.0.2.1");
  });

  it("names unnamed segments lan<n> past taken names, addresses ends from host 1 up, pool subnets in file order", () => {
    const t = parse(`nodes: {a: , b: , c: , lan1: }
links:
  - endpoints: [a, b, c]
  - endpoints: [a, lan1]
  - endpoints: [{node: b, address: 10.0.2.1/24}, c, lan1]
  - endpoints: [b, c]
    segment: backbone
`);
    expect(t.segments!.map((s) => s.id)).toEqual(["lan2", "lan3", "backbone"]);
    expect(ends(t, 0)).toEqual(["a:epair0a 10.0.0.1", "b:epair0a 10.0.0.2", "c:epair0a 10.0.0.3"]);
    expect(ends(t, 1)).toEqual(["b:epair2a 10.0.2.1", "c:epair2a 10.0.2.2", "lan1:epair2a 10.0.2.3"]);
    expect(ends(t, 2)).toEqual(["b:epair3a 10.0.3.1", "c:epair3a 10.0.3.2"]);
    expect(t.links.map((l) => `${l.id} ${formatIpv4(l.subnet)}`)).toEqual(["a-lan1 10.0.1.0"]);
  });

  it("keeps every two-endpoint link a link (no segments field)", () => {
    expect(parse("nodes: {a: , b: }\nlinks: [{endpoints: [a, b]}]\n").segments).toBeUndefined();
  });

  it("reports each fault at its file, line and field", () => {
    expect(
      faults(() =>
        parse(`nodes:
  a:
  b: {gateway: 10.0.0.1}
  h: {kind: host, routing: rip}
  g: {kind: hub}
links:
  - endpoints: [a, b, a]
  - endpoints: [a, b, h]
    segment: a
  - endpoints: [a, b, h]
    subnet: 10.9.0.0/30
  - endpoints: [a, b, h]
    addresses: [10.0.7.1/24, 10.0.7.1, ~]
  - endpoints: [a, b]
    segment: lan-ok
  - endpoints: [a, h]
    segment: lan-ok
`),
      ),
    ).toEqual([
      "t.yaml:3:16: nodes.b.gateway: `gateway:` is for hosts (kind: host); a router's default route is a static route (static: [default via …])",
      "t.yaml:4:3: nodes.h: host h needs `gateway:` (routers on its links: a 10.0.0.1, b 10.0.0.2, a 10.0.2.1)",
      "t.yaml:4:28: nodes.h.routing: a host runs no routing daemon (routing: rip): leave out `routing:`",
      "t.yaml:5:13: nodes.g.kind: unknown kind 'hub' (use router or host)",
      "t.yaml:7:23: links[0].endpoints[2]: 'a' is on segment lan1 twice: a node joins a segment once",
      "t.yaml:9:14: links[1].segment: segment name 'a' is also a node's name",
      "t.yaml:11:13: links[2].subnet: subnet 10.9.0.0/30 has 2 host addresses, too few for 3 endpoints",
      "t.yaml:13:30: links[3].addresses[1]: address 10.0.7.1 is given to a too",
      "t.yaml:17:14: links[5].segment: duplicate segment name 'lan-ok' (first at line 15)",
    ]);
  });

  it("places a segment's switch with `position:`, and refuses it on a point-to-point link", () => {
    const t = parse(`nodes: {a: , b: , h: {kind: host, gateway: 10.0.0.1}}
links:
  - {endpoints: [a, b, h], position: [320, 40], subnet: 10.0.0.0/24}
  - {endpoints: [a, b], segment: lan9, position: {x: 5, y: 6}}
`);
    expect(t.segments!.map((s) => [s.id, s.position])).toEqual([
      ["lan1", { x: 320, y: 40 }],
      ["lan9", { x: 5, y: 6 }],
    ]);
    // Written back by the YAML formatter and carried by the containerlab export (bridge labels).
    const again = parse(formatRoutelabYaml(t));
    expect(again.segments!.map((s) => s.position)).toEqual(t.segments!.map((s) => s.position));
    const clab = exportContainerlab(t);
    const back = parseContainerlab(clab.files.get(clab.topologyFile)!, "t.clab.yml", {
      readFile: (rel) => clab.files.get(rel),
    });
    expect(back.segments!.map((s) => s.position)).toEqual(t.segments!.map((s) => s.position));
    expect(
      faults(() => parse("nodes: {a: , b: }\nlinks: [{endpoints: [a, b], position: [1, 2]}]\n")),
    ).toEqual([
      "t.yaml:2:39: links[0].position: `position:` is for segments (where the switch is drawn); a link is drawn between its ends",
    ]);
  });

  it("refuses a host whose link has no router, and a gateway off its subnets", () => {
    expect(
      faults(() =>
        parse(`nodes: {h1: {kind: host}, h2: {kind: host, gateway: 10.9.9.9}}
links: [{endpoints: [h1, h2], subnet: 10.0.0.0/24}]
`),
      ),
    ).toEqual([
      "t.yaml:1:9: nodes.h1: host h1 needs `gateway:` (no router on its links)",
      "t.yaml:1:53: nodes.h2.gateway: gateway 10.9.9.9 is not on a subnet connected to h2 (connected: 10.0.0.0/24)",
    ]);
  });
});

describe("containerlab kind: bridge", () => {
  it("imports a bridge as a segment of every node linked to it, and exports it back as one", () => {
    const text = `name: br
topology:
  nodes:
    r1: {kind: linux, exec: ["ip addr add 192.168.0.1/24 dev eth1"]}
    r2: {kind: linux}
    pc: {kind: linux, labels: {routelab-kind: host}, exec: ["ip addr add 192.168.0.9/24 dev eth1", "ip route add default via 192.168.0.2"]}
    br-lan: {kind: bridge}
  links:
    - endpoints: ["r1:eth1", "br-lan:p1"]
    - endpoints: ["r2:eth1", "br-lan:p2"]
    - endpoints: ["pc:eth1", "br-lan:p3"]
    - endpoints: ["r1:eth2", "r2:eth2"]
`;
    const t = parseContainerlab(text, "br.clab.yml");
    expect(t.nodes.map((n) => n.name)).toEqual(["r1", "r2", "pc"]);
    expect(ends(t)).toEqual(["r1:eth1 192.168.0.1", "r2:eth1 192.168.0.2", "pc:eth1 192.168.0.9"]);
    expect(t.segments![0]!.id).toBe("br-lan");
    expect(t.nodes.find((n) => n.name === "pc")).toMatchObject({ kind: "host", routing: "static" });
    // Two routers on pc's segment: its gateway is its exec line's default route.
    expect(formatIpv4(t.nodes.find((n) => n.name === "pc")!.gateway!)).toBe("192.168.0.2");
    const out = exportContainerlab(t).files.get("br.clab.yml")!;
    expect(out).toContain("    br-lan: # segment br-lan: create the bridge on the host first");
    expect(out).toContain('    - endpoints: ["pc:eth1", "br-lan:br-lan-2"]');
  });
});

describe("MACs on a segment", () => {
  it("refuses two stations whose interfaces would share a MAC (h64 and h280 on epair0a), naming both", () => {
    expect(
      faults(() =>
        parse("nodes: {r: , h64: {kind: host}, h280: {kind: host}}\nlinks: [{endpoints: [r, h64, h280]}]\n"),
      ),
    ).toEqual([
      "t.yaml:2:30: links[0].endpoints[2]: h280:epair0a would have the MAC of h64:epair0a (02:ce:9d:00:03:0a) on one segment: name either interface otherwise",
    ]);
  });
});

describe("lessons on a segment", () => {
  it("name a station's port by [station, segment] or its id", () => {
    const t = parse(`nodes: {r1: , r2: , r3: }
links: [{endpoints: [r1, r2, r3], segment: lan1}]
events:
  - {at: 10s, link: [r1, lan1], state: down}
  - {at: 20s, link: r2-lan1, state: down}
`);
    expect(t.lesson!.events.map((e) => (e.kind === "link" ? `${e.a} ${e.b}` : e.kind))).toEqual([
      "r1 lan1",
      "r2 lan1",
    ]);
  });
});
