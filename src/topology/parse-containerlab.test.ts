/** containerlab files: containerlab's own examples load, with notes for what is ignored. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseIpv4 } from "../core/ip.js";
import { loadTopologyText } from "./load.js";
import { parseContainerlab } from "./parse-containerlab.js";
import { faults, linkRows } from "./test-util.js";

const DIR = join(import.meta.dirname, "..", "..", "examples", "containerlab");
const load = (f: string) => loadTopologyText(readFileSync(join(DIR, f), "utf8"), f);

describe("containerlab", () => {
  it("loads the Clos example, SR Linux nodes mapped to routers with a note", () => {
    const t = load("clos01.clab.yml");
    expect(t.name).toBe("clos01");
    expect(t.nodes.map((n) => n.name)).toEqual(["leaf1", "leaf2", "spine", "client1", "client2"]);
    expect(linkRows(t)).toEqual([
      "leaf1:e1-1 10.0.0.1 spine:e1-1 10.0.0.2 10.0.0.0/24",
      "leaf2:e1-1 10.0.1.1 spine:e1-2 10.0.1.2 10.0.1.0/24",
      "client1:eth1 10.0.2.1 leaf1:e1-2 10.0.2.2 10.0.2.0/24",
      "client2:eth1 10.0.3.1 leaf2:e1-2 10.0.3.2 10.0.3.0/24",
    ]);
    expect(t.nodes.every((n) => n.routing === "rip")).toBe(true);
    expect(t.nodes[0]!.notes).toEqual([
      "containerlab kind 'nokia_srlinux' / image 'ghcr.io/nokia/srlinux' ignored: node simulated as a router",
    ]);
    expect(t.nodes[3]!.notes).toEqual([
      "containerlab kind 'linux' / image 'ghcr.io/hellt/network-multitool' ignored: node simulated as a router",
    ]);
    expect(t.notes).toEqual(["containerlab settings ignored by the simulator: topology.kinds"]);
  });

  it("loads the FRR example: host addresses and routes from exec lines, routers' ends next to them", () => {
    const t = load("frr01.clab.yml");
    expect(t.nodes.map((n) => [n.name, n.routing])).toEqual([
      ["router1", "rip"],
      ["router2", "rip"],
      ["router3", "rip"],
      ["PC1", "static"],
      ["PC2", "static"],
      ["PC3", "static"],
    ]);
    expect(linkRows(t)).toEqual([
      "router1:eth1 10.0.0.1 router2:eth1 10.0.0.2 10.0.0.0/24",
      "router1:eth2 10.0.1.1 router3:eth1 10.0.1.2 10.0.1.0/24",
      "router2:eth2 10.0.2.1 router3:eth2 10.0.2.2 10.0.2.0/24",
      "PC1:eth1 192.168.11.2 router1:eth3 192.168.11.1 192.168.11.0/24",
      "PC2:eth1 192.168.12.2 router2:eth3 192.168.12.1 192.168.12.0/24",
      "PC3:eth1 192.168.13.2 router3:eth3 192.168.13.1 192.168.13.0/24",
    ]);
    expect(t.nodes[3]!.statics).toEqual([
      { dest: parseIpv4("192.168.0.0"), len: 16, gateway: parseIpv4("192.168.11.1") },
      { dest: parseIpv4("10.10.10.0"), len: 24, gateway: parseIpv4("192.168.11.1") },
    ]);
    expect(t.nodes[0]!.notes).toEqual([
      "containerlab kind 'linux' / image 'quay.io/frrouting/frr:10.5.1' ignored: node simulated as a router",
      "bound FRR config router1/frr.conf not read here: addresses come from exec lines or the pool",
    ]);
    expect(t.notes).toEqual(["containerlab settings ignored by the simulator: topology.groups"]);
  });

  it("dispatches .yaml files with a top-level topology: key to this parser", () => {
    const text =
      "name: x\ntopology:\n  nodes: {a: {kind: linux}, b: {}}\n  links:\n    - endpoints: [a:eth1, b:eth1]\n";
    expect(loadTopologyText(text, "x.yaml").links[0]!.a.iface).toBe("eth1");
  });

  it("reads the extended veth form and graph positions, and skips links to the host", () => {
    const t = parseContainerlab(
      `name: ext
mgmt: {network: m}
topology:
  nodes:
    a: {labels: {graph-posX: "10", graph-posY: "20"}, exec: ["ip addr add 10.10.10.1/32 dev lo"]}
    b:
  links:
    - type: veth
      endpoints: [{node: a, interface: e1}, {node: b, interface: e2}]
    - endpoints: ["a:e9", "host:a-e9"]
    - type: dummy
      endpoint: {node: b, interface: d0}
`,
      "ext.clab.yml",
    );
    expect(linkRows(t)).toEqual(["a:e1 10.0.0.1 b:e2 10.0.0.2 10.0.0.0/24"]);
    expect(t.nodes[0]!.position).toEqual({ x: 10, y: 20 });
    expect(t.nodes[0]!.notes).toEqual([
      "address 10.10.10.1/32 on lo not used: lo is on no link (loopback and extra addresses are not simulated)",
    ]);
    expect(t.notes).toEqual([
      "containerlab settings ignored by the simulator: mgmt",
      "link topology.links[1] to containerlab's 'host' skipped: it joins no second router",
      "link topology.links[2] of type 'dummy' skipped: it joins no second router",
    ]);
  });

  it("reports faults with positions", () => {
    const text = `name: bad
topolgy: {}
topology:
  nodes:
    r1: {kind: linux, imgae: x}
    r2:
      exec: ["ip addr add 10.0.0.300/24 dev eth1"]
  links:
    - endpoints: ["r1:eth1", "r3:eth1"]
    - endpoints: ["r1eth2", "r2:eth2"]
`;
    expect(faults(() => parseContainerlab(text, "bad.clab.yml"))).toEqual([
      "bad.clab.yml:2:1: topolgy: unknown key 'topolgy' (allowed here: name, prefix, mgmt, topology, settings, debug)",
      "bad.clab.yml:5:23: topology.nodes.r1.imgae: unknown key 'imgae'; did you mean 'image'?",
      "bad.clab.yml:7:14: topology.nodes.r2.exec[0]: cannot read 'ip addr add 10.0.0.300/24 dev eth1': expected 'ip addr add A.B.C.D/LEN dev IFACE'",
      "bad.clab.yml:9:30: topology.links[0].endpoints[1]: unknown node 'r3'; did you mean 'r1'?",
      "bad.clab.yml:10:19: topology.links[1].endpoints[0]: 'r1eth2' is not a containerlab endpoint (write NODE:INTERFACE, e.g. \"srl1:e1-1\")",
    ]);
  });
});
