/**
 * @module proto/ospf/types
 * The state an OSPF router keeps (RFC 2328 §9 interfaces, §10 neighbours, §12 the link state
 * database), shared by the protocol logic (ospf.ts), packet handling (packets.ts), the LSDB
 * (lsdb.ts), SPF (spf.ts) and the show commands (show.ts).
 */
import type { Ipv4 } from "../../core/ip.js";
import type { Nanos } from "../../core/time.js";
import type { TimerHandle } from "../../sim/host.js";
import type { OspfNetworkType } from "../../topology/model.js";
import type { Lsa, LsaHeader } from "../../wire/ospf-lsa.js";

/** Interface states (RFC 2328 §9.1); Loopback is not used (lo0 does not run OSPF). */
export type IfState = "Down" | "Point-To-Point" | "Waiting" | "DROther" | "Backup" | "DR";

/** Neighbour states (RFC 2328 §10.1); Attempt is NBMA-only. */
export type NbrState = "Down" | "Init" | "2-Way" | "ExStart" | "Exchange" | "Loading" | "Full";

/** Neighbour states in order, for `state >= ExStart` comparisons. */
export const NBR_ORDER: readonly NbrState[] = [
  "Down",
  "Init",
  "2-Way",
  "ExStart",
  "Exchange",
  "Loading",
  "Full",
];

export function nbrAtLeast(s: NbrState, min: NbrState): boolean {
  return NBR_ORDER.indexOf(s) >= NBR_ORDER.indexOf(min);
}

/** An LSA in the database: the parsed LSA, its bytes, and when its age was last known. */
export interface LsaEntry {
  lsa: Lsa;
  /** The LSA's bytes as emitted (age field as at install; the rest fixed). */
  bytes: Uint8Array;
  /** LS age when installed, seconds. */
  ageAtInstall: number;
  installedAt: Nanos;
}

/** One neighbour on an interface (RFC 2328 §10). */
export interface Neighbor {
  routerId: Ipv4;
  addr: Ipv4;
  priority: number;
  /** The DR and BDR it declares (interface addresses, 0 for none). */
  dr: Ipv4;
  bdr: Ipv4;
  options: number;
  state: NbrState;
  /** When it reached its current state (FRR's "Up Time" is since Full). */
  stateSince: Nanos;
  master: boolean;
  ddSeq: number;
  /** The DD packet last sent (retransmitted by a master; re-sent by a slave for a duplicate). */
  lastDdSent?: Uint8Array;
  /** The last DD received (flags and sequence), to recognize duplicates (§10.6). */
  lastDdRecv?: { flags: number; seq: number; options: number };
  /** Database summary list (§10): headers still to describe in DD packets. */
  summary: LsaHeader[];
  /** Link state request list: LSAs wanted from it, by key. */
  requests: Map<string, LsaHeader>;
  /** Link state retransmission list: LSAs flooded to it and not yet acknowledged, by key. */
  retransmit: Map<string, LsaEntry>;
  inactivity: TimerHandle | null;
  /** When the inactivity timer fires (for `show ip ospf neighbor`'s Dead Time). */
  deadAt: Nanos;
  rxmt: TimerHandle | null;
  /** Number of state changes seen (FRR counts them). */
  events: number;
}

/** An OSPF interface (RFC 2328 §9). */
export interface OspfIface {
  index: number;
  name: string;
  addr: Ipv4;
  len: number;
  type: OspfNetworkType;
  cost: number;
  priority: number;
  state: IfState;
  /** DR and BDR (interface addresses; 0 none) and their router IDs. */
  dr: Ipv4;
  bdr: Ipv4;
  neighbors: Map<Ipv4, Neighbor>;
  hello: TimerHandle | null;
  /** When the next Hello goes out (for `show ip ospf interface`). */
  helloAt: Nanos;
  wait: TimerHandle | null;
  /** LSA headers to acknowledge in the next LS Ack of this interface. */
  acks: LsaHeader[];
  ackTimer: TimerHandle | null;
  /** Counters for `show ip ospf interface`. */
  helloIn: number;
  helloOut: number;
  ddIn: number;
  ddOut: number;
  lsrIn: number;
  lsrOut: number;
  lsuIn: number;
  lsuOut: number;
  lsAckIn: number;
  lsAckOut: number;
}

/** One OSPF route (RFC 2328 §11): a destination with its cost and equal-cost next hops. */
export interface OspfRoute {
  dest: Ipv4;
  len: number;
  cost: number;
  /** Next hops: gateway 0 for a directly attached network. */
  nextHops: { gateway: Ipv4; iface: number }[];
  /** Network vertices (transit networks) and stub networks are both "N" routes. */
  kind: "network" | "router";
  /** For router routes: the router ID. */
  routerId?: Ipv4;
}
