/**
 * The commands' formats and diagnostics, on a 3-router chain of the real simulator
 * (r1 —10.0.0.0/24— r2 —10.0.1.0/24— r3, 1 ms links).
 */
import { describe, expect, it } from "vitest";
import { exited } from "../apps/process.js";
import { MS } from "../core/time.js";
import { buildNetwork } from "../sim/build.js";
import { chainTopology, withChainStatics } from "../sim/test-topology.js";
import { builtinCommands } from "./builtins.js";
import { runOn } from "./sim.testkit.js";

const chain = () => buildNetwork(withChainStatics(chainTopology(3)), 1);
const bare = () => buildNetwork(chainTopology(3), 1);

describe("shell", () => {
  it("reports unknown commands as sh does (127), syntax errors (2), and runs empty lines", () => {
    const net = chain();
    expect(runOn(net, "r1", "frobnicate -x")).toMatchObject({ out: "frobnicate: not found\n", code: 127 });
    expect(runOn(net, "r1", "ping 'r2")).toMatchObject({
      out: "sh: Syntax error: Unterminated quoted string\n",
      code: 2,
    });
    expect(runOn(net, "r1", "   ")).toMatchObject({ out: "", code: 0 });
    expect(runOn(net, "r1", "hostname")).toMatchObject({ out: "r1\n", code: 0 });
    expect(runOn(net, "r1", "hostname other").code).toBe(1);
  });

  it("help lists built-in and registered commands with their summaries", () => {
    const net = chain();
    const commands = builtinCommands().register({
      name: "rtquery",
      summary: "ask a RIP router",
      run: () => exited(0),
    });
    const out = runOn(net, "r1", "help", { commands }).out;
    for (const c of ["help", "hostname", "ifconfig", "netstat", "ping", "route", "rtquery", "traceroute"])
      expect(out).toMatch(new RegExp(`^  ${c} +\\S`, "m"));
    expect(out).toContain("rtquery     ask a RIP router\n");
  });
});

describe("ping command", () => {
  it("diagnoses options like FreeBSD ping (EX_USAGE 64, EX_NOHOST 68, EX_NOPERM 77)", () => {
    const net = chain();
    expect(runOn(net, "r1", "ping -c 0 r2")).toMatchObject({
      out: "ping: invalid count of packets to transmit: `0'\n",
      code: 64,
    });
    expect(runOn(net, "r1", "ping -m 300 r2")).toMatchObject({ out: "ping: invalid TTL: `300'\n", code: 64 });
    expect(runOn(net, "r1", "ping -i x r2")).toMatchObject({
      out: "ping: invalid timing interval: `x'\n",
      code: 64,
    });
    expect(runOn(net, "r1", "ping -t 0 r2")).toMatchObject({ out: "ping: invalid timeout: `0'\n", code: 64 });
    expect(runOn(net, "r1", "ping nowhere")).toMatchObject({
      out: "ping: cannot resolve nowhere: Unknown host\n",
      code: 68,
    });
    expect(runOn(net, "r1", "ping -c")).toMatchObject({ code: 64 });
    expect(runOn(net, "r1", "ping -c")).toMatchObject({
      out: expect.stringMatching(/^ping: option requires an argument -- c\nusage: ping /),
    });
    expect(runOn(net, "r1", "ping")).toMatchObject({
      out: expect.stringMatching(/^usage: ping \[-AaDdfnoQqRrv\]/),
      code: 64,
    });
    expect(runOn(net, "r1", "ping -f r2")).toMatchObject({
      out: "ping: -f: not supported in routelab\n",
      code: 64,
    });
    expect(runOn(net, "r1", "ping -i 0.2 r2", { user: "alice" })).toMatchObject({
      out: "ping: -i interval too short: Operation not permitted\n",
      code: 77,
    });
    expect(runOn(net, "r1", "ping -s 100 r2", { user: "alice" })).toMatchObject({
      out: "ping: packet size too large: 100 > 56: Operation not permitted\n",
      code: 77,
    });
  });

  it("prints FreeBSD 8's usage, with IPsec's [-P policy] (ping.c:1684-1703, built -DIPSEC)", () => {
    expect(runOn(chain(), "r1", "ping")).toEqual({
      out:
        "usage: ping [-AaDdfnoQqRrv] [-c count] [-G sweepmaxsize] [-g sweepminsize]\n" +
        "            [-h sweepincrsize] [-i wait] [-l preload] [-M mask | time] [-m ttl]\n" +
        "            [-P policy] [-p pattern] [-S src_addr] [-s packetsize] [-t timeout]\n" +
        "            [-W waittime] [-z tos] host\n" +
        "       ping [-AaDdfLnoQqRrv] [-c count] [-I iface] [-i wait] [-l preload]\n" +
        "            [-M mask | time] [-m ttl] [-P policy] [-p pattern] [-S src_addr]\n" +
        "            [-s packetsize] [-T ttl] [-t timeout] [-W waittime]\n" +
        "            [-z tos] mcast-group\n",
      code: 64,
      took: 0,
    });
    // -P is one of ping's options (ping.c:264-271): refused as unsupported, not a usage error.
    expect(runOn(chain(), "r1", "ping -P in r2")).toMatchObject({
      out: "ping: -P: not supported in routelab\n",
      code: 64,
    });
  });

  it("pings by address with -n, resolves names, and sends as the user who typed it", () => {
    const net = chain();
    const users = new Set<string>();
    net.trace = (e) => {
      // Every packet the ping caused, ARP included, is hers; the routers' boot announcements are not.
      if (e.kind === "hop" && !e.summary.startsWith("ARP announce")) users.add(e.user);
    };
    const r = runOn(net, "r1", "ping -n -c 1 -i 2 10.0.1.2", { user: "alice" });
    expect(r.out).toMatch(
      /^PING 10\.0\.1\.2 \(10\.0\.1\.2\): 56 data bytes\n64 bytes from 10\.0\.1\.2: icmp_seq=0 ttl=63 time=7\.\d{3} ms\n/,
    );
    expect(users).toEqual(new Set(["alice"]));
    expect(runOn(net, "r1", "ping -c 1 r3").out).toContain("PING r3 (10.0.1.2)");
  });

  it("prints time exceeded with the quoted header as ping.c's pr_iph, resolved unless -n", () => {
    const net = chain();
    const r = runOn(net, "r1", "ping -c 1 -m 1 r3");
    expect(r.out).toMatch(
      /^PING r3 \(10\.0\.1\.2\): 56 data bytes\n36 bytes from r2 \(10\.0\.0\.2\): Time to live exceeded\nVr HL TOS {2}Len {3}ID Flg {2}off TTL Pro {2}cks {6}Src {6}Dst\n 4 {2}5 {2}00 0054 [0-9a-f]{4} {3}0 0000 {2}01 {2}01 [0-9a-f]{4} 10\.0\.0\.1 {2}10\.0\.1\.2 \n\n\n--- r3 ping statistics ---\n1 packets transmitted, 0 packets received, 100\.0% packet loss\n$/,
    );
    expect(r.code).toBe(2);
    expect(runOn(net, "r1", "ping -n -c 1 -m 1 r3").out).toContain(
      "36 bytes from 10.0.0.2: Time to live exceeded\n",
    );
  });

  it("Ctrl-C ends an endless ping with its statistics", () => {
    const net = chain();
    const r = runOn(net, "r1", "ping r2", { interruptAfter: 3_500_000_000 });
    expect(r.out).toContain("4 packets transmitted, 4 packets received, 0.0% packet loss\n");
    expect(r.code).toBe(0);
  });
});

describe("traceroute command", () => {
  it("diagnoses like LBL traceroute (exit 1)", () => {
    const net = chain();
    expect(runOn(net, "r1", "traceroute -m x r3")).toMatchObject({
      out: 'traceroute: "x" bad value for max ttl\n',
      code: 1,
    });
    expect(runOn(net, "r1", "traceroute -m 0 r3")).toMatchObject({
      out: "traceroute: max ttl must be > 0\n",
      code: 1,
    });
    expect(runOn(net, "r1", "traceroute -f 5 -m 3 r3")).toMatchObject({
      out: "traceroute: first ttl (5) may not be greater than max ttl (3)\n",
      code: 1,
    });
    expect(runOn(net, "r1", "traceroute nowhere")).toMatchObject({
      out: "traceroute: unknown host nowhere\n",
      code: 1,
    });
    expect(runOn(net, "r1", "traceroute -Z r3")).toMatchObject({
      out: expect.stringMatching(/^Version 1.4a12\+FreeBSD\nUsage: traceroute/),
      code: 1,
    });
  });

  it("-f, -q, -n and a packet length", () => {
    const net = chain();
    const r = runOn(net, "r1", "traceroute -n -f 2 -q 1 r3 60");
    expect(r.out).toMatch(
      /^traceroute to r3 \(10\.0\.1\.2\), 64 hops max, 60 byte packets\n 2 {2}10\.0\.1\.2 {2}7\.\d{3} ms\n$/,
    );
  });

  it("prints the usage exactly as the seed's post shows it (traceroute.c:1780-1789)", () => {
    const seed = [
      "Version 1.4a12+FreeBSD",
      "Usage: traceroute [-adDeFInrSvx] [-f first_ttl] [-g gateway] [-i iface]",
      "        [-m max_ttl] [-p port] [-P proto] [-q nqueries] [-s src_addr]",
      "        [-t tos] [-w waittime] [-A as_server] [-z pausemsecs] host [packetlen]",
      "",
    ].join("\n");
    const r = runOn(chain(), "r1", "traceroute");
    expect(r.code).toBe(1);
    // The program writes "\t" (as traceroute.c does); a terminal shows it as the post's 8 spaces.
    expect(r.out.replaceAll("\t", "        ")).toBe(seed);
    // FreeBSD's getopt string (traceroute.c:536) knows -a, -A, -e, -D: refused, not a usage error.
    expect(runOn(chain(), "r1", "traceroute -a r3")).toMatchObject({
      out: "traceroute: -a: not supported in routelab\n",
      code: 1,
    });
  });

  it("marks a router without a route !H and stops; ping says Destination Host Unreachable", () => {
    // FreeBSD 8's ip_forward answers no route with ICMP_UNREACH_HOST (ip_input.c:1432).
    const net = bare();
    runOn(net, "r1", "route add -net 10.0.9.0/24 10.0.0.2");
    const n = runOn(net, "r1", "traceroute -n -q 2 10.0.9.1");
    expect(n.out).toMatch(
      /^traceroute to 10\.0\.9\.1 \(10\.0\.9\.1\), 64 hops max, 40 byte packets\n 1 {2}10\.0\.0\.2 {2}3\.\d{3} ms {2}2\.\d{3} ms\n 2 {2}10\.0\.0\.2 {2}2\.\d{3} ms !H {2}2\.\d{3} ms !H\n$/,
    );
    const p = runOn(net, "r1", "ping -c 1 10.0.9.1");
    expect(p.out).toContain("36 bytes from r2 (10.0.0.2): Destination Host Unreachable\n");
    expect(p.code).toBe(2);
  });

  it("-I probes with ICMP echo, 60-byte packets (traceroute.c:669)", () => {
    const i = runOn(chain(), "r1", "traceroute -I r3");
    expect(i.out).toMatch(
      /^traceroute to r3 \(10\.0\.1\.2\), 64 hops max, 60 byte packets\n 1 {2}r2 \(10\.0\.0\.2\) {2}3\.\d{3} ms( {2}2\.\d{3} ms){2}\n 2 {2}r3 \(10\.0\.1\.2\) {2}6\.\d{3} ms( {2}4\.\d{3} ms){2}\n$/,
    );
    expect(runOn(chain(), "r1", "traceroute -I r3 59")).toMatchObject({
      out: "traceroute: packet length must be > 59\n",
      code: 1,
    });
  });

  it("with no route at the start prints findsaddr's one line and exits 1, sending nothing", () => {
    // The seed's traceroute carried the kern/139454 fix (usr.sbin/traceroute/findsaddr-udp.c:70):
    // connect() finds no route, traceroute.c:877-880 prints it and exits 1.
    const net = bare();
    const before = net.created;
    const r = runOn(net, "r1", "traceroute -q 1 -w 1 -m 2 r3");
    expect(r).toMatchObject({
      out: "traceroute: findsaddr: failed to connect to peer for src addr selection.\n",
      code: 1,
      took: 0,
    });
    expect(net.created).toBe(before);
  });

  it("reports a send failure in the middle of a run as the LBL code does and keeps probing", () => {
    const net = chain();
    const r1 = net.byName.get("r1")!;
    // r1 loses its route to r3's subnet after the first probe left (traceroute.c send_probe).
    net.scheduler.after(MS, () => r1.deleteRoute("static", 0x0a000100, 24, "test"));
    const r = runOn(net, "r1", "traceroute -n -q 2 -w 1 -m 2 r3");
    expect(r.out).toMatch(
      new RegExp(
        "^traceroute to r3 \\(10\\.0\\.1\\.2\\), 2 hops max, 40 byte packets\n" +
          " 1 {2}10\\.0\\.0\\.2 {2}3\\.\\d{3} ms" + // the first probe waits for ARP
          "traceroute: sendto: No route to host\ntraceroute: wrote r3 40 chars, ret=-1\n \\*\n" +
          " 2 traceroute: sendto: No route to host\ntraceroute: wrote r3 40 chars, ret=-1\n \\*" +
          "traceroute: sendto: No route to host\ntraceroute: wrote r3 40 chars, ret=-1\n \\*\n$",
      ),
    );
    expect(r.code).toBe(0);
  });

  it("uses UDP from ident|0x8000 to 33435, 33436, … with IP id ident+seq", () => {
    const net = chain();
    const probes: string[] = [];
    net.trace = (e) => {
      if (e.kind === "hop" && e.from === "r1" && e.cls === "traceroute") probes.push(e.summary);
    };
    runOn(net, "r1", "traceroute -q 2 r2");
    expect(probes).toHaveLength(2);
    expect(probes[0]).toMatch(/33435/);
    expect(probes[1]).toMatch(/33436/);
  });
});

describe("netstat", () => {
  it("has FreeBSD's header widths and columns", () => {
    const net = chain();
    runOn(net, "r1", "ping -c 2 r3");
    const lines = runOn(net, "r1", "netstat -rn").out.split("\n");
    expect(lines[3]).toBe("Destination        Gateway            Flags    Refs      Use  Netif Expire");
    expect(lines).toContain("10.0.1.0/24        10.0.0.2           UGS         0        2 epair0");
    // Refs 1 on a connected route, as the seed's FreeBSD 8.0 table (see netstat.ts routeRefs).
    expect(lines).toContain("10.0.0.0/24        link#2             U           1        0 epair0");
  });

  it("-i lists each interface with its link address and counters; unknown options are refused", () => {
    const net = chain();
    const out = runOn(net, "r2", "netstat -i").out.split("\n");
    expect(out[0]).toBe(
      "Name    Mtu Network       Address              Ipkts Ierrs Idrop    Opkts Oerrs  Coll",
    );
    expect(out[1]).toMatch(/^lo0 {3}16384 <Link#1> {6}/);
    expect(out.some((l) => l.startsWith("epair  1500 10.0.1.0      r2 "))).toBe(true);
    expect(runOn(net, "r2", "netstat -W -i").out).toContain("epair1a  1500 <Link#3>");
    expect(runOn(net, "r2", "netstat -s")).toMatchObject({ code: 1 });
    expect(runOn(net, "r2", "netstat -Q").out).toMatch(/^netstat: illegal option -- Q\nusage: netstat/);
  });
});

describe("route", () => {
  it("adds, refuses duplicates, changes, gets and deletes, with route(8)'s messages", () => {
    const net = bare();
    expect(runOn(net, "r1", "route add -net 10.0.1.0/24 10.0.0.2")).toMatchObject({
      out: "add net 10.0.1.0: gateway 10.0.0.2\n",
      code: 0,
    });
    expect(runOn(net, "r1", "route add 10.0.1.0/24 10.0.0.2")).toMatchObject({
      out: "route: writing to routing socket: File exists\nadd net 10.0.1.0: gateway 10.0.0.2: route already in table\n",
      code: 1,
    });
    expect(runOn(net, "r1", "route -n get 10.0.1.2").out).toBe(
      "   route to: 10.0.1.2\n" +
        "destination: 10.0.1.0\n" +
        "       mask: 255.255.255.0\n" +
        "    gateway: 10.0.0.2\n" +
        "  interface: epair0a\n" +
        "      flags: <UP,GATEWAY,DONE,STATIC>\n" +
        " recvpipe  sendpipe  ssthresh  rtt,msec    mtu        weight    expire\n" +
        "       0         0         0         0      1500         1         0 \n",
    );
    expect(runOn(net, "r1", "route change 10.0.1.0/24 10.0.0.2").out).toBe(
      "change net 10.0.1.0: gateway 10.0.0.2\n",
    );
    expect(runOn(net, "r1", "route delete -net 10.0.1.0/24")).toMatchObject({
      out: "delete net 10.0.1.0\n",
      code: 0,
    });
    expect(runOn(net, "r1", "route delete -net 10.0.1.0/24")).toMatchObject({
      out: "route: writing to routing socket: No such process\ndelete net 10.0.1.0: not in table\n",
      code: 1,
    });
    expect(runOn(net, "r1", "route get 10.0.1.2")).toMatchObject({
      out: "route: writing to routing socket: No such process\n",
      code: 1,
    });
  });

  it("classifies destinations as route(8) does", () => {
    const net = bare();
    // Class A address with host bits: a host route.
    expect(runOn(net, "r1", "route add 10.0.1.0 10.0.0.2").out).toBe("add host 10.0.1.0: gateway 10.0.0.2\n");
    expect(runOn(net, "r1", "route add -net 10.0.2.0 10.0.0.2").out).toBe(
      "add net 10.0.2.0: gateway 10.0.0.2\n",
    );
    expect(runOn(net, "r1", "route add 10.0.3/24 10.0.0.2").out).toBe("add net 10.0.3: gateway 10.0.0.2\n");
    expect(runOn(net, "r1", "route add r3 r2").out).toBe("add host r3: gateway r2\n");
    expect(runOn(net, "r1", "route add -net 192.168.0.0 10.0.0.2 255.255.0.0").out).toBe(
      "add net 192.168.0.0: gateway 10.0.0.2\n",
    );
    const table = runOn(net, "r1", "netstat -rn").out;
    expect(table).toContain("10.0.1.0           10.0.0.2           UGHS        0        0 epair0\n");
    expect(table).toContain("10.0.1.2           10.0.0.2           UGHS        0        0 epair0\n");
    expect(table).toContain("10.0.2.0/24        10.0.0.2           UGS ");
    expect(table).toContain("10.0.3.0/24        10.0.0.2           UGS ");
    expect(table).toContain("192.168.0.0/16     10.0.0.2           UGS ");
    expect(runOn(net, "r1", "route add default 10.0.0.2").out).toBe("add net default: gateway 10.0.0.2\n");
    expect(runOn(net, "r1", "netstat -r").out).toContain("default            r2                 UGS ");
  });

  it("refuses users other than root, unknown keywords and unreachable gateways", () => {
    const net = bare();
    expect(runOn(net, "r1", "route add -net 10.0.1.0/24 10.0.0.2", { user: "alice" })).toMatchObject({
      out: "route: writing to routing socket: Operation not permitted\n",
      code: 1,
    });
    expect(runOn(net, "r1", "route frob")).toMatchObject({
      out: "route: botched keyword: frob\nusage: route [-dnqtv] command [[modifiers] args]\n",
      code: 64,
    });
    expect(runOn(net, "r1", "route add -net 10.0.5.0/24 10.0.9.9")).toMatchObject({
      out: "route: writing to routing socket: Network is unreachable\nadd net 10.0.5.0: gateway 10.0.9.9: Network is unreachable\n",
      code: 1,
    });
  });
});

describe("ifconfig", () => {
  it("prints FreeBSD 8 blocks, one interface, -l, and errors", () => {
    const net = chain();
    const one = runOn(net, "r2", "ifconfig epair1a").out;
    // FreeBSD 8's epair (sys/net/if_epair.c v 1.9): VLAN_MTU, MAC 02:??:??:<if_index>:0a with
    // epair1a the host's 5th interface (em0, lo0, epair0a, epair0b, epair1a), no ifmedia and so
    // no media line; `status:` is routelab's (see ifconfig.ts).
    expect(one).toMatch(
      /^epair1a: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500\n\toptions=8<VLAN_MTU>\n\tether 02:[0-9a-f]{2}:[0-9a-f]{2}:00:05:0a\n\tinet 10\.0\.1\.1 netmask 0xffffff00 broadcast 10\.0\.1\.255\n\tstatus: active\n$/,
    );
    expect(runOn(net, "r2", "ifconfig epair0b").out).toMatch(/\tether 02:[0-9a-f]{2}:[0-9a-f]{2}:00:04:0b\n/);
    // lo0: checksum offload on since FreeBSD 8.0 (if_loop.c:135, lo(4)); the seed's
    // `ifconfig lo0 127.0.0.1/24 up`.
    expect(runOn(net, "r2", "ifconfig lo0").out).toBe(
      "lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> metric 0 mtu 16384\n\toptions=3<RXCSUM,TXCSUM>\n\tinet 127.0.0.1 netmask 0xffffff00 \n",
    );
    expect(runOn(net, "r2", "ifconfig -l").out).toBe("lo0 epair0b epair1a\n");
    expect(runOn(net, "r2", "ifconfig em0")).toMatchObject({
      out: "ifconfig: interface em0 does not exist\n",
      code: 1,
    });
    // Stable addresses: the same on another run.
    expect(runOn(chain(), "r2", "ifconfig epair1a").out).toBe(one);
  });

  it("takes an interface down and up (root only); traffic stops and resumes", () => {
    const net = chain();
    expect(runOn(net, "r2", "ifconfig epair1a down", { user: "bob" })).toMatchObject({
      out: "ifconfig: ioctl (SIOCSIFFLAGS): Operation not permitted\n",
      code: 1,
    });
    expect(runOn(net, "r2", "ifconfig epair1a down").code).toBe(0);
    // Down by the administrator: no UP flag, but the cable and the far end are fine (carrier).
    expect(runOn(net, "r2", "ifconfig epair1a").out).toContain("flags=8802<BROADCAST,SIMPLEX,MULTICAST>");
    expect(runOn(net, "r2", "ifconfig epair1a").out).toContain("\tstatus: active\n");
    expect(runOn(net, "r2", "ifconfig -d -l").out).toBe("epair1a\n");
    expect(runOn(net, "r2", "ifconfig -u -l").out).toBe("lo0 epair0b\n");
    expect(runOn(net, "r1", "ping -c 1 r3").code).toBe(2);
    expect(runOn(net, "r2", "ifconfig epair1a up").code).toBe(0);
    expect(runOn(net, "r1", "ping -c 1 r3").code).toBe(0);
  });
});
