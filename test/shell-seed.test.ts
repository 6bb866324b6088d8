/**
 * End to end through the real simulator: the seed network (examples/seed-static.yaml, and
 * examples/seed.yaml with routes typed in), the commands people type, and FreeBSD's output.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SECOND } from "../src/core/time.js";
import { runOn } from "../src/shell/sim.testkit.js";
import { buildNetwork } from "../src/sim/index.js";
import { loadTopologyText } from "../src/topology/load.js";

const EXAMPLES = join(import.meta.dirname, "..", "examples");
/**
 * Round-trip times carry the simulator's per-hop processing jitter (deterministic, but tuned
 * by the sim), so exact comparisons mask them: each `N.NNN ms` becomes `~N ms` (whole ms of
 * link delay, checked to be within 0.41 ms of it).
 */
function masked(text: string): string {
  return text.replace(/(\d+\.\d{3})( ms|\/)/g, (_m, t: string, tail: string) => {
    const v = Number(t);
    const whole = Math.round(v);
    // Each link crossing adds 10–50 µs of processing: up to 0.4 ms over 8 frames (ARP included).
    expect(Math.abs(v - whole), `${t} is not near a whole millisecond`).toBeLessThan(0.41);
    return `~${whole}${tail}`;
  });
}

const load = (file: string) =>
  buildNetwork(loadTopologyText(readFileSync(join(EXAMPLES, file), "utf8"), file), 1);

describe("seed network with static routes", () => {
  it("ping -c 3 vm5 from vm1: three replies over one 1 ms link, statistics, exit 0", () => {
    const net = load("seed-static.yaml");
    const r = runOn(net, "vm1", "ping -c 3 vm5");
    const stats = "round-trip min/avg/max/stddev = ";
    const [body, tail] = r.out.split(stats);
    expect(masked(body!.replace(/time=/g, "time "))).toBe(
      [
        "PING vm5 (10.0.50.2): 56 data bytes",
        // The first waits for ARP: vm1's request crosses as vm5's boot announcement arrives,
        // which completes vm1's incomplete entry (in_arpinput updates what it has, :671).
        "64 bytes from 10.0.50.2: icmp_seq=0 ttl=64 time ~3 ms",
        "64 bytes from 10.0.50.2: icmp_seq=1 ttl=64 time ~2 ms",
        "64 bytes from 10.0.50.2: icmp_seq=2 ttl=64 time ~2 ms",
        "",
        "--- vm5 ping statistics ---",
        "3 packets transmitted, 3 packets received, 0.0% packet loss",
        "",
      ].join("\n"),
    );
    expect(tail).toMatch(/^2\.0\d\d\/2\.4\d\d\/3\.\d{3}\/0\.4\d\d ms\n$/);
    expect(r.code).toBe(0);
    // The third reply ends it: 2 s of sending plus one round trip.
    expect(r.took).toBeGreaterThanOrEqual(2 * SECOND + 2_000_000);
    expect(r.took).toBeLessThan(2 * SECOND + 2_200_000);
  });

  it("traceroute vm6 from vm1: vm2 then vm6, as the seed printed", () => {
    const net = load("seed-static.yaml");
    const r = runOn(net, "vm1", "traceroute vm6");
    expect(masked(r.out)).toBe(
      [
        "traceroute to vm6 (10.0.60.2), 64 hops max, 40 byte packets",
        // Each first probe waits for ARP: 2 ms more on these 1 ms links, but 1 ms for vm2 here,
        // whose boot announcement completes vm1's entry (in_arpinput updates what it has).
        " 1  vm2 (10.0.10.2)  ~3 ms  ~2 ms  ~2 ms",
        " 2  vm6 (10.0.60.2)  ~6 ms  ~4 ms  ~4 ms",
        "",
      ].join("\n"),
    );
    expect(r.code).toBe(0);
  });

  it("netstat -r on vm1 shows the seed's converged table (names, link#N, Netif cut to 6)", () => {
    const net = load("seed-static.yaml");
    const r = runOn(net, "vm1", "netstat -r");
    const lines = r.out.split("\n");
    expect(lines.slice(0, 4)).toEqual([
      "Routing tables",
      "",
      "Internet:",
      "Destination        Gateway            Flags    Refs      Use  Netif Expire",
    ]);
    // Destination, Gateway and Netif of every network route, against the seed README's table.
    const rows = lines
      .slice(4)
      .filter((l) => /^10\./.test(l))
      .map((l) => {
        const [dst, gw] = l.split(/\s+/);
        return [dst, gw, l.slice(-6).trim()];
      });
    expect(rows).toEqual([
      ["10.0.10.0", "link#2", "epair0"],
      ["10.0.20.0", "link#3", "epair1"],
      ["10.0.30.0", "vm2", "epair0"],
      ["10.0.40.0", "link#4", "epair3"],
      ["10.0.50.0", "link#5", "epair4"],
      ["10.0.60.0", "vm2", "epair0"],
      ["10.0.70.0", "vm2", "epair0"],
      ["10.0.80.0", "vm3", "epair1"],
      ["10.0.90.0", "vm3", "epair1"],
    ]);
    // A UHS lo0 host route per own address, and localhost.
    expect(lines.filter((l) => l.startsWith("vm1 "))).toEqual([
      "vm1                link#2             UHS         0        0    lo0",
      "vm1                link#3             UHS         0        0    lo0",
      "vm1                link#4             UHS         0        0    lo0",
      "vm1                link#5             UHS         0        0    lo0",
    ]);
    expect(lines).toContain("localhost          link#1             UH          0        0    lo0");
    expect(lines).toContain("10.0.30.0          vm2                UGS         0        0 epair0");
  });

  it("netstat -rn prints numbers and every /len", () => {
    const net = load("seed-static.yaml");
    const out = runOn(net, "vm6", "netstat -rn").out.split("\n");
    expect(out).toContain("default            10.0.60.1          UGS         0        0 epair5");
    expect(out).toContain("10.0.60.0/24       link#2             U           1        0 epair5");
    expect(out).toContain("10.0.60.2          link#2             UHS         0        0    lo0");
    expect(out).toContain("127.0.0.1          link#1             UH          0        0    lo0");
  });

  it("netstat -i: a Link row per interface, then its address's own counters (if.c intpr)", () => {
    // usr.bin/netstat/if.c: the address row shows ia_ifa.if_ipackets/if_opackets, which count
    // packets delivered to the address (sys/netinet/ip_input.c:752-756) and sent from it, not
    // forwarded (ip_output.c:617) — so forwarding moves only the Link row.
    const net = load("seed-static.yaml");
    const rows = () => {
      const m = new Map<string, number[]>();
      for (const l of runOn(net, "vm1", "netstat -in").out.split("\n").slice(1)) {
        const w = l.trim().split(/\s+/);
        if (w.length < 9) continue;
        const key = w[2]!.startsWith("<Link") ? w[2]! : w[3]!;
        m.set(key, [Number(w.at(-6)), Number(w.at(-3))]);
      }
      return m;
    };
    net.scheduler.runUntil(10_000_000); // past the boot announcements (gratuitous ARP)
    const before = rows();
    expect(runOn(net, "vm4", "ping -c 3 vm6").code).toBe(0); // forwarded by vm1: epair3 → epair0
    const fwd = rows();
    // Three echoes each way, and one ARP request and reply on each link: vm4 asks for vm1's
    // MAC on epair3, vm1 for vm2's on epair0 (the asked learn the askers: no ARP back).
    expect(fwd.get("<Link#4>")).toEqual([before.get("<Link#4>")![0]! + 4, before.get("<Link#4>")![1]! + 4]);
    expect(fwd.get("<Link#2>")).toEqual([before.get("<Link#2>")![0]! + 4, before.get("<Link#2>")![1]! + 4]);
    expect(fwd.get("10.0.40.1")).toEqual(before.get("10.0.40.1"));
    expect(fwd.get("10.0.10.1")).toEqual(before.get("10.0.10.1"));
    expect(runOn(net, "vm1", "ping -c 2 vm6").code).toBe(0); // vm1's own: from and to 10.0.10.1
    const own = rows();
    expect(own.get("10.0.10.1")).toEqual([fwd.get("10.0.10.1")![0]! + 2, fwd.get("10.0.10.1")![1]! + 2]);
    expect(own.get("<Link#2>")).toEqual([fwd.get("<Link#2>")![0]! + 2, fwd.get("<Link#2>")![1]! + 2]);
    // A ping to its own address goes through lo0 and counts on that address's row.
    expect(runOn(net, "vm1", "ping -c 1 10.0.40.1").code).toBe(0);
    const self = rows();
    expect(self.get("10.0.40.1")).toEqual([own.get("10.0.40.1")![0]! + 2, own.get("10.0.40.1")![1]! + 2]);
    expect(self.get("<Link#1>")).toEqual([own.get("<Link#1>")![0]! + 2, own.get("<Link#1>")![1]! + 2]);
    expect(self.get("<Link#4>")).toEqual(own.get("<Link#4>"));
    // The seed's lo0 is 127.0.0.1/24.
    expect(runOn(net, "vm1", "netstat -in").out).toMatch(/^lo0 {3}16384 127\.0\.0\.0\/24 {2}127\.0\.0\.1 /m);
  });

  it("every node answers ping from every other node", () => {
    const net = load("seed-static.yaml");
    for (let a = 1; a <= 9; a++)
      for (let b = 1; b <= 9; b++) {
        if (a === b) continue;
        const r = runOn(net, `vm${a}`, `ping -c 1 vm${b}`);
        expect(r.code, `vm${a} → vm${b}\n${r.out}`).toBe(0);
      }
  });

  it("traceroute from leaf to leaf crosses three routers and ends at the target", () => {
    const net = load("seed-static.yaml");
    const r = runOn(net, "vm6", "traceroute -n vm9");
    expect(masked(r.out).split("\n").slice(1, 4)).toEqual([
      " 1  10.0.60.1  ~3 ms  ~2 ms  ~2 ms", // completed by vm2's boot announcement
      " 2  10.0.30.2  ~6 ms  ~4 ms  ~4 ms",
      " 3  10.0.90.2  ~8 ms  ~6 ms  ~6 ms",
    ]);
  });

  it("after a silent cut, traceroute prints stars and ping reports total loss (exit 2)", () => {
    const net = load("seed-static.yaml");
    net.linkById.get(net.links[5]!.id)!.silent = true; // vm2–vm6
    const tr = runOn(net, "vm1", "traceroute -q 2 -w 1 -m 3 vm6");
    expect(masked(tr.out).split("\n").slice(1)).toEqual([
      " 1  vm2 (10.0.10.2)  ~3 ms  ~2 ms",
      " 2  * *",
      " 3  * *",
      "",
    ]);
    const p = runOn(net, "vm1", "ping -c 2 vm6");
    expect(p.out).toContain("2 packets transmitted, 0 packets received, 100.0% packet loss\n");
    expect(p.out).not.toContain("round-trip");
    expect(p.code).toBe(2);
  });
});

describe("seed network with routes typed in", () => {
  it("route add on vm1, vm2, vm6 makes traceroute vm6 work from vm1", () => {
    const net = load("seed.yaml");
    // Before: no route on vm1.
    const before = runOn(net, "vm1", "ping -c 1 vm6");
    expect(before.out).toContain("ping: sendto: No route to host\n");
    expect(before.code).toBe(2);
    expect(runOn(net, "vm1", "route add -net 10.0.60.0/24 10.0.10.2").out).toBe(
      "add net 10.0.60.0: gateway 10.0.10.2\n",
    );
    // vm2 resolves to its first address, 10.0.10.2, which is not on vm6's link: the kernel refuses.
    const far = runOn(net, "vm6", "route add default vm2");
    expect(far.out).toBe(
      "route: writing to routing socket: Network is unreachable\nadd net default: gateway vm2: Network is unreachable\n",
    );
    expect(far.code).toBe(1);
    expect(runOn(net, "vm6", "route add default 10.0.60.1").out).toBe("add net default: gateway 10.0.60.1\n");
    const r = runOn(net, "vm1", "traceroute vm6");
    expect(masked(r.out).split("\n").slice(1, 3)).toEqual([
      " 1  vm2 (10.0.10.2)  ~4 ms  ~2 ms  ~2 ms", // vm1 asks for vm2's MAC (2 ms more)
      " 2  vm6 (10.0.60.2)  ~6 ms  ~4 ms  ~4 ms", // vm2 asks for vm6's
    ]);
    expect(runOn(net, "vm1", "route delete 10.0.60.0/24").out).toBe("delete net 10.0.60.0\n");
    expect(runOn(net, "vm1", "ping -c 1 vm6").code).toBe(2);
  });
});
