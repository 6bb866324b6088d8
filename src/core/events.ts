/**
 * @module core/events
 * The one observable event stream (DESIGN "Key shapes"). Every engine emits these; the page,
 * pcap writers, tests and the scenario runner read them. Plain data, JSON-ready.
 */
import type { Nanos } from "./time.js";

/** Why a packet died. Every drop names one (ns-3's DropReason, BIRD's DROP). */
export type DropReason =
  | "ttl-expired" // TTL reached 0 at a router (ICMP time exceeded sent back)
  | "no-route" // no FIB entry (ICMP host unreachable sent back, as FreeBSD 8 ip_forward does)
  | "link-down" // the link was down (or silently cut) while the packet was on it or about to be
  | "iface-down" // the output or input interface is administratively down
  | "node-down" // the receiving node is down
  | "queue-full" // the output queue was full
  | "loss" // random loss configured on the link
  | "bad-checksum" // IPv4/ICMP/UDP checksum did not verify
  | "bad-header" // malformed IPv4 header
  | "malformed" // ICMP/UDP too short for its header, or a UDP length beyond the bytes received
  | "port-unreachable" // UDP to a closed port (ICMP port unreachable sent back)
  | "proto-unreachable" // IP protocol with no handler
  | "not-for-us" // multicast/broadcast nobody listens to, or a unicast on a non-forwarding host
  // netns only: an ICMP unreachable naming neither net, host, protocol nor port (e.g. code 13,
  // administratively prohibited, from a kernel's filter); the simulator has no filters.
  | "filtered"
  | "no-listener" // ICMP message nobody waited for (a late echo reply)
  // ARP never answered: the packet held for it was replaced by a newer one (one is held per
  // neighbour) or its incomplete entry timed out (FreeBSD if_ether.c la_hold, arpt_down)
  | "unresolved"
  | "broadcast" // a directed broadcast a router will not forward (ICMP host unreachable sent back)
  | "tcp-reset" // TCP segment no socket takes: a RST is sent back (RFC 9293 §3.10.7.1)
  | "listen-queue-full"; // SYN to a listener whose backlog is full: dropped unanswered, the peer retries

/** What kind of packet, for colours and filters in the picture. */
export type PacketClass =
  | "echo-request"
  | "echo-reply"
  | "icmp-error"
  | "traceroute"
  | "rip"
  | "udp"
  | "arp" // ARP requests and replies (link layer)
  | "tcp"
  | "ospf"
  | "other";

interface BaseEvent {
  /** Virtual time of the event, ns. */
  t: Nanos;
}

/** A packet leaves `from` on `link` towards `to`; it arrives at `t + duration`. */
export interface HopEvent extends BaseEvent {
  kind: "hop";
  packet: number;
  user: string;
  cls: PacketClass;
  from: string;
  to: string;
  link: string;
  duration: Nanos;
  size: number;
  summary: string;
}

/** A packet reached the node it was addressed to. */
export interface DeliverEvent extends BaseEvent {
  kind: "deliver";
  packet: number;
  user: string;
  cls: PacketClass;
  node: string;
  summary: string;
}

/** A packet died at `node` (on `link` when it died on the wire). */
export interface DropEvent extends BaseEvent {
  kind: "drop";
  packet: number;
  user: string;
  cls: PacketClass;
  node: string;
  link?: string;
  reason: DropReason;
  summary: string;
}

/** A routing table entry was added, changed or removed. */
export interface RouteEvent extends BaseEvent {
  kind: "route";
  node: string;
  action: "add" | "change" | "delete";
  dest: string;
  gateway: string;
  /** Every next hop's address of a multipath route (OSPF's equal-cost paths); `gateway` is the first. */
  nextHops?: string[];
  iface: string;
  metric?: number;
  source: string;
  reason: string;
}

/** A link changed state, or its delay or loss. */
export interface LinkEvent extends BaseEvent {
  kind: "link";
  link: string;
  a: string;
  b: string;
  state: "up" | "down";
  silent: boolean;
  /** Present when the link's delay changed (ns, the new value); state and silent are then as they were. */
  delay?: number;
  /** Present when the link's loss rate changed (0…1, the new value). */
  loss?: number;
}

/** A node crashed (down) or rebooted (up). */
export interface NodeEvent extends BaseEvent {
  kind: "node";
  node: string;
  state: "up" | "down";
}

/** A command started or ended on a node (who typed what). */
export interface CommandEvent extends BaseEvent {
  kind: "command";
  node: string;
  user: string;
  command: string;
  exit?: number;
}

/** A TCP connection on `node` changed state (RFC 9293 §3.3.2 names: SYN_SENT, ESTABLISHED, ...). */
export interface SocketEvent extends BaseEvent {
  kind: "socket";
  node: string;
  user: string;
  proto: "tcp";
  /** "10.0.10.1:49152" */
  local: string;
  remote: string;
  from: string;
  state: string;
  /** Why it closed, as an errno name (ECONNREFUSED, ECONNRESET, ETIMEDOUT). */
  error?: string;
}

export type LabEvent =
  | HopEvent
  | SocketEvent
  | DeliverEvent
  | DropEvent
  | RouteEvent
  | LinkEvent
  | NodeEvent
  | CommandEvent;
export type LabEventKind = LabEvent["kind"];
