/**
 * @module topology/model
 * The validated, fully addressed topology every engine builds from. Parsers (routelab YAML,
 * containerlab, edge lists, GraphML) all produce this; nothing downstream reads files.
 */
import type { Ipv4 } from "../core/ip.js";
import type { Nanos } from "../core/time.js";
import type { Lesson } from "./lesson-model.js";

export type SplitHorizon = "simple" | "poisoned" | "off";

/**
 * RIP version a router speaks: 2 (RFC 2453: multicast to 224.0.0.9, masks in every entry) or
 * 1 (RFC 1058: broadcast to the subnet, no masks; the receiver infers them, as routed does).
 */
export type RipVersion = 1 | 2;

/** RIP settings (RFC 2453 defaults), per topology, overridable per node. */
export interface RipSettings {
  update: Nanos; // 30 s
  timeout: Nanos; // 180 s
  garbage: Nanos; // 120 s
  triggeredMin: Nanos; // 1 s
  triggeredMax: Nanos; // 5 s
  splitHorizon: SplitHorizon; // poisoned
  version: RipVersion; // 2
}

/** How OSPF treats an interface's link (RFC 2328 §9: point-to-point, or broadcast with a DR). */
export type OspfNetworkType = "point-to-point" | "broadcast";

/**
 * OSPF settings (RFC 2328 Appendix C; defaults FRR 8.4's), per topology, overridable per node.
 * `cost` and `priority` hold per-interface values by interface name; `*` is every interface.
 */
export interface OspfSettings {
  hello: Nanos; // 10 s
  dead: Nanos; // 40 s
  retransmit: Nanos; // 5 s
  /** bits/s; an interface's cost is reference / link bandwidth (FRR: 100 Gbit/s). */
  referenceBandwidth: number;
  network: OspfNetworkType;
  cost: Record<string, number>;
  priority: Record<string, number>;
}

export interface StaticRoute {
  /** Destination prefix (0.0.0.0/0 for default). */
  dest: Ipv4;
  len: number;
  gateway: Ipv4;
}

export interface TopoInterface {
  /** Interface name on its node, e.g. `epair0a`, `eth1`. */
  name: string;
  addr: Ipv4;
  len: number;
}

/** What a node is: a router (forwards, runs its routing) or a host (an end system). */
export type NodeKind = "router" | "host";

/** The operating system a node answers as: its command set and output formats (default freebsd). */
export type NodeOs = "freebsd" | "linux";

export interface TopoNode {
  name: string;
  /**
   * `host`: an end system, as FreeBSD with net.inet.ip.forwarding=0 — it forwards nothing and
   * runs no routing daemon; its default route (in `statics`, 0.0.0.0/0 via `gateway`) is its
   * way out. Absent: a router.
   */
  kind?: "host";
  /** A host's default gateway (written, or the only router on its segment or link). */
  gateway?: Ipv4;
  /** `linux`: net-tools/iproute2/iptables formats and xinetd; absent = freebsd. */
  os?: NodeOs;
  /** Files the node starts with: absolute path → content (topology/node-files.ts checks them). */
  files?: Record<string, string>;
  /** `static` or a routing protocol's name (topology/protocols/). */
  routing: string;
  statics: StaticRoute[];
  position?: { x: number; y: number };
  /** Free-form notes from import (e.g. "containerlab kind nokia_srlinux treated as a router"). */
  notes?: string[];
  rip?: Partial<RipSettings>;
  ospf?: Partial<OspfSettings>;
}

export interface LinkEnd {
  node: string;
  iface: string;
  addr: Ipv4;
}

export interface TopoLink {
  /** Stable id, `A-B` (with `#n` appended for parallel links). */
  id: string;
  a: LinkEnd;
  b: LinkEnd;
  /** Subnet of the link. */
  subnet: Ipv4;
  len: number;
  delay: Nanos; // one-way propagation delay
  bandwidth: number; // bits per second; 0 = unlimited
  loss: number; // 0..1 probability per packet
  queue: number; // packets
}

/**
 * An Ethernet segment: three or more stations (or any number, when named with `segment:`) on
 * one learning switch. Each end's interface is cabled to a switch port with the segment's
 * delay, bandwidth, loss and queue, as a point-to-point link is.
 */
export interface TopoSegment {
  /** The segment's name (`lan1`): unique among nodes and segments; the switch's name. */
  id: string;
  ends: LinkEnd[];
  subnet: Ipv4;
  len: number;
  delay: Nanos;
  bandwidth: number;
  loss: number;
  queue: number;
  /** Where its switch is drawn (`position:`); absent: the middle of its stations. */
  position?: { x: number; y: number };
}

export interface Topology {
  name: string;
  /** Where it came from, for messages. */
  source?: string;
  nodes: TopoNode[];
  links: TopoLink[];
  /** Shared Ethernet segments (absent or empty: every link is point to point). */
  segments?: TopoSegment[];
  rip: RipSettings;
  /** Topology-wide OSPF settings that differ from the defaults (topology/protocols/ospf.ts). */
  ospf?: Partial<OspfSettings>;
  /** Notes for the user produced while loading (ignored fields, mapped kinds). */
  notes: string[];
  /** A fault schedule and checks (`events:`, `checks:`; topology/parse-lesson.ts). */
  lesson?: Lesson;
}
