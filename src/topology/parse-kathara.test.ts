/**
 * The Kathará import (topology/parse-kathara.ts) on two real labs of KatharaFramework/Kathara-Labs
 * (test/fixtures/kathara, GPL-3.0, see its README) and on small labs written here for each rule:
 * collision domains as links, stubs and segments as notes with lab.conf's line, addresses and
 * routes from startup files in their three spellings, routing from FRR's files, lines Kathará
 * itself refuses as positioned errors (its LabParser.py 43-84), everything else as notes.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LabErrors } from "../core/errors.js";
import { formatIpv4, parseIpv4 } from "../core/ip.js";
import { MS } from "../core/time.js";
import type { Topology } from "./model.js";
import { parseKathara } from "./parse-kathara.js";

const FIXTURES = join(import.meta.dirname, "..", "..", "test", "fixtures", "kathara");

function loadFixture(lab: string): Topology {
  const dir = join(FIXTURES, lab);
  return parseKathara(readFileSync(join(dir, "lab.conf"), "utf8"), `${lab}/lab.conf`, {
    readFile: (rel) => {
      try {
        return readFileSync(join(dir, rel), "utf8");
      } catch {
        return undefined;
      }
    },
  });
}

/** A lab from in-memory files; `lab.conf` is the key of the lab file. */
function lab(files: Record<string, string>): Topology {
  return parseKathara(files["lab.conf"]!, "x/lab.conf", { readFile: (rel) => files[rel] });
}

function errorsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof LabErrors) return e.errors.map((x) => x.format());
    throw e;
  }
  throw new Error("no error");
}

const links = (t: Topology) =>
  t.links.map(
    (l) =>
      `${l.a.node}:${l.a.iface}=${formatIpv4(l.a.addr)} ${l.b.node}:${l.b.iface}=${formatIpv4(l.b.addr)}/${l.len}`,
  );
const allNotes = (t: Topology) => [
  ...t.notes,
  ...t.nodes.flatMap((n) => (n.notes ?? []).map((x) => `${n.name}: ${x}`)),
];

describe("Kathará's RIP lab (kathara-lab_rip, FRR)", () => {
  const t = loadFixture("rip");

  it("makes links of the two-router collision domains, with the startup files' addresses", () => {
    expect(t.nodes.map((n) => n.name)).toEqual(["r1", "r2", "r3", "r4", "r5"]);
    expect(links(t)).toEqual([
      "r1:eth0=100.1.0.13 r4:eth3=100.1.0.14/30", // H
      "r1:eth1=100.1.0.9 r3:eth1=100.1.0.10/30", // G
      "r1:eth2=100.1.0.1 r2:eth0=100.1.0.2/30", // E
      "r2:eth1=100.1.0.5 r3:eth0=100.1.0.6/30", // F
      "r3:eth2=100.1.0.17 r4:eth2=100.1.0.18/30", // I
      "r4:eth0=100.2.0.1 r5:eth0=100.2.0.2/30", // L
    ]);
  });

  it("runs RIP where frr.conf has `router rip` and ripd is on; r5 (no FRR files) routes statically", () => {
    expect(t.nodes.map((n) => n.routing)).toEqual(["rip", "rip", "rip", "rip", "static"]);
    // FRR's defaults apply to what the file leaves out: plain split horizon (parse-frr).
    expect(t.nodes[0]!.rip?.splitHorizon).toBe("simple");
  });

  it("reads `network` and `redistribute connected` at the left margin inside router rip, as FRR does", () => {
    expect(allNotes(t).join("\n")).not.toMatch(/not simulated: network|redistribute/);
  });

  it("notes each stub collision domain with lab.conf's line, and the address left without a link", () => {
    const notes = allNotes(t);
    expect(notes).toContain(
      "rip/lab.conf:10: collision domain A has only r1:eth3: no link (a network with no second router)",
    );
    expect(notes).toContain(
      "rip/lab.conf:25: collision domain D has only r4:eth1: no link (a network with no second router)",
    );
    expect(notes).toContain("r1: address 100.1.1.1/24 on eth3 not used: eth3 is on no link");
    expect(notes).toContain("r1: Kathará image 'kathara/frr' ignored: node simulated as a router");
  });
});

describe("Kathará's static-routing lab (kathara-lab_static-routing)", () => {
  it("loads hosts and routers, statically routed, with the startup addresses", () => {
    const t = loadFixture("static-routing");
    expect(t.name).toBe("static-routing");
    expect(links(t)).toEqual([
      "r1:eth0=195.11.14.1 pc1:eth0=195.11.14.5/24",
      "r1:eth1=100.0.0.9 r2:eth1=100.0.0.10/30",
      "r2:eth0=200.1.1.1 pc2:eth0=200.1.1.7/24",
    ]);
    expect(t.nodes.every((n) => n.routing === "static" && n.statics.length === 0)).toBe(true);
  });
});

describe("lab.conf, startup and FRR files, rule by rule", () => {
  it("takes a device with sysctl net.ipv4.ip_forward=0 as a host, its startup default route as its gateway", () => {
    const t = lab({
      "lab.conf":
        'r[0]="x"\nr[1]="z"\npc[0]="x"\npc[image]="kathara/base"\npc[sysctl]="net.ipv4.ip_forward=0"\nr[sysctl]="net.ipv4.tcp_syncookies=0"\ns[0]="z"\n',
      "r.startup": "ip address add 10.1.0.1/24 dev eth0\nip address add 10.2.0.1/24 dev eth1\n",
      "pc.startup": "ip address add 10.1.0.5/24 dev eth0\nip route add default via 10.1.0.1\n",
      "s.startup": "ip address add 10.2.0.2/24 dev eth0\n",
    });
    const pc = t.nodes.find((n) => n.name === "pc")!;
    expect(pc).toMatchObject({ kind: "host", routing: "static", gateway: parseIpv4("10.1.0.1") });
    expect(pc.notes).toEqual([
      "Kathará image 'kathara/base' ignored: node simulated as a host (sysctl net.ipv4.ip_forward=0)",
    ]);
    // Any other sysctl is an option routelab does not simulate, said so; r stays a router.
    const r = t.nodes.find((n) => n.name === "r")!;
    expect(r.kind).toBeUndefined();
    expect(r.notes!.join("\n")).toContain(
      "lab.conf options not simulated: 6: sysctl=net.ipv4.tcp_syncookies=0",
    );
  });

  it("reads ifconfig with a length or a netmask, ip route and route add, netem, FRR start", () => {
    const t = lab({
      "lab.conf": 'LAB_NAME="mine"\na[0]="x" # a comment\nb[0]=x\nb[1]=\'y\'\nc[0]="y/02:42:ac:11:00:02"\n',
      "a.startup": "ifconfig eth0 10.1.0.1/24 up\nroute add -net 10.9.0.0 netmask 255.255.0.0 gw 10.1.0.2\n",
      "b.startup": [
        "ifconfig eth0 10.1.0.2 netmask 255.255.255.0 up",
        "ip -4 addr add 10.2.0.1/30 dev eth1",
        "tc qdisc add dev eth1 root netem delay 20ms loss 1%",
        "ip route add default via 10.2.0.2 dev eth1",
        "/etc/init.d/frr start",
      ].join("\n"),
      "c.startup":
        "ip a add 10.2.0.2/30 dev eth0\ntc qdisc add dev eth0 root netem delay 20ms loss 1%\nroute add default gw 10.2.0.1\n",
    });
    expect(t.name).toBe("mine");
    expect(links(t)).toEqual(["a:eth0=10.1.0.1 b:eth0=10.1.0.2/24", "b:eth1=10.2.0.1 c:eth0=10.2.0.2/30"]);
    expect(t.links[1]).toMatchObject({ delay: 20 * MS, loss: 0.01 });
    expect(t.links[0]!.delay).toBe(MS); // no netem: routelab's default
    expect(t.nodes.map((n) => [n.name, n.routing, n.statics.length])).toEqual([
      ["a", "static", 1],
      ["b", "static", 1],
      ["c", "static", 1],
    ]);
    expect(t.notes).toContain("x/lab.conf: MAC addresses given to 1 interfaces are not simulated");
  });

  it("keeps a host's default route through a three-interface LAN, now a segment (issue 19)", () => {
    // As Kathará-Labs' basic-ipv4 lab: pc2 sits on a three-interface LAN with its default route.
    const t = lab({
      "lab.conf": 'r1[0]="lan"\npc1[0]="lan"\npc2[0]="lan"\npc2[1]="p"\nr2[0]="p"\n',
      "pc2.startup":
        "ip address add 200.1.1.7/24 dev eth0\nip address add 10.0.0.1/30 dev eth1\nip route add default via 200.1.1.1 dev eth0\nip route add 10.9.0.0/16 via 10.0.0.2\n",
    });
    const pc2 = t.nodes.find((n) => n.name === "pc2")!;
    expect(pc2.statics).toHaveLength(2); // before segments the default route was dropped with a note
    expect(t.segments!.map((x) => `${x.id}: ${x.ends.map((e) => e.node).join(" ")}`)).toEqual([
      "lan: r1 pc1 pc2",
    ]);
  });

  it("notes IPv6 and point-to-point peer addresses rather than refusing them", () => {
    const t = lab({
      "lab.conf": 'a[0]="x"\nb[0]="x"\n',
      "a.startup":
        "ip address add 2001:db8::1/64 dev eth0\nip addr add dev tun0 13.0.0.2 peer 13.0.0.1\nip -6 route add default via 2001:db8::2\nip address add dev eth0 10.0.0.1/24\n",
    });
    expect(t.nodes[0]!.notes!.join("\n")).toMatch(
      /a\.startup lines not simulated: 1: ip address add 2001:db8::1\/64 dev eth0 \(IPv6 is not simulated\); 2: ip addr add dev tun0 13\.0\.0\.2 peer 13\.0\.0\.1 \(point-to-point peer addresses are not simulated\); 3: ip route add default via 2001:db8::2 \(IPv6 is not simulated\)/,
    );
    expect(formatIpv4(t.links[0]!.a.addr)).toBe("10.0.0.1"); // `dev` before the address, as iproute2 allows
  });

  it("reads a collision domain of three interfaces as a segment named after it (issue 19)", () => {
    const t = lab({
      "lab.conf": 'a[0]="lan"\nb[0]="lan"\nc[0]="lan"\na[1]="p"\nb[1]="p"\nc[1]="b"\nd[0]="b"\n',
    });
    expect(t.links.map((l) => l.id)).toEqual(["a-b", "c-d"]);
    expect(t.segments!.map((x) => `${x.id}: ${x.ends.map((e) => `${e.node}:${e.iface}`).join(" ")}`)).toEqual(
      ["lan: a:eth0 b:eth0 c:eth0"],
    );
  });

  it("notes what it does not understand, with file and line: startup lines, options, daemons, numbering", () => {
    const t = lab({
      "lab.conf": 'a[0]="x"\nb[2]="x"\nb[mem]="128m"\n',
      "a.startup": "ip address add 10.0.0.1/24 dev eth0\necho hello > /tmp/x\n",
      "shared.startup": "# comment\nsysctl -w net.ipv4.ip_forward=1\n",
      "b/etc/frr/frr.conf": "router isis\n net 49.0001.0000.0000.0002.00\n",
      "b/etc/frr/daemons": "zebra=yes\nisisd=yes\nripd=no\n",
    });
    const notes = allNotes(t);
    expect(notes).toContain(
      "x/shared.startup not read: the commands Kathará runs on every device are not simulated",
    );
    expect(notes).toContain("a: a.startup lines not simulated: 2: echo hello > /tmp/x");
    expect(notes).toContain("b: lab.conf options not simulated: 3: mem=128m");
    expect(notes).toContain("b: FRR daemons not simulated: isisd");
    expect(notes).toContain("b: router isis not simulated: this router runs RIP instead");
    expect(notes).toContain("b: b/etc/frr/daemons leaves ripd off: the router runs no RIP");
    expect(notes.join("\n")).toMatch(/b: interfaces eth2 are not numbered from eth0 without gaps/);
    expect(t.nodes[1]!.routing).toBe("static");
  });

  it("reads Quagga's per-daemon files (Kathará's older labs), whose `hostname ripd` names no node", () => {
    const ripd =
      "!\nhostname ripd\npassword zebra\nenable password zebra\n!\nrouter rip\nredistribute connected\nnetwork 100.1.0.0/16\n!\nlog file /var/log/quagga/ripd.log\n";
    const t = lab({
      "lab.conf": 'r1[0]="A"\nr2[0]="A"\n',
      "r1.startup": "ip address add 100.1.0.1/30 dev eth0\n",
      "r2.startup": "ip address add 100.1.0.2/30 dev eth0\n",
      "r1/etc/quagga/ripd.conf": ripd,
      "r1/etc/quagga/daemons": "zebra=yes\nbgpd=no\nripd=yes\n",
      "r2/etc/quagga/ripd.conf": ripd,
      "r2/etc/quagga/ospfd.conf": "router ospf\n",
      "r2/etc/quagga/daemons": "zebra=yes\nospfd=yes\nripd=yes\n",
    });
    expect(t.nodes.map((n) => [n.name, n.routing])).toEqual([
      ["r1", "rip"],
      ["r2", "rip"],
    ]);
    const notes = allNotes(t);
    expect(notes).toContain("r1: read r1/etc/quagga/ripd.conf: routing rip");
    // ospfd is simulated, but routelab runs one protocol per node: the first file read's.
    expect(notes).toContain("r2: read r2/etc/quagga/ospfd.conf: routing ospf");
    expect(notes).toContain("r2: OSPF not simulated: this router runs RIP");
    expect(notes.join("\n")).not.toMatch(/hostname/);
  });

  it("takes frr.conf's hostname as the node's name (routelab's export keeps its names so)", () => {
    const t = lab({
      "lab.conf": 'newyork[0]="l0"\nboston[0]="l0"\n',
      "newyork/etc/frr/frr.conf": "hostname New_York\n",
      "boston/etc/frr/frr.conf": "hostname boston\n",
    });
    expect(t.nodes.map((n) => n.name)).toEqual(["New_York", "boston"]);
    expect(t.links[0]!.id).toBe("New_York-boston");
  });

  it("refuses what Kathará refuses, at its line: bad lines, reserved names, bad domains, an interface twice", () => {
    const errs = errorsOf(() =>
      lab({ "lab.conf": 'a[0]="x"\nthis is not kathara\nshared[0]="x"\nb[0]="a-b"\na[0]="y"\n' }),
    );
    expect(errs).toEqual([
      'x/lab.conf:2:1: not a Kathará line: write device[N]="domain" or device[option]="value"',
      "x/lab.conf:3:1: 'shared' is a name Kathará reserves: it cannot be a device",
      "x/lab.conf:4:1: collision domain 'a-b' must be letters, digits and '_'",
      "x/lab.conf:5:1: eth0 of a is given twice (also at line 1)",
    ]);
  });

  it("points at a bad address in a startup file", () => {
    const errs = errorsOf(() =>
      lab({ "lab.conf": 'a[0]="x"\nb[0]="x"\n', "a.startup": "\nip address add 10.0.0.300/24 dev eth0\n" }),
    );
    expect(errs).toEqual([
      "x/a.startup:2:1: 'ip address add 10.0.0.300/24 dev eth0': expected 'ip address add A.B.C.D/LEN dev IFACE'",
    ]);
  });
});
