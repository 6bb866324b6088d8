/**
 * `arp` against FreeBSD 8's usr.sbin/arp/arp.c: print_entry's line (:568-658), get's
 * "-- no entry" (:417-424), delete's messages (:431-496), and the usage text (:675-685).
 */
import { describe, expect, it } from "vitest";
import { buildNetwork } from "../../sim/build.js";
import { chainTopology, withChainStatics } from "../../sim/test-topology.js";
import { runOn } from "../sim.testkit.js";

const chain = () => buildNetwork(withChainStatics(chainTopology(3)), 1);

describe("arp", () => {
  it("lists the caches as arp -a and -an do: newest interface first, names unless -n", () => {
    const net = chain();
    expect(runOn(net, "r2", "ping -c 1 r3").code).toBe(0);
    runOn(net, "r2", "ping -c 1 10.0.0.1");
    const a = runOn(net, "r2", "arp -a");
    expect(a.code).toBe(0);
    // Within a table, by LLATBL_HASH bucket of the address (10.0.1.2: 9, 10.0.1.1: 10,
    // 10.0.0.2: 8, 10.0.0.1: 11), so not in address order.
    expect(a.out.replace(/expires in 1\d{3} seconds/g, "expires in N seconds")).toBe(
      [
        "r3 (10.0.1.2) at 02:2f:22:00:06:0b on epair1a expires in N seconds [ethernet]",
        "r2 (10.0.1.1) at 02:ae:17:00:05:0a on epair1a permanent [ethernet]",
        "r2 (10.0.0.2) at 02:d1:1a:00:04:0b on epair0b permanent [ethernet]",
        "r1 (10.0.0.1) at 02:8f:d0:00:03:0a on epair0b expires in N seconds [ethernet]",
        "",
      ].join("\n"),
    );
    const n = runOn(net, "r2", "arp -an -i epair1a");
    expect(n.out).toMatch(
      /^\? \(10\.0\.1\.2\) at .* expires in .*\n\? \(10\.0\.1\.1\) at .* permanent \[ethernet\]\n$/,
    );
  });

  it("shows an unanswered entry as (incomplete) and expired, and one host with arp HOST", () => {
    const net = chain();
    const p = runOn(net, "r1", "ping -c 2 -t 3 10.0.0.9");
    expect(p.out).not.toContain("sendto");
    const one = runOn(net, "r1", "arp 10.0.0.9");
    expect(one).toMatchObject({
      out: "? (10.0.0.9) at (incomplete) on epair0a expired [ethernet]\n",
      code: 0,
    });
    expect(runOn(net, "r1", "arp 10.0.0.7")).toMatchObject({
      out: "10.0.0.7 (10.0.0.7) -- no entry\n",
      code: 1,
    });
    expect(runOn(net, "r1", "arp -i epair0a r3").out).toBe("r3 (10.0.1.2) -- no entry on epair0a\n");
  });

  it("deletes as arp -d: on-link entries go, the own address stays, routes via a gateway cannot be located", () => {
    const net = chain();
    runOn(net, "r2", "ping -c 1 r3");
    expect(runOn(net, "r2", "arp -d r3")).toMatchObject({ out: "r3 (10.0.1.2) deleted\n", code: 0 });
    expect(runOn(net, "r2", "arp -an").out).not.toContain("10.0.1.2");
    // Gone already: in_lltable_lookup finds no entry to delete and lla_rt_output answers EINVAL
    // (sys/net/if_llatbl.c, `(lle == NULL) && (flags & LLE_DELETE)`), which rtmsg() warns about.
    expect(runOn(net, "r2", "arp -d r3")).toMatchObject({
      out: "arp: writing to routing socket: Invalid argument\n",
      code: 1,
    });
    const viaGw = runOn(net, "r1", "arp -d 10.0.1.2");
    expect(viaGw.code).toBe(1);
    expect(viaGw.out).toBe("delete: cannot locate 10.0.1.2\n");
    const all = runOn(net, "r2", "arp -d -a");
    expect(all.code).toBe(0); // main() keeps rtn 0 for -d -a
    expect(all.out).toContain("delete: cannot locate 10.0.0.2\n");
    expect(runOn(net, "r2", "arp -an").out.split("\n").filter(Boolean)).toHaveLength(2); // the two own addresses
    expect(runOn(net, "r2", "arp -d r3", { user: "alice" })).toMatchObject({
      out: "arp: writing to routing socket: Operation not permitted\n",
      code: 1,
    });
    expect(runOn(net, "r2", "arp -d 192.0.2.1").out).toBe(
      "arp: writing to routing socket: No such process\narp: 192.0.2.1: No such process\n",
    );
  });

  it("gives each interface the MAC ifconfig prints (the one netns sets on its veths)", () => {
    const net = chain();
    net.scheduler.runUntil(1_000_000); // boot: arp_ifinit enters the own addresses
    const own = runOn(net, "r2", "arp -an -i epair1a").out.match(/\(10\.0\.1\.1\) at (\S+)/)![1];
    expect(runOn(net, "r2", "ifconfig epair1a").out).toContain(`\tether ${own}\n`);
  });

  it("refuses bad usage with FreeBSD's messages", () => {
    const net = chain();
    const u = runOn(net, "r1", "arp");
    expect(u.code).toBe(1);
    expect(u.out).toMatch(/^usage: arp \[-n\] \[-i interface\] hostname\n/);
    expect(runOn(net, "r1", "arp -a -i nosuch").out).toBe("arp: interface nosuch does not exist\n");
    expect(runOn(net, "r1", "arp -d -i epair0a r2").out).toBe("arp: -i not applicable to this operation\n");
    expect(runOn(net, "r1", "arp nosuchhost").out).toBe("arp: nosuchhost: Unknown host\n");
  });
});
