/** Reading FRR configs: what maps, what is noted, what is an error. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseIpv4 } from "../core/ip.js";
import { SECOND } from "../core/time.js";
import { Diagnostics } from "./diag.js";
import { loadTopologyText } from "./load.js";
import { parseFrrConf } from "./parse-frr.js";
import { faults, linkRows } from "./test-util.js";

const DIR = join(import.meta.dirname, "..", "..", "examples", "containerlab");

describe("parseFrrConf", () => {
  it("reads containerlab's router1 config: addresses, and OSPF (broadcast, FRR's default on Ethernet)", () => {
    const diag = new Diagnostics("frr.conf");
    const c = parseFrrConf(readFileSync(join(DIR, "router1", "frr.conf"), "utf8"), "frr.conf", diag);
    expect(diag.errors).toEqual([]);
    expect(c.hostname).toBe("router1");
    expect([...c.addrs].map(([k, v]) => [k, v.addr, v.len, v.at.line])).toEqual([
      ["eth1", parseIpv4("192.168.1.1"), 24, 7],
      ["eth2", parseIpv4("192.168.2.1"), 24, 10],
      ["eth3", parseIpv4("192.168.11.1"), 24, 13],
      ["lo", parseIpv4("10.10.10.1"), 32, 16],
    ]);
    expect(c.routing).toBe("ospf");
    expect(c.settings).toEqual({ network: "broadcast" });
    expect(c.notes).toEqual(["frr.conf lines not simulated: router ospf: passive-interface eth3"]);
  });

  it("reads RIP timers, split horizon per interface and static routes", () => {
    const diag = new Diagnostics("r.conf");
    const c = parseFrrConf(
      `hostname r
interface eth0
 ip address 10.0.0.1/24
 ip rip split-horizon poisoned-reverse
interface eth1
 ip address 10.0.1.1/24
 ip address 10.0.9.1/24
 no ip rip split-horizon
interface eth2
 ip address 10.0.2.1/24
 ip rip split-horizon poisoned-reverse
!
ip route 10.8.0.0/16 10.0.0.2
ip route 10.9.0.0/16 eth1
router rip
 version 2
 network 10.0.0.0/8
 timers basic 10 60 40
 passive-interface eth1
!
`,
      "r.conf",
      diag,
    );
    expect(diag.errors).toEqual([]);
    expect(c.settings).toEqual({
      update: 10 * SECOND,
      timeout: 60 * SECOND,
      garbage: 40 * SECOND,
      splitHorizon: "poisoned",
    });
    expect(c.statics.map((s) => [s.dest.addr, s.dest.len, s.gateway, s.at.line])).toEqual([
      [parseIpv4("10.8.0.0"), 16, parseIpv4("10.0.0.2"), 13],
    ]);
    expect(c.notes).toEqual([
      "split horizon differs between interfaces: 'poisoned' used on all",
      "frr.conf lines not simulated: eth1: secondary address 10.0.9.1/24; ip route 10.9.0.0/16 eth1 (only routes via a gateway address are simulated); router rip: passive-interface eth1",
    ]);
  });

  it("defaults to FRR's plain split horizon, and to static routing without a routing protocol", () => {
    const d = new Diagnostics("x");
    expect(parseFrrConf("interface e0\n ip address 10.0.0.1/24\nrouter rip\n", "x", d).settings).toEqual({
      splitHorizon: "simple",
    });
    expect(parseFrrConf("interface e0\n ip address 10.0.0.1/24\n", "x", d).routing).toBe("static");
  });

  it("reports malformed values with their position", () => {
    const d = new Diagnostics("bad.conf");
    parseFrrConf(
      "interface e0\n ip address 10.0.0.300/24\nip route 10.0.0.0/33 10.0.0.2\nrouter rip\n timers basic 10 x 40\n",
      "bad.conf",
      d,
    );
    expect(d.errors.map((e) => e.format())).toEqual([
      "bad.conf:2:13: 'ip address 10.0.0.300/24': expected 'ip address A.B.C.D/LEN'",
      "bad.conf:3:10: '10.0.0.0/33' is not a CIDR prefix (write A.B.C.D/LEN, e.g. 10.0.10.0/24)",
      "bad.conf:5:15: 'timers basic 10 x 40': expected 'timers basic UPDATE TIMEOUT GARBAGE' in seconds",
    ]);
  });
});

describe("containerlab with bound FRR configs", () => {
  const readFile = (rel: string) => {
    try {
      return readFileSync(join(DIR, rel), "utf8");
    } catch {
      return undefined;
    }
  };
  const clab = () => readFileSync(join(DIR, "frr01.clab.yml"), "utf8");

  it("takes router1's addresses from its frr.conf and notes the configs it cannot find", () => {
    const t = loadTopologyText(clab(), "examples/containerlab/frr01.clab.yml", { readFile });
    expect(linkRows(t)).toEqual([
      "router1:eth1 192.168.1.1 router2:eth1 192.168.1.2 192.168.1.0/24",
      "router1:eth2 192.168.2.1 router3:eth1 192.168.2.2 192.168.2.0/24",
      "router2:eth2 10.0.0.1 router3:eth2 10.0.0.2 10.0.0.0/24",
      "PC1:eth1 192.168.11.2 router1:eth3 192.168.11.1 192.168.11.0/24",
      "PC2:eth1 192.168.12.2 router2:eth3 192.168.12.1 192.168.12.0/24",
      "PC3:eth1 192.168.13.2 router3:eth3 192.168.13.1 192.168.13.0/24",
    ]);
    const [r1, r2] = t.nodes;
    expect(r1!.routing).toBe("ospf");
    expect(r1!.notes).toEqual([
      "containerlab kind 'linux' / image 'quay.io/frrouting/frr:10.5.1' ignored: node simulated as a router",
      "read router1/frr.conf: routing ospf",
      "frr.conf lines not simulated: router ospf: passive-interface eth3",
      "address 10.10.10.1/32 on lo not used: lo is on no link (loopback and extra addresses are not simulated)",
    ]);
    expect(r2!.notes).toContain(
      "bound FRR config router2/frr.conf not found: addresses come from exec lines or the pool",
    );
  });

  it("reports faults in a bound config with the config's own file and line", () => {
    const bad = (rel: string) =>
      rel === "router1/frr.conf" ? "interface eth1\n ip address 192.168.1.1\n" : undefined;
    expect(faults(() => loadTopologyText(clab(), "lab/frr01.clab.yml", { readFile: bad }))).toEqual([
      "lab/router1/frr.conf:2:13: 'ip address 192.168.1.1': expected 'ip address A.B.C.D/LEN'",
    ]);
  });
});
