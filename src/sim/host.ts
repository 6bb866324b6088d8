/**
 * @module sim/host
 * The narrow interface a simulated node offers to the programs on it: routing daemons
 * (proto/) and applications (apps/). Modelled on ns-3's Ipv4RoutingProtocol / socket split:
 * send, receive, timers and route updates — never a reach into the forwarding internals.
 */
import type { PacketClass } from "../core/events.js";
import type { Ipv4 } from "../core/ip.js";
import type { Rng } from "../core/rng.js";
import type { Nanos } from "../core/time.js";
import type { TcpError, TcpListener, TcpOpenOptions, TcpSocket } from "./tcp/socket.js";

/** TCP sockets of a node (sim/tcp): the BSD calls, event-driven. */
export interface TcpApi {
  /** Active open to dst:port; an errno at once when no segment can leave (no route, port in use). */
  connect(dst: Ipv4, port: number, opts?: TcpOpenOptions): TcpSocket | TcpError;
  /** Passive open on `port` of every address of the node. */
  listen(port: number, opts?: TcpOpenOptions): TcpListener | TcpError;
}

export interface TimerHandle {
  cancel(): void;
}

/**
 * Why a route changed, for route events and status views: text, or a function making it.
 * A routing daemon changes thousands of routes while a network converges and almost nobody
 * reads why, so it may hand over the recipe and have the text made only when it is shown.
 */
export type Reason = string | (() => string);

/** The text of a reason. */
export function reasonText(r: Reason): string {
  return typeof r === "string" ? r : r();
}

export interface HostInterface {
  /** Index on the node: 0 is lo0, then the link interfaces in topology order. */
  readonly index: number;
  readonly name: string;
  readonly addr: Ipv4;
  readonly len: number;
  readonly up: boolean;
  /** False for lo0. */
  readonly isLink: boolean;
}

/** A received UDP datagram. `payload` is a view into the packet: copy it to keep it. */
export interface Datagram {
  src: Ipv4;
  dst: Ipv4;
  srcPort: number;
  dstPort: number;
  ttl: number;
  /** Interface index it arrived on. */
  iface: number;
  payload: Uint8Array;
}

/** A received ICMP message. `ip` is the whole IPv4 packet (header at 0), `icmpOff` where ICMP starts. */
export interface IcmpMessage {
  src: Ipv4;
  dst: Ipv4;
  ttl: number;
  type: number;
  code: number;
  /** Bytes 4-7: for echo the identifier and sequence; a redirect's gateway address (ident << 16 | seq); 0 for other errors. */
  ident: number;
  seq: number;
  /** ICMP data after the 8-byte ICMP header (echo data, or the quoted original for errors). */
  data: Uint8Array;
  iface: number;
  /** Packet id of the received packet (to match events). */
  packet: number;
}

/**
 * A received IPv4 datagram of a protocol bound with `ipBind` (a raw socket's view, as OSPF's
 * protocol 89 or TCP's 6 get it). `payload` is what follows the 20-byte header, a view into the
 * packet: copy it to keep it.
 */
export interface IpDatagram {
  src: Ipv4;
  dst: Ipv4;
  protocol: number;
  ttl: number;
  tos: number;
  /** Interface index it arrived on. */
  iface: number;
  payload: Uint8Array;
  /** Packet id of the received packet (to match events). */
  packet: number;
}

/** Options for sending an IPv4 packet from a node. */
export interface SendOptions {
  /** Source address; default: the address of the outgoing interface. */
  src?: Ipv4;
  ttl?: number;
  tos?: number;
  /** Force the outgoing interface (multicast, or a routing daemon answering on an interface); skips the FIB. */
  iface?: number;
  /** User charged for the packet (colour in the picture). Default: the program's user. */
  user?: string;
  /** Class for the picture; derived from the bytes when absent. */
  cls?: PacketClass;
  /** IP identification; default: the node's counter. */
  id?: number;
}

/** Result of a send: the packet id, or an errno-like failure as ping prints it. */
export type SendResult =
  | { ok: true; packet: number }
  | { ok: false; error: "ENETUNREACH" | "EHOSTUNREACH" | "EHOSTDOWN" | "ENETDOWN" | "EMSGSIZE" };

export interface RouteSpec {
  dest: Ipv4;
  len: number;
  /** Next hop; 0 for a directly connected destination. */
  gateway: Ipv4;
  iface: number;
  metric: number;
  /**
   * Every equal-cost next hop, when there are several (OSPF's ECMP); the first is
   * `gateway`/`iface`. The FIB keeps them all and forwarding spreads flows over them.
   */
  nextHops?: readonly { gateway: Ipv4; iface: number }[];
}

/** What a node offers to programs running on it. */
export interface Host {
  readonly name: string;
  now(): Nanos;
  /** This node's own random stream (derived from the lab seed). */
  readonly rng: Rng;
  timer(delay: Nanos, fn: () => void): TimerHandle;
  interfaces(): readonly HostInterface[];

  /** Binds a UDP port; the handler gets every datagram for it (unicast, or multicast the node listens to). */
  udpBind(port: number, handler: (d: Datagram) => void): { close(): void };
  /** Subscribes to multicast group `group` (e.g. 224.0.0.9) so datagrams to it are delivered. */
  joinGroup(group: Ipv4): void;
  sendUdp(dst: Ipv4, srcPort: number, dstPort: number, payload: Uint8Array, opts?: SendOptions): SendResult;
  /** Receives every ICMP message delivered to this node (echo replies, errors). */
  icmpListen(handler: (m: IcmpMessage) => void): { close(): void };
  sendIcmpEcho(dst: Ipv4, ident: number, seq: number, data: Uint8Array, opts?: SendOptions): SendResult;

  /**
   * Binds IP protocol `protocol` (1…255, not ICMP or UDP, which the node's own sockets answer):
   * the handler gets every datagram of that protocol for this node, unicast or to a group it
   * joined. One handler per protocol; a second bind throws until the first is closed. Datagrams
   * of an unbound protocol are answered with ICMP protocol unreachable, as FreeBSD does.
   */
  ipBind(protocol: number, handler: (d: IpDatagram) => void): { close(): void };
  /** Sends `payload` as the body of an IPv4 datagram of protocol `protocol` (header and checksum filled). */
  sendIp(dst: Ipv4, protocol: number, payload: Uint8Array, opts?: SendOptions): SendResult;

  /** Installs or replaces the route of `source` for dest/len (one route per prefix per source, with its next hops). */
  setRoute(source: string, r: RouteSpec, reason: Reason): void;
  deleteRoute(source: string, dest: Ipv4, len: number, reason: Reason): void;
  /** Longest-prefix match in the node's FIB (what forwarding would use). */
  lookup(dst: Ipv4): { gateway: Ipv4; iface: number; len: number; source: string } | undefined;
  /**
   * How many distinct prefixes the lab's links are on, where the engine knows: a routing
   * daemon's table that learns every route holds that many, and sizes its columns by it (a
   * hint, never a limit).
   */
  labPrefixes?(): number;
  /** Called when an interface goes up or down. */
  onInterfaceChange(fn: (iface: HostInterface) => void): { close(): void };
  /** TCP, where the engine has it (the simulator does). */
  readonly tcp?: TcpApi;
}

/** A routing protocol plugged into a node (ns-3's Ipv4RoutingProtocol, BIRD's proto hooks). */
export interface RoutingDaemon {
  readonly name: string;
  start(host: Host): void;
  /** Node crash or shutdown: cancel timers, close sockets. Dynamic routes are flushed by the node. */
  stop(): void;
}
