/**
 * @module sim/network
 * A whole simulated network: one scheduler, the nodes and links, and the event stream.
 * No global state: two Networks live side by side in one process (ns-3's weakness avoided).
 *
 * Observability costs nothing when unobserved: `trace` is null unless someone listens, and
 * summaries (string work) are built only then.
 */
import type { DropReason, LabEvent, PacketClass } from "../core/events.js";
import type { TcpStateChange } from "./tcp/stack.js";
import { formatIpv4, formatPrefix } from "../core/ip.js";
import { Rng } from "../core/rng.js";
import { classify, summarizeFrame } from "../wire/index.js";
import type { Route } from "./fib.js";
import { reasonText } from "./host.js";
import type { Iface } from "./iface.js";
import { Bridge } from "./bridge.js";
import { Link } from "./link.js";
import { SimNode } from "./node.js";
import type { Packet } from "./packet.js";
import { Scheduler } from "./scheduler.js";

export interface PacketCounters {
  created: number;
  delivered: number;
  dropped: number;
  byReason: Partial<Record<DropReason, number>>;
}

export class Network {
  readonly scheduler = new Scheduler();
  readonly nodes: SimNode[] = [];
  readonly byName = new Map<string, SimNode>();
  readonly links: Link[] = [];
  /** The segments' switches, by segment id (their nodes are not in `nodes`: they route nothing). */
  readonly bridges = new Map<string, Bridge>();
  readonly linkById = new Map<string, Link>();
  /**
   * The prefixes the lab's link interfaces are on (network address × 64 + length): a router that
   * learns a route to every one holds this many, so routing tables size their columns by it.
   */
  private readonly prefixes = new Set<number>();
  /** Receives every event, or null when nobody listens (the fast path). */
  trace: ((e: LabEvent) => void) | null = null;
  /**
   * Whether `trace` wants the packet events (hop, deliver, drop). SimLab sets it false while
   * every listener asked for other kinds only — `routelab run` watching route changes for
   * `wait converged` — which spares an event and a frame summary per hop.
   */
  tracePackets = true;
  /** Receives every Ethernet frame put on a link, at its departure time, with its packet's id (pcap capture). */
  capture: ((link: Link, t: number, bytes: Uint8Array, packet: number) => void) | null = null;
  nextPacketId = 1;
  /** Conservation counters: created = delivered + dropped + in flight. */
  created = 0;
  delivered = 0;
  dropped = 0;
  readonly dropsByReason: Partial<Record<DropReason, number>> = {};
  readonly rng: Rng;
  /** Link loss decisions come from their own stream, so adding traffic elsewhere keeps node streams stable. */
  readonly lossRng: Rng;

  constructor(readonly seed: number) {
    this.rng = new Rng(seed);
    this.lossRng = this.rng.fork(0x1055);
  }

  addNode(name: string): SimNode {
    if (this.byName.has(name)) throw new Error(`sim: duplicate node ${name}`);
    const n = new SimNode(this, name, this.nodes.length, this.rng.fork(this.nodes.length + 1));
    this.nodes.push(n);
    this.byName.set(name, n);
    return n;
  }

  /**
   * A segment's switch: a node of its own (its ports are its interfaces, cabled with addLink),
   * outside `nodes`. Its streams come from the seed and its number, not from `rng`, so adding a
   * segment leaves every router's random choices as they were.
   */
  addBridge(id: string): Bridge {
    if (this.byName.has(id) || this.bridges.has(id)) throw new Error(`sim: duplicate node ${id}`);
    const k = this.bridges.size;
    const n = new SimNode(
      this,
      id,
      -1 - k,
      new Rng((this.seed ^ Math.imul(k + 1, 0x27d4eb2f) ^ 0xb51d9e) >>> 0),
    );
    const b = new Bridge(n);
    n.bridge = b;
    this.bridges.set(id, b);
    return b;
  }

  /** Notes a link interface's prefix (SimNode.addInterface). */
  notePrefix(net: number, len: number): void {
    this.prefixes.add(net * 64 + len);
  }

  /** How many distinct prefixes the lab's link interfaces are on (a capacity hint for tables). */
  prefixCount(): number {
    return this.prefixes.size;
  }

  addLink(
    id: string,
    a: Iface,
    b: Iface,
    delay: number,
    bandwidth: number,
    loss: number,
    queue: number,
  ): Link {
    const l = new Link(id, a, b, delay, bandwidth, loss, queue);
    this.links.push(l);
    this.linkById.set(id, l);
    return l;
  }

  classify(bytes: Uint8Array): PacketClass {
    return classify(bytes);
  }

  // ---- event emission (called by nodes) ------------------------------------------------------

  hop(pkt: Packet, from: SimNode, to: SimNode, link: string, t: number, duration: number): void {
    if (this.trace === null || !this.tracePackets) return;
    this.trace({
      kind: "hop",
      t,
      packet: pkt.id,
      user: pkt.user,
      cls: pkt.cls,
      from: from.name,
      to: to.name,
      link,
      duration,
      size: pkt.frame.length,
      summary: summarizeFrame(pkt.frame),
    });
  }

  deliver(node: SimNode, pkt: Packet): void {
    this.delivered++;
    node.delivered++;
    if (this.trace === null || !this.tracePackets) return;
    this.trace({
      kind: "deliver",
      t: this.scheduler.now(),
      packet: pkt.id,
      user: pkt.user,
      cls: pkt.cls,
      node: node.name,
      summary: summarizeFrame(pkt.frame),
    });
  }

  drop(node: SimNode, pkt: Packet, reason: DropReason, link?: string): void {
    this.dropped++;
    node.dropped++;
    this.dropsByReason[reason] = (this.dropsByReason[reason] ?? 0) + 1;
    const tr = this.trace;
    if (tr === null || !this.tracePackets) return;
    const e: LabEvent = {
      kind: "drop",
      t: this.scheduler.now(),
      packet: pkt.id,
      user: pkt.user,
      cls: pkt.cls,
      node: node.name,
      reason,
      summary: summarizeFrame(pkt.frame),
    };
    if (link !== undefined) e.link = link;
    tr(e);
  }

  routeChanged(node: SimNode, action: "add" | "change" | "delete", r: Route, _old: Route | undefined): void {
    const tr = this.trace;
    if (tr === null) return;
    tr({
      kind: "route",
      t: this.scheduler.now(),
      node: node.name,
      action,
      dest: formatPrefix({ addr: r.dest, len: r.len }),
      gateway: r.gateway === 0 ? "direct" : formatIpv4(r.gateway),
      ...(r.multipath === undefined ? {} : { nextHops: r.multipath.map((h) => formatIpv4(h.gateway)) }),
      iface: node.ifaces[r.iface]?.name ?? "?",
      metric: r.metric,
      source: r.source,
      reason: reasonText(node.reason),
    });
  }

  /** A TCP connection on `node` changed state. */
  socketChanged(node: SimNode, c: TcpStateChange): void {
    const tr = this.trace;
    if (tr === null) return;
    const e: LabEvent = {
      kind: "socket",
      t: this.scheduler.now(),
      node: node.name,
      user: c.user,
      proto: "tcp",
      local: c.local,
      remote: c.remote,
      from: c.from,
      state: c.state,
    };
    if (c.error !== undefined) e.error = c.error;
    tr(e);
  }

  counters(): PacketCounters {
    return {
      created: this.created,
      delivered: this.delivered,
      dropped: this.dropped,
      byReason: { ...this.dropsByReason },
    };
  }
}
