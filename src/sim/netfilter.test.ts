/**
 * The nat table and connection tracking on a simulated Linux node (sim/netfilter.ts), end to
 * end over TCP: REDIRECT to a local listener and DNAT to another host, with the replies
 * translated back so the client sees the address it called; only a connection's first packet
 * counted; checksums still right after the rewrite (every segment is checked by the receiving
 * stack, and here by wire/tcp's parser); the table bounded; entries expire as Linux's do.
 *
 *   client 10.0.1.2 ── r (10.0.1.1 | 10.0.2.1) ── gw 10.0.2.2 (linux) ── srv 10.0.3.2
 */
import { describe, expect, it } from "vitest";
import { SECOND } from "../core/time.js";
import { runCommand } from "../shell/run.js";
import { simShellContext } from "../shell/sim-context.js";
import { runOn } from "../shell/sim.testkit.js";
import { parseRoutelabYaml } from "../topology/parse-yaml.js";
import {
  internetChecksum,
  ipv4Dst,
  ipv4HeaderChecksumOk,
  ipv4Src,
  natRewrite,
  parseTcp,
  tcpChecksumOk,
} from "../wire/index.js";
import { buildNetwork } from "./build.js";
import { CONNTRACK_MAX, Netfilter } from "./netfilter.js";

const YAML = `
defaults: {routing: static}
nodes:
  client: {static: ["default via 10.0.1.1"]}
  r: {static: ["10.0.3.0/24 via 10.0.2.2"]}
  gw: {os: linux, static: ["default via 10.0.2.1"]}
  srv: {static: ["default via 10.0.3.1"]}
links:
  - {endpoints: ["r:eth0", "client:eth0"], subnet: 10.0.1.0/24, addresses: [10.0.1.1, 10.0.1.2]}
  - {endpoints: ["r:eth1", "gw:eth0"], subnet: 10.0.2.0/24, addresses: [10.0.2.1, 10.0.2.2]}
  - {endpoints: ["gw:eth1", "srv:eth0"], subnet: 10.0.3.0/24, addresses: [10.0.3.1, 10.0.3.2]}
`;

function lab() {
  const net = buildNetwork(parseRoutelabYaml(YAML, "t.yaml"), 3);
  const bg = (node: string, line: string) => {
    let out = "";
    const p = runCommand(
      simShellContext(net, net.byName.get(node)!, { user: "root", write: (t) => (out += t) }),
      line,
    );
    return { p, out: () => out };
  };
  return { net, bg };
}

/** Every TCP segment that crossed a link, as the capture saw it (frames after the Ethernet header). */
function tcpOnWire(net: ReturnType<typeof lab>["net"]) {
  const segs: { link: string; src: number; dst: number; sport: number; dport: number; ok: boolean }[] = [];
  net.capture = (link, _t, frame) => {
    const ip = frame.subarray(14);
    if (ip[9] !== 6) return;
    const src = ipv4Src(ip);
    const dst = ipv4Dst(ip);
    const tcp = parseTcp(ip, 20, ip.length - 20, src, dst);
    const ok = ipv4HeaderChecksumOk(ip) && !("kind" in tcp && tcp.kind === "checksum");
    segs.push({
      link: link.id,
      src,
      dst,
      sport: (ip[20]! << 8) | ip[21]!,
      dport: (ip[22]! << 8) | ip[23]!,
      ok,
    });
  };
  return segs;
}

describe("nat on a Linux node", () => {
  it("REDIRECT: a connection to a port of gw lands on a local listener; replies come from the address called", () => {
    const { net, bg } = lab();
    const segs = tcpOnWire(net);
    expect(
      runOn(
        net,
        "gw",
        "iptables -t nat -A PREROUTING -p tcp -d 10.0.2.2 --dport 22 -j REDIRECT --to-ports 2222",
      ).code,
    ).toBe(0);
    const server = bg("gw", "nc -l 2222");
    const r = runOn(net, "client", "echo hi | nc -v 10.0.2.2 22", { user: "alice" });
    expect(r.out).toBe("Connection to 10.0.2.2 22 port [tcp/ssh] succeeded!\n");
    net.scheduler.runUntil(net.scheduler.now() + SECOND);
    expect(server.out()).toBe("hi\n");
    // On the client's side of gw, port 2222 never appears: every segment says 22.
    const clientSide = segs.filter((s) => s.link !== "gw-srv");
    expect(clientSide.length).toBeGreaterThan(5);
    expect(clientSide.every((s) => s.sport === 22 || s.dport === 22)).toBe(true);
    expect(segs.every((s) => s.ok)).toBe(true);
    // The rule counted the first packet only (a SYN: 20 + 24 bytes with the MSS option).
    expect(runOn(net, "gw", "iptables -t nat -L PREROUTING -n -v").out).toContain(
      "    1    44 REDIRECT   6    --  *      *       0.0.0.0/0            10.0.2.2             tcp dpt:22 redir ports 2222\n",
    );
  });

  it("DNAT: gw forwards to srv:8080, srv answers, the client sees gw's 10.0.2.2:80 (checksums right on every link)", () => {
    const { net, bg } = lab();
    const segs = tcpOnWire(net);
    runOn(
      net,
      "gw",
      "iptables -t nat -A PREROUTING -p tcp -d 10.0.2.2 --dport 80 -j DNAT --to-destination 10.0.3.2:8080",
    );
    const server = bg("srv", 'echo "from srv" | nc -l 8080');
    const r = runOn(net, "client", "echo req | nc 10.0.2.2 80", { user: "alice" });
    expect(r.out).toBe("from srv\n");
    expect(r.code).toBe(0);
    net.scheduler.runUntil(net.scheduler.now() + SECOND);
    expect(server.out()).toBe("req\n");
    const [client, srv] = [0x0a000102, 0x0a000302];
    const onSrvLink = segs.filter((s) => s.link === "gw-srv");
    expect(onSrvLink.length).toBeGreaterThan(5);
    for (const s of onSrvLink)
      expect(
        (s.src === client && s.dst === srv && s.dport === 8080) ||
          (s.src === srv && s.sport === 8080 && s.dst === client),
      ).toBe(true);
    const onClientLink = segs.filter((s) => s.link === "r-client");
    expect(
      onClientLink.every(
        (s) => (s.src === 0x0a000202 && s.sport === 80) || (s.dst === 0x0a000202 && s.dport === 80),
      ),
    ).toBe(true);
    expect(segs.every((s) => s.ok)).toBe(true);
  });

  it("a rewrite keeps a wrong checksum wrong (incremental update, RFC 1624), and a UDP 0 checksum 0", () => {
    // Take the SYN as it left the client, corrupt its TCP checksum, rewrite it as gw would.
    const syn = new Uint8Array(64);
    syn.set([0x45, 0, 0, 44, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 1, 2, 10, 0, 2, 2]);
    syn.set([0x30, 0x39, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0], 20);
    const b = syn.subarray(0, 40);
    b[2] = 0;
    b[3] = 40;
    // Fill right checksums, then check the rewrite keeps them right.
    const hs = internetChecksum(b, 0, 20);
    b[10] = hs >>> 8;
    b[11] = hs & 255;
    const pseudo = new Uint8Array(12 + 20);
    pseudo.set(b.subarray(12, 20), 0);
    pseudo[9] = 6;
    pseudo[11] = 20;
    pseudo.set(b.subarray(20, 40), 12);
    const ts = internetChecksum(pseudo, 0, 32);
    b[36] = ts >>> 8;
    b[37] = ts & 255;
    expect(tcpChecksumOk(b, 20, 20, ipv4Src(b), ipv4Dst(b))).toBe(true);
    natRewrite(b, "dst", 0x0a000302, 8080);
    expect(ipv4HeaderChecksumOk(b)).toBe(true);
    expect(tcpChecksumOk(b, 20, 20, ipv4Src(b), ipv4Dst(b))).toBe(true);
    b[37] ^= 1;
    natRewrite(b, "dst", 0x0a000303, 8081);
    expect(tcpChecksumOk(b, 20, 20, ipv4Src(b), ipv4Dst(b))).toBe(false);
    // UDP without a checksum stays without one.
    const u = new Uint8Array(28);
    u.set([
      0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 1, 2, 10, 0, 2, 2, 0x02, 0x08, 0x02, 0x08, 0, 8, 0, 0,
    ]);
    natRewrite(u, "dst", 0x0a000302, 5353);
    expect([u[26], u[27]]).toEqual([0, 0]);
    expect((u[22]! << 8) | u[23]!).toBe(5353);
  });

  it("tracks connections as Linux's defaults time them out, and holds at most CONNTRACK_MAX", () => {
    let now = 0;
    const nf = new Netfilter(() => now);
    nf.chains.PREROUTING.rules.push({
      proto: 17,
      dport: 53,
      target: { kind: "REDIRECT", toPort: 5353 },
      pkts: 0,
      bytes: 0,
    });
    const udp = (sport: number) => {
      const u = new Uint8Array(28);
      u.set([
        0x45,
        0,
        0,
        28,
        0,
        1,
        0,
        0,
        64,
        17,
        0,
        0,
        10,
        0,
        1,
        2,
        10,
        0,
        2,
        2,
        sport >>> 8,
        sport & 255,
        0,
        53,
        0,
        8,
        0,
        0,
      ]);
      return u;
    };
    expect(nf.hook(udp(1000), "eth0", 0x0a000202).isNew).toBe(true);
    now += 29 * SECOND;
    expect(nf.hook(udp(1000), "eth0", 0x0a000202).isNew).toBe(false); // within nf_conntrack_udp_timeout 30 s
    now += 31 * SECOND;
    expect(nf.hook(udp(1000), "eth0", 0x0a000202).isNew).toBe(true); // expired: a new connection, counted again
    expect(nf.chains.PREROUTING.rules[0]!.pkts).toBe(2);
    for (let p = 0; p < CONNTRACK_MAX + 100; p++) nf.hook(udp(1024 + (p % 60000)), "eth0", 0x0a000202);
    expect((nf as unknown as { conns: Map<string, unknown> }).conns.size).toBeLessThanOrEqual(
      2 * CONNTRACK_MAX + 2,
    );
  });
});
