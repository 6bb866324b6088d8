/**
 * The `os: linux` formats against the real tools' own output: test/fixtures/linux/*.txt were
 * written by net-tools 2.10, iproute2 6.1 and iptables 1.8.9 (nf_tables) on Debian 12, in a
 * namespace set up as the seed's relay host (test/fixtures/linux/capture-linux.sh). The lab
 * below is that host: eth0 192.168.10.100/24 with MAC 02:00:00:00:01:01, routes default via
 * 192.168.10.1 and 10.0.0.0/8 via 192.168.10.254, the counters the capture ended with.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildNetwork } from "../../sim/build.js";
import { parseRoutelabYaml } from "../../topology/parse-yaml.js";
import { runOn } from "../sim.testkit.js";

const FIX = join(__dirname, "..", "..", "..", "test", "fixtures", "linux");
const fixture = (name: string) => readFileSync(join(FIX, name), "utf8");

const YAML = `
nodes:
  relay: {os: linux, static: ["default via 192.168.10.1", "10.0.0.0/8 via 192.168.10.254"]}
  r: {}
  bsd: {}
links:
  - endpoints: ["relay:eth0", "r:eth0"]
    subnet: 192.168.10.0/24
    addresses: [192.168.10.100, 192.168.10.1]
  - endpoints: ["r:eth1", "bsd:eth0"]
`;

function lab() {
  const net = buildNetwork(parseRoutelabYaml(YAML, "t.yaml"), 1);
  const relay = net.byName.get("relay")!;
  relay.ifaces[1]!.mac = new Uint8Array([2, 0, 0, 0, 1, 1]);
  return { net, relay };
}

/** Runs lines as root on relay; the last one's output and status. */
function on(net: ReturnType<typeof lab>["net"], ...lines: string[]) {
  let r = { out: "", code: 0 as number | undefined };
  for (const l of lines) r = runOn(net, "relay", l);
  return r;
}

/** ifconfig's blocks by name (each ends with its blank line). */
function blocks(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const b of text.split(/\n\n/)) if (b.trim()) m.set(b.slice(0, b.indexOf(": ")), `${b}\n\n`);
  return m;
}

describe("os: linux — net-tools, iproute2", () => {
  it("ifconfig prints net-tools 2.10's blocks, the alias eth0:1 included (fixture ifconfig.txt)", () => {
    const { net, relay } = lab();
    expect(on(net, "ifconfig eth0:1 192.168.10.200 netmask 255.255.255.255 up").code).toBe(0);
    Object.assign(relay.ifaces[1]!, { ipackets: 1, ibytes: 90, opackets: 4, obytes: 260 });
    Object.assign(relay.ifaces[0]!, { ipackets: 6, ibytes: 6168, opackets: 6, obytes: 6168 });
    const ours = on(net, "ifconfig").out;
    const real = fixture("ifconfig.txt");
    // The fixture's eth1 is the veth's other end, which has no IPv4 address: not part of the lab.
    const want = [...blocks(real)].filter(([n]) => n !== "eth1").map(([, b]) => b);
    expect([...blocks(ours).values()]).toEqual(want);
    expect(ours).toBe(want.join(""));
    expect(on(net, "ifconfig eth0:1").out).toBe(fixture("ifconfig-alias.txt"));
    const bad = on(net, "ifconfig nosuch");
    expect(`${bad.out}exit ${bad.code}\n`).toBe(fixture("ifconfig-nosuch.txt"));
  });

  it("ip addr prints iproute2's blocks (fixture ip-addr.txt; the veth peer's name differs by namespace)", () => {
    const { net } = lab();
    on(net, "ifconfig eth0:1 inet 192.168.10.200 netmask 255.255.255.255");
    const norm = (t: string) =>
      t
        .split(/\n(?=\d+: )/)
        .map((b) => b.replace(/^\d+: (\w+)@\S+:/, "N: $1:").replace(/ link-netns \S+/, ""))
        .filter((b) => !b.startsWith("N: eth1:"));
    const ours = norm(on(net, "ip addr").out);
    const real = norm(fixture("ip-addr.txt"));
    expect(ours).toEqual(real);
    expect(on(net, "ip addr").out).toMatch(
      /^2: eth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> .*\n {4}link\/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff link-netns r\n/m,
    );
  });

  it("ip route and netstat -rn list the main table as the kernel does (fixtures ip-route.txt, netstat-rn.txt)", () => {
    const { net } = lab();
    expect(on(net, "ip route").out).toBe(fixture("ip-route.txt"));
    expect(on(net, "ip r show").out).toBe(fixture("ip-route.txt"));
    expect(on(net, "netstat -rn").out).toBe(fixture("netstat-rn.txt"));
  });

  it("ip addr add/del with the kernel's answers; a student is refused", () => {
    const { net } = lab();
    expect(on(net, "ip addr add 192.168.10.201/32 dev eth0")).toEqual({ out: "", code: 0, took: 0 });
    expect(on(net, "ip addr add 192.168.10.201/32 dev eth0")).toMatchObject({
      out: "Error: ipv4: Address already assigned.\n",
      code: 2,
    });
    expect(on(net, "ip addr del 192.168.10.77/32 dev eth0")).toMatchObject({
      out: "Error: ipv4: Address not found.\n",
      code: 2,
    });
    expect(on(net, "ip addr add 10.3.3.3/24 dev eth9")).toMatchObject({
      out: 'Cannot find device "eth9"\n',
      code: 1,
    });
    expect(on(net, "ip addr show dev eth9")).toMatchObject({
      out: 'Device "eth9" does not exist.\n',
      code: 1,
    });
    expect(on(net, "ip foo")).toMatchObject({ out: 'Object "foo" is unknown, try "ip help".\n', code: 255 });
    expect(runOn(net, "relay", "ip addr add 10.4.4.4/24 dev eth0", { user: "alice" })).toMatchObject({
      out: "RTNETLINK answers: Operation not permitted\n",
      code: 2,
    });
    // An address of its own subnet brings its connected route, as the kernel's does.
    expect(on(net, "ip addr add 172.16.5.1/24 dev eth0").out).toBe("");
    expect(on(net, "ip route").out).toContain(
      "172.16.5.0/24 dev eth0 proto kernel scope link src 172.16.5.1 \n",
    );
    on(net, "ip addr del 172.16.5.1/24 dev eth0");
    expect(on(net, "ip route").out).not.toContain("172.16.5.0/24");
  });

  it("FreeBSD nodes have no ip, iptables or xinetd; Linux nodes have no FreeBSD-only words in help", () => {
    const { net } = lab();
    expect(runOn(net, "bsd", "ip addr")).toMatchObject({ out: "ip: not found\n", code: 127 });
    expect(runOn(net, "bsd", "iptables -L")).toMatchObject({ out: "iptables: not found\n", code: 127 });
    expect(on(net, "help").out).toMatch(/^Commands \(a Linux box/);
    expect(on(net, "help").out).toContain("  iptables ");
    expect(runOn(net, "bsd", "help").out).not.toContain("iptables");
  });

  it("an alias is a local address: it answers ARP and pings; ifconfig eth0:1 down takes it away", () => {
    const { net } = lab();
    expect(runOn(net, "r", "ping -c 1 192.168.10.200").code).toBe(2);
    on(net, "ifconfig eth0:1 192.168.10.200 netmask 255.255.255.255");
    const r = runOn(net, "r", "ping -c 1 192.168.10.200");
    expect(r.out).toContain("64 bytes from 192.168.10.200");
    expect(r.code).toBe(0);
    expect(runOn(net, "relay", "ifconfig eth0:1 10.9.9.9", { user: "alice" })).toMatchObject({
      out: "SIOCSIFADDR: Operation not permitted\nSIOCSIFFLAGS: Operation not permitted\n",
      code: 255,
    });
    expect(on(net, "ifconfig eth0:1 down").code).toBe(0);
    expect(on(net, "ifconfig eth0:1")).toMatchObject({ code: 1 });
    expect(on(net, "ip addr").out).not.toContain("192.168.10.200");
  });
});
