/**
 * `arp` on the netns engine without root: the kernel's neighbour table (/proc/net/arp, whose
 * lines are arp_seq_show's in linux net/ipv4/arp.c, flags from arp_state_to_flags) printed as
 * FreeBSD 8's arp(8) prints its cache, and `arp -d` as `ip neigh del` (fake-node.testkit.ts).
 */
import { describe, expect, it } from "vitest";
import { formatIpv4 } from "../../core/ip.js";
import { etherAddress } from "../../shell/cmd/netstat.js";
import type { ShellRoute } from "../../shell/context.js";
import { runOnFakeNode } from "./fake-node.testkit.js";
import { parseProcArp } from "./neighbours.js";

/** One line as arp_format_neigh_entry writes it: "%-16s 0x%-10x0x%-10x%-17s     *        %s\n". */
function procLine(ip: string, flags: number, mac: string, dev: string): string {
  return `${ip.padEnd(16)} 0x${(1).toString(16).padEnd(10)}0x${flags.toString(16).padEnd(10)}${mac.padEnd(17)}     *        ${dev}\n`;
}
const HEADER = "IP address       HW type     Flags       HW address            Mask     Device\n";
const PEER = "02:aa:bb:00:04:0b";
const OWN = etherAddress("vm1", "epair0a");
/**
 * vm1's connected route to 10.0.10.0/24 on epair0a, which `arp -d` finds the interface by, and
 * the local table's host route of its own address (kernel-routes.ts shows it on lo0, as FreeBSD).
 */
const CONNECTED: ShellRoute[] = [
  { dest: 0x0a000a00, len: 24, gateway: 0, iface: 1, flags: "", source: "connected", use: 0 },
  { dest: 0x0a000a01, len: 32, gateway: 0, iface: 0, flags: "HS", source: "local", use: 0 },
];

/** vm1's /proc/net/arp on the seed lab after pings (Linux 6.x, captured on the netns engine). */
const CAPTURED = `IP address       HW type     Flags       HW address            Mask     Device
10.0.40.2        0x1         0x2         02:9f:3f:00:0a:0b     *        epair3a
10.0.20.2        0x1         0x2         02:5d:b4:00:06:0b     *        epair1a
10.0.50.2        0x1         0x2         02:c1:42:00:0c:0b     *        epair4a
10.0.10.2        0x1         0x2         02:93:b2:00:04:0b     *        epair0a
`;

describe("netns: arp from the kernel's neighbour table", () => {
  it("writes the kernel's lines as arp_seq_show does (the captured file), and reads them back", () => {
    expect(HEADER + procLine("10.0.10.2", 0x2, "02:93:b2:00:04:0b", "epair0a")).toBe(
      HEADER + CAPTURED.split("\n")[4]! + "\n",
    );
    expect(parseProcArp(CAPTURED).map((r) => `${formatIpv4(r.addr)} ${r.flags} ${r.dev}`)).toEqual([
      "10.0.40.2 2 epair3a",
      "10.0.20.2 2 epair1a",
      "10.0.50.2 2 epair4a",
      "10.0.10.2 2 epair0a",
    ]);
    // the MAC the simulator gives vm2's epair0b is the one the veth carries
    expect(etherAddress("vm2", "epair0b")).toBe("02:93:b2:00:04:0b");
  });

  it("reads arp_seq_show's lines: address, flags, MAC and device", () => {
    const text =
      HEADER +
      procLine("10.0.10.2", 0x2, PEER, "epair0a") +
      procLine("10.0.10.7", 0x0, "00:00:00:00:00:00", "epair0a");
    expect(parseProcArp(text)).toEqual([
      { addr: 0x0a000a02, flags: 2, mac: Uint8Array.from([2, 0xaa, 0xbb, 0, 4, 0x0b]), dev: "epair0a" },
      { addr: 0x0a000a07, flags: 0, mac: new Uint8Array(6), dev: "epair0a" },
    ]);
    expect(parseProcArp(HEADER)).toEqual([]);
    expect(parseProcArp("")).toEqual([]);
  });

  it("maps Linux's states to FreeBSD's lines: own address and PERMANENT permanent, NUD_VALID resolved, the rest incomplete", async () => {
    const procArp =
      HEADER +
      // STALE/REACHABLE/DELAY/PROBE (ATF_COM), INCOMPLETE/FAILED (0), PERMANENT (ATF_PERM|ATF_COM)
      procLine("10.0.10.9", 0x0, "00:00:00:00:00:00", "epair0a") +
      procLine("10.0.10.2", 0x2, PEER, "epair0a") +
      procLine("10.0.10.5", 0x6, "02:00:00:00:00:05", "epair0a") +
      // a device the lab did not plan (never listed)
      procLine("192.168.1.1", 0x2, "02:00:00:00:00:01", "eth9");
    const r = await runOnFakeNode("arp -an", { procArp });
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      `? (10.0.10.1) at ${OWN} on epair0a permanent [ethernet]\n` +
        `? (10.0.10.2) at ${PEER} on epair0a [ethernet]\n` +
        "? (10.0.10.5) at 02:00:00:00:00:05 on epair0a permanent [ethernet]\n" +
        "? (10.0.10.9) at (incomplete) on epair0a [ethernet]\n",
    );
    // The hosts table names vm2's address; one host's entry alone.
    const one = await runOnFakeNode("arp 10.0.10.2", { procArp });
    expect(one).toMatchObject({ out: `vm2 (10.0.10.2) at ${PEER} on epair0a [ethernet]\n`, code: 0 });
    // With no neighbour at all, the own address is still listed (FreeBSD's arp_ifinit entry).
    expect((await runOnFakeNode("arp -an")).out).toBe(
      `? (10.0.10.1) at ${OWN} on epair0a permanent [ethernet]\n`,
    );
  });

  it("deletes with ip neigh del as root, EINVAL's words where there is none (as FreeBSD 8); refuses a student", async () => {
    const del = await runOnFakeNode("arp -d 10.0.10.2", { routes: CONNECTED });
    expect(del).toMatchObject({ out: "10.0.10.2 (10.0.10.2) deleted\n", code: 0 });
    expect(del.ip).toEqual([["-4", "neigh", "del", "10.0.10.2", "dev", "epair0a"]]);
    const none = await runOnFakeNode("arp -d 10.0.10.3", {
      routes: CONNECTED,
      ip: () => ({ code: 2, stdout: "", stderr: "RTNETLINK answers: No such file or directory\n" }),
    });
    expect(none).toMatchObject({ out: "arp: writing to routing socket: Invalid argument\n", code: 1 });
    const student = await runOnFakeNode("arp -d 10.0.10.2", { routes: CONNECTED }, "alice");
    expect(student).toMatchObject({
      out: "arp: writing to routing socket: Operation not permitted\n",
      code: 1,
    });
    expect(student.ip).toEqual([]);
    const broken = await runOnFakeNode("arp -d 10.0.10.2", {
      routes: CONNECTED,
      ip: () => ({ code: 2, stdout: "", stderr: "RTNETLINK answers: Invalid argument\n" }),
    });
    expect(broken).toMatchObject({ out: "arp: RTNETLINK answers: Invalid argument\n", code: 70 });
  });

  it("deletes every entry one after the other with -d -a; the own address cannot be located, as on FreeBSD", async () => {
    const procArp = HEADER + procLine("10.0.10.2", 0x2, PEER, "epair0a");
    const all = await runOnFakeNode("arp -d -a", { procArp, routes: CONNECTED });
    expect(all.code).toBe(0);
    expect(all.out).toBe("delete: cannot locate 10.0.10.1\n10.0.10.2 (10.0.10.2) deleted\n");
    expect(all.ip).toEqual([["-4", "neigh", "del", "10.0.10.2", "dev", "epair0a"]]);
  });
});
