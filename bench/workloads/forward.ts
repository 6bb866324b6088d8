/**
 * @module bench/workloads/forward
 * Forwarded packet-hops per second through the real forwarding path (SimNode.input → FIB
 * lookup → TTL decrement with incremental checksum → Link transmit → arrival event) on a chain
 * of routers with static routes: r1 sends echo requests to the far end of the chain, the last
 * router answers, and every request and reply crosses every link.
 *
 * A packet-hop is one packet crossing one link (one arrival event). The counts are checked
 * against the node counters, so a figure cannot come from packets that went nowhere.
 */
import { SECOND } from "../../src/core/time.js";
import { buildNetwork } from "../../src/sim/build.js";
import { chainTopology, withChainStatics } from "../../src/sim/test-topology.js";

export interface ForwardResult {
  routers: number;
  /** Requests sent per 100 µs of virtual time (in flight ≈ burst × 620 on a 32-chain). */
  burst: number;
  /**
   * Most echo exchanges in flight at once (requests sent minus replies received, sampled every
   * 10 virtual ms): each is one packet on the chain, its request or its reply.
   */
  peakInFlight: number;
  /**
   * Largest scheduler queue seen: timers plus one event per busy link direction (a link keeps
   * its packets in a FIFO and schedules only the head, sim/link.ts), not one per packet.
   */
  peakPending: number;
  requests: number;
  replies: number;
  /** Link crossings in the timed part (after the untimed first tenth): the figure's numerator. */
  packetHops: number;
  /** Of which forwarded by a transit router (the others are the first and last link). */
  forwarded: number;
  /** Link crossings of the whole run: requests × 2 × (routers - 1), or the run fails. */
  totalPacketHops: number;
  /** Forwards of the whole run, from the nodes' counters: requests × 2 × (routers - 2). */
  totalForwarded: number;
  events: number;
  wallSeconds: number;
  cpuSeconds: number;
  hopsPerSecond: number;
}

const DATA = new Uint8Array(56);

/**
 * `bandwidth` (bit/s; 0, the default, for none) gives every link serialization and a FIFO queue,
 * as ns-3's point-to-point device has (the ns-3 forwarding peer's links are 1 Gb/s).
 */
export function runForward(
  routers: number,
  requests: number,
  burst: number,
  seed: number,
  bandwidth = 0,
): ForwardResult {
  const topo = withChainStatics(chainTopology(routers, { routing: "static", bandwidth }));
  const net = buildNetwork(topo, seed);
  const first = net.nodes[0]!;
  const last = net.nodes[routers - 1]!;
  const dst = last.ifaces[1]!.addr; // the last router's only link address
  let replies = 0;
  let warm = false;
  first.icmpListen((m) => {
    if (m.type === 0 && m.ident === 1) replies++;
    if (m.type === 0 && m.ident === 2) warm = true;
  });
  const s = net.scheduler;
  // ARP first, untimed and uncounted: one echo resolves every link's neighbours (each held
  // packet waits for ARP, and a neighbour holds one at a time: a burst into cold caches would
  // mostly be dropped, as on FreeBSD).
  first.sendIcmpEcho(dst, 2, 0, DATA);
  s.runUntil(SECOND);
  if (!warm) throw new Error("forward bench: the warm-up echo was not answered");
  const base = countHops(net.nodes);
  // `burst` requests every 100 µs of virtual time: each spends 2 × (routers - 1) ms in the chain.
  let sent = 0;
  const fire = () => {
    for (let i = 0; i < burst && sent < requests; i++) {
      const r = first.sendIcmpEcho(dst, 1, sent & 0xffff, DATA);
      if (!r.ok) throw new Error(`forward bench: r1 cannot send (${r.error})`);
      sent++;
    }
    if (sent < requests) first.timer(100_000, fire);
  };
  first.timer(0, fire);
  // Warm-up: the first tenth, untimed.
  s.runUntil(SECOND + ((requests / burst / 10) | 0) * 100_000);
  const hops0 = countHops(net.nodes);
  const e0 = s.executed;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let peakPending = s.size;
  let peakInFlight = sent - replies;
  // Slices of 10 ms virtual time, to sample the queue and the packets in flight (a negligible
  // cost per slice).
  for (let t = s.now(); s.size > 0; ) {
    t += 10_000_000;
    s.runUntil(t);
    if (s.size > peakPending) peakPending = s.size;
    if (sent - replies > peakInFlight) peakInFlight = sent - replies;
  }
  const cpu = process.cpuUsage(c0);
  const wall = (performance.now() - t0) / 1000;
  const end = countHops(net.nodes);
  const hops = { total: end.total - base.total, forwarded: end.forwarded - base.forwarded };
  const expectHops = requests * 2 * (routers - 1);
  if (replies !== requests || hops.total !== expectHops)
    throw new Error(
      `forward bench: ${replies}/${requests} replies, ${hops.total}/${expectHops} hops: packets were lost`,
    );
  if (s.now() > 3600 * SECOND) throw new Error("forward bench: ran away");
  hops0.total -= base.total;
  hops0.forwarded -= base.forwarded;
  return {
    routers,
    burst,
    peakInFlight,
    peakPending,
    requests,
    replies,
    packetHops: hops.total - hops0.total,
    forwarded: hops.forwarded - hops0.forwarded,
    totalPacketHops: hops.total,
    totalForwarded: hops.forwarded,
    events: s.executed - e0,
    wallSeconds: wall,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    hopsPerSecond: (hops.total - hops0.total) / wall,
  };
}

/** Link crossings = packets received on link interfaces, from the interface counters. */
function countHops(nodes: readonly { ifaces: readonly { ipackets: number }[]; forwarded: number }[]) {
  let total = 0;
  let forwarded = 0;
  for (const n of nodes) {
    forwarded += n.forwarded;
    for (let i = 1; i < n.ifaces.length; i++) total += n.ifaces[i]!.ipackets;
  }
  return { total, forwarded };
}
