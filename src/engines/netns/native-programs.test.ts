/**
 * The netns engine's answers to the shell's commands, without root: the shared front ends
 * (shell/cmd) parse FreeBSD's syntax, and the netns ShellContext turns the result into the
 * kernel's programs and iproute2 calls (a fake kernel records them, fake-node.testkit.ts).
 */
import { describe, expect, it } from "vitest";
import { parseNetDev } from "./counters.js";
import { runOnFakeNode } from "./fake-node.testkit.js";
import { routeErrno } from "./shell-context.js";

describe("netns: the shell's commands over the kernel's programs", () => {
  it("passes FreeBSD's probe sizes to Linux traceroute: 40 bytes, 60 with -I (traceroute.c:669)", async () => {
    expect((await runOnFakeNode("traceroute vm2", {}, "alice")).spawned).toEqual([
      ["traceroute", "-m", "64", "-t", "4", "vm2", "40"],
    ]);
    expect((await runOnFakeNode("traceroute -I vm2")).spawned).toEqual([
      ["traceroute", "-I", "-m", "64", "-t", "0", "vm2", "60"],
    ]);
    expect((await runOnFakeNode("traceroute -n -q 1 -m 5 10.0.10.2 100")).spawned).toEqual([
      ["traceroute", "-n", "-q", "1", "-m", "5", "-t", "0", "10.0.10.2", "100"],
    ]);
  });

  it("maps ping's FreeBSD options to iputils', after FreeBSD's own checks", async () => {
    expect((await runOnFakeNode("ping -c 3 -i 0.5 -m 7 -s 100 -t 9 -W 1500 -n vm2")).spawned).toEqual([
      ["ping", "-c", "3", "-i", "0.5", "-t", "7", "-s", "100", "-w", "9", "-W", "2", "-n", "-Q", "0", "vm2"],
    ]);
    // A user is refused what FreeBSD refuses a user, before anything runs (ping.c's uid checks).
    const fast = await runOnFakeNode("ping -i 0.1 vm2", {}, "alice");
    expect(fast).toMatchObject({ code: 77, spawned: [] });
    expect(fast.out).toBe("ping: -i interval too short: Operation not permitted\n");
    expect(await runOnFakeNode("ping nosuch")).toMatchObject({
      out: "ping: cannot resolve nosuch: Unknown host\n",
      code: 68,
      spawned: [],
    });
    expect(await runOnFakeNode("ping -o vm2")).toMatchObject({ code: 64, spawned: [] });
  });

  it("answers route add/delete with iproute2 underneath and FreeBSD's words on top", async () => {
    const add = await runOnFakeNode("route add -net 192.168.77.0/24 10.0.10.2");
    expect(add).toMatchObject({ out: "add net 192.168.77.0: gateway 10.0.10.2\n", code: 0 });
    expect(add.ip).toEqual([["route", "add", "192.168.77.0/24", "via", "10.0.10.2", "proto", "static"]]);
    const bad = await runOnFakeNode("route add -net 192.168.78.0/24 10.9.9.9", {
      ip: () => ({ code: 2, stdout: "", stderr: "Error: Nexthop has invalid gateway.\n" }),
    });
    expect(bad).toMatchObject({
      out:
        "route: writing to routing socket: Network is unreachable\n" +
        "add net 192.168.78.0: gateway 10.9.9.9: Network is unreachable\n",
      code: 1,
    });
    const del = await runOnFakeNode("route delete 192.168.77.0/24", {
      ip: () => ({ code: 2, stdout: "", stderr: "RTNETLINK answers: No such process\n" }),
    });
    expect(del.out).toBe(
      "route: writing to routing socket: No such process\ndelete net 192.168.77.0: not in table\n",
    );
    expect(del.ip).toEqual([["route", "del", "192.168.77.0/24"]]);
    // change: FreeBSD replaces the prefix's one route; on Linux the old one goes, a static one comes.
    const held = [
      { dest: 0xc0a84d00, len: 24, gateway: 0x0a000a02, iface: 1, flags: "GS", source: "static", use: 0 },
    ];
    const change = await runOnFakeNode("route change -net 192.168.77.0/24 10.0.10.3", { routes: held });
    expect(change).toMatchObject({ out: "change net 192.168.77.0: gateway 10.0.10.3\n", code: 0 });
    expect(change.ip).toEqual([
      ["route", "del", "192.168.77.0/24"],
      ["route", "add", "192.168.77.0/24", "via", "10.0.10.3", "proto", "static"],
    ]);
    // An add of a prefix the table holds is FreeBSD's EEXIST, before the kernel is asked.
    const twice = await runOnFakeNode("route add -net 192.168.77.0/24 10.0.10.2", { routes: held });
    expect(twice).toMatchObject({ code: 1, ip: [] });
    expect(twice.out).toContain("route already in table");
    const user = await runOnFakeNode("route add -net 192.168.77.0/24 10.0.10.2", {}, "alice");
    expect(user).toMatchObject({ code: 1, ip: [] });
  });

  it("looks a route up with ip route get … fibmatch (route get)", async () => {
    const get = await runOnFakeNode("route -n get 10.0.60.9", {
      ip: () => ({
        code: 0,
        stdout: '[{"dst":"10.0.60.0/24","gateway":"10.0.10.2","dev":"epair0a","protocol":"rip","flags":[]}]',
        stderr: "",
      }),
    });
    expect(get.ip).toEqual([["-4", "-j", "route", "get", "10.0.60.9", "fibmatch"]]);
    expect(get.code).toBe(0);
    expect(get.out).toContain("destination: 10.0.60.0\n       mask: 255.255.255.0\n    gateway: 10.0.10.2\n");
    expect(get.out).toContain("  interface: epair0a\n      flags: <UP,GATEWAY,DONE>\n");
    const none = await runOnFakeNode("route get 10.99.0.1", {
      ip: () => ({ code: 2, stdout: "", stderr: "RTNETLINK answers: Network is unreachable\n" }),
    });
    expect(none).toMatchObject({ out: "route: writing to routing socket: No such process\n", code: 1 });
  });

  it("prints FRR's own RIP report for ripstatus, and says so on a node without FRR", async () => {
    const st = await runOnFakeNode("ripstatus", {
      exec: () => ({ code: 0, stdout: 'Routing Protocol is "rip"\n', stderr: "" }),
    });
    expect(st).toMatchObject({ out: 'Routing Protocol is "rip"\n', code: 0 });
    expect(st.execs).toEqual([
      [
        "env",
        "VTYSH_HISTFILE=/dev/null",
        "vtysh",
        "--vty_socket",
        "/run/frr/vm1",
        "-c",
        "show ip rip status",
        "-c",
        "show ip rip",
      ],
    ]);
    expect(await runOnFakeNode("ripstatus", { vty: null })).toMatchObject({
      out: "ripstatus: vm1 does not run RIP (its routing is static)\n",
      code: 1,
    });
  });

  it("has every command of the simulator, plus vtysh and ip; an unknown one is sh's 'not found'", async () => {
    const help = await runOnFakeNode("help");
    for (const c of [
      "ping",
      "traceroute",
      "netstat",
      "ifconfig",
      "route",
      "rtquery",
      "ripstatus",
      "vtysh",
      "ip",
    ])
      expect(help.out).toMatch(new RegExp(`^  ${c} `, "m"));
    expect(await runOnFakeNode("nosuch")).toMatchObject({ out: "nosuch: not found\n", code: 127 });
    expect((await runOnFakeNode("ifconfig epair0a")).out).toMatch(
      /^epair0a: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST>/,
    );
  });
});

describe("netns: the kernel's words", () => {
  it("reads /proc/net/dev's counters", () => {
    const dev = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:     120       2    0    0    0     0          0         0      120       2    0    0    0     0       0          0
epair0a:   5096      52    1    3    0     0          0         0     4508      46    2    0    0     0       0          0
`;
    const c = parseNetDev(dev);
    expect(c.get("epair0a")).toEqual({
      ibytes: 5096,
      ipackets: 52,
      ierrors: 1,
      drops: 3,
      obytes: 4508,
      opackets: 46,
      oerrors: 2,
    });
    expect(c.get("lo")?.ipackets).toBe(2);
  });

  it("maps iproute2's complaints to the errno FreeBSD's routing socket gives", () => {
    expect(routeErrno("RTNETLINK answers: File exists\n")).toBe("EEXIST");
    expect(routeErrno("RTNETLINK answers: No such process\n")).toBe("ESRCH");
    expect(routeErrno("Error: Nexthop has invalid gateway.\n")).toBe("ENETUNREACH");
    expect(routeErrno("Error: something new.\n")).toBe("EINVAL");
  });
});
