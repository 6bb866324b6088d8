/**
 * @module engines/sim/sim-lab
 * The Lab interface on the simulator: builds the Network from a Topology, starts the routing
 * daemons each node asks for, runs commands through the shell, and drives the clock either
 * unpaced (scenarios, tests, benchmarks) or paced in real time (`routelab up`).
 */
import type { LabEvent, LabEventKind } from "../../core/events.js";
import { LabError } from "../../core/errors.js";
import { formatIpv4, formatPrefix } from "../../core/ip.js";
import type { Nanos } from "../../core/time.js";
import type {
  ClockState,
  ExecOptions,
  Execution,
  Lab,
  LinkInfo,
  LinkShape,
  NodeInfo,
  PacerControl,
  OspfView,
  RouteInfo,
  WireListener,
} from "../../lab/lab.js";
import { ofKinds } from "../../lab/lab.js";
import { clockState } from "../../lab/clock-step.js";
import { checkShape, shapeEvent } from "../../lab/link-shape.js";
import { routeFlags, routeRefs } from "../../shell/index.js";
import {
  buildNetwork,
  type Link,
  type Network,
  Pacer,
  type RoutingDaemon,
  type SimNode,
  type WallClock,
} from "../../sim/index.js";
import type { Topology } from "../../topology/model.js";
import type { ShellHop } from "../../shell/session.js";
import { simOspfView } from "./ospf-view.js";
import { simSsh, startNodeSshd } from "./ssh.js";

export interface SimLabOptions {
  seed?: number;
  /** Creates the routing daemons of a node (its routing protocol's, proto/registry.ts). */
  daemonsFor?: (topo: Topology, node: string) => RoutingDaemon[];
  /** Run paced in real time with this wall clock (server); unpaced when absent. */
  wallClock?: WallClock;
  /** Runs a command line on a node (the shell); set by createSimLab. */
  exec?: (lab: SimLab, node: SimNode, line: string, opts: ExecOptions) => Execution;
}

/** The events the network builds per packet (Network.tracePackets). */
const PACKET_KINDS: ReadonlySet<LabEventKind> = new Set(["hop", "deliver", "drop"]);

export class SimLab implements Lab {
  readonly engine = "sim";
  readonly net: Network;
  private listeners = new Set<(e: LabEvent) => void>();
  /** How many listeners take packet events (hop, deliver, drop): none, and the network builds none. */
  private packetListeners = 0;
  private wireListeners = new Set<WireListener>();
  readonly pacer?: PacerControl & Pacer;

  constructor(
    readonly topology: Topology,
    private readonly opts: SimLabOptions = {},
  ) {
    this.net = buildNetwork(topology, opts.seed ?? 1);
    for (const n of topology.nodes) {
      const node = this.net.byName.get(n.name)!;
      for (const d of opts.daemonsFor?.(topology, n.name) ?? []) node.daemons.push(d);
      // Every node's sshd (engines/sim/ssh.ts): a listener, no event, no random draw.
      startNodeSshd(topology, node);
    }
    // Daemons start in topology order at t=0, so who hears whom first is fixed by the file;
    // as the first events, so listeners and captures attached after construction see it all.
    // One event per node, not one for all: 2,000 routers starting in one event held a paced
    // server for the whole of it (issue 23); the order, and so every packet, is the same.
    for (const node of this.net.nodes)
      if (node.daemons.length > 0)
        this.net.scheduler.at(0, () => {
          for (const d of node.daemons) d.start(node);
        });
    if (opts.wallClock) {
      this.pacer = new Pacer(this.net.scheduler, opts.wallClock);
      this.pacer.start();
    }
  }

  node(name: string): SimNode {
    const n = this.net.byName.get(name);
    if (!n) throw new LabError(`unknown node '${name}'`, { field: "node" }, "not-found");
    return n;
  }

  nodes(): NodeInfo[] {
    return this.topology.nodes.map((t) => {
      const n = this.net.byName.get(t.name)!;
      const info: NodeInfo = {
        name: n.name,
        kind: t.kind ?? "router",
        up: n.up,
        routing: t.routing,
        interfaces: n.ifaces.map((i) => {
          const ii: { name: string; addr: string; len: number; up: boolean; link?: string } = {
            name: i.name,
            addr: formatIpv4(i.addr),
            len: i.len,
            up: i.up,
          };
          if (i.link) ii.link = i.link.id;
          return ii;
        }),
      };
      if (t.position) info.position = t.position;
      return info;
    });
  }

  links(): LinkInfo[] {
    return this.net.links.map((l) => ({
      id: l.id,
      a: { node: l.a.node.name, iface: l.a.name, addr: formatIpv4(l.a.addr) },
      b: { node: l.b.node.name, iface: l.b.name, addr: formatIpv4(l.b.addr) },
      subnet: formatPrefix({ addr: l.a.net, len: l.a.len }),
      up: l.up,
      silent: l.silent,
      delay: l.delay,
      bandwidth: l.bandwidth,
      loss: l.loss,
    }));
  }

  routes(name: string): RouteInfo[] {
    const n = this.node(name);
    return n.fib.all().map((r) => ({
      dest: formatPrefix({ addr: r.dest, len: r.len }),
      gateway: r.gateway !== 0 ? formatIpv4(r.gateway) : `link#${r.iface + 1}`,
      ...(r.multipath === undefined ? {} : { nextHops: r.multipath.map((h) => formatIpv4(h.gateway)) }),
      flags: routeFlags(r.flags),
      iface: n.ifaces[r.iface]!.name,
      metric: r.metric,
      source: r.source,
      refs: routeRefs(r),
      use: r.use,
    }));
  }

  ospf(name: string): OspfView | undefined {
    return simOspfView(this.topology, this.net.byName.values(), this.node(name));
  }

  /** The link between two nodes (the first, when there are parallel links), or by id. */
  findLink(a: string, b: string): Link {
    const byId = this.net.linkById.get(a);
    if (byId && b === "") return byId;
    // A segment's port is the link between a station and the segment (`link down r1 lan1`).
    if (!this.net.bridges.has(a)) this.node(a);
    if (!this.net.bridges.has(b)) this.node(b);
    const l = this.net.links.find(
      (x) => (x.a.node.name === a && x.b.node.name === b) || (x.a.node.name === b && x.b.node.name === a),
    );
    if (!l) throw new LabError(`no link between ${a} and ${b}`, { field: "link" }, "not-found");
    return l;
  }

  setLink(a: string, b: string, up: boolean, opts: { silent?: boolean } = {}): void {
    const l = this.findLink(a, b);
    const silent = !up && (opts.silent ?? false);
    const reason = up ? `link ${l.id} up` : silent ? `link ${l.id} cut silently` : `link ${l.id} down`;
    if (up) {
      l.up = true;
      l.silent = false;
      // Carrier needs both ends powered: a cable plugged into a crashed router stays dark
      // until it boots (setNode brings both sides up then).
      if (l.a.node.up && l.b.node.up) for (const i of [l.a, l.b]) i.node.setCarrier(i, true, reason);
    } else if (silent) {
      l.silent = true;
    } else {
      l.up = false;
      l.a.node.setCarrier(l.a, false, reason);
      l.b.node.setCarrier(l.b, false, reason);
    }
    this.emit({
      kind: "link",
      t: this.net.scheduler.now(),
      link: l.id,
      a: l.a.node.name,
      b: l.b.node.name,
      state: up ? "up" : "down",
      silent,
    });
  }

  setLinkShape(a: string, b: string, shape: LinkShape): void {
    const l = this.findLink(a, b);
    checkShape(shape);
    if (shape.delay !== undefined) l.delay = shape.delay;
    if (shape.loss !== undefined) l.loss = shape.loss;
    const ends = { id: l.id, a: l.a.node.name, b: l.b.node.name, up: l.up, silent: l.silent };
    this.emit(shapeEvent(this.net.scheduler.now(), ends, shape));
  }

  setNode(name: string, up: boolean): void {
    const n = this.node(name);
    if (n.up === up) return;
    if (!up) {
      n.crash();
      // The far ends lose carrier, as a cable to a powered-off router does.
      for (const i of n.ifaces) if (i.peer) i.peer.node.setCarrier(i.peer, false, `${name} down`);
    } else {
      // Carrier on a link needs the far router up too. The far ends get carrier back, but
      // one its administrator took down stays down (setCarrier leaves the admin state alone).
      for (const i of n.ifaces) if (i.link) i.carrier = i.link.up && i.peer!.node.up;
      n.boot();
      startNodeSshd(this.topology, n);
      for (const i of n.ifaces)
        if (i.peer && i.link?.up && i.peer.node.up) i.peer.node.setCarrier(i.peer, true, `${name} up`);
    }
    this.emit({ kind: "node", t: this.net.scheduler.now(), node: name, state: up ? "up" : "down" });
  }

  exec(node: string, line: string, opts: ExecOptions = {}): Execution {
    const n = this.node(node);
    if (!this.opts.exec) throw new LabError("this lab has no shell", {}, "unsupported");
    return this.opts.exec(this, n, line, opts);
  }

  ssh(from: string, host: string, opts: { user?: string; lost?: (message: string) => void } = {}): ShellHop {
    return simSsh(this.net, this.topology, this.node(from), host, opts);
  }

  onEvent(listener: (e: LabEvent) => void, kinds?: readonly LabEventKind[]): () => void {
    const l = ofKinds(listener, kinds);
    const packets = kinds === undefined || kinds.some((k) => PACKET_KINDS.has(k));
    this.listeners.add(l);
    if (packets) this.packetListeners++;
    this.net.trace = (e) => this.emit(e);
    this.net.tracePackets = this.packetListeners > 0;
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.listeners.delete(l);
      if (packets) this.packetListeners--;
      this.net.tracePackets = this.packetListeners > 0;
      if (this.listeners.size === 0) this.net.trace = null;
    };
  }

  onWire(listener: WireListener): () => void {
    this.wireListeners.add(listener);
    this.net.capture = (link, t, bytes, packet) => {
      for (const l of this.wireListeners) l(link.id, t, bytes, packet);
    };
    return () => {
      this.wireListeners.delete(listener);
      if (this.wireListeners.size === 0) this.net.capture = null;
    };
  }

  /** Sends an event to every listener (engine-level events: link, node, command). */
  emit(e: LabEvent): void {
    for (const l of this.listeners) l(e);
  }

  clock(): ClockState {
    return clockState(this.net.scheduler.now(), this.pacer);
  }

  async advance(ns: Nanos): Promise<void> {
    this.net.scheduler.runUntil(this.net.scheduler.now() + ns);
  }

  async advanceUntil(cond: () => boolean, max: Nanos): Promise<boolean> {
    return this.runUntil(cond, max);
  }

  /** Runs events until `done()` holds or `max` virtual time has passed; returns whether it held. */
  runUntil(done: () => boolean, max: Nanos): boolean {
    const s = this.net.scheduler;
    const end = s.now() + max;
    while (!done()) {
      const t = s.peekTime();
      if (t > end) {
        s.runUntil(end);
        return done();
      }
      s.step();
    }
    return true;
  }

  async close(): Promise<void> {
    this.pacer?.stop();
    this.listeners.clear();
    this.packetListeners = 0;
    this.net.trace = null;
  }
}
