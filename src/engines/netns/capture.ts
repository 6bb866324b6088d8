/**
 * @module engines/netns/capture
 * The picture stays honest on real kernels: one tcpdump per link (on the first endpoint's veth,
 * both directions) streams pcap to us; each frame is decoded with src/wire and becomes the
 * same events the simulator emits.
 *
 * - hop: a frame on link L whose Ethernet source is A's MAC went A → B (veth: seen leaving A is
 *   arriving at B). The MACs are ours (plan.ts), so direction needs no guessing.
 * - deliver: the frame's destination is an address of B (or a multicast group and B runs a routing protocol).
 * - drop: an ICMP error names the packet it quotes — time exceeded → ttl-expired, net/host
 *   unreachable → no-route, port unreachable → port-unreachable — at the router that sent it.
 * - packet ids: a packet keeps its id across hops because the key is what forwarding does not
 *   change: source, destination, IP id, protocol and the first 8 transport bytes (ports, or
 *   ICMP type/code/checksum/id/seq) — exactly what an ICMP error quotes, so errors find their packet.
 * - user: the DSCP mark every command's packets carry (ping -Q, traceroute -t; see commands.ts);
 *   ICMP errors are charged by the mark in the header they quote, echo replies copy the mark.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { DropReason, LabEvent } from "../../core/events.js";
import type { Ipv4 } from "../../core/ip.js";
import type { Nanos } from "../../core/time.js";
import { classify, summarize } from "../../wire/summary.js";
import { routingSpec } from "../../topology/protocols/index.js";
import type { LabPlan, PlannedIface } from "./plan.js";
import { TcpFlows, tcpSegment } from "./tcp-flows.js";

/** Incremental pcap reader: feed chunks, get records (tcpdump writes a stream, not a file). */
export class PcapStream {
  private buf = new Uint8Array(0);
  private header = false;
  private le = true;
  private nanos = false;

  push(
    chunk: Uint8Array,
    onRecord: (sec: number, nsec: number, frame: Uint8Array, origLen: number) => void,
  ): void {
    const b = new Uint8Array(this.buf.length + chunk.length);
    b.set(this.buf);
    b.set(chunk, this.buf.length);
    const v = new DataView(b.buffer);
    let o = 0;
    if (!this.header) {
      if (b.length < 24) {
        this.buf = b;
        return;
      }
      const m = v.getUint32(0, true);
      this.le = m === 0xa1b2c3d4 || m === 0xa1b23c4d;
      const mm = this.le ? m : v.getUint32(0, false);
      this.nanos = mm === 0xa1b23c4d;
      this.header = true;
      o = 24;
    }
    while (o + 16 <= b.length) {
      const incl = v.getUint32(o + 8, this.le);
      if (o + 16 + incl > b.length) break;
      const sec = v.getUint32(o, this.le);
      const frac = v.getUint32(o + 4, this.le);
      onRecord(
        sec,
        this.nanos ? frac : frac * 1000,
        b.subarray(o + 16, o + 16 + incl),
        v.getUint32(o + 12, this.le),
      );
      o += 16 + incl;
    }
    this.buf = b.slice(o);
  }
}

const ETH_LEN = 14;

function macBytes(mac: string): Uint8Array {
  return Uint8Array.from(mac.split(":").map((x) => Number.parseInt(x, 16)));
}

/** The key of a packet from its IPv4 header at `o` and the 8 bytes after it (or fewer). */
function packetKey(b: Uint8Array, o: number): string {
  const ihl = (b[o]! & 15) * 4;
  let k = "";
  for (let i = 4; i < 6; i++) k += b[o + i]!.toString(16).padStart(2, "0"); // id
  k += `:${b[o + 9]}:`;
  for (let i = 12; i < 20; i++) k += b[o + i]!.toString(16).padStart(2, "0"); // src, dst
  k += ":";
  const end = Math.min(b.length, o + ihl + 8);
  for (let i = o + ihl; i < end; i++) k += b[i]!.toString(16).padStart(2, "0");
  return k;
}

export interface CaptureSink {
  plan: LabPlan;
  /** Lab time of a capture timestamp. */
  timeOf(sec: number, nsec: number): Nanos;
  userOfTos(tos: number): string;
  /** One-way delay the kernel applies on a link (0 without netem). */
  delayOf(linkId: string): Nanos;
  emit(e: LabEvent): void;
  /** Addresses a node gained after boot (aliases): they take deliveries too. */
  aliasOf?(node: string, addr: Ipv4): boolean;
  /** Each captured frame (its first 256 bytes) with the packet id its events carry: Lab.onWire. */
  wire?(link: string, t: Nanos, frame: Uint8Array, packet: number): void;
}

/**
 * A live capture of one link from the kernel (`routelab capture`, GET /api/links/:link/capture):
 * a tcpdump of its own on the link's first end (both directions cross that veth), every frame
 * whole (ARP too; the event captures below take IPv4's first 256 bytes), as pcap on a pipe.
 * Returns the process, for the lab to track and the caller to stop.
 */
export function tapKernelLink(
  netns: string,
  kname: string,
  onFrame: (sec: number, nsec: number, frame: Uint8Array, origLen: number) => void,
): ChildProcess {
  const p = spawn("ip", tcpdumpArgv(netns, kname), { stdio: ["ignore", "pipe", "ignore"] });
  const stream = new PcapStream();
  p.stdout!.on("data", (chunk: Buffer) => stream.push(chunk, onFrame));
  return p;
}

/**
 * `ip netns exec NS tcpdump` on one interface writing pcap with nanosecond stamps to stdout,
 * each packet flushed at once; whole frames unless `snap` is given, every frame unless `filter`.
 */
function tcpdumpArgv(netns: string, kname: string, o: { snap?: number; filter?: string } = {}): string[] {
  return [
    ...["netns", "exec", netns, "tcpdump", "-i", kname, "-w", "-", "-U", "-n"],
    ...(o.snap === undefined ? [] : ["-s", String(o.snap)]),
    "--immediate-mode",
    "--time-stamp-precision=nano",
    ...(o.filter === undefined ? [] : [o.filter]),
  ];
}

/** Runs the captures of a lab and turns frames into events. */
export class LinkCaptures {
  private ids = new Map<string, number>();
  private nextId = 1;
  readonly children: ChildProcess[] = [];
  private readonly addrs = new Map<string, Set<Ipv4>>();
  /** Nodes running a routing protocol: they take its multicast. */
  private readonly routers = new Set<string>();
  /** Whose TCP connection a segment is, and the socket events of handshakes (tcp-flows.ts). */
  private readonly flows: TcpFlows;

  constructor(private readonly sink: CaptureSink) {
    for (const n of sink.plan.nodes) {
      this.addrs.set(n.name, new Set(n.ifaces.map((i) => i.addr)));
      if (routingSpec(n.routing) !== undefined) this.routers.add(n.name);
    }
    this.flows = new TcpFlows(
      (addr) => this.ownerOf(addr),
      (e) => sink.emit(e),
    );
  }

  /** The node `addr` belongs to (a link address or an alias), if any. */
  private ownerOf(addr: Ipv4): string | undefined {
    for (const [node, set] of this.addrs) if (set.has(addr)) return node;
    for (const node of this.addrs.keys()) if (this.sink.aliasOf?.(node, addr)) return node;
    return undefined;
  }

  /** Whether `addr` is one of `node`'s (a bridge owns none). */
  private owns(node: string, addr: Ipv4): boolean {
    return (this.addrs.get(node)?.has(addr) ?? false) || (this.sink.aliasOf?.(node, addr) ?? false);
  }

  /** Starts one tcpdump per link; resolves when all listen. */
  async start(): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const n of this.sink.plan.nodes)
      for (const i of n.ifaces) {
        if (i.link.a.node !== n.name || i.link.a.iface !== i.name) continue;
        // The far end: a node, or a segment's bridge (its name, as the simulator's hops say).
        waits.push(this.capture(n.netns, n.name, i, i.link.b.node));
      }
    await Promise.all(waits);
  }

  private capture(netns: string, a: string, ia: PlannedIface, b: string): Promise<void> {
    const p = spawn("ip", tcpdumpArgv(netns, ia.kname, { snap: 256, filter: "ip" }), {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.children.push(p);
    const macA = macBytes(ia.mac);
    const stream = new PcapStream();
    const link = ia.link.id;
    p.stdout!.on("data", (chunk: Buffer) =>
      stream.push(chunk, (sec, nsec, frame) => {
        if (frame.length < ETH_LEN + 20 || frame[12] !== 0x08 || frame[13] !== 0x00) return;
        let fromA = true;
        for (let i = 0; i < 6; i++) if (frame[6 + i] !== macA[i]) fromA = false;
        this.frame(
          this.sink.timeOf(sec, nsec),
          link,
          fromA ? a : b,
          fromA ? b : a,
          frame.subarray(ETH_LEN),
          frame,
        );
      }),
    );
    return new Promise((resolve) => {
      let err = "";
      const done = () => resolve();
      p.stderr!.setEncoding("utf8").on("data", (s: string) => {
        err += s;
        if (err.includes("listening on")) done();
      });
      p.on("exit", done);
      setTimeout(done, 5000);
    });
  }

  private id(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      if (this.ids.size > 100_000) this.ids.clear();
      id = this.nextId++;
      this.ids.set(key, id);
    }
    return id;
  }

  /** One IPv4 packet seen on `link` going `from` → `to`. */
  frame(t: Nanos, link: string, from: string, to: string, ip: Uint8Array, eth?: Uint8Array): void {
    const s = this.sink;
    const packet = this.id(packetKey(ip, 0));
    if (eth !== undefined) s.wire?.(link, t, eth, packet);
    const tos = ip[1]!;
    const proto = ip[9]!;
    const ihl = (ip[0]! & 15) * 4;
    const cls = classify(ip);
    const summary = summarize(ip);
    const icmpError = proto === 1 && ip.length >= ihl + 8 + 20 && (ip[ihl] === 3 || ip[ihl] === 11);
    const marked = s.userOfTos(icmpError ? ip[ihl + 8 + 1]! : tos);
    const seg = proto === 6 ? tcpSegment(ip) : undefined;
    const user = seg === undefined ? marked : this.flows.seen(t, seg, marked);
    const duration = s.delayOf(link);
    s.emit({ kind: "hop", t, packet, user, cls, from, to, link, duration, size: ip.length, summary });
    const dst = ((ip[16]! << 24) | (ip[17]! << 16) | (ip[18]! << 8) | ip[19]!) >>> 0;
    const src = ((ip[12]! << 24) | (ip[13]! << 16) | (ip[14]! << 8) | ip[15]!) >>> 0;
    // `to` or `from` may be a segment's bridge, which owns no address and delivers nothing.
    const mine = this.owns(to, dst);
    const group = dst >>> 28 === 14;
    if (mine || (group && this.routers.has(to)))
      s.emit({ kind: "deliver", t: t + duration, packet, user, cls, node: to, summary });
    // The sender of an ICMP error is where the quoted packet died: the first hop of the error.
    if (icmpError && this.addrs.get(from)?.has(src)) {
      const type = ip[ihl]!;
      const code = ip[ihl + 1]!;
      const reason: DropReason =
        type === 11
          ? "ttl-expired"
          : code === 3
            ? "port-unreachable"
            : code === 2
              ? "proto-unreachable"
              : code <= 1 || code === 6 || code === 7
                ? "no-route"
                : "filtered";
      const quoted = this.id(packetKey(ip, ihl + 8));
      s.emit({
        kind: "drop",
        t,
        packet: quoted,
        user,
        cls: classify(ip.subarray(ihl + 8)),
        node: from,
        reason,
        summary: summarize(ip.subarray(ihl + 8)),
      });
    }
  }
}
