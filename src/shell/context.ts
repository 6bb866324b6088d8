/**
 * @module shell/context
 * What a command needs from the node it runs on — deliberately narrow and engine-neutral, so
 * every engine answers the same commands through the same front ends (option parsing,
 * FreeBSD's diagnostics and output): the simulator from a SimNode and its FIB
 * (shell/sim-context.ts), the netns engine from a namespace's kernel and FRR
 * (engines/netns/shell-context.ts), a test from a fake.
 *
 * Each engine builds one per command; `runCommand(ctx, line)` (shell/run.ts) does the rest.
 * What a real kernel answers only later (a route change through iproute2, FRR's status through
 * vtysh) is a `Later`: a value at once on the simulator, a Promise from a real kernel.
 */
import type { Program, ProgramIo } from "../apps/process.js";
import type { PingOptions } from "../apps/ping.js";
import type { TracerouteOptions } from "../apps/traceroute.js";
import type { Ipv4 } from "../core/ip.js";
import type { Host, HostInterface, RoutingDaemon } from "../sim/host.js";
import type { Netfilter } from "../sim/netfilter.js";
import type { FileError, NodeAlias } from "../sim/node-system.js";
import type { NodeOs } from "../topology/model.js";

/** A node's files as commands see them (sim/node-system.ts NodeFiles fits as is). */
export interface ShellFiles {
  read(path: string): string | undefined;
  isDir(path: string): boolean;
  list(dir: string): string[];
  write(path: string, content: string, append: boolean): FileError | undefined;
}

/** A value at once (the simulator), or a Promise of it (a real kernel answers through a process). */
export type Later<T> = T | Promise<T>;

/** A change of the routing table as route(8) asks the routing socket (RTM_ADD, RTM_CHANGE, RTM_DELETE). */
export interface RouteRequest {
  readonly cmd: "add" | "change" | "delete";
  /** The destination with its host bits cleared. */
  readonly dest: Ipv4;
  readonly len: number;
  /** add and change: the next hop. */
  readonly gateway?: Ipv4;
}

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
  /** Who installed it: connected | local | static | a routing protocol's name (route delete removes that source's route). */
  readonly source: string;
  /** Packets sent with it (netstat's Use). */
  readonly use: number;
  /** netstat's Refs; when absent, shell/cmd/netstat.ts `routeRefs` gives FreeBSD 8's. */
  readonly refs?: number;
  /** Seconds until it expires (netstat's Expire column), when it does. */
  readonly expire?: number;
}

/**
 * A route as zebra's RIB holds it, for `vtysh -c 'show ip route'` on the simulator: every
 * source's route of a prefix (the FIB's active one `selected`), with its metric and the second
 * it came or last changed (FRR's uptime). One entry per next hop: several of one source and
 * prefix are its ECMP next hops.
 */
export interface RibRoute {
  readonly dest: Ipv4;
  readonly len: number;
  /** Next hop; 0 when directly connected. */
  readonly gateway: Ipv4;
  readonly iface: number;
  readonly metric: number;
  /** connected | local | static | a routing protocol's name, as ShellRoute's. */
  readonly source: string;
  /** Whole seconds of the node's clock (`Math.floor(host.now() / SECOND)` is now). */
  readonly since: number;
  /** The route in use (zebra's selected and FIB route). */
  readonly selected: boolean;
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
  /**
   * Seconds until it lapses (≤ 0 prints "expired"); absent when permanent; null when the kernel
   * keeps no such time (Linux: a neighbour stays until its table needs room), printed without
   * an expiry clause.
   */
  readonly expires?: number | null;
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
  /**
   * The node's network stack as a program sees it (sim/host.ts): UDP sockets and timers, on
   * which `rtquery` runs. The simulator's node; on netns a Host whose sockets live in the
   * node's namespace.
   */
  readonly host: Host;
  /** ping's program: the simulator's (apps/ping.ts on `host`), or the kernel's own ping. */
  ping(o: PingOptions, io: ProgramIo): Program;
  /** traceroute's program: the simulator's (apps/traceroute.ts), or the kernel's own. */
  traceroute(o: TracerouteOptions, io: ProgramIo): Program;
  /**
   * route add|change|delete as the node's kernel does it: undefined once done, else the name of
   * the errno the routing socket answered (EEXIST, ESRCH, ENETUNREACH, EINVAL).
   */
  changeRoute(req: RouteRequest): Later<string | undefined>;
  /** route get HOST: the route the kernel would use to reach `dst` (RTM_GET), if any. */
  routeTo(dst: Ipv4): Later<ShellRoute | undefined>;
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
  setInterfaceUp?(iface: number, up: boolean): Later<void>;
  /** The routing daemons simulated on the node (a protocol's status command finds its own here); absent → none. */
  daemons?(): readonly RoutingDaemon[];
  /**
   * The report of a routing daemon the engine does not simulate (netns: FRR's own status, read
   * through vtysh), which the protocol's status command prints; undefined when the node runs no
   * such daemon. Absent → the command asks `daemons()`.
   */
  daemonReport?(protocol: string): Later<string | undefined>;
  /**
   * zebra's RIB, for `vtysh` on the simulator (shell/cmd/vtysh.ts answers from it and from the
   * daemons' `vtysh` hooks); absent where a real FRR answers (`vtysh` below) or none runs.
   */
  rib?(): readonly RibRoute[];
  /**
   * Runs the node's own vtysh on these command lines (netns: FRR in the namespace), after the
   * shell's checks (show commands only); absent → the simulator answers (`rib`, `daemons`).
   */
  vtysh?(lines: readonly string[], io: ProgramIo): Program | number;
  /** The ARP caches in the kernel's listing order; absent → `arp` says it cannot read them. */
  arpEntries?(): readonly ShellArpEntry[];
  /**
   * Deletes the ARP entry for `addr` on interface `iface` (index): false when there was none
   * (the command reports the kernel's EINVAL); privileges are the command's check.
   */
  arpDelete?(iface: number, addr: Ipv4): Later<boolean>;
  /** The OS the node answers as (its command set and formats); freebsd when absent. */
  readonly os?: NodeOs;
  /** The node's files; absent → cat, ls and `>` say the node has none. */
  readonly files?: ShellFiles;
  /** Addresses added beside the interfaces' own (Linux labels `eth0:1`), in the order added. */
  aliases?(): readonly NodeAlias[];
  /** Adds an address to an interface: undefined, or the errno name (EEXIST, ENODEV). */
  addAlias?(a: NodeAlias): Later<string | undefined>;
  /** Removes an address by label or address; whether there was one. */
  removeAlias?(match: { label?: string; addr?: Ipv4 }): Later<boolean>;
  /** The nat table and connection tracking (made on first use); absent → iptables cannot run here. */
  netfilter?(): Netfilter;
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
