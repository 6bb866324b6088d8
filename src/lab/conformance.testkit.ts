/**
 * @module lab/conformance.testkit
 * One conformance suite for the Lab interface, run against every engine (hono's shared router
 * tests): `runLabConformance("sim", () => createSimLab(seed))`. Everything here goes through
 * the Lab interface only, on the seed network (examples/seed.yaml), so what passes on one
 * engine means the same on the other.
 *
 * The commands run through the same shell front end on every engine (shell/run.ts over a
 * ShellContext); what answers underneath differs, and the assertions here hold for both. Where
 * the outputs differ by engine, and why (the tests check only what both share):
 * - `netstat -i` / `ifconfig` counters: the simulator counts IPv4 packets of its own; Linux counts
 *   every frame (ARP too) — both grow by at least the packets a ping sent and received.
 * - `ripstatus`: the simulator prints its RIP daemon's state (proto/rip formatStatus); on netns
 *   the daemon is FRR's ripd, whose own report (`show ip rip status`, `show ip rip`) is printed.
 *   Both name the neighbours by address.
 * - `ping`, `traceroute`: the simulator's programs print FreeBSD's lines; netns runs the kernel's
 *   iputils ping and Linux traceroute, with their own lines (the FreeBSD options are mapped).
 * - `netstat -r`'s Use column is 0 on netns (Linux keeps no per-route use count).
 * - `ifconfig IF down` on netns reads `status: no carrier` (the kernel's operstate is down) and
 *   also takes the far end's carrier away (a veth pair shares it);
 *   on the simulator the far end keeps carrier and hears nothing. Routes reroute on both.
 * - `arp -an`: a neighbour's line on the simulator ends `expires in N seconds` (FreeBSD's
 *   max_age timer); on netns it has no expiry clause (Linux keeps no expiry per neighbour,
 *   engines/netns/neighbours.ts), and its entries of one interface come by address, not in
 *   FreeBSD's hash order. `arp -d`'s deleted entry may linger on netns as `(incomplete)` while
 *   the kernel still holds a reference to it (neigh_delete leaves it FAILED).
 * - `vtysh -c 'show ip route'`: netns runs FRR's vtysh, the simulator prints zebra's text itself
 *   (shell/cmd/vtysh.ts); equal once the uptimes are masked (each engine's routers spoke at their
 *   own times) and the one equal-cost choice (vm1 hears 10.0.30.0/24 from vm2 and vm3 at
 *   metric 2 and keeps whichever came first).
 */
import { describe, expect, it as vitestIt } from "vitest";
import type { LabEvent } from "../core/events.js";
import { SECOND } from "../core/time.js";
import { etherAddress } from "../shell/cmd/netstat.js";
import { SHOW_ROUTE_HEADER } from "../shell/cmd/vtysh-route.js";
import type { Lab } from "./lab.js";
import { runToEnd as exec } from "./drive.testkit.js";

export interface ConformanceOptions {
  /** Virtual (or real) time to wait for routing to converge. */
  converge?: number;
  /** Wall-clock limit of each test, ms (an engine on real time waits `converge` for real). */
  timeout?: number;
}

/** The link-level row of `netstat -inW` for an interface: its Ipkts and Opkts. */
function linkCounters(netstat: string, iface: string): { ipkts: number; opkts: number } {
  const row = netstat.split("\n").find((l) => l.startsWith(`${iface} `) && l.includes("<Link#"));
  expect(row, `netstat -in has no link row for ${iface}:\n${netstat}`).toBeDefined();
  const f = row!.trim().split(/\s+/);
  // Name Mtu Network Address Ipkts Ierrs Idrop Opkts Oerrs Coll
  return { ipkts: Number(f[4]), opkts: Number(f[7]) };
}

/** vm1's `show ip route` once converged, as FRR 8.4.4 prints it (test/fixtures/vtysh), masked. */
const VM1_SHOW_IP_ROUTE = `${SHOW_ROUTE_HEADER}C>* 10.0.10.0/24 is directly connected, epair0a, <uptime>
C>* 10.0.20.0/24 is directly connected, epair1a, <uptime>
R>* 10.0.30.0/24 [120/2] via <vm2|vm3>, weight 1, <uptime>
C>* 10.0.40.0/24 is directly connected, epair3a, <uptime>
C>* 10.0.50.0/24 is directly connected, epair4a, <uptime>
R>* 10.0.60.0/24 [120/2] via 10.0.10.2, epair0a, weight 1, <uptime>
R>* 10.0.70.0/24 [120/2] via 10.0.10.2, epair0a, weight 1, <uptime>
R>* 10.0.80.0/24 [120/2] via 10.0.20.2, epair1a, weight 1, <uptime>
R>* 10.0.90.0/24 [120/2] via 10.0.20.2, epair1a, weight 1, <uptime>
`;

/** Masks `show ip route`'s uptimes (checked to be under an hour) and vm1's tie for 10.0.30.0/24. */
function maskRouteTable(text: string): string {
  return text
    .replace(/, (\d\d):(\d\d):(\d\d)$/gm, (_m, h: string) => {
      expect(h).toBe("00");
      return ", <uptime>";
    })
    .replace(
      /^(R>\* 10\.0\.30\.0\/24 \[120\/2\] via )(?:10\.0\.10\.2, epair0a|10\.0\.20\.2, epair1a),/m,
      "$1<vm2|vm3>,",
    );
}

type MakeLab = () => Promise<Lab> | Lab;

/** Describes the seed network: nodes, interfaces, links. */
async function describesTheSeed(lab: Lab): Promise<void> {
  const nodes = lab.nodes();
  expect(nodes.map((n) => n.name)).toEqual(["vm1", "vm2", "vm3", "vm4", "vm5", "vm6", "vm7", "vm8", "vm9"]);
  const vm1 = nodes[0]!;
  expect(vm1.interfaces.filter((i) => i.link).map((i) => `${i.name} ${i.addr}/${i.len}`)).toEqual([
    "epair0a 10.0.10.1/24",
    "epair1a 10.0.20.1/24",
    "epair3a 10.0.40.1/24",
    "epair4a 10.0.50.1/24",
  ]);
  expect(lab.links()).toHaveLength(9);
  expect(lab.links()[0]).toMatchObject({
    a: { node: "vm1", addr: "10.0.10.1" },
    b: { node: "vm2", addr: "10.0.10.2" },
    up: true,
  });
}

/** Converges, answers commands, reroutes when a link goes down, and reports it as events. */
async function convergesAndReroutes(lab: Lab, converge: number): Promise<void> {
  const events: LabEvent[] = [];
  const off = lab.onEvent((e) => events.push(e));
  try {
    await lab.advance(converge);
    const routes = lab.routes("vm1");
    const r30 = routes.find((r) => r.dest === "10.0.30.0/24");
    expect(r30?.flags).toContain("G");
    expect(routes.find((r) => r.dest === "10.0.90.0/24")?.gateway).toBe("10.0.20.2");
    expect((await exec(lab, "vm1", "hostname")).out).toBe("vm1\n");
    const ping = await exec(lab, "vm4", "ping -c 2 vm9", "alice");
    expect(ping.code).toBe(0);
    // FreeBSD's "2 packets received" (the simulator), iputils' "2 received" (netns).
    expect(ping.out).toMatch(/2 packets transmitted, 2 (packets )?received/);
    expect(events.some((e) => e.kind === "hop" && e.user === "alice")).toBe(true);
    expect((await exec(lab, "vm1", "nosuchcommand")).code).toBe(127);

    lab.setLink("vm1", "vm2", false);
    expect(lab.links()[0]!.up).toBe(false);
    await lab.advance(converge);
    expect(lab.routes("vm1").find((r) => r.dest === "10.0.60.0/24")?.gateway).toBe("10.0.20.2");
    expect(events.some((e) => e.kind === "link" && e.state === "down")).toBe(true);
    expect(events.some((e) => e.kind === "route" && e.node === "vm1")).toBe(true);
    lab.setLink("vm1", "vm2", true);
    await lab.advance(converge);
    expect(lab.routes("vm1").find((r) => r.dest === "10.0.60.0/24")?.gateway).toBe("10.0.10.2");
  } finally {
    off();
  }
}

/** Crashes and reboots a router. */
async function crashesAndReboots(lab: Lab, converge: number): Promise<void> {
  await lab.advance(converge);
  lab.setNode("vm6", false);
  expect(lab.nodes().find((n) => n.name === "vm6")?.up).toBe(false);
  // A command typed at once sees the crash (netns starts it after its queue of kernel
  // changes; CI once lost this race before it did).
  expect((await exec(lab, "vm1", "ping -c 1 -t 2 vm6")).code).not.toBe(0);
  lab.setNode("vm6", true);
  await lab.advance(converge);
  expect((await exec(lab, "vm1", "ping -c 1 vm6")).code).toBe(0);
}

/** Answers ifconfig and netstat -i/-rn from the node, with counters that grow after a ping. */
async function countsInterfaces(lab: Lab, converge: number): Promise<void> {
  await lab.advance(converge);
  const ifc = await exec(lab, "vm1", "ifconfig epair0a");
  expect(ifc.code).toBe(0);
  expect(ifc.out).toMatch(/^epair0a: flags=\w+<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500\n/);
  expect(ifc.out).toContain("\tinet 10.0.10.1 netmask 0xffffff00 broadcast 10.0.10.255\n");
  expect(ifc.out).toContain("\tstatus: active\n");
  const all = await exec(lab, "vm1", "ifconfig -l");
  expect(all.out).toBe("lo0 epair0a epair1a epair3a epair4a\n");
  const none = await exec(lab, "vm1", "ifconfig epair9z");
  expect(none).toEqual({ out: "ifconfig: interface epair9z does not exist\n", code: 1 });

  const before = linkCounters((await exec(lab, "vm1", "netstat -inW")).out, "epair0a");
  expect((await exec(lab, "vm1", "ping -c 3 10.0.10.2")).code).toBe(0);
  const after = linkCounters((await exec(lab, "vm1", "netstat -inW")).out, "epair0a");
  expect(after.opkts - before.opkts, "echo requests sent").toBeGreaterThanOrEqual(3);
  expect(after.ipkts - before.ipkts, "echo replies received").toBeGreaterThanOrEqual(3);

  const rn = await exec(lab, "vm1", "netstat -rn");
  expect(rn.code).toBe(0);
  expect(rn.out).toMatch(/^10\.0\.60\.0\/24 +10\.0\.10\.2 +UG +\d+ +\d+ +epair0/m);
  expect(rn.out).toMatch(/^10\.0\.10\.0\/24 +link#2 +U +/m);
}

/** Adds, looks up and deletes a static route (route add|get|delete) with FreeBSD's answers. */
async function editsStaticRoutes(lab: Lab, converge: number): Promise<void> {
  await lab.advance(converge);
  const add = await exec(lab, "vm1", "route add -net 192.168.77.0/24 10.0.20.2");
  expect(add).toEqual({ out: "add net 192.168.77.0: gateway 10.0.20.2\n", code: 0 });
  expect(lab.routes("vm1").find((r) => r.dest === "192.168.77.0/24")).toMatchObject({
    gateway: "10.0.20.2",
    iface: "epair1a",
    source: "static",
    flags: "UGS",
  });
  const again = await exec(lab, "vm1", "route add -net 192.168.77.0/24 10.0.20.2");
  expect(again).toEqual({
    out:
      "route: writing to routing socket: File exists\n" +
      "add net 192.168.77.0: gateway 10.0.20.2: route already in table\n",
    code: 1,
  });
  const get = await exec(lab, "vm1", "route -n get 192.168.77.9");
  expect(get.code).toBe(0);
  expect(get.out).toContain(
    "   route to: 192.168.77.9\ndestination: 192.168.77.0\n       mask: 255.255.255.0\n",
  );
  expect(get.out).toContain(
    "    gateway: 10.0.20.2\n  interface: epair1a\n      flags: <UP,GATEWAY,DONE,STATIC>\n",
  );
  // A route RIP learned, names resolved: vm6 is reached through vm2.
  const learned = await exec(lab, "vm1", "route get vm6");
  expect(learned.out).toContain("    gateway: vm2\n  interface: epair0a\n      flags: <UP,GATEWAY,DONE>\n");
  const unreachable = await exec(lab, "vm1", "route add -net 192.168.78.0/24 10.9.9.9");
  expect(unreachable.code).toBe(1);
  expect(unreachable.out).toContain("route: writing to routing socket: Network is unreachable\n");
  expect((await exec(lab, "vm1", "route add -net 192.168.79.0/24 10.0.20.2", "alice")).out).toBe(
    "route: writing to routing socket: Operation not permitted\n",
  );

  const del = await exec(lab, "vm1", "route delete 192.168.77.0/24");
  expect(del).toEqual({ out: "delete net 192.168.77.0\n", code: 0 });
  expect(lab.routes("vm1").some((r) => r.dest === "192.168.77.0/24")).toBe(false);
  expect((await exec(lab, "vm1", "route -n get 192.168.77.9")).code).toBe(1);
  const gone = await exec(lab, "vm1", "route delete 192.168.77.0/24");
  expect(gone).toEqual({
    out: "route: writing to routing socket: No such process\ndelete net 192.168.77.0: not in table\n",
    code: 1,
  });
}

/** Asks a neighbour's RIP for its table (rtquery) and shows the RIP peers (ripstatus). */
async function asksRip(lab: Lab, converge: number): Promise<void> {
  await lab.advance(converge);
  const q = await exec(lab, "vm1", "rtquery -n 10.0.10.2");
  expect(q.code).toBe(0);
  expect(q.out).toMatch(/^10\.0\.10\.2: RIPv2 \d+ bytes\n/);
  // vm2's own networks, which vm1 reaches only through it or vm3.
  expect(q.out).toMatch(/^ +10\.0\.60\.0\/24 +metric +1\b/m);
  expect(q.out).toMatch(/^ +10\.0\.30\.0\/24 +metric +1\b/m);
  const st = await exec(lab, "vm1", "ripstatus");
  expect(st.code).toBe(0);
  for (const peer of ["10.0.10.2", "10.0.20.2", "10.0.40.2", "10.0.50.2"]) expect(st.out).toContain(peer);
}

/** Lists a neighbour in the ARP cache after a ping (arp -an) and deletes it as root (arp -d). */
async function keepsArp(lab: Lab, converge: number): Promise<void> {
  await lab.advance(converge);
  expect((await exec(lab, "vm1", "ping -c 1 10.0.10.2")).code).toBe(0);
  // vm2's end of the vm1–vm2 link, with the MAC both engines give it (a veth's on netns).
  const entry = `? (10.0.10.2) at ${etherAddress("vm2", "epair0b")} on epair0a`;
  const own = `? (10.0.10.1) at ${etherAddress("vm1", "epair0a")} on epair0a permanent [ethernet]`;
  const before = await exec(lab, "vm1", "arp -an");
  expect(before.code).toBe(0);
  expect(before.out).toContain(entry);
  expect(before.out).toContain(own);
  const student = await exec(lab, "vm1", "arp -d 10.0.10.2", "alice");
  expect(student).toEqual({
    out: "arp: writing to routing socket: Operation not permitted\n",
    code: 1,
  });
  expect((await exec(lab, "vm1", "arp -an")).out).toContain(entry);
  expect(await exec(lab, "vm1", "arp -d 10.0.10.2")).toEqual({
    out: "10.0.10.2 (10.0.10.2) deleted\n",
    code: 0,
  });
  expect((await exec(lab, "vm1", "arp -an")).out).not.toContain(entry);
}

/** Takes an interface down and up (ifconfig IF down|up): routes go round it and come back. */
async function takesInterfacesDown(lab: Lab, converge: number): Promise<void> {
  await lab.advance(converge);
  expect((await exec(lab, "vm1", "ifconfig epair0a down", "alice")).code).toBe(1);
  expect((await exec(lab, "vm1", "ifconfig epair0a down")).code).toBe(0);
  const down = await exec(lab, "vm1", "ifconfig epair0a");
  expect(down.out).toMatch(/^epair0a: flags=\w+<BROADCAST,SIMPLEX,MULTICAST> /);
  expect((await exec(lab, "vm1", "ifconfig -l -d")).out).toBe("epair0a\n");
  await lab.advance(converge);
  expect(lab.routes("vm1").find((r) => r.dest === "10.0.60.0/24")?.gateway).toBe("10.0.20.2");
  expect((await exec(lab, "vm1", "ifconfig epair0a up")).code).toBe(0);
  expect((await exec(lab, "vm1", "ifconfig epair0a")).out).toMatch(/^epair0a: flags=\w+<UP,/);
  await lab.advance(converge);
  expect(lab.routes("vm1").find((r) => r.dest === "10.0.60.0/24")?.gateway).toBe("10.0.10.2");
}

/** Answers vtysh -c 'show ip route' as FRR 8.4 does, and refuses what is not a show command. */
async function answersVtysh(lab: Lab, converge: number): Promise<void> {
  await lab.advance(converge);
  const r = await exec(lab, "vm1", "vtysh -c 'show ip route'", "alice");
  expect(r.code).toBe(0);
  expect(maskRouteTable(r.out)).toBe(VM1_SHOW_IP_ROUTE);
  const rip = await exec(lab, "vm1", "vtysh -c 'sh ip rip'", "alice");
  expect(rip.code).toBe(0);
  expect(rip.out).toMatch(/^Codes: R - RIP, C - connected, S - Static, O - OSPF, B - BGP\n/);
  expect(rip.out).toMatch(/^R\(n\) 10\.0\.60\.0\/24 {7}10\.0\.10\.2 {13}2 10\.0\.10\.2 {9}0 \d\d:\d\d$/m);
  expect(rip.out).toMatch(/^C\(i\) 10\.0\.40\.0\/24 {7}0\.0\.0\.0 {15}1 self {14}0$/m);
  for (const line of ["vtysh -c 'configure terminal'", "vtysh -c 'write memory'", "vtysh"]) {
    const no = await exec(lab, "vm1", line, "alice");
    expect(no.code, line).toBe(1);
    expect(no.out, line).toMatch(/not allowed in this lab|Interactive vtysh is not available/);
  }
  expect(await exec(lab, "vm1", "vtysh -c 'show ip foo'")).toEqual({
    out: "% Unknown command: show ip foo\n",
    code: 1,
  });
}

/** Refuses unknown nodes and links with an error naming them. */
async function refusesUnknownNames(lab: Lab): Promise<void> {
  expect(() => lab.routes("vm10")).toThrow(/vm10/);
  expect(() => lab.setLink("vm4", "vm9", false)).toThrow(/vm4.*vm9/);
  expect(() => lab.exec("nope", "hostname")).toThrow(/nope/);
}

/** The suite's checks in order; each gets a lab of its own, booted through `make` and closed after it. */
const CHECKS: readonly [string, (lab: Lab, converge: number) => Promise<void>][] = [
  ["describes the seed network: nodes, interfaces, links", describesTheSeed],
  [
    "converges, answers commands, reroutes when a link goes down, and reports it as events",
    convergesAndReroutes,
  ],
  ["crashes and reboots a router", crashesAndReboots],
  [
    "answers ifconfig and netstat -i/-rn from the node, with counters that grow after a ping",
    countsInterfaces,
  ],
  [
    "adds, looks up and deletes a static route (route add|get|delete) with FreeBSD's answers",
    editsStaticRoutes,
  ],
  ["asks a neighbour's RIP for its table (rtquery) and shows the RIP peers (ripstatus)", asksRip],
  ["lists a neighbour in the ARP cache after a ping (arp -an) and deletes it as root (arp -d)", keepsArp],
  [
    "takes an interface down and up (ifconfig IF down|up): routes go round it and come back",
    takesInterfacesDown,
  ],
  ["answers vtysh -c 'show ip route' as FRR 8.4 does, and refuses what is not a show command", answersVtysh],
  ["refuses unknown nodes and links with an error naming them", refusesUnknownNames],
];

export function runLabConformance(engine: string, make: MakeLab, o: ConformanceOptions = {}): void {
  const converge = o.converge ?? 60 * SECOND;
  describe(`Lab conformance: ${engine}`, () => {
    for (const [name, check] of CHECKS)
      vitestIt(
        name,
        async () => {
          const lab = await make();
          try {
            await check(lab, converge);
          } finally {
            await lab.close();
          }
        },
        o.timeout,
      );
  });
}
