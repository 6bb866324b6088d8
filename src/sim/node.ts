/**
 * @module sim/node
 * A simulated router: interfaces, a FIB, IPv4 input/forwarding/output with ICMP errors, UDP
 * and ICMP sockets, raw IP protocols bound by number, and the Host interface (sim/host.ts) that
 * daemons and apps run on. Below IPv4 is Ethernet with ARP (sim/ether.ts, sim/arp.ts).
 *
 * The forwarding path (input → lookup → TTL → transmit) reads header fields straight from the
 * bytes and patches TTL with an incremental checksum (RFC 1624): no parse, no allocation.
 * Only packets for this node are parsed into values.
 */
import type { DropReason, PacketClass } from "../core/events.js";
import { formatIpv4, IPV4_BROADCAST, isMulticast } from "../core/ip.js";
import { LabError } from "../core/errors.js";
import { interfaceMac } from "../core/mac.js";
import { Rng } from "../core/rng.js";
import { type Nanos, SECOND } from "../core/time.js";
import {
  buildIcmpPacket,
  buildIpPacket,
  buildTcpPacket,
  buildUdpPacket,
  ICMP_DEST_UNREACH,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  ICMP_REDIRECT,
  ICMP_TIME_EXCEEDED,
  icmpGateway,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  type Ipv4Fields,
  ipv4DecrementTtl,
  ipv4Dst,
  ipv4HeaderChecksumOk,
  ETHERNET_HEADER_LEN,
  ethernetSetDst,
  get16,
  ipv4Ihl,
  ipv4Protocol,
  ipv4Src,
  ipv4Tos,
  ipv4TotalLen,
  ipv4Ttl,
  ipv4Version,
  parseIcmp,
  parseUdp,
  quoteOriginal,
  REDIRECT_HOST,
  UNREACH_HOST,
  UNREACH_PORT,
  UNREACH_PROTOCOL,
  type TcpRepr,
  WireError,
} from "../wire/index.js";
import { type ArpEntry, arpFlush, arpIfInit } from "./arp.js";
import type { Bridge } from "./bridge.js";
import { arriveHead, etherResolve, etherSetSource, linkBroadcast, Resolve } from "./ether.js";
import { Fib, type Route } from "./fib.js";
import { flowNextHop } from "./multipath.js";
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
import type { Network } from "./network.js";
import { Packet } from "./packet.js";
import { REDIRECT_SOURCE, Redirects, redirectGateway } from "./redirect.js";
import type { NodeAlias, NodeSystem } from "./node-system.js";
import type { Netfilter } from "./netfilter.js";
import { type TcpInputResult, TcpStack } from "./tcp/stack.js";

const DEFAULT_TTL = 64;
/** The most an IPv4 datagram carries after its 20-byte header (total length is 16 bits). */
const MAX_IP_PAYLOAD = 65535 - 20;
/** FIB flags by (gateway | host << 1 | static << 2): made once, not concatenated per route. */
const ROUTE_FLAGS = ["", "G", "H", "GH", "S", "GS", "HS", "GHS"];
/** Per-packet processing latency at a node: base + uniform jitter, ns. */
const PROC_BASE = 10_000;
const PROC_JITTER = 40_000;

type SendError = Extract<SendResult, { ok: false }>["error"];

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
  private redirects: Redirects | null = null;
  /** Set when this node is a segment's switch (sim/bridge.ts): frames go to it, not to IP. */
  bridge: Bridge | null = null;
  /** IP identification counter. */
  private ipId: number;
  private udpSockets = new Map<number, (d: Datagram) => void>();
  private icmpListeners: ((m: IcmpMessage) => void)[] = [];
  /** Raw IP protocols bound by programs (OSPF's 89; TCP's 6): protocol number → handler. */
  private ipHandlers = new Map<number, (d: IpDatagram) => void>();
  private groups = new Set<number>();
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
    const out = this.route(dst, opts);
    if (typeof out === "string") return { ok: false, error: out };
    const frame = buildUdpPacket(
      this.localHeader(dst, out.iface, opts),
      { srcPort, dstPort, payload },
      ETHERNET_HEADER_LEN,
    );
    return this.output(frame, out, opts);
  }

  sendIcmpEcho(
    dst: number,
    ident: number,
    seq: number,
    data: Uint8Array,
    opts: SendOptions = {},
  ): SendResult {
    const out = this.route(dst, opts);
    if (typeof out === "string") return { ok: false, error: out };
    const frame = buildIcmpPacket(
      this.localHeader(dst, out.iface, opts),
      { type: ICMP_ECHO_REQUEST, code: 0, ident, seq, data },
      ETHERNET_HEADER_LEN,
    );
    return this.output(frame, out, opts);
  }

  sendIp(dst: number, protocol: number, payload: Uint8Array, opts: SendOptions = {}): SendResult {
    if (!Number.isInteger(protocol) || protocol < 0 || protocol > 255)
      throw new LabError(`IP protocol ${protocol} is not 0…255`, { field: "protocol" }, "usage");
    if (payload.length > MAX_IP_PAYLOAD) return { ok: false, error: "EMSGSIZE" };
    const out = this.route(dst, opts);
    if (typeof out === "string") return { ok: false, error: out };
    const frame = buildIpPacket(
      this.localHeader(dst, out.iface, opts),
      protocol,
      payload,
      ETHERNET_HEADER_LEN,
    );
    return this.output(frame, out, opts);
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
    const out = this.route(dst, {});
    // route() picks no neighbour, so ARP's EHOSTDOWN cannot come from it; nor can EMSGSIZE.
    if (typeof out === "string") return out === "EMSGSIZE" || out === "EHOSTDOWN" ? "ENETDOWN" : out;
    return out.iface === 0 ? dst : this.ifaces[out.iface]!.addr;
  }

  /** Sends one TCP segment (sim/tcp's send path): DF set, as FreeBSD's path MTU discovery does. */
  private sendTcp(src: number, dst: number, seg: TcpRepr, user: string): SendResult {
    const out = this.route(dst, {});
    if (typeof out === "string") return { ok: false, error: out };
    const frame = buildTcpPacket(
      { tos: 0, id: this.nextId(), dontFrag: true, ttl: DEFAULT_TTL, src, dst },
      seg,
      ETHERNET_HEADER_LEN,
    );
    return this.output(frame, out, { user, cls: "tcp" });
  }

  // ---- output -------------------------------------------------------------------------------

  private nextId(): number {
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
  private addressOwner(a: number): Iface | undefined {
    const ifs = this.ifaces;
    for (let k = 0; k < ifs.length; k++) if (ifs[k]!.addr === a) return ifs[k];
    return undefined;
  }

  /** Chooses the outgoing interface for a locally generated packet. */
  private route(
    dst: number,
    opts: SendOptions,
  ): { iface: number; route?: Route; gateway?: number } | SendError {
    if (!this.up) return "ENETDOWN";
    if (opts.iface !== undefined) {
      const i = this.ifaces[opts.iface];
      if (i === undefined || !i.up) return "ENETDOWN";
      return { iface: opts.iface };
    }
    if (this.isLocal(dst)) return { iface: 0 };
    if (isMulticast(dst) || dst === IPV4_BROADCAST) return "ENETUNREACH";
    const r = this.fib.lookup(dst);
    if (r === undefined) return "EHOSTUNREACH";
    // A multipath route: the flow's next hop, hashed with no source yet (Linux's output route
    // lookup runs before the source address is chosen, fl4->saddr 0).
    const hop = r.multipath === undefined ? r : flowNextHop(r.multipath, 0, dst, this.multipathKey);
    const i = this.ifaces[hop.iface]!;
    if (!i.up) return "ENETDOWN";
    return { iface: hop.iface, route: r, gateway: hop.gateway };
  }

  /** Sends `frame`: an IPv4 datagram at offset 14, its Ethernet header yet to be written. */
  private output(
    frame: Uint8Array,
    to: { iface: number; route?: Route; gateway?: number },
    opts: SendOptions,
  ): SendResult {
    const net = this.net;
    const bytes = frame.subarray(ETHERNET_HEADER_LEN);
    let out = to;
    if (this.netfilter !== null) {
      // The OUTPUT hook: replies of a translated connection get their source back, a new one
      // meets the OUTPUT rules (and is routed again when its destination changed).
      const v = this.netfilter.hook(bytes, undefined, 0);
      if (v.rerouted) {
        const again = this.route(ipv4Dst(bytes), {});
        if (typeof again === "string") return { ok: false, error: again };
        out = again;
      }
      if (v.isNew) this.netfilter.countPolicy("POSTROUTING", bytes);
    }
    const pkt = Packet.ipv4Frame(
      frame,
      bytes,
      net.nextPacketId++,
      opts.user ?? "root",
      opts.cls ?? net.classify(bytes),
    );
    net.created++;
    if (out.route) {
      out.route.use++;
      if (out.route.source === REDIRECT_SOURCE) this.redirects?.touch(out.route);
    }
    if (out.iface === 0) {
      // Loopback: counted on lo0 and on the address the lo0 route stands for (its rt_ifa: the
      // destination's own interface), delivered after the current event, as netisr would.
      const lo = this.ifaces[0]!;
      lo.opackets++;
      lo.obytes += bytes.length;
      (this.addressOwner(ipv4Dst(bytes)) ?? lo).addrOpackets++;
      net.scheduler.after(0, loopback, this, pkt);
    } else {
      const i = this.ifaces[out.iface]!;
      i.addrOpackets++;
      const dst = ipv4Dst(bytes);
      const gw = out.gateway ?? (out.route === undefined ? 0 : out.route.gateway);
      const res = etherResolve(this, pkt, i, gw !== 0 ? gw : dst, dst, gw !== 0);
      if (res === Resolve.Ok) this.sendFrame(pkt, i);
      // The packet stays held; the sender is told (ether_output passes arpresolve's error up).
      else if (res === Resolve.HostDown) return { ok: false, error: "EHOSTDOWN" };
      else if (res === Resolve.HostUnreach) return { ok: false, error: "EHOSTUNREACH" };
    }
    return { ok: true, packet: pkt.id };
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

  // ---- input --------------------------------------------------------------------------------

  /** A packet arrives on interface `i`. */
  input(pkt: Packet, i: Iface): void {
    const net = this.net;
    if (!this.up) return net.drop(this, pkt, "node-down");
    if (!i.up) return net.drop(this, pkt, "iface-down");
    const b = pkt.bytes;
    i.ipackets++;
    i.ibytes += b.length;
    if (b.length < 20 || ipv4Version(b) !== 4 || ipv4Ihl(b) !== 5 || ipv4TotalLen(b) > b.length) {
      i.ierrors++;
      return net.drop(this, pkt, "bad-header");
    }
    if (!ipv4HeaderChecksumOk(b)) {
      i.ierrors++;
      return net.drop(this, pkt, "bad-checksum");
    }
    // Linux's PREROUTING hook (sim/netfilter.ts), before the routing decision; not for what
    // this node sent itself over loopback (that met the OUTPUT hook).
    const natNew = this.netfilter !== null && i.index !== 0 && this.netfilter.hook(b, i.name, i.addr).isNew;
    const dst = ipv4Dst(b);
    // Ours: an address of this node, a group it joined, or a broadcast on the interface it
    // came in on (FreeBSD ip_input.c: INADDR_BROADCAST, or the ifaddr's ia_broadaddr).
    if (
      this.isLocal(dst) ||
      (isMulticast(dst) && this.groups.has(dst)) ||
      dst === IPV4_BROADCAST ||
      dst === i.broadcast
    ) {
      // A subnet broadcast counts on the address it was sent to, as FreeBSD's per-address rows.
      const owner = dst === i.broadcast ? i : this.addressOwner(dst);
      if (owner !== undefined) owner.addrIpackets++;
      if (natNew) this.netfilter!.countPolicy("INPUT", b);
      return this.deliver(pkt, i.index);
    }
    if (isMulticast(dst) || !this.forwarding) return net.drop(this, pkt, "not-for-us");
    // Forward, but never a link-layer broadcast (ip_forward, sys/netinet/ip_input.c:1407).
    if (linkBroadcast(pkt)) return net.drop(this, pkt, "not-for-us");
    if (ipv4Ttl(b) <= 1) {
      net.drop(this, pkt, "ttl-expired");
      return this.icmpError(pkt, ICMP_TIME_EXCEEDED, 0);
    }
    // FreeBSD 8's ip_forward answers every failure to route with host unreachable (code 1),
    // never net unreachable: no route at all (sys/netinet/ip_input.c:1432, `ia == NULL`), and
    // ip_output's ENETUNREACH/EHOSTUNREACH/ENETDOWN (ip_input.c:1561-1566). traceroute prints
    // it as !H, ping as "Destination Host Unreachable".
    const r = this.fib.lookup(dst);
    if (r === undefined || r.iface === 0) {
      net.drop(this, pkt, "no-route");
      return this.icmpError(pkt, ICMP_DEST_UNREACH, UNREACH_HOST);
    }
    // One of a multipath route's next hops per flow (source and destination), as Linux forwards.
    const hop = r.multipath === undefined ? r : flowNextHop(r.multipath, ipv4Src(b), dst, this.multipathKey);
    const out = this.ifaces[hop.iface]!;
    if (!out.up) {
      net.drop(this, pkt, "iface-down");
      return this.icmpError(pkt, ICMP_DEST_UNREACH, UNREACH_HOST);
    }
    // A directed broadcast of the outgoing interface: ip_output refuses it without
    // IP_ALLOWBROADCAST (EACCES, ip_output.c:462-468), and ip_forward answers host unreachable.
    if (out.isBroadcast(dst)) {
      net.drop(this, pkt, "broadcast");
      return this.icmpError(pkt, ICMP_DEST_UNREACH, UNREACH_HOST);
    }
    r.use++;
    const gw = hop.gateway;
    // Back out the way it came, to a sender on that subnet: a redirect is due (sim/redirect.ts),
    // quoting the packet as it came (ip_forward's mcopy, before the TTL is decremented).
    const better = redirectGateway(this.sendRedirects, ipv4Src(b), dst, i, r, out, gw);
    const quote = better !== 0 ? quoteOriginal(b) : null;
    const res = etherResolve(this, pkt, out, gw !== 0 ? gw : dst, dst, gw !== 0);
    // ARP gave up (EHOSTDOWN/EHOSTUNREACH): host unreachable, quoting the packet as it came
    // (ip_forward's mcopy is taken before the TTL is decremented, ip_input.c:1453-1473). The
    // packet itself stays held in the ARP entry.
    const failed = res === Resolve.HostDown || res === Resolve.HostUnreach;
    if (failed) this.icmpError(pkt, ICMP_DEST_UNREACH, UNREACH_HOST);
    else this.forwarded++;
    ipv4DecrementTtl(b);
    if (natNew) this.netfilter!.countPolicy("POSTROUTING", b);
    if (res === Resolve.Ok) this.sendFrame(pkt, out);
    // ip_output took it (or ARP holds it: error 0 too): the redirect follows (ip_input.c:1553-1565).
    if (quote !== null && !failed) this.icmpError(pkt, ICMP_REDIRECT, REDIRECT_HOST, better, quote);
  }

  /** Local delivery: ICMP and UDP sockets. */
  private deliver(pkt: Packet, iface: number): void {
    const net = this.net;
    const b = pkt.bytes;
    const total = ipv4TotalLen(b);
    const proto = ipv4Protocol(b);
    if (proto === IPPROTO_ICMP) {
      const m = parseIcmp(b, 20, total - 20);
      if (m instanceof WireError) return net.drop(this, pkt, wireDrop(m));
      if (m.type === ICMP_ECHO_REQUEST) {
        // net.inet.icmp.bmcastecho=0: no answer to a link broadcast or multicast (ip_icmp.c:495).
        if (linkBroadcast(pkt)) return net.drop(this, pkt, "not-for-us");
        net.deliver(this, pkt);
        const src = ipv4Src(b);
        const dst = ipv4Dst(b);
        const reply = buildIcmpPacket(
          {
            tos: 0,
            id: this.nextId(),
            dontFrag: false,
            ttl: DEFAULT_TTL,
            src: this.isLocal(dst) ? dst : this.sourceFor(src),
            dst: src,
          },
          { type: ICMP_ECHO_REPLY, code: 0, ident: m.ident, seq: m.seq, data: m.data },
          ETHERNET_HEADER_LEN,
        );
        return this.sendGenerated(reply, src, pkt.user, "echo-reply");
      }
      // The kernel acts on a redirect, then hands it to raw sockets too (ip_icmp.c:570-626).
      // Only a host with drop_redirect=0 acts on it; a router drops it (RFC 1812, ip_icmp.c:590).
      if (m.type === ICMP_REDIRECT && !this.dropRedirects && !this.forwarding) {
        this.redirects ??= new Redirects(this);
        this.redirects.take(ipv4Src(b), m.code, total - 20, m.data, icmpGateway(b, 20));
      }
      if (this.icmpListeners.length === 0)
        return m.type === ICMP_REDIRECT ? net.deliver(this, pkt) : net.drop(this, pkt, "no-listener");
      net.deliver(this, pkt);
      const msg: IcmpMessage = {
        src: ipv4Src(b),
        dst: ipv4Dst(b),
        ttl: ipv4Ttl(b),
        type: m.type,
        code: m.code,
        ident: m.ident,
        seq: m.seq,
        data: m.data,
        iface,
        packet: pkt.id,
      };
      for (const l of this.icmpListeners.slice()) l(msg);
      return;
    }
    if (proto === IPPROTO_UDP) {
      const src = ipv4Src(b);
      const dst = ipv4Dst(b);
      const u = parseUdp(b, 20, total - 20, src, dst);
      if (u instanceof WireError) return net.drop(this, pkt, wireDrop(u));
      const h = this.udpSockets.get(u.dstPort);
      if (h === undefined) {
        // No port unreachable about a broadcast (RFC 1812 4.3.2.7), the subnet's included.
        if (isMulticast(dst) || dst === IPV4_BROADCAST || dst === this.ifaces[iface]?.broadcast)
          return net.drop(this, pkt, "not-for-us");
        net.drop(this, pkt, "port-unreachable");
        return this.icmpError(pkt, ICMP_DEST_UNREACH, UNREACH_PORT);
      }
      net.deliver(this, pkt);
      h({ src, dst, srcPort: u.srcPort, dstPort: u.dstPort, ttl: ipv4Ttl(b), iface, payload: u.payload });
      return;
    }
    if (proto === IPPROTO_TCP) return this.deliverTcp(pkt, total);
    const raw = this.ipHandlers.get(proto);
    if (raw !== undefined) {
      net.deliver(this, pkt);
      raw({
        src: ipv4Src(b),
        dst: ipv4Dst(b),
        protocol: proto,
        ttl: ipv4Ttl(b),
        tos: ipv4Tos(b),
        iface,
        payload: b.subarray(20, total),
        packet: pkt.id,
      });
      return;
    }
    // No socket for the protocol: FreeBSD's rip_input (sys/netinet/raw_ip.c), the input of
    // every protocol without one of its own, answers protocol unreachable when no raw socket
    // took the datagram (icmp_error skips multicast and broadcast, as icmpError does).
    net.drop(this, pkt, "proto-unreachable");
    this.icmpError(pkt, ICMP_DEST_UNREACH, UNREACH_PROTOCOL);
  }

  /** Protocol 6: unicast to one of our addresses goes to the TCP stack, which says what became of it. */
  private deliverTcp(pkt: Packet, total: number): void {
    const b = pkt.bytes;
    const dst = ipv4Dst(b);
    if (!this.isLocal(dst)) return this.net.drop(this, pkt, "not-for-us");
    this.tcp.input(b, 20, total - 20, ipv4Src(b), dst, pkt.user, (r) => this.tcpVerdict(pkt, r));
  }

  private tcpVerdict(pkt: Packet, r: TcpInputResult): void {
    if (r === "delivered") this.net.deliver(this, pkt);
    else this.net.drop(this, pkt, r === "ignored" ? "not-for-us" : r);
  }

  /** Our address facing `dst` (ICMP source selection, as FreeBSD's icmp_reflect). */
  private sourceFor(dst: number): number {
    const r = this.fib.lookup(dst);
    // The interface a packet to dst leaves by (a multipath route's as route() picks it).
    const hop = r?.multipath === undefined ? r : flowNextHop(r.multipath, 0, dst, this.multipathKey);
    if (hop !== undefined && hop.iface !== 0) return this.ifaces[hop.iface]!.addr;
    return this.ifaces[1]?.addr ?? 0x7f000001;
  }

  /**
   * Sends ICMP type/code about `pkt` back to its source (RFC 1812 4.3.2.7: never about an ICMP
   * error, nor a multicast/broadcast packet). The source address is the offending packet's
   * destination when it was ours, else our interface towards the sender.
   */
  private icmpError(pkt: Packet, type: number, code: number, gateway = 0, quote?: Uint8Array): void {
    const b = pkt.bytes;
    const src = ipv4Src(b);
    const dst = ipv4Dst(b);
    if (isMulticast(dst) || dst === IPV4_BROADCAST || isMulticast(src) || src === 0) return;
    if (linkBroadcast(pkt)) return; // nor about a link broadcast (ip_icmp.c:201)
    if ((get16(b, 6) & 0x1fff) !== 0) return; // nor about a later fragment (ip_icmp.c:199)
    // About an ICMP error only a redirect is sent (ip_icmp.c:203: `type != ICMP_REDIRECT`).
    if (type !== ICMP_REDIRECT && ipv4Protocol(b) === IPPROTO_ICMP && b.length >= 21) {
      const t = b[20]!;
      if (t !== ICMP_ECHO_REQUEST && t !== ICMP_ECHO_REPLY) return;
    }
    const frame = buildIcmpPacket(
      {
        tos: 0,
        id: this.nextId(),
        dontFrag: false,
        ttl: DEFAULT_TTL,
        src: this.isLocal(dst) ? dst : this.sourceFor(src),
        dst: src,
      },
      // A redirect's bytes 4-7 are the gateway (icmp_gwaddr, ip_icmp.c:268-269).
      { type, code, ident: gateway >>> 16, seq: gateway & 0xffff, data: quote ?? quoteOriginal(b) },
      ETHERNET_HEADER_LEN,
    );
    this.sendGenerated(frame, src, pkt.user, "icmp-error");
  }

  /** Seconds until a route a redirect made expires (netstat's Expire); undefined for any other. */
  routeExpiry(r: { source: string; dest: number }): number | undefined {
    return this.redirects?.expiresIn(r);
  }

  /** A lookup of a route a redirect made (a packet sent by it, `route get`): its hour starts again. */
  touchRoute(r: { source: string; dest: number }): void {
    this.redirects?.touch(r);
  }

  /** Sends a packet the stack made itself (reply or error), charged to the user who caused it. */
  private sendGenerated(frame: Uint8Array, dst: number, user: string, cls: PacketClass): void {
    const out = this.route(dst, {});
    if (typeof out === "string") {
      const net = this.net;
      const ip = frame.subarray(ETHERNET_HEADER_LEN);
      const pkt = Packet.ipv4Frame(frame, ip, net.nextPacketId++, user, cls);
      net.created++;
      return net.drop(this, pkt, "no-route");
    }
    this.output(frame, out, { user, cls });
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

/** Why an ICMP or UDP message the codec refused dies: a wrong sum, or too few bytes for it. */
function wireDrop(e: WireError): DropReason {
  return e.kind === "checksum" ? "bad-checksum" : "malformed";
}

function callTimer(fn: () => void): void {
  fn();
}

function announce(node: SimNode): void {
  if (!node.up) return;
  for (const i of node.ifaces) if (i.isLink) arpIfInit(node, i);
}

function loopback(node: SimNode, pkt: Packet): void {
  node.input(pkt, node.ifaces[0]!);
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
