/**
 * OSPF's file-format side: settings read with positioned errors, FRR 8.4's cost rule
 * (ospfd/ospf_interface.c ospf_if_get_output_cost: refbw / bw + 0.5, clamped to 1–65535, with
 * lib/libospf.h's 100000 Mbit/s reference and 10000 Mbit/s for an unknown speed), the YAML
 * round trip, `wait converged`'s quiet interval, and the ospfd configuration.
 */
import { describe, expect, it } from "vitest";
import { SECOND } from "../../core/time.js";
import { formatRoutelabYaml } from "../format-yaml.js";
import { protocolDaemonConf } from "../frr-config.js";
import { loadTopologyText } from "../load.js";
import { faults } from "../test-util.js";
import { quietInterval } from "./index.js";
import { nodeOspfSettings, OSPF, ospfIfaceCost, ospfRouterId } from "./ospf.js";

const topo = (defaults: string, nodes = "  a: {}\n  b: {}\n  c: {}\n") =>
  loadTopologyText(
    `defaults:\n  routing: ospf\n${defaults}nodes:\n${nodes}links:\n  - endpoints: [a, b]\n    bandwidth: 1Gbit\n  - endpoints: [b, c]\n`,
    "t.yaml",
  );

describe("OSPF settings in a topology file", () => {
  it("defaults to FRR 8.4's: hello 10 s, dead 40 s, retransmit 5 s, point-to-point", () => {
    const t = topo("");
    const s = nodeOspfSettings(t, t.nodes[0]!);
    expect([s.hello, s.dead, s.retransmit, s.network]).toEqual([
      10 * SECOND,
      40 * SECOND,
      5 * SECOND,
      "point-to-point",
    ]);
    expect(quietInterval(t)).toBe(40 * SECOND);
  });

  it("costs an interface as FRR does: 100 Gbit/s / 1 Gbit/s = 100, an unlimited link 10 (a veth's 10 Gbit/s)", () => {
    const t = topo("");
    const [a, b] = t.nodes;
    expect(ospfIfaceCost(t, a!, t.links[0]!.a.iface)).toBe(100);
    expect(ospfIfaceCost(t, b!, t.links[1]!.a.iface)).toBe(10);
    const slow = topo("  ospf: {reference-bandwidth: 100Mbit}\n");
    expect(ospfIfaceCost(slow, slow.nodes[0]!, slow.links[0]!.a.iface)).toBe(1); // 0.1 rounds up to 1
  });

  it("takes a cost per interface, or one for all, the node's over the topology's", () => {
    const t = topo("  ospf: {cost: 7}\n", "  a: {ospf: {cost: {epair0a: 3}}}\n  b: {}\n  c: {}\n");
    expect(ospfIfaceCost(t, t.nodes[0]!, "epair0a")).toBe(3);
    expect(ospfIfaceCost(t, t.nodes[1]!, "epair0b")).toBe(7);
  });

  it("refuses bad values with file, line and field", () => {
    expect(
      faults(() =>
        topo("  ospf: {hello: 1500ms, network: nbma, cost: 0, priority: {eth0: 300}, colour: red}\n"),
      ),
    ).toEqual([
      "t.yaml:3:17: defaults.ospf.hello: 1500ms: OSPF timers are whole seconds, 1s to 65535s",
      "t.yaml:3:34: defaults.ospf.network: 'nbma' is not an OSPF network type (use point-to-point or broadcast)",
      "t.yaml:3:46: defaults.ospf.cost: 0 is out of range (a whole number 1–65535)",
      "t.yaml:3:66: defaults.ospf.priority.eth0: 300 is out of range (a whole number 0–255)",
      "t.yaml:3:72: defaults.ospf.colour: unknown key 'colour' (allowed here: hello, dead, retransmit, reference-bandwidth, network, cost, priority)",
    ]);
  });

  it("writes its settings back as it reads them", () => {
    const t = topo(
      "  ospf: {hello: 5s, dead: 20s, network: broadcast}\n",
      "  a: {ospf: {cost: {eth0: 3}, priority: 0}}\n  b: {}\n  c: {}\n",
    );
    const again = loadTopologyText(formatRoutelabYaml(t), "again.yaml");
    expect(again.ospf).toEqual(t.ospf === undefined ? undefined : expect.objectContaining(t.ospf));
    expect(again.nodes[0]!.ospf).toEqual(t.nodes[0]!.ospf);
    expect(OSPF.summary(t)).toEqual([
      "ospf: hello 5s, dead 20s, retransmit 5s, reference bandwidth 100000 Mbit/s, broadcast",
      "  a: cost eth0 3, priority 0",
    ]);
  });
});

describe("ospfd configuration", () => {
  it("writes the router ID, the area-0 networks and every interface's cost and timers", () => {
    const t = topo("");
    const conf = protocolDaemonConf(t, "b")!;
    expect(conf.daemon).toBe("ospfd");
    expect(conf.text).toBe(
      [
        "hostname b",
        "interface epair0b",
        " ip ospf cost 100",
        " ip ospf hello-interval 10",
        " ip ospf dead-interval 40",
        " ip ospf retransmit-interval 5",
        " ip ospf network point-to-point",
        "exit",
        "interface epair1a",
        " ip ospf cost 10",
        " ip ospf hello-interval 10",
        " ip ospf dead-interval 40",
        " ip ospf retransmit-interval 5",
        " ip ospf network point-to-point",
        "exit",
        "router ospf",
        ` ospf router-id ${[10, 0, 1, 1].join(".")}`,
        " network 10.0.0.0/24 area 0",
        " network 10.0.1.0/24 area 0",
        "exit",
        "",
      ].join("\n"),
    );
    expect(ospfRouterId(t, "b")).toBe(0x0a000101);
  });
});
