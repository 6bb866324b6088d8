/**
 * @module shell/context
 * What a command needs from the node it runs on — deliberately narrow, so an engine can supply
 * it in a few lines: the simulator from a SimNode and its FIB, a test from a fake.
 *
 * The lead's sim engine builds one per command (see `ShellContext` fields for where each comes
 * from); `runCommand(ctx, line)` (shell/run.ts) does the rest.
 */
import type { Ipv4 } from "../core/ip.js";
import type { Host, HostInterface, RoutingDaemon } from "../sim/host.js";

/** One active route, as netstat -r and route get show it. The sim FIB's `Route` fits as is. */
export interface ShellRoute {
  readonly dest: Ipv4;
  readonly len: number;
  /** Next hop; 0 for a directly connected or local route. */
  readonly gateway: Ipv4;
  /** Interface index (0 = lo0). */
  readonly iface: number;
  /** FreeBSD flags except U (added when printed): G, H, S, … in any order. */
  readonly flags: string;
  /** Who installed it: connected | local | static | rip | … (route delete removes that source's route). */
  readonly source: string;
  /** Packets sent with it (netstat's Use). */
  readonly use: number;
  /** netstat's Refs; when absent, shell/cmd/netstat.ts `routeRefs` gives FreeBSD 8's. */
  readonly refs?: number;
  /** Seconds until it expires (netstat's Expire column), when it does. */
  readonly expire?: number;
}

/** An interface with the counters netstat -i and ifconfig print. The sim's `Iface` fits as is. */
export interface ShellInterface extends HostInterface {
  /** IFF_UP, the administrative state (`ifconfig IF up|down`); `up` when absent. */
  readonly adminUp?: boolean;
  /** The link state (`status: active | no carrier`); `up` when absent. */
  readonly carrier?: boolean;
  readonly ipackets?: number;
  readonly ierrors?: number;
  readonly opackets?: number;
  readonly oerrors?: number;
  readonly ibytes?: number;
  readonly obytes?: number;
  readonly drops?: number;
  /** The address row's counters (netstat -i); the interface's when absent. */
  readonly addrIpackets?: number;
  readonly addrOpackets?: number;
}

/** One entry of the node's ARP caches, as `arp -a` prints it. */
export interface ShellArpEntry {
  readonly addr: Ipv4;
  /** The MAC, absent while the entry is incomplete. */
  readonly mac?: Uint8Array;
  /** The interface's name. */
  readonly iface: string;
  /** Seconds until it lapses (≤ 0 prints "expired"); absent when permanent. */
  readonly expires?: number;
}

/** The node a command runs on, and the terminal it writes to. */
export interface ShellContext {
  /** The node's name (hostname). */
  readonly node: string;
  /** Who runs the command: `root` or a user name. Packets are charged to this user. */
  readonly user: string;
  /**
   * Whether the user has root's powers on the node (root itself, or an instructor): route
   * changes, ifconfig up/down, pings faster than one a second and larger than 56 bytes.
   */
  readonly privileged?: boolean;
  /** The node's Host (sim/host.ts): sending, timers, route changes. */
  readonly host: Host;
  /** Active routes, sorted by destination then prefix length (sim: `node.fib.all()`). */
  routes(): readonly ShellRoute[];
  /** Interfaces in index order, lo0 first (sim: `node.ifaces`). */
  interfaces(): readonly ShellInterface[];
  /** /etc/hosts: a name to an address (see `HostsTable`). */
  resolve(name: string): Ipv4 | undefined;
  /** gethostbyaddr: an address back to a name. */
  reverse(addr: Ipv4): string | undefined;
  /** Standard output. */
  write(text: string): void;
  /** Standard error; when absent it goes to `write`, in order, as on a terminal. */
  writeErr?(text: string): void;
  /** A fresh process id on this node (ping's ident, traceroute's port); see `PidCounter`. */
  nextPid(): number;
  /** `ifconfig IF up|down`: sets an interface's state; absent → the command reports EPERM. */
  setInterfaceUp?(iface: number, up: boolean): void;
  /** The routing daemons running on the node (`ripstatus` finds RIP here); absent → none. */
  daemons?(): readonly RoutingDaemon[];
  /** The ARP caches in the kernel's listing order; absent → `arp` says it cannot read them. */
  arpEntries?(): readonly ShellArpEntry[];
  /** Deletes the ARP entry for `addr` on interface `iface` (index); privileges are the command's check. */
  arpDelete?(iface: number, addr: Ipv4): void;
}

/**
 * The lab's /etc/hosts, as the seed had it: every node's name resolves to the address of its
 * first link interface (topology order — vm5 → 10.0.50.2, vm6 → 10.0.60.2), every interface
 * address resolves back to its node's name, and `localhost` is 127.0.0.1.
 */
export class HostsTable {
  private readonly byName = new Map<string, Ipv4>();
  private readonly byAddr = new Map<Ipv4, string>();

  /** `nodes`: each node's name and its interface addresses in index order (lo0's 127.0.0.1 may be included). */
  constructor(nodes: Iterable<{ name: string; addrs: readonly Ipv4[] }>) {
    this.byName.set("localhost", 0x7f000001);
    this.byAddr.set(0x7f000001, "localhost");
    for (const n of nodes) {
      const own = n.addrs.filter((a) => a >>> 24 !== 127);
      const key = n.name.toLowerCase();
      if (own[0] !== undefined && !this.byName.has(key)) this.byName.set(key, own[0]);
      for (const a of own) if (!this.byAddr.has(a)) this.byAddr.set(a, n.name);
    }
  }

  resolve(name: string): Ipv4 | undefined {
    return this.byName.get(name.toLowerCase());
  }

  reverse(addr: Ipv4): string | undefined {
    return this.byAddr.get(addr);
  }
}

/** Process ids of one node, counting up from a start derived from the node's index. */
export class PidCounter {
  private next: number;
  constructor(start = 1000) {
    this.next = start;
  }
  take(): number {
    const p = this.next;
    this.next = this.next >= 99999 ? 100 : this.next + 1;
    return p;
  }
}

/** Whether a command may use root's powers: root, or a user the engine marked privileged. */
export function isPrivileged(ctx: ShellContext): boolean {
  return ctx.user === "root" || ctx.privileged === true;
}
