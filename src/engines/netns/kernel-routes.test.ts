import { describe, expect, it } from "vitest";
import { loadTopologyText } from "../../topology/index.js";
import { kernelRoutes, parseMonitorLine, zebraRipMetrics } from "./kernel-routes.js";
import { planLab } from "./plan.js";

const topo = loadTopologyText("a b 10.0.1.0/24\nb c 10.0.2.0/24\n", "abc.edges");
const b = planLab(topo, "rl-t").byName.get("b")!;
const [if0, if1] = [b.ifaces[0]!.kname, b.ifaces[1]!.kname];

describe("kernel routes as the simulator's rows", () => {
  it("parses ip monitor lines, deletions and types", () => {
    expect(parseMonitorLine("10.0.3.0/24 nhid 12 via 10.0.2.2 dev eth1 proto rip metric 20 ")).toEqual({
      deleted: false,
      row: { dst: "10.0.3.0/24", gateway: "10.0.2.2", dev: "eth1", protocol: "rip", metric: 20 },
    });
    expect(
      parseMonitorLine("Deleted local 10.0.1.2 dev eth0 table local proto kernel scope host src 10.0.1.2")
        ?.row,
    ).toEqual({ type: "local", dst: "10.0.1.2", dev: "eth0", table: "local", protocol: "kernel" });
    expect(parseMonitorLine("3: eth0: <BROADCAST> mtu 1500 state DOWN")).toBeNull();
  });

  it("maps connected, local, loopback and RIP rows with zebra's metric; drops broadcast and 127/8", () => {
    const rows = [
      { dst: "10.0.3.0/24", gateway: "10.0.2.2", dev: if1, protocol: "rip" },
      { dst: "10.0.1.0/24", dev: if0, protocol: "kernel" },
      { type: "local", dst: "10.0.1.2", dev: if0, table: "local" },
      { type: "broadcast", dst: "10.0.1.255", dev: "eth0", table: "local" },
      { type: "local", dst: "127.0.0.0/8", dev: "lo", table: "local" },
      { type: "local", dst: "127.0.0.1", dev: "lo", table: "local" },
    ];
    const r = kernelRoutes(rows, b, (p) => (p === "10.0.3.0/24" ? 2 : undefined));
    expect(r.map((x) => [x.dest >>> 0, x.len, x.gateway, x.iface, x.flags, x.source, x.metric])).toEqual([
      [0x0a000100, 24, 0, 1, "", "connected", 0],
      [0x0a000102, 32, 0, 0, "HS", "local", 0],
      [0x0a000300, 24, 0x0a000202, 2, "G", "rip", 2],
      [0x7f000001, 32, 0, 0, "H", "local", 0],
    ]);
    // A static route: `proto static`, or no protocol at all (ip -j omits proto boot).
    for (const protocol of ["static", undefined]) {
      const st = kernelRoutes([{ dst: "10.0.9.0/24", gateway: "10.0.1.1", dev: if0, protocol }], b, () => 7);
      expect(st.map((x) => [x.flags, x.source, x.metric])).toEqual([["GS", "static", 0]]);
    }
    expect(
      zebraRipMetrics('{"10.0.3.0/24":[{"protocol":"rip","selected":true,"metric":2}]}').get("10.0.3.0/24"),
    ).toBe(2);
  });
});
