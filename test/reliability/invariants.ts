/**
 * @module test/reliability/invariants
 * What must hold after any run of the simulator, whatever faults were injected (issue 8):
 *
 * - Conservation: every packet created ends in exactly one `deliver` or one `drop` event with a
 *   known reason, and the network's counters say the same (`created = delivered + dropped` once
 *   nothing is in flight; per-reason counts equal).
 * - Each packet's story is continuous: every hop leaves the node the previous hop reached, no
 *   earlier than it arrived, and the terminal event happens where and when the last hop ended.
 * - The event stream, the pcap capture and the interface counters agree: one captured record
 *   per hop, on the hop's link, an Ethernet II frame from the sending end's MAC whose bytes
 *   summarise to the hop's summary, carrying IPv4 with a valid header checksum or a well-formed
 *   ARP request (broadcast) or reply (unicast); the interfaces' output counters sum to the
 *   number of hops. ARP frames are packets like any other: created, hopping, ending once.
 * - ARP caches tell the truth (`checkArpCaches`): a resolved entry maps an address to the MAC of
 *   the interface that holds it on that link, and once drained no entry holds a packet.
 * - After the faults stop and routing reconverges, no forwarding loop for any destination, and
 *   every address on a working link is reachable from exactly the nodes that share its
 *   connected component of working links (walking the FIBs as the forwarding path does).
 *
 * `Ledger` watches a lab from its construction; `checkDrained` and `checkRouting` return lists
 * of violations (empty when all is well) so a property test can print the first few.
 */
import type { DropReason, LabEvent } from "../../src/core/events.js";
import { formatIpv4 } from "../../src/core/ip.js";
import type { SimLab } from "../../src/engines/sim/index.js";
import type { Link, Network, SimNode } from "../../src/sim/index.js";
import {
  ARPOP_REPLY,
  ARPOP_REQUEST,
  arpOp,
  checkArp,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ethernetType,
  ipv4HeaderChecksumOk,
  LINKTYPE_ETHERNET,
  parsePcap,
  pcapFileHeader,
  pcapRecord,
  summarizeFrame,
  WireError,
} from "../../src/wire/index.js";

export const DROP_REASONS: ReadonlySet<DropReason> = new Set<DropReason>([
  "ttl-expired",
  "no-route",
  "link-down",
  "iface-down",
  "node-down",
  "queue-full",
  "loss",
  "bad-checksum",
  "bad-header",
  "malformed",
  "port-unreachable",
  "proto-unreachable",
  "not-for-us",
  "filtered",
  "no-listener",
  "unresolved",
  "broadcast",
]);

interface PacketStory {
  hops: number;
  /** Where and when the last hop ends. */
  at: string;
  arrival: number;
  link: string;
  summary: string;
  terminal: number;
}

/** Records the event stream and the capture of a lab from the start, checking as it goes. */
export class Ledger {
  readonly violations: string[] = [];
  private stories = new Map<number, PacketStory>();
  private noHop: number[] = [];
  hops = 0;
  delivers = 0;
  drops = 0;
  readonly byReason = new Map<string, number>();
  /** pcap records as written by `routelab run --capture` (one file for all links here). */
  private pcap: Uint8Array[] = [pcapFileHeader(LINKTYPE_ETHERNET)];
  /** ARP frames captured, requests and replies. */
  arpRequests = 0;
  arpReplies = 0;
  captured = 0;
  private lastHop: { link: string; summary: string } | null = null;
  /** Time of the last non-hop event (they must come in time order). */
  private lastT = 0;
  readonly kinds = new Map<string, number>();
  private readonly net: Network;
  private unsubscribe: () => void;

  constructor(readonly lab: SimLab) {
    this.net = lab.net;
    this.unsubscribe = lab.onEvent((e) => this.onEvent(e));
    this.net.capture = (link, t, bytes) => this.onCapture(link, t, bytes);
  }

  stop(): void {
    this.unsubscribe();
    this.net.capture = null;
  }

  private fail(msg: string): void {
    if (this.violations.length < 20) this.violations.push(msg);
  }

  private onEvent(e: LabEvent): void {
    this.kinds.set(e.kind, (this.kinds.get(e.kind) ?? 0) + 1);
    if (e.kind !== "hop") {
      if (e.t < this.lastT) this.fail(`${e.kind} event at t=${e.t} after one at t=${this.lastT}`);
      this.lastT = e.t;
    }
    switch (e.kind) {
      case "hop": {
        this.hops++;
        this.lastHop = { link: e.link, summary: e.summary };
        const s = this.stories.get(e.packet);
        if (s === undefined) {
          this.stories.set(e.packet, {
            hops: 1,
            at: e.to,
            arrival: e.t + e.duration,
            link: e.link,
            summary: e.summary,
            terminal: 0,
          });
          return;
        }
        if (s.terminal > 0) this.fail(`packet ${e.packet} hops on ${e.link} after it ended`);
        if (e.from !== s.at) this.fail(`packet ${e.packet} leaves ${e.from} but was at ${s.at}`);
        if (e.t < s.arrival)
          this.fail(`packet ${e.packet} leaves ${e.from} at ${e.t} before arriving at ${s.arrival}`);
        s.hops++;
        s.at = e.to;
        s.arrival = e.t + e.duration;
        s.link = e.link;
        s.summary = e.summary;
        return;
      }
      case "deliver":
      case "drop": {
        if (e.kind === "deliver") this.delivers++;
        else {
          this.drops++;
          if (!DROP_REASONS.has(e.reason))
            this.fail(`packet ${e.packet} dropped with unknown reason '${e.reason}'`);
          this.byReason.set(e.reason, (this.byReason.get(e.reason) ?? 0) + 1);
        }
        const s = this.stories.get(e.packet);
        if (s === undefined) {
          // Never left its node: dropped or delivered (loopback) where it was made.
          this.stories.set(e.packet, {
            hops: 0,
            at: e.node,
            arrival: e.t,
            link: "",
            summary: e.summary,
            terminal: 1,
          });
          this.noHop.push(e.packet);
          return;
        }
        s.terminal++;
        if (s.terminal > 1)
          this.fail(`packet ${e.packet} has ${s.terminal} terminal events (last: ${e.kind})`);
        if (s.hops > 0) {
          if (e.node !== s.at)
            this.fail(`packet ${e.packet} ends at ${e.node} but its last hop went to ${s.at}`);
          // A packet ARP held at its node (FreeBSD's la_hold, one per neighbour) ends later: freed
          // with its incomplete entry, replaced by a newer one, or lost when the node crashed.
          const held = e.kind === "drop" && (e.reason === "unresolved" || e.reason === "node-down");
          if (held ? e.t < s.arrival : e.t !== s.arrival)
            this.fail(`packet ${e.packet} ends at t=${e.t} but its last hop arrived at t=${s.arrival}`);
        }
        return;
      }
      default:
        return;
    }
  }

  private onCapture(link: Link, t: number, frame: Uint8Array): void {
    this.captured++;
    const h = this.lastHop;
    if (h === null) this.fail(`captured a frame on ${link.id} with no hop event`);
    else {
      if (h.link !== link.id) this.fail(`captured on ${link.id} but the hop event says ${h.link}`);
      const s = summarizeFrame(frame);
      if (s !== h.summary) this.fail(`capture '${s}' differs from hop event '${h.summary}'`);
    }
    this.lastHop = null;
    // Every frame is Ethernet II from the sending interface's MAC, carrying IPv4 with a good
    // header checksum or a well-formed ARP request (broadcast) or reply (unicast).
    // A segment's switch passes frames on with their sender's MAC: from its port, any station's.
    const sw = link.b.node.bridge;
    const senders = sw === null ? [link.a, link.b] : [link.a, ...sw.ports.map((p) => p.peer!)];
    if (!senders.some((end) => end.mac.every((b, k) => b === frame[6 + k])))
      this.fail(
        `frame on ${link.id} from a MAC of neither end${sw === null ? "" : " nor a station of its segment"}`,
      );
    const type = ethernetType(frame);
    const payload = frame.subarray(14);
    if (type === ETHERTYPE_IPV4) {
      if (!ipv4HeaderChecksumOk(payload))
        this.fail(`captured a packet with a bad IPv4 checksum on ${link.id}`);
    } else if (type === ETHERTYPE_ARP) {
      const op = checkArp(payload) === undefined ? arpOp(payload) : 0;
      if (op === ARPOP_REQUEST && frame.subarray(0, 6).every((b) => b === 0xff)) this.arpRequests++;
      else if (op === ARPOP_REPLY && (frame[0]! & 1) === 0) this.arpReplies++;
      else this.fail(`malformed ARP frame on ${link.id}: ${summarizeFrame(frame)}`);
    } else this.fail(`frame of EtherType 0x${type.toString(16)} on ${link.id}`);
    this.pcap.push(pcapRecord(t, frame));
  }

  /** The capture as one pcap file. */
  pcapFile(): Uint8Array {
    let n = 0;
    for (const p of this.pcap) n += p.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of this.pcap) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /**
   * Conservation and agreement, once nothing is in flight (call `drain` first). Returns the
   * violations found now and during the run.
   */
  checkDrained(): string[] {
    const v = [...this.violations];
    const net = this.net;
    const c = net.counters();
    if (c.created !== c.delivered + c.dropped)
      v.push(`created ${c.created} ≠ delivered ${c.delivered} + dropped ${c.dropped} (not drained?)`);
    if (net.nextPacketId - 1 !== c.created)
      v.push(`${net.nextPacketId - 1} packet ids for ${c.created} created`);
    if (c.delivered !== this.delivers)
      v.push(`counter delivered ${c.delivered} ≠ ${this.delivers} deliver events`);
    if (c.dropped !== this.drops) v.push(`counter dropped ${c.dropped} ≠ ${this.drops} drop events`);
    for (const [r, n] of this.byReason)
      if ((c.byReason[r as DropReason] ?? 0) !== n)
        v.push(`drops '${r}': counter ${c.byReason[r as DropReason]} ≠ ${n} events`);
    for (const [r, n] of Object.entries(c.byReason))
      if ((this.byReason.get(r) ?? 0) !== n)
        v.push(`drops '${r}': counter ${n} ≠ ${this.byReason.get(r) ?? 0} events`);
    let ended = 0;
    for (let id = 1; id < net.nextPacketId; id++) {
      const s = this.stories.get(id);
      if (s === undefined || s.terminal === 0) {
        if (v.length < 40)
          v.push(`packet ${id} never ended (${s ? `${s.hops} hops, last at ${s.at}` : "no event at all"})`);
      } else ended++;
    }
    if (this.stories.size !== net.nextPacketId - 1)
      v.push(`${this.stories.size} packets seen in the stream, ${net.nextPacketId - 1} created`);
    if (ended !== c.created) v.push(`${ended} packets ended, ${c.created} created`);
    // Stream vs capture vs interface counters.
    if (this.captured !== this.hops) v.push(`${this.captured} captured ≠ ${this.hops} hop events`);
    let opackets = 0;
    let nodeDelivered = 0;
    let nodeDropped = 0;
    // Segments' switches send and drop frames too (their nodes are not in net.nodes).
    for (const n of [...net.nodes, ...[...net.bridges.values()].map((b) => b.node)]) {
      nodeDelivered += n.delivered;
      nodeDropped += n.dropped;
      // lo0 counts what a node sends itself (as FreeBSD's if_simloop does): never a hop.
      for (const i of n.ifaces) if (i.isLink) opackets += i.opackets;
    }
    if (opackets !== this.hops) v.push(`interfaces sent ${opackets} ≠ ${this.hops} hop events`);
    if (nodeDelivered !== c.delivered) v.push(`nodes delivered ${nodeDelivered} ≠ network ${c.delivered}`);
    if (nodeDropped !== c.dropped) v.push(`nodes dropped ${nodeDropped} ≠ network ${c.dropped}`);
    const file = parsePcap(this.pcapFile());
    if (file instanceof WireError) v.push(`capture does not read back: ${file.reason}`);
    else {
      if (file.records.length !== this.hops)
        v.push(`pcap holds ${file.records.length} records ≠ ${this.hops} hops`);
      for (let i = 1; i < file.records.length; i++)
        if (file.records[i]!.tNanos < file.records[i - 1]!.tNanos) {
          v.push(`pcap record ${i} is earlier than record ${i - 1}`);
          break;
        }
    }
    return v;
  }
}

/**
 * Every ARP entry is right: a permanent one is the interface's own address and MAC, a resolved
 * one names the far end's address and MAC on that link; nothing is held (call after `drain`).
 */
export function checkArpCaches(net: Network): string[] {
  const v: string[] = [];
  const same = (a: Uint8Array, b: Uint8Array) => a.every((x, k) => x === b[k]);
  for (const n of net.nodes)
    for (const i of n.ifaces) {
      if (i.link === null) continue;
      for (const e of i.arp.entries.values()) {
        const at = `${n.name} ${i.name} ${formatIpv4(e.ip)}`;
        if (e.hold !== null) v.push(`${at} still holds packet ${e.hold.id}`);
        if (!e.valid) continue;
        // On a segment the neighbour is any station on the switch, not the switch's port.
        const sw = i.peer?.node.bridge ?? null;
        const owner = e.permanent
          ? i
          : sw === null
            ? i.peer
            : (sw.ports.map((p) => p.peer!).find((x) => x.addr === e.ip) ?? null);
        if (owner === null || owner.addr !== e.ip) v.push(`${at}: no interface on the link has that address`);
        else if (!same(e.mac, owner.mac))
          v.push(`${at}: cached MAC is not ${owner.node.name} ${owner.name}'s`);
      }
    }
  return v;
}

/** Runs until nothing is in flight (bounded); returns whether it got there. */
export function drain(lab: SimLab, maxNs = 60e9): boolean {
  const net = lab.net;
  return lab.runUntil(() => net.created === net.delivered + net.dropped, maxNs);
}

/**
 * Advances until no route changed for `quiet` ns (what `wait converged` does), at most `max`.
 * Returns whether that happened.
 */
export function waitConverged(lab: SimLab, quiet: number, max: number): boolean {
  let last = lab.net.scheduler.now();
  const off = lab.onEvent((e) => {
    if (e.kind === "route") last = e.t;
  });
  try {
    return lab.runUntil(() => lab.net.scheduler.now() - last >= quiet, max);
  } finally {
    off();
  }
}

type Walk = { ok: true; path: string[] } | { ok: false; loop: boolean; why: string; path: string[] };

/** Follows the FIBs from `from` towards `dst` exactly as forwarding would, over working links. */
export function walkFib(from: SimNode, dst: number): Walk {
  const path: string[] = [];
  const seen = new Set<SimNode>();
  let n = from;
  for (;;) {
    path.push(n.name);
    if (seen.has(n)) return { ok: false, loop: true, why: "loop", path };
    seen.add(n);
    if (!n.up) return { ok: false, loop: false, why: `${n.name} is down`, path };
    if (n.isLocal(dst)) return { ok: true, path };
    const r = n.fib.lookup(dst);
    if (r === undefined) return { ok: false, loop: false, why: `no route at ${n.name}`, path };
    if (r.iface === 0) return { ok: false, loop: false, why: `route to lo0 at ${n.name}`, path };
    const i = n.ifaces[r.iface]!;
    if (!i.up) return { ok: false, loop: false, why: `${n.name} routes via ${i.name}, which is down`, path };
    const l = i.link;
    if (l === null || !l.passing)
      return { ok: false, loop: false, why: `${n.name} routes over cut link ${l?.id}`, path };
    const peer = i.peer!;
    // An interface taken down (ifconfig) drops what arrives on it, carrier or not.
    if (!peer.adminUp)
      return { ok: false, loop: false, why: `${peer.node.name} ${peer.name} is down (ifconfig)`, path };
    if (r.gateway !== 0 && r.gateway !== peer.addr)
      return {
        ok: false,
        loop: false,
        why: `${n.name} gateway ${formatIpv4(r.gateway)} is not across ${l.id}`,
        path,
      };
    n = peer.node;
  }
}

/**
 * Whether a link carries packets both ways: up, not silently cut, both routers running and
 * neither end taken down with ifconfig.
 */
export function working(l: Link): boolean {
  return l.passing && l.a.node.up && l.b.node.up && l.a.adminUp && l.b.adminUp;
}

/** Connected components over working links between nodes that are up. */
export function components(net: Network): Map<SimNode, number> {
  const comp = new Map<SimNode, number>();
  let k = 0;
  for (const start of net.nodes) {
    if (!start.up || comp.has(start)) continue;
    const stack = [start];
    comp.set(start, k);
    while (stack.length > 0) {
      const n = stack.pop()!;
      for (const i of n.ifaces) {
        const l = i.link;
        if (l === null || !working(l)) continue;
        const m = i.peer!.node;
        if (m.up && !comp.has(m)) {
          comp.set(m, k);
          stack.push(m);
        }
      }
    }
    k++;
  }
  return comp;
}

/**
 * Interface state consistent with link and node state: on a node that is up, an interface on
 * a link has carrier exactly when the link is up (silent cuts leave it up) and the far node is
 * up; it carries packets (`up`) exactly when it has carrier and is administratively up — an
 * `ifconfig IF down` stays down through flaps and neighbours' reboots.
 */
export function checkCarrier(net: Network): string[] {
  const v: string[] = [];
  for (const n of net.nodes) {
    if (!n.up) continue;
    for (const i of n.ifaces) {
      const l = i.link;
      if (l === null) continue;
      const want = l.up && i.peer!.node.up;
      if (i.carrier !== want)
        v.push(
          `${n.name} ${i.name} has ${i.carrier ? "carrier" : "no carrier"} but link ${l.id} is ${l.up ? "up" : "down"} and ${i.peer!.node.name} is ${i.peer!.node.up ? "up" : "down"}`,
        );
      if (i.up !== (i.adminUp && i.carrier))
        v.push(
          `${n.name} ${i.name} is ${i.up ? "up" : "down"} but administratively ${i.adminUp ? "up" : "down"} with ${i.carrier ? "carrier" : "no carrier"}`,
        );
    }
  }
  return v;
}

/**
 * No forwarding loop towards any interface address, and every address on a working link is
 * reachable from the nodes of its component and from no other.
 */
export function checkRouting(lab: SimLab): string[] {
  const net = lab.net;
  const v: string[] = [];
  const comp = components(net);
  for (const l of net.links)
    for (const end of [l.a, l.b]) {
      const owner = end.node;
      const usable = working(l);
      for (const s of net.nodes) {
        if (!s.up) continue;
        const w = walkFib(s, end.addr);
        const to = `${s.name} → ${formatIpv4(end.addr)} (${owner.name} on ${l.id})`;
        if (!w.ok && w.loop) v.push(`forwarding loop ${to}: ${w.path.join(" → ")}`);
        if (!usable) continue;
        const expect = comp.get(s) === comp.get(owner);
        if (expect && !w.ok) v.push(`unreachable ${to}: ${w.why} (path ${w.path.join(" → ")})`);
        if (!expect && w.ok) v.push(`reachable across a partition ${to}: ${w.path.join(" → ")}`);
        if (v.length > 30) return v;
      }
    }
  return v;
}
