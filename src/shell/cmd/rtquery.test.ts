/**
 * rtquery and ripstatus on a simulated chain r1 — r2 — r3 — r4 where r1…r3 run RIP and r4 is
 * static (it never answers): what goes on the wire, what is printed, when the program ends and
 * with which status, and FreeBSD's diagnostics.
 */
import { describe, expect, it } from "vitest";
import { MS, SECOND } from "../../core/time.js";
import { RipDaemon } from "../../proto/rip/index.js";
import { buildNetwork } from "../../sim/build.js";
import type { Network } from "../../sim/network.js";
import { chainTopology } from "../../sim/test-topology.js";
import { emitRip, wholeTableRequest } from "../../wire/rip.js";
import { builtinCommands } from "../builtins.js";
import { runOn } from "../sim.testkit.js";

/** The chain with RIP on r1..r3, run until converged (triggered updates settle in seconds). */
function lab(): Network {
  const topo = chainTopology(4, { routing: "rip" });
  topo.nodes[3]!.routing = "static";
  const net = buildNetwork(topo, 1);
  for (const n of net.nodes.slice(0, 3)) {
    const d = new RipDaemon(topo.rip);
    n.daemons.push(d);
    d.start(n);
  }
  net.scheduler.runUntil(40 * SECOND);
  return net;
}

/** Records the payloads that reach UDP port 520 of the static r4. */
function tap(net: Network, ports: number[] = []): Uint8Array[] {
  const got: Uint8Array[] = [];
  net.byName.get("r4")!.udpBind(520, (d) => {
    got.push(d.payload.slice());
    ports.push(d.srcPort);
  });
  return got;
}

describe("rtquery", () => {
  it("prints a router's whole table with names, next hops and the header rtquery prints", () => {
    const net = lab();
    const r = runOn(net, "r1", "rtquery r3");
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        "r3 (10.0.1.2): RIPv2 64 bytes",
        "  10.0.0.0/24        metric  2            nhop=r2             ",
        "  10.0.1.0/24        metric  1           ",
        "  10.0.2.0/24        metric  1           ",
        "",
      ].join("\n"),
    );
    // Two 1 ms hops each way, then 250 ms of silence before it ends.
    expect(r.took).toBeGreaterThanOrEqual(254 * MS);
    expect(r.took).toBeLessThan(256 * MS);
  });

  it("-n prints numbers only; -r asks for one route", () => {
    const net = lab();
    const r = runOn(net, "r2", "rtquery -n r1");
    expect(r.out.split("\n")[0]).toBe("10.0.0.1: RIPv2 64 bytes");
    expect(r.out).toContain("  10.0.2.0/24        metric  3            nhop=10.0.0.2       \n");
    const one = runOn(net, "r1", "rtquery -n -r 10.0.2.0/24 r3");
    expect(one).toMatchObject({
      code: 0,
      out: "10.0.1.2: RIPv2 24 bytes\n  10.0.2.0/24        metric  1           \n",
    });
    // An address without a length is classful, or a host route when it has host bits (getnet).
    const host = runOn(net, "r1", "rtquery -n -r 10.0.2.0 r3");
    expect(host.out).toContain("  10.0.2.0/32        metric 16");
    const byName = runOn(net, "r1", "rtquery -n -r r4 r3");
    expect(byName.out).toContain("  10.0.2.2/32        metric 16");
  });

  it("sends the whole-table request of RFC 2453 3.9.1 from an ephemeral port to port 520", () => {
    const net = lab();
    const ports: number[] = [];
    const got = tap(net, ports);
    const r = runOn(net, "r1", "rtquery -w 1 10.0.2.2");
    expect(r.code).toBe(1);
    expect(got).toHaveLength(1);
    expect([...got[0]!]).toEqual([...emitRip(wholeTableRequest())]);
    expect(got[0]!.slice(0, 4)).toEqual(new Uint8Array([1, 2, 0, 0]));
    // -1: a RIPv1 request; -p: RIPCMD_POLL.
    runOn(net, "r1", "rtquery -1 -w 1 10.0.2.2");
    runOn(net, "r1", "rtquery -p -w 1 10.0.2.2");
    for (const p of ports) expect(p).toBeGreaterThanOrEqual(49152);
    expect(new Set(ports).size).toBe(3); // each run has its own pid, so its own port
    expect(got.map((p) => [p[0], p[1]])).toEqual([
      [1, 2],
      [1, 1],
      [5, 2],
    ]);
  });

  it("ends with status 1 after the wait when nobody answers, printing nothing", () => {
    const net = lab();
    const r = runOn(net, "r1", "rtquery r4");
    expect(r).toMatchObject({ code: 1, out: "" });
    expect(r.took).toBeGreaterThanOrEqual(15 * SECOND);
    expect(r.took).toBeLessThanOrEqual(15 * SECOND + 250 * MS);
    const w = runOn(net, "r1", "rtquery -w 2 r4");
    expect(w.took).toBeGreaterThanOrEqual(2 * SECOND);
    expect(w.took).toBeLessThanOrEqual(2 * SECOND + 250 * MS);
  });

  it("asks several hosts one after the other; unknown hosts are reported and count as done", () => {
    const net = lab();
    const r = runOn(net, "r1", "rtquery -n nowhere r2 r3");
    expect(r.code).toBe(0);
    const headers = r.out.split("\n").filter((l) => !l.startsWith("  "));
    expect(headers).toEqual([
      "nowhere: Unknown host",
      "10.0.0.2: RIPv2 64 bytes",
      "10.0.1.2: RIPv2 64 bytes",
      "",
    ]);
    // One host that does not answer makes the whole run fail.
    const some = runOn(net, "r1", "rtquery -w 1 r2 r4");
    expect(some.code).toBe(1);
    expect(some.out).toMatch(/^r2 \(10\.0\.0\.2\): RIPv2/);
    expect(runOn(net, "r1", "rtquery nowhere")).toMatchObject({
      code: 1,
      out: "nowhere: Unknown host\n",
      took: 0,
    });
  });

  it("asks the node's own daemon when no host is given (localhost)", () => {
    const net = lab();
    const r = runOn(net, "r2", "rtquery");
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toBe("localhost (127.0.0.1): RIPv2 64 bytes");
  });

  it("diagnoses its options as FreeBSD rtquery does", () => {
    const net = lab();
    const usage =
      "usage:  rtquery [-np1] [-r tgt_rt] [-w wtime] [-a type=passwd] host1 [host2 ...]\n" +
      "\trtquery -t {on=filename|more|off|dump} host1 [host2 ...]\n";
    expect(runOn(net, "r1", "rtquery -w 0 r2")).toMatchObject({ code: 1, out: usage });
    expect(runOn(net, "r1", "rtquery -w 3x r2")).toMatchObject({ code: 1, out: usage });
    expect(runOn(net, "r1", "rtquery -x r2")).toMatchObject({
      code: 1,
      out: `rtquery: illegal option -- x\n${usage}`,
    });
    expect(runOn(net, "r1", "rtquery -r 10.0.0.0/24 -r 10.0.1.0/24 r2")).toMatchObject({
      code: 1,
      out: usage,
    });
    expect(runOn(net, "r1", "rtquery -r nowhere r2")).toMatchObject({
      code: 1,
      out: "rtquery: nowhere:Unknown host\n",
    });
    expect(runOn(net, "r1", "rtquery -t on=/tmp/x r2")).toMatchObject({
      code: 1,
      out: "rtquery: -t: not supported in routelab\n",
    });
  });

  it("stops on Ctrl-C with status 130", () => {
    const net = lab();
    const r = runOn(net, "r1", "rtquery r4", { interruptAfter: 3 * SECOND });
    expect(r).toMatchObject({ code: 130, out: "" });
  });
});

describe("ripstatus", () => {
  it("shows timers, neighbours and every route with metric, next hop, age and state", () => {
    const net = lab();
    const r = runOn(net, "r1", "ripstatus");
    expect(r.code).toBe(0);
    const out = r.out;
    expect(out).toMatch(/^RIP version 2 on r1: split horizon with poisoned reverse\n/);
    expect(out).toMatch(/timers: update 30s \(next in \d+s\), timeout 3m, garbage 2m, triggered 1s-5s;/);
    expect(out).toMatch(/^ {2}10\.0\.0\.2 +on epair0a +heard \d+s ago, 2 routes/m);
    expect(out).toMatch(/^ {2}10\.0\.0\.0\/24 +1 connected +epair0a .* active/m);
    expect(out).toMatch(
      /^ {2}10\.0\.1\.0\/24 +2 10\.0\.0\.2 +epair0a +\d+s +active +\d+m?\d*s? +learned from 10\.0\.0\.2/m,
    );
    expect(out).toMatch(/^ {2}10\.0\.2\.0\/24 +3 10\.0\.0\.2 /m);
  });

  it("refuses on a node without RIP and takes no operands", () => {
    const net = lab();
    expect(runOn(net, "r4", "ripstatus")).toMatchObject({
      code: 1,
      out: "ripstatus: r4 does not run RIP (its routing is static)\n",
    });
    expect(runOn(net, "r1", "ripstatus -v")).toMatchObject({ code: 1, out: "usage: ripstatus\n" });
  });

  it("is listed by help with rtquery", () => {
    const out = runOn(lab(), "r1", "help", { commands: builtinCommands() }).out;
    expect(out).toMatch(/^ {2}rtquery +ask RIP routers/m);
    expect(out).toMatch(/^ {2}ripstatus +show the RIP daemon/m);
  });
});
