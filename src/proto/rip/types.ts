/**
 * @module proto/rip/types
 * The shapes shared by the protocol logic (rip.ts) and packet I/O (packets.ts), like BIRD's
 * rip.h: the route entry, the per-interface and per-neighbour state with their counters,
 * the drop reasons, and the narrow view of the daemon that packets.ts works through.
 */
import type { Ipv4 } from "../../core/ip.js";
import type { Nanos } from "../../core/time.js";
import type { Host, HostInterface, Reason } from "../../sim/host.js";
import type { RipSettings } from "../../topology/model.js";
import type { RouteTable } from "./table.js";
import type { RipOutbox } from "./outbox.js";

/**
 * Why a whole message was refused (BIRD's DROP). `own-message` is our own multicast heard
 * back; `version` is a version the daemon does not take: anything but 2 for a version 2
 * router (configured "RIP-2 only", RFC 2453 5.1); anything but 1 or 2 for a version 1 router,
 * which takes both, as routed does without `-P ripv2` (parms.c).
 */
export type RipPacketDrop =
  | "malformed" // the codec could not parse it (length not 4 + 20n, too short, …)
  | "version" // a version this router does not take
  | "command" // command other than 1 (request) or 2 (response)
  | "auth" // authenticated message while authentication is not configured (RFC 2453 5.2)
  | "bad-port" // response not sent from port 520 (RFC 2453 3.9.2)
  | "not-neighbour" // response from an address that is not on the receiving interface's subnet
  | "own-message" // one of our own addresses as source
  | "iface-down"; // a response on an interface RIP does not run on (down, or lo0)

/** Why one route entry of a response was ignored (BIRD's SKIP). */
export type RipEntryDrop =
  | "bad-afi" // address family other than 2 (IP)
  | "bad-metric" // metric 0 or above 16
  | "bad-mask" // non-contiguous subnet mask
  | "bad-address"; // not a unicast network: 0/8 (except default), 127/8, 224/4, 240/4, or host bits set

/** Things noticed and counted that do not drop anything. */
export type RipNote =
  | "reserved-nonzero" // header must-be-zero bytes set: RFC 2453 5 says not to discard RIP-2 for this
  | "nexthop-ignored" // next hop field not on the receiving subnet (or ours): treated as 0.0.0.0 (RFC 2453 4.4)
  | "classful-mask"; // mask 0 in a RIP-2 entry: natural mask assumed, as RIP-1 would (RFC 2453 3.7, 4.3)

export type RipCounterName = RipPacketDrop | RipEntryDrop | RipNote;

/**
 * Route states for teaching: `active` is usable; `timeout` means nothing was heard for the
 * timeout period and `garbage` that it was withdrawn (metric 16 from its router, or its
 * interface went down) — both are advertised with metric 16 until garbage collection ends.
 */
export type RipRouteState = "active" | "timeout" | "garbage";

/** One entry of the RIP routing database (RFC 2453 3.5). */
export interface RipRoute {
  readonly dest: Ipv4;
  readonly len: number;
  /** 1..15 usable, 16 = unreachable (being garbage-collected). */
  metric: number;
  /** Router the route was learned from (0 for our own connected networks). */
  from: Ipv4;
  /** Gateway installed in the FIB: `from`, or the advertised next hop when on-link. 0 when connected. */
  nextHop: Ipv4;
  /** Interface index the route was learned on (connected: its own interface). */
  iface: number;
  tag: number;
  /** A directly connected network of ours (redistributed, metric 1). */
  connected: boolean;
  /** Timeout deadline; Infinity for connected routes and routes at metric 16. */
  expires: Nanos;
  /** Garbage-collection deadline; Infinity while the route is usable. */
  gcAt: Nanos;
  /** RFC 2453 route change flag: included in the next triggered update. */
  changed: boolean;
  /**
   * When the route was last heard (or set up): the age shown by the status view. Kept up to date
   * only for connected routes and routes at metric 16; read it through `heardAt` (table.ts).
   */
  heard: Nanos;
  state: RipRouteState;
  /** Last reason the route changed, for the status view (text made when first read). */
  get reason(): string;
  set reason(why: Reason);
  /** Whether a "rip" route for it is currently installed in the node's FIB. */
  installed: boolean;
}

/** Message counters of one interface. */
export interface RipIfaceCounters {
  rxRequests: number;
  rxResponses: number;
  rxBadPackets: number;
  rxBadRoutes: number;
  txRequests: number;
  /** Messages of regular (periodic) updates. */
  txUpdates: number;
  /** Messages of triggered updates. */
  txTriggered: number;
  /** Messages answering requests. */
  txAnswers: number;
  /** Sends the node refused (interface went down under us, …). */
  txErrors: number;
}

export interface RipNeighbour {
  readonly addr: Ipv4;
  iface: number;
  lastHeard: Nanos;
  badPackets: number;
  badRoutes: number;
}

/** What packets.ts needs from the daemon (BIRD's rip.h "rip.c" section). */
export interface RipCore {
  readonly host: Host;
  readonly settings: RipSettings;
  ifaceCounters(iface: number): RipIfaceCounters;
  /** Counts a drop or note, and charges it to the neighbour when there is one. */
  count(what: RipCounterName, nb?: RipNeighbour): void;
  /** Neighbour record for a sender on a connected subnet (created on first contact). */
  neighbour(addr: Ipv4, iface: HostInterface): RipNeighbour;
  /** The database itself: what updates are encoded from (its columns, in prefix order). */
  readonly routeTable: RouteTable;
  /** Exact-prefix lookup in the RIP database. */
  route(dest: Ipv4, len: number): RipRoute | undefined;
  /** Routes sorted by prefix, the order updates and answers list them in. */
  sortedRoutes(): readonly RipRoute[];
  /** The routes whose change flag is set, in the same order: what a triggered update lists. */
  changedRoutes(): readonly RipRoute[];
  /** Processes one validated RTE (metric already incremented), RFC 2453 3.9.2. */
  learn(dest: Ipv4, len: number, metric: number, from: Ipv4, nextHop: Ipv4, iface: number, tag: number): void;
  /** Whether `a` is one of this node's interface addresses. */
  isOwnAddress(a: Ipv4): boolean;
  /** Where outgoing messages wait for an event each (outbox.ts). */
  readonly outbox: RipOutbox;
}
