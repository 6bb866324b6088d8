/**
 * @module sim/node
 * A simulated router: interfaces, a FIB, UDP and ICMP sockets, raw IP protocols bound by
 * number, the Host interface (sim/host.ts) that daemons and apps run on, and the wire below.
 * Its IPv4 lives beside it, in free functions taking the node: input and forwarding
 * (sim/ip-input.ts), local delivery and ICMP errors (sim/ip-deliver.ts), output of what it
 * sends itself (sim/ip-output.ts). Below IPv4 is Ethernet with ARP (sim/ether.ts, sim/arp.ts).
 */
import { formatIpv4 } from "../core/ip.js";
import { LabError } from "../core/errors.js";
import { interfaceMac } from "../core/mac.js";
import { Rng } from "../core/rng.js";
import { type Nanos, SECOND } from "../core/time.js";
import {
  buildIcmpPacket,
  buildIpPacket,
  buildTcpPacket,
  buildUdpPacket,
  ICMP_ECHO_REQUEST,
  IPPROTO_ICMP,
  IPPROTO_UDP,
  type Ipv4Fields,
  ETHERNET_HEADER_LEN,
  ethernetSetDst,
  type TcpRepr,
} from "../wire/index.js";
import { type ArpEntry, arpFlush, arpIfInit } from "./arp.js";
import type { Bridge } from "./bridge.js";
import { arriveHead, etherSetSource } from "./ether.js";
import { Fib, type Route } from "./fib.js";
import type {
  Datagram,
  Host,
  HostInterface,
  IcmpMessage,
  IpDatagram,
  Reason,
  RouteSpec,
  RoutingDaemon,
  SendOptions,
  SendResult,
  TimerHandle,
} from "./host.js";
import { Iface } from "./iface.js";
import { ipInput } from "./ip-input.js";
import { DEFAULT_TTL, ipOutput, routeLocal } from "./ip-output.js";
import type { Network } from "./network.js";
import type { Packet } from "./packet.js";
import type { Redirects } from "./redirect.js";
import type { NodeAlias, NodeSystem } from "./node-system.js";
import type { Netfilter } from "./netfilter.js";
import { TcpStack } from "./tcp/stack.js";

/** The most an IPv4 datagram carries after its 20-byte header (total length is 16 bits). */
const MAX_IP_PAYLOAD = 65535 - 20;
/** FIB flags by (gateway | host << 1 | static << 2): made once, not concatenated per route. */
const ROUTE_FLAGS = ["", "G", "H", "GH", "S", "GS", "HS", "GHS"];
/** Per-packet processing latency at a node: base + uniform jitter, ns. */
const PROC_BASE = 10_000;
const PROC_JITTER = 40_000;

export class SimNode implements Host {
  readonly ifaces: Iface[] = [];
  /** Processing-latency jitter: its own stream, so traffic never shifts a daemon's timers. */
  private readonly procRng: Rng;
  /** Sized for a route to every prefix of the lab, its own addresses and 127.0.0.1 (see Fib). */
  readonly fib = new Fib(() => this.net.prefixCount() + this.ifaces.length + 1);
  up = true;
  /**
   * net.inet.ip.forwarding: a router forwards, a host (topology `kind: host`) does not — a
   * packet for another address is dropped without an ICMP answer (ip_input.c: `ipforwarding == 0`
   * frees it, counting ips_cantforward).
   */
  forwarding = true;
  /** net.inet.ip.redirect: a router tells a sender on the same subnet of a better first hop (sim/redirect.ts). */
  sendRedirects = true;
  /** net.inet.icmp.drop_redirect: 0 on FreeBSD 8, so a host takes the redirects of its gateway. */
  dropRedirects = false;
  /** The redirects this node took and the routes they made; made by the first one (sim/redirect.ts). */
  redirects: Redirects | null = null;
  /** Set when this node is a segment's switch (sim/bridge.ts): frames go to it, not to IP. */
  bridge: Bridge | null = null;
  /** IP identification counter. */
  private ipId: number;
  // The sockets and groups local delivery (sim/ip-deliver.ts) hands packets to.
  readonly udpSockets = new Map<number, (d: Datagram) => void>();
  icmpListeners: ((m: IcmpMessage) => void)[] = [];
  /** Raw IP protocols bound by programs (OSPF's 89; TCP's 6): protocol number → handler. */
  readonly ipHandlers = new Map<number, (d: IpDatagram) => void>();
  readonly groups = new Set<number>();
  private ifaceWatchers: ((i: HostInterface) => void)[] = [];
  readonly daemons: RoutingDaemon[] = [];
  /** What kills each program running here (commands people started), for a crash. */
  private readonly processes = new Set<() => void>();
  /** Static routes from the topology, restored at reboot. */
  readonly configuredStatics: RouteSpec[] = [];
  /** The OS it answers as, its files, address aliases and nat table (sim/node-system.ts). */
  system: NodeSystem | null = null;
  /** Extra addresses (`ifconfig eth0:1 …`, `ip addr add`); empty on most nodes, so forwarding reads one length. */
  readonly aliases: NodeAlias[] = [];
  /** The nat table and connection tracking, once `iptables -t nat` was used here (Linux nodes). */
  netfilter: Netfilter | null = null;
  /** TCP: its sockets, and protocol 6 delivered to it (sim/tcp). */
  readonly tcp: TcpStack;
  // Counters (netstat -s style)
  forwarded = 0;
  delivered = 0;
  dropped = 0;
  /**
   * The key of this node's multipath hash (sim/multipath.ts): from the lab's seed and the
   * node's index, drawn from no stream, so the daemons' random choices stay as they were.
   */
  readonly multipathKey: number;

  constructor(
    readonly net: Network,
    readonly name: string,
    readonly index: number,
    readonly rng: Rng,
  ) {
    this.procRng = rng.fork(0x9e37);
    this.multipathKey = (net.seed ^ Math.imul(index + 1, 0x27d4eb2f) ^ 0x6d70) >>> 0;
    this.ipId = (index * 7919) & 0xffff;
    // The seed's script ran `ifconfig lo0 127.0.0.1/24 up` in every jail: a /24, not the /8 of
    // FreeBSD's rc.d (ifconfig and netstat -i show it; every 127/8 address is still local).
    const lo = new Iface(0, "lo0", 0x7f000001, 24);
    lo.node = this;
    this.ifaces.push(lo);
    this.fib.onChange = (action, r, old) => net.routeChanged(this, action, r, old);
    // FRR keeps a route's uptime in whole seconds of a monotonic clock (zebra_vty.c uptime2str).
    this.fib.clock = () => Math.floor(this.now() / SECOND);
    this.tcp = new TcpStack({
      // A stream of its own, seeded from the lab's seed and the node's index: forking `rng`
      // would draw from it and shift every random choice the node's daemons make after.
      rng: new Rng((net.seed ^ Math.imul(index + 1, 0x85ebca6b) ^ 0x7c9) >>> 0),
      now: () => this.now(),
      timer: (d, fn) => this.timer(d, fn),
      sourceFor: (dst) => this.localSource(dst),
      isLocal: (a) => this.isLocal(a),
      sendSegment: (src, dst, seg, user) => this.sendTcp(src, dst, seg, user),
      stateChanged: (e) => net.socketChanged(this, e),
    });
  }

  // ---- construction -------------------------------------------------------------------------

  addInterface(name: string, addr: number, len: number): Iface {
    const i = new Iface(this.ifaces.length, name, addr, len);
    i.node = this;
    i.mac = interfaceMac(this.name, name);
    this.ifaces.push(i);
    this.net.notePrefix(i.net, i.len);
    return i;
  }

  /**
   * The addresses are configured: each link interface announces its own (gratuitous ARP) and
   * enters it in its ARP cache, as FreeBSD's arp_ifinit. Runs as an event at the current time,
   * so a lab's listeners see the frames.
   */
  announceAddresses(): void {
    this.net.scheduler.after(0, announce, this);
  }

  labPrefixes(): number {
    return this.net.prefixCount();
  }

  /** Installs connected, local (lo0 host) and configured static routes: the state after boot. */
  installBaseRoutes(reason: string): void {
    this.fib.set(route(0x7f000001, 32, 0, 0, 0, "local", "H"));
    for (const i of this.ifaces) if (i.isLink && i.up) this.addConnected(i, reason);
    for (const s of this.configuredStatics) this.setRoute("static", s, reason);
  }

  private addConnected(i: Iface, reason: string): void {
    this.reason = reason;
    this.fib.set(route(i.net, i.len, 0, i.index, 0, "connected", ""));
    this.fib.set(route(i.addr, 32, 0, 0, 0, "local", "HS"));
  }

  private removeConnected(i: Iface, reason: string): void {
    this.reason = reason;
    this.fib.delete("connected", i.net, i.len);
    this.fib.delete("local", i.addr, 32);
    // Routes through a dead interface go with it (the kernel drops them; daemons are told).
    for (const r of this.fib.all(true))
      if (r.iface === i.index && r.source !== "local") this.fib.delete(r.source, r.dest, r.len);
  }

  /** Reason attached to the route events of the FIB change in progress. */
  reason: Reason = "";

  // ---- Host ---------------------------------------------------------------------------------

  now(): Nanos {
    return this.net.scheduler.now();
  }

  timer(delay: Nanos, fn: () => void): TimerHandle {
    const ev = this.net.scheduler.after(delay, callTimer, fn);
    return {
      cancel() {
        ev.cancelled = true;
      },
    };
  }

  interfaces(): readonly HostInterface[] {
    return this.ifaces;
  }

  udpBind(port: number, handler: (d: Datagram) => void): { close(): void } {
    if (this.udpSockets.has(port)) throw new Error(`sim: ${this.name}: UDP port ${port} already bound`);
    this.udpSockets.set(port, handler);
    return { close: () => this.udpSockets.delete(port) };
  }

  /** Whether a UDP port is bound (for picking ephemeral ports). */
  udpPortBound(port: number): boolean {
    return this.udpSockets.has(port);
  }

  joinGroup(group: number): void {
    this.groups.add(group);
  }

  icmpListen(handler: (m: IcmpMessage) => void): { close(): void } {
    this.icmpListeners.push(handler);
    return {
      close: () => {
        const i = this.icmpListeners.indexOf(handler);
        if (i >= 0) this.icmpListeners.splice(i, 1);
      },
    };
  }

  ipBind(protocol: number, handler: (d: IpDatagram) => void): { close(): void } {
    if (!Number.isInteger(protocol) || protocol < 1 || protocol > 255)
      throw new LabError(`IP protocol ${protocol} is not 1…255`, { field: "protocol" }, "usage");
    if (protocol === IPPROTO_ICMP || protocol === IPPROTO_UDP)
      throw new LabError(
        `IP protocol ${protocol} is the node's own (ICMP and UDP have sockets of their own)`,
        { field: "protocol" },
        "usage",
      );
    if (this.ipHandlers.has(protocol))
      throw new LabError(
        `IP protocol ${protocol} is already bound on ${this.name}`,
        { field: "protocol" },
        "conflict",
      );
    this.ipHandlers.set(protocol, handler);
    return {
      close: () => {
        if (this.ipHandlers.get(protocol) === handler) this.ipHandlers.delete(protocol);
      },
    };
  }

  onInterfaceChange(fn: (iface: HostInterface) => void): { close(): void } {
    this.ifaceWatchers.push(fn);
    return {
      close: () => {
        const i = this.ifaceWatchers.indexOf(fn);
        if (i >= 0) this.ifaceWatchers.splice(i, 1);
      },
    };
  }

  setRoute(source: string, r: RouteSpec, reason: Reason): void {
    this.reason = reason;
    const flags =
      ROUTE_FLAGS[(r.gateway !== 0 ? 1 : 0) | (r.len === 32 ? 2 : 0) | (source === "static" ? 4 : 0)]!;
    this.fib.setFields(source, r.dest, r.len, r.gateway, r.iface, r.metric, flags, 0, r.nextHops);
  }

  deleteRoute(source: string, dest: number, len: number, reason: Reason): void {
    this.reason = reason;
    this.fib.delete(source, dest, len);
  }

  lookup(dst: number): { gateway: number; iface: number; len: number; source: string } | undefined {
    return this.fib.lookup(dst);
  }

  sendUdp(
    dst: number,
    srcPort: number,
    dstPort: number,
    payload: Uint8Array,
    opts: SendOptions = {},
  ): SendResult {
    const out = routeLocal(this, dst, opts);
    if (typeof out === "string") return { ok: false, error: out };
    const frame = buildUdpPacket(
      this.localHeader(dst, out.iface, opts),
      { srcPort, dstPort, payload },
      ETHERNET_HEADER_LEN,
    );
    return ipOutput(this, frame, out, opts);
  }

  sendIcmpEcho(
    dst: number,
    ident: number,
    seq: number,
    data: Uint8Array,
    opts: SendOptions = {},
  ): SendResult {
    const out = routeLocal(this, dst, opts);
    if (typeof out === "string") return { ok: false, error: out };
    const frame = buildIcmpPacket(
      this.localHeader(dst, out.iface, opts),
      { type: ICMP_ECHO_REQUEST, code: 0, ident, seq, data },
      ETHERNET_HEADER_LEN,
    );
    return ipOutput(this, frame, out, opts);
  }

  sendIp(dst: number, protocol: number, payload: Uint8Array, opts: SendOptions = {}): SendResult {
    if (!Number.isInteger(protocol) || protocol < 0 || protocol > 255)
      throw new LabError(`IP protocol ${protocol} is not 0…255`, { field: "protocol" }, "usage");
    if (payload.length > MAX_IP_PAYLOAD) return { ok: false, error: "EMSGSIZE" };
    const out = routeLocal(this, dst, opts);
    if (typeof out === "string") return { ok: false, error: out };
    const frame = buildIpPacket(
      this.localHeader(dst, out.iface, opts),
      protocol,
      payload,
      ETHERNET_HEADER_LEN,
    );
    return ipOutput(this, frame, out, opts);
  }

  /** The IP header of a packet this node sends to `dst` out of `iface`: the caller's options, else the defaults. */
  private localHeader(dst: number, iface: number, opts: SendOptions): Ipv4Fields {
    return {
      tos: opts.tos ?? 0,
      id: opts.id ?? this.nextId(),
      dontFrag: false,
      ttl: opts.ttl ?? DEFAULT_TTL,
      src: opts.src ?? (iface === 0 ? dst : this.ifaces[iface]!.addr),
      dst,
    };
  }

  /** The source address of a locally generated packet to `dst` (the outgoing interface's), or why none. */
  localSource(dst: number): number | "ENETUNREACH" | "EHOSTUNREACH" | "ENETDOWN" {
    const out = routeLocal(this, dst, {});
    // route() picks no neighbour, so ARP's EHOSTDOWN cannot come from it; nor can EMSGSIZE.
    if (typeof out === "string") return out === "EMSGSIZE" || out === "EHOSTDOWN" ? "ENETDOWN" : out;
    return out.iface === 0 ? dst : this.ifaces[out.iface]!.addr;
  }

  /** Sends one TCP segment (sim/tcp's send path): DF set, as FreeBSD's path MTU discovery does. */
  private sendTcp(src: number, dst: number, seg: TcpRepr, user: string): SendResult {
    const out = routeLocal(this, dst, {});
    if (typeof out === "string") return { ok: false, error: out };
    const frame = buildTcpPacket(
      { tos: 0, id: this.nextId(), dontFrag: true, ttl: DEFAULT_TTL, src, dst },
      seg,
      ETHERNET_HEADER_LEN,
    );
    return ipOutput(this, frame, out, { user, cls: "tcp" });
  }

  // ---- output -------------------------------------------------------------------------------

  /** The next IP identification (ip_id) of a packet this node makes. */
  nextId(): number {
    this.ipId = (this.ipId + 1) & 0xffff;
    return this.ipId;
  }

  /** Whether `a` is one of this node's addresses (or loopback). */
  isLocal(a: number): boolean {
    if (a >>> 24 === 127) return true;
    const ifs = this.ifaces;
    for (let i = 1; i < ifs.length; i++) if (ifs[i]!.addr === a) return true;
    if (this.aliases.length !== 0) for (const x of this.aliases) if (x.addr === a) return true;
    return false;
  }

  /** The interface holding address `a` (lo0 for 127.0.0.1), if any. */
  addressOwner(a: number): Iface | undefined {
    const ifs = this.ifaces;
    for (let k = 0; k < ifs.length; k++) if (ifs[k]!.addr === a) return ifs[k];
    return undefined;
  }

  /** Sends a frame whose destination MAC is written: source MAC, then the wire. */
  sendFrame(pkt: Packet, i: Iface): void {
    etherSetSource(pkt, i);
    this.transmit(pkt, i);
  }

  /** ARP answered for a held packet: it leaves now (in_arpinput's if_output of la_hold). */
  sendHeld(pkt: Packet, i: Iface, e: ArpEntry): void {
    ethernetSetDst(pkt.frame, e.mac);
    this.sendFrame(pkt, i);
  }

  /** Puts a packet on the wire of interface `i` (queue, serialization, propagation). */
  transmit(pkt: Packet, i: Iface): void {
    const net = this.net;
    if (!i.up) return net.drop(this, pkt, "iface-down");
    const dir = i.out;
    if (dir === null) return net.drop(this, pkt, "iface-down");
    const link = dir.link;
    if (!link.up) return net.drop(this, pkt, "link-down", link.id);
    const now = net.scheduler.now();
    const start = Math.max(dir.busyUntil, now);
    const len = pkt.frame.length;
    let ser = 0;
    if (link.nsPerByte > 0) {
      if (start - now > link.maxBacklog) {
        i.drops++;
        return net.drop(this, pkt, "queue-full", link.id);
      }
      // A short frame is padded to 60 bytes on the wire (the capture shows it unpadded).
      ser = Math.round(Math.max(len, 60) * link.nsPerByte);
      dir.busyUntil = start + ser;
    }
    i.opackets++;
    i.obytes += len;
    // A router takes a few tens of µs to handle a packet (FreeBSD forwarding in a jail: 10–50
    // µs); the jitter makes round trips look like a real network's, deterministically. It is
    // added to the flight, not the queue, so captures stay in time order.
    // FIFO: the jitter never lets a packet overtake the one before it on the same wire.
    const at = Math.max(
      start + ser + link.delay + PROC_BASE + (this.procRng.u32() % PROC_JITTER),
      dir.lastArrival,
    );
    dir.lastArrival = at;
    if (net.trace !== null && net.tracePackets) net.hop(pkt, this, dir.to.node, link.id, start, at - start);
    if (net.capture !== null) net.capture(link, now, pkt.frame, pkt.id);
    dir.push(pkt, at);
    if (dir.count === 1) net.scheduler.post(at, arriveHead, dir);
  }

  /** A packet arrives on interface `i`: IPv4 input (sim/ip-input.ts), as sim/ether.ts calls it. */
  input(pkt: Packet, i: Iface): void {
    ipInput(this, pkt, i);
  }

  /** Seconds until a route a redirect made expires (netstat's Expire); undefined for any other. */
  routeExpiry(r: { source: string; dest: number }): number | undefined {
    return this.redirects?.expiresIn(r);
  }

  /** A lookup of a route a redirect made (a packet sent by it, `route get`): its hour starts again. */
  touchRoute(r: { source: string; dest: number }): void {
    this.redirects?.touch(r);
  }

  // ---- state changes ------------------------------------------------------------------------

  /** `ifconfig IF up|down`: the administrative state (the interface also needs carrier). */
  setAdmin(i: Iface, up: boolean, reason: string): void {
    i.adminUp = up;
    this.refreshInterface(i, reason);
  }

  /** The link state of an interface: its link and the router at the far end. */
  setCarrier(i: Iface, carrier: boolean, reason: string): void {
    i.carrier = carrier;
    this.refreshInterface(i, reason);
  }

  /**
   * Makes `up` follow admin state and carrier; when it changes, updates connected routes and
   * tells daemons.
   */
  private refreshInterface(i: Iface, reason: string): void {
    const up = i.adminUp && i.carrier;
    if (i.up === up) return;
    i.up = up;
    if (this.bridge !== null) return; // a switch port: no address, no routes, no daemons
    if (up) {
      this.addConnected(i, reason);
      // Configured static routes through it come back, as FreeBSD keeps them across a flap.
      for (const s of this.configuredStatics) if (s.iface === i.index) this.setRoute("static", s, reason);
    } else this.removeConnected(i, reason);
    for (const w of this.ifaceWatchers.slice()) w(i);
  }

  /**
   * Registers a program running on this node: `kill` is called if the node crashes. Returns
   * the function to call when the program ends by itself.
   */
  addProcess(kill: () => void): () => void {
    this.processes.add(kill);
    return () => this.processes.delete(kill);
  }

  /** Crash: programs are killed, daemons stop, sockets close, dynamic routes vanish. */
  crash(): void {
    const killed = [...this.processes];
    this.processes.clear();
    for (const k of killed) k();
    for (const d of this.daemons) d.stop();
    this.up = false;
    this.udpSockets.clear();
    this.tcp.reset();
    // What the running kernel held and nothing on disk restores: aliases, the nat table.
    this.aliases.length = 0;
    this.netfilter = null;
    this.icmpListeners = [];
    this.ifaceWatchers = [];
    this.groups.clear();
    for (const i of this.ifaces) arpFlush(this, i);
    this.redirects?.clear();
    this.reason = "node down";
    for (const r of this.fib.all(true)) this.fib.delete(r.source, r.dest, r.len);
  }

  /**
   * Reboot: interfaces come up as configured (an `ifconfig down` does not survive a reboot; the
   * carrier is what the caller left), base routes back, daemons start afresh.
   */
  boot(): void {
    this.up = true;
    for (const i of this.ifaces) {
      i.adminUp = true;
      i.up = i.carrier;
    }
    this.installBaseRoutes("boot");
    this.announceAddresses();
    for (const d of this.daemons) d.start(this);
  }

  /** Hex-free summary for messages. */
  describe(): string {
    return `${this.name} (${this.ifaces
      .slice(1)
      .map((i) => formatIpv4(i.addr))
      .join(", ")})`;
  }
}

function callTimer(fn: () => void): void {
  fn();
}

function announce(node: SimNode): void {
  if (!node.up) return;
  for (const i of node.ifaces) if (i.isLink) arpIfInit(node, i);
}

function route(
  dest: number,
  len: number,
  gateway: number,
  iface: number,
  metric: number,
  source: string,
  flags: string,
): Route {
  return { dest, len, gateway, iface, metric, source, flags, use: 0 };
}
