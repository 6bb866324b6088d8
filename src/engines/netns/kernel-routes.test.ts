import { describe, expect, it } from "vitest";
import { loadTopologyText } from "../../topology/index.js";
import { formatPrefix } from "../../core/ip.js";
import { formatRoutes } from "../../shell/cmd/netstat.js";
import type { ShellContext } from "../../shell/context.js";
import { kernelRoutes, MonitorRows, parseMonitorLine, zebraRipMetrics } from "./kernel-routes.js";
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

  it("lists a redirect's exception (ip -4 -j route show table all cache) as FreeBSD's UGHD3 host route", () => {
    // As Linux 6.18's iproute2 printed it (-j) on a host its gateway redirected (this test's
    // addresses): the exception carries `cache` and `expires`.
    const rows = [
      { dst: "10.0.1.0/24", dev: if0, protocol: "kernel" },
      { dst: "10.0.2.11", gateway: "10.0.1.3", dev: if0, flags: [], cache: ["redirected"], expires: 298 },
      { dst: "10.0.2.12", dev: if0, cache: [], expires: 500 }, // a path MTU exception: no route
    ];
    const r = kernelRoutes(rows, b, () => undefined);
    expect(r.map((x) => [x.dest >>> 0, x.len, x.gateway, x.iface, x.flags, x.source, x.expire])).toEqual([
      [0x0a000100, 24, 0, 1, "", "connected", undefined],
      [0x0a00020b, 32, 0x0a000103, 1, "GHD3", "redirect", 298],
    ]);
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

  // `ip monitor route` in a namespace with two veths d0, d1 (10.0.12.1/24, 10.0.13.1/24), while
  // `ip route add 10.0.30.0/24 proto ospf metric 20 nexthop via 10.0.12.2 dev d0 weight 1
  // nexthop via 10.0.13.3 dev d1 weight 1`, the same through a nexthop group (`nhid 30`, as FRR
  // installs OSPF's equal-cost routes) for 10.0.31.0/24, then `ip route del 10.0.30.0/24`
  // (iproute2 6.1, Linux 6.1; d0/d1 renamed to the plan's interfaces).
  const captured = [
    "10.0.30.0/24 proto ospf metric 20 ",
    "\tnexthop via 10.0.12.2 dev d0 weight 1 ",
    "\tnexthop via 10.0.13.3 dev d1 weight 1 ",
    "10.0.31.0/24 nhid 30 proto ospf metric 20 ",
    "\tnexthop via 10.0.12.2 dev d0 weight 1 ",
    "\tnexthop via 10.0.13.3 dev d1 weight 1 ",
    "Deleted 10.0.30.0/24 proto ospf metric 20 ",
    "\tnexthop via 10.0.12.2 dev d0 weight 1 ",
    "\tnexthop via 10.0.13.3 dev d1 weight 1 ",
  ].map((l) => l.replace(" d0 ", ` ${if0} `).replace(" d1 ", ` ${if1} `));

  it("lists a multipath route from ip monitor by its first next hop, not as link#1 on lo0", () => {
    const m = new MonitorRows();
    m.reset([{ dst: "10.0.1.0/24", dev: if0, protocol: "kernel" }]);
    // The monitor's output comes in chunks: a route's nexthop lines may follow in the next one.
    for (const l of captured.slice(0, 4)) m.apply(l);
    for (const l of captured.slice(4)) m.apply(l);
    const r = kernelRoutes([...m.rows.values()], b, () => 1);
    expect(
      r.map((x) => [formatPrefix({ addr: x.dest, len: x.len }), x.gateway >>> 0, x.iface, x.flags, x.source]),
    ).toEqual([
      ["10.0.1.0/24", 0, 1, "", "connected"],
      ["10.0.31.0/24", 0x0a000c02, 1, "G", "ospf"],
    ]);
    const ctx = { node: "b", routes: () => r, interfaces: () => [] } as unknown as ShellContext;
    const shown = formatRoutes(ctx, true)
      .split("\n")
      .find((l) => l.startsWith("10.0.31.0/24"));
    expect(shown).toMatch(/^10\.0\.31\.0\/24 +10\.0\.12\.2 +UG /);
    expect(r[1]!.nextHops?.map((g) => g >>> 0)).toEqual([0x0a000c02, 0x0a000d03]);
  });

  it("reads the same route from ip -j route's nexthops array alike", () => {
    const json = `[{"dst":"10.0.31.0/24","nhid":30,"protocol":"ospf","metric":20,"flags":[],"nexthops":[{"gateway":"10.0.12.2","dev":"${if0}","weight":1,"flags":[]},{"gateway":"10.0.13.3","dev":"${if1}","weight":1,"flags":[]}]}]`;
    const r = kernelRoutes(JSON.parse(json), b, () => 1);
    expect(r.map((x) => [x.gateway >>> 0, x.iface, x.flags])).toEqual([[0x0a000c02, 1, "G"]]);
    // The whole set rides along for routelab compare, in the kernel's order.
    expect(r[0]!.nextHops?.map((g) => g >>> 0)).toEqual([0x0a000c02, 0x0a000d03]);
  });
});
