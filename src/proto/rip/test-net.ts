/**
 * @module proto/rip/test-net
 * Test scaffolding, not the product: a tiny network of `Host`s on point-to-point links with
 * its own event queue, so the RIP daemon can be tested without the simulator. Messages travel
 * as the bytes the daemon encoded (the daemon parses them again on arrival), unicast is
 * forwarded hop by hop through each node's table, and links can be cut loudly (both
 * interfaces go down) or silently (packets just vanish).
 */
import { formatIpv4, type Ipv4, isMulticast, maskOf, parseIpv4, parsePrefix } from "../../core/ip.js";
import { Rng } from "../../core/rng.js";
import { MS, type Nanos } from "../../core/time.js";
import {
  type Datagram,
  type Host,
  type HostInterface,
  type IcmpMessage,
  type Reason,
  type RouteSpec,
  type RoutingDaemon,
  reasonText,
  type SendOptions,
  type SendResult,
  type TimerHandle,
} from "../../sim/host.js";

interface Ev {
  t: Nanos;
  seq: number;
  fn: () => void;
  cancelled: boolean;
  /** A Host timer (not a packet in flight). */
  timer: boolean;
}

/** Binary min-heap on (t, seq): same-time events run in the order they were scheduled. */
class Queue {
  private h: Ev[] = [];
  get size(): number {
    return this.h.length;
  }
  push(e: Ev): void {
    const h = this.h;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p]!, h[i]!)) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }
  count(pred: (e: Ev) => boolean): number {
    let n = 0;
    for (const e of this.h) if (pred(e)) n++;
    return n;
  }
  peek(): Ev | undefined {
    return this.h[0];
  }
  pop(): Ev | undefined {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l]!, h[m]!)) m = l;
        if (r < h.length && less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}
const less = (a: Ev, b: Ev) => a.t < b.t || (a.t === b.t && a.seq < b.seq);

export class TestIface implements HostInterface {
  up = true;
  link: TestLink | null = null;
  constructor(
    readonly node: TestHost,
    readonly index: number,
    readonly name: string,
    readonly addr: Ipv4,
    readonly len: number,
    readonly isLink: boolean,
  ) {}
  get net(): Ipv4 {
    return (this.addr & maskOf(this.len)) >>> 0;
  }
}

export class TestLink {
  /** False while silently cut: packets vanish, interfaces stay up. */
  passing = true;
  constructor(
    readonly a: TestIface,
    readonly b: TestIface,
    readonly delay: Nanos,
  ) {}
  peer(i: TestIface): TestIface {
    return i === this.a ? this.b : this.a;
  }
}

interface Pkt {
  src: Ipv4;
  dst: Ipv4;
  srcPort: number;
  dstPort: number;
  ttl: number;
  payload: Uint8Array;
}

/** One transmission on a link, as a capture would show it. */
export interface WireRecord {
  t: Nanos;
  node: string;
  iface: string;
  to: string;
  src: Ipv4;
  dst: Ipv4;
  srcPort: number;
  dstPort: number;
  ttl: number;
  tos: number;
  payload: Uint8Array;
}

export interface RouteRecord {
  t: Nanos;
  node: string;
  action: "set" | "delete";
  dest: Ipv4;
  len: number;
  gateway: Ipv4;
  metric: number;
  reason: string;
}

interface FibEntry extends RouteSpec {
  source: string;
}

export class TestHost implements Host {
  readonly ifaces: TestIface[] = [];
  readonly rng: Rng;
  private udp = new Map<number, (d: Datagram) => void>();
  private groups = new Set<number>();
  private watchers: ((i: HostInterface) => void)[] = [];
  /** source → key → route */
  readonly fib = new Map<string, Map<number, FibEntry>>();
  readonly daemons: RoutingDaemon[] = [];

  constructor(
    readonly net: TestNet,
    readonly name: string,
    index: number,
  ) {
    this.rng = net.rng.fork(index);
    this.ifaces.push(new TestIface(this, 0, "lo0", 0x7f000001, 8, false));
  }

  now(): Nanos {
    return this.net.now;
  }
  timer(delay: Nanos, fn: () => void): TimerHandle {
    const e = this.net.schedule(delay, fn, true);
    return {
      cancel() {
        e.cancelled = true;
      },
    };
  }
  interfaces(): readonly HostInterface[] {
    return this.ifaces;
  }
  udpBind(port: number, handler: (d: Datagram) => void): { close(): void } {
    if (this.udp.has(port)) throw new Error(`${this.name}: port ${port} in use`);
    this.udp.set(port, handler);
    return { close: () => this.udp.delete(port) };
  }
  joinGroup(group: Ipv4): void {
    this.groups.add(group);
  }
  icmpListen(_h: (m: IcmpMessage) => void): { close(): void } {
    return { close() {} };
  }
  sendIcmpEcho(): SendResult {
    return { ok: false, error: "ENETUNREACH" };
  }
  ipBind(): { close(): void } {
    return { close() {} };
  }
  sendIp(): SendResult {
    return { ok: false, error: "ENETUNREACH" };
  }
  onInterfaceChange(fn: (iface: HostInterface) => void): { close(): void } {
    this.watchers.push(fn);
    return {
      close: () => {
        this.watchers = this.watchers.filter((w) => w !== fn);
      },
    };
  }

  setRoute(source: string, r: RouteSpec, why: Reason): void {
    const reason = reasonText(why);
    let m = this.fib.get(source);
    if (m === undefined) {
      m = new Map();
      this.fib.set(source, m);
    }
    m.set(r.dest * 33 + r.len, { ...r, source });
    this.net.routeLog.push({ t: this.net.now, node: this.name, action: "set", ...r, reason });
  }
  deleteRoute(source: string, dest: Ipv4, len: number, why: Reason): void {
    const reason = reasonText(why);
    const m = this.fib.get(source);
    const r = m?.get(dest * 33 + len);
    if (r === undefined) return;
    m!.delete(dest * 33 + len);
    this.net.routeLog.push({
      t: this.net.now,
      node: this.name,
      action: "delete",
      dest,
      len,
      gateway: r.gateway,
      metric: r.metric,
      reason,
    });
  }

  /** Longest match; connected networks beat learned routes of the same length. */
  lookup(dst: Ipv4): { gateway: Ipv4; iface: number; len: number; source: string } | undefined {
    let best: { gateway: Ipv4; iface: number; len: number; source: string } | undefined;
    for (const i of this.ifaces)
      if (
        i.isLink &&
        i.up &&
        (dst & maskOf(i.len)) >>> 0 === i.net &&
        (best === undefined || i.len > best.len)
      )
        best = { gateway: 0, iface: i.index, len: i.len, source: "connected" };
    for (const [source, m] of this.fib)
      for (const r of m.values())
        if ((dst & maskOf(r.len)) >>> 0 === r.dest && (best === undefined || r.len > best.len))
          best = { gateway: r.gateway, iface: r.iface, len: r.len, source };
    return best;
  }

  /** The route the node would use for dest/len exactly (connected first), for assertions. */
  routeTo(prefix: string): { gateway: string; iface: string; metric: number; source: string } | undefined {
    const p = parsePrefix(prefix)!;
    for (const i of this.ifaces)
      if (i.isLink && i.up && i.net === p.addr && i.len === p.len)
        return { gateway: "", iface: i.name, metric: 0, source: "connected" };
    const r = this.fib.get("rip")?.get(p.addr * 33 + p.len);
    if (r === undefined) return undefined;
    return {
      gateway: formatIpv4(r.gateway),
      iface: this.ifaces[r.iface]!.name,
      metric: r.metric,
      source: "rip",
    };
  }

  isLocal(a: Ipv4): boolean {
    return a >>> 24 === 127 || this.ifaces.some((i) => i.isLink && i.addr === a);
  }

  sendUdp(
    dst: Ipv4,
    srcPort: number,
    dstPort: number,
    payload: Uint8Array,
    opts: SendOptions = {},
  ): SendResult {
    const pkt: Pkt = { src: 0, dst, srcPort, dstPort, ttl: opts.ttl ?? 64, payload: payload.slice() };
    if (opts.iface !== undefined) {
      const i = this.ifaces[opts.iface];
      if (i === undefined || !i.up) return { ok: false, error: "ENETDOWN" };
      pkt.src = opts.src ?? i.addr;
      this.transmit(i, pkt, opts.tos ?? 0);
      return { ok: true, packet: 0 };
    }
    if (this.isLocal(dst)) {
      pkt.src = opts.src ?? dst;
      this.net.schedule(0, () => this.deliver(pkt, 0));
      return { ok: true, packet: 0 };
    }
    if (isMulticast(dst)) return { ok: false, error: "ENETUNREACH" };
    const r = this.lookup(dst);
    if (r === undefined) return { ok: false, error: "EHOSTUNREACH" };
    const i = this.ifaces[r.iface]!;
    pkt.src = opts.src ?? i.addr;
    this.transmit(i, pkt, opts.tos ?? 0);
    return { ok: true, packet: 0 };
  }

  private transmit(i: TestIface, pkt: Pkt, tos: number): void {
    const link = i.link;
    if (link === null || !i.up) return;
    const peer = link.peer(i);
    this.net.wire.push({
      t: this.net.now,
      node: this.name,
      iface: i.name,
      to: peer.node.name,
      src: pkt.src,
      dst: pkt.dst,
      srcPort: pkt.srcPort,
      dstPort: pkt.dstPort,
      ttl: pkt.ttl,
      tos,
      payload: pkt.payload,
    });
    this.net.schedule(link.delay, () => {
      if (!link.passing || !peer.up || !i.up) return;
      peer.node.input(pkt, peer);
    });
  }

  input(pkt: Pkt, i: TestIface): void {
    // As sim/ip-input.ts: ours, a group joined, or a broadcast on the interface it came in on.
    const bcast = i.len <= 30 ? (i.addr | ~maskOf(i.len)) >>> 0 : 0xffffffff;
    if (
      this.isLocal(pkt.dst) ||
      (isMulticast(pkt.dst) && this.groups.has(pkt.dst)) ||
      pkt.dst === bcast ||
      pkt.dst === 0xffffffff
    ) {
      this.deliver(pkt, i.index);
      return;
    }
    if (isMulticast(pkt.dst) || pkt.ttl <= 1) return;
    const r = this.lookup(pkt.dst);
    if (r === undefined || r.iface === 0) return;
    this.transmit(this.ifaces[r.iface]!, { ...pkt, ttl: pkt.ttl - 1 }, 0);
  }

  private deliver(pkt: Pkt, iface: number): void {
    const h = this.udp.get(pkt.dstPort);
    if (h === undefined) return;
    h({
      src: pkt.src,
      dst: pkt.dst,
      srcPort: pkt.srcPort,
      dstPort: pkt.dstPort,
      ttl: pkt.ttl,
      iface,
      payload: pkt.payload,
    });
  }

  /** Interface up/down as the kernel would: connected and dependent routes go, daemons are told. */
  setInterface(i: TestIface, up: boolean): void {
    if (i.up === up) return;
    i.up = up;
    if (!up)
      for (const [source, m] of this.fib)
        for (const r of [...m.values()])
          if (r.iface === i.index) this.deleteRoute(source, r.dest, r.len, `${i.name} down`);
    for (const w of this.watchers.slice()) w(i);
  }

  /** Sends a raw UDP payload from this node (tests of input checks). */
  sendRaw(iface: string, dst: Ipv4, srcPort: number, dstPort: number, payload: Uint8Array, src?: Ipv4): void {
    const i = this.ifaces.find((x) => x.name === iface)!;
    const pkt: Pkt = { src: src ?? i.addr, dst, srcPort, dstPort, ttl: 1, payload: payload.slice() };
    this.transmit(i, pkt, 0);
  }

  iface(name: string): TestIface {
    const i = this.ifaces.find((x) => x.name === name);
    if (i === undefined) throw new Error(`${this.name}: no interface ${name}`);
    return i;
  }
}

export class TestNet {
  now: Nanos = 0;
  private seq = 0;
  private queue = new Queue();
  readonly nodes = new Map<string, TestHost>();
  readonly links: TestLink[] = [];
  readonly rng: Rng;
  readonly wire: WireRecord[] = [];
  readonly routeLog: RouteRecord[] = [];

  constructor(seed = 1) {
    this.rng = new Rng(seed);
  }

  /** Builds a network from an edge list ("A B SUBNET" lines, `#` comments), as seed9.edges. */
  static fromEdges(text: string, opts: { seed?: number; delay?: Nanos } = {}): TestNet {
    const net = new TestNet(opts.seed);
    for (const raw of text.split("\n")) {
      const line = raw.replace(/#.*/, "").trim();
      if (line === "") continue;
      const [a, b, subnet] = line.split(/\s+/);
      net.connect(a!, b!, subnet!, opts.delay);
    }
    return net;
  }

  node(name: string): TestHost {
    let n = this.nodes.get(name);
    if (n === undefined) {
      n = new TestHost(this, name, this.nodes.size);
      this.nodes.set(name, n);
    }
    return n;
  }

  /** Links a and b on `subnet` (a gets .1, b .2); interfaces are named epairNa / epairNb. */
  connect(a: string, b: string, subnet: string, delay: Nanos = 1 * MS): TestLink {
    const p = parsePrefix(subnet);
    if (p === undefined) throw new Error(`bad subnet ${subnet}`);
    const n = this.links.length;
    const na = this.node(a);
    const nb = this.node(b);
    const ia = new TestIface(na, na.ifaces.length, `epair${n}a`, p.addr + 1, p.len, true);
    na.ifaces.push(ia);
    const ib = new TestIface(nb, nb.ifaces.length, `epair${n}b`, p.addr + 2, p.len, true);
    nb.ifaces.push(ib);
    const l = new TestLink(ia, ib, delay);
    ia.link = l;
    ib.link = l;
    this.links.push(l);
    return l;
  }

  link(a: string, b: string): TestLink {
    const l = this.links.find(
      (x) => (x.a.node.name === a && x.b.node.name === b) || (x.a.node.name === b && x.b.node.name === a),
    );
    if (l === undefined) throw new Error(`no link ${a}-${b}`);
    return l;
  }

  /** Attaches and starts a daemon on every node, in node order, at the current time. */
  start(make: (node: TestHost) => RoutingDaemon): void {
    for (const n of this.nodes.values()) {
      const d = make(n);
      n.daemons.push(d);
      d.start(n);
    }
  }

  schedule(delay: Nanos, fn: () => void, timer = false): Ev {
    const e: Ev = { t: this.now + Math.max(0, delay), seq: this.seq++, fn, cancelled: false, timer };
    this.queue.push(e);
    return e;
  }

  /** Runs events up to and including time `t`, then sets the clock to `t`. */
  runUntil(t: Nanos): void {
    for (;;) {
      const e = this.queue.peek();
      if (e === undefined || e.t > t) break;
      this.queue.pop();
      if (e.cancelled) continue;
      this.now = e.t;
      e.fn();
    }
    this.now = t;
  }

  runFor(d: Nanos): void {
    this.runUntil(this.now + d);
  }

  /** Runs until `pred` holds (checked after every event) or `limit` passes; returns whether it held. */
  runUntilTrue(pred: () => boolean, limit: Nanos): boolean {
    const end = this.now + limit;
    for (;;) {
      if (pred()) return true;
      const e = this.queue.peek();
      if (e === undefined || e.t > end) {
        this.now = end;
        return pred();
      }
      this.queue.pop();
      if (e.cancelled) continue;
      this.now = e.t;
      e.fn();
    }
  }

  /** Events waiting (timers and packets in flight). */
  get pending(): number {
    return this.queue.size;
  }

  /** Live (not cancelled) Host timers waiting in the queue. */
  get pendingTimers(): number {
    return this.queue.count((e) => e.timer && !e.cancelled);
  }

  /** `link down`: both interfaces go down (daemons are told). `silent`: packets just vanish. */
  linkDown(a: string, b: string, silent = false): void {
    const l = this.link(a, b);
    if (silent) {
      l.passing = false;
      return;
    }
    l.a.node.setInterface(l.a, false);
    l.b.node.setInterface(l.b, false);
  }

  linkUp(a: string, b: string): void {
    const l = this.link(a, b);
    l.passing = true;
    l.a.node.setInterface(l.a, true);
    l.b.node.setInterface(l.b, true);
  }

  /** Address of `node` on its link to `peer`. */
  addr(node: string, peer: string): Ipv4 {
    const l = this.link(node, peer);
    return l.a.node.name === node ? l.a.addr : l.b.addr;
  }
}

export const ip = (s: string): Ipv4 => {
  const a = parseIpv4(s);
  if (a === undefined) throw new Error(`bad address ${s}`);
  return a;
};

/** /work/shared/topologies/seed9.edges: the seed post's 9 routers, links in the post's order. */
export const SEED9 = `
vm1 vm2 10.0.10.0/24
vm1 vm3 10.0.20.0/24
vm2 vm3 10.0.30.0/24
vm1 vm4 10.0.40.0/24
vm1 vm5 10.0.50.0/24
vm2 vm6 10.0.60.0/24
vm2 vm7 10.0.70.0/24
vm3 vm8 10.0.80.0/24
vm3 vm9 10.0.90.0/24
`;

/** The table of a node as `dest gateway iface metric` lines, connected first. */
export function table(net: TestNet, node: string): string[] {
  const n = net.node(node);
  const rows: [number, string][] = [];
  for (const i of n.ifaces)
    if (i.isLink && i.up) rows.push([i.net, `${formatIpv4(i.net)}/${i.len} link ${i.name}`]);
  for (const r of n.fib.get("rip")?.values() ?? [])
    rows.push([
      r.dest,
      `${formatIpv4(r.dest)}/${r.len} ${formatIpv4(r.gateway)} ${n.ifaces[r.iface]!.name} ${r.metric}`,
    ]);
  return rows.sort((a, b) => a[0] - b[0]).map((r) => r[1]);
}
