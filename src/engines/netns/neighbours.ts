/**
 * @module engines/netns/neighbours
 * A namespace's ARP cache as FreeBSD's `arp` lists it, read from the kernel's neighbour table
 * synchronously and without a process per command: /proc/PID/net/arp of the node's `ip monitor`
 * process (which lives in the namespace, as counters.ts reads /proc/PID/net/dev).
 *
 * /proc/net/arp is arp_seq_show (linux net/ipv4/arp.c): one line per neighbour of the IPv4 table
 * (NOARP ones skipped), `IP  HWtype  Flags  HWaddr  Mask  Device`, where the flags are
 * arp_state_to_flags: PERMANENT → ATF_PERM|ATF_COM, any other NUD_VALID state (REACHABLE,
 * STALE, DELAY, PROBE) → ATF_COM, INCOMPLETE and FAILED → 0. They map to FreeBSD's lines as:
 * - ATF_PERM: `permanent`;
 * - ATF_COM: resolved, `at MAC`, with no expiry clause. FreeBSD ages every entry out after
 *   net.link.ether.inet.max_age (1200 s); Linux keeps a neighbour until its table's garbage
 *   collector needs room (gc_thresh1, 128 entries, and gc_stale_time) and only re-confirms a
 *   stale one when it is used, so there is no time at which the entry lapses to print;
 * - neither: `(incomplete)`, likewise without an expiry clause.
 * Linux keeps the node's own addresses out of the neighbour table (they are local routes);
 * FreeBSD lists each as a permanent entry of its interface (arp_ifinit), so they are added here
 * with the MAC the veth was given (plan.ts).
 */
import { readFileSync } from "node:fs";
import { parseIpv4 } from "../../core/ip.js";
import { parseMac } from "../../core/mac.js";
import type { ShellArpEntry } from "../../shell/context.js";
import type { PlannedNode } from "./plan.js";

/** linux/if_arp.h */
const ATF_COM = 0x02;
const ATF_PERM = 0x04;

export interface ProcArpRow {
  addr: number;
  flags: number;
  mac: Uint8Array | undefined;
  /** The kernel's interface name. */
  dev: string;
}

/** /proc/net/arp: a header line, then `10.0.10.2  0x1  0x2  02:…  *  epair0a` per neighbour. */
export function parseProcArp(text: string): ProcArpRow[] {
  const rows: ProcArpRow[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    const addr = parseIpv4(f[0]!);
    const flags = Number.parseInt(f[2]!, 16);
    if (addr === undefined || !Number.isFinite(flags)) continue;
    rows.push({ addr, flags, mac: parseMac(f[3]!), dev: f[5]! });
  }
  return rows;
}

/**
 * The listing `arp -a` prints: interfaces from the last to the first (FreeBSD walks its
 * lltables from the newest, as the simulator's arpListing does), each with its own address
 * first and then the kernel's neighbours on it by address (Linux's hash order is seeded at
 * random per boot; an order by address keeps the output the same from run to run).
 */
export function neighbourListing(plan: PlannedNode, rows: readonly ProcArpRow[]): ShellArpEntry[] {
  const out: ShellArpEntry[] = [];
  for (const i of [...plan.ifaces].reverse()) {
    const mac = parseMac(i.mac);
    out.push({ addr: i.addr, iface: i.name, ...(mac ? { mac } : {}) });
    const mine = rows.filter((r) => r.dev === i.kname && r.addr !== i.addr).sort((a, b) => a.addr - b.addr);
    for (const r of mine) {
      if (r.flags & ATF_PERM && r.mac) out.push({ addr: r.addr, iface: i.name, mac: r.mac });
      else if (r.flags & ATF_COM && r.mac)
        out.push({ addr: r.addr, iface: i.name, mac: r.mac, expires: null });
      else out.push({ addr: r.addr, iface: i.name, expires: null });
    }
  }
  return out;
}

/** The namespace's ARP cache through its process `pid`; the own addresses only when it is gone. */
export function readNeighbours(plan: PlannedNode, pid: number | undefined): ShellArpEntry[] {
  let text = "";
  if (pid !== undefined) {
    try {
      text = readFileSync(`/proc/${pid}/net/arp`, "utf8");
    } catch {
      // the namespace's process ended (a closing lab or a crashed router): no neighbours
    }
  }
  return neighbourListing(plan, parseProcArp(text));
}
