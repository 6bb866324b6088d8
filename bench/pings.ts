/**
 * @module bench/pings
 * Ping flows as the ns-3 peer runs them (V4PingHelper): K flows between random node pairs
 * (source s, target t ≠ s), each sending a 56-byte echo request to the target's first link
 * address every `interval` seconds from 60 s until the end of the run. They go through the
 * node's real send path (Host.sendIcmpEcho) and the target's real echo reply.
 *
 * The pairs come from routelab's seeded Rng, not ns-3's MRG32k3a stream, so the two simulators
 * ping different (equally random) pairs: the same amount of work, not the same packets.
 *
 * Before the flows start, each sends three uncounted echoes (ident 0), a second apart, to
 * resolve ARP along its path: a router holds one packet per neighbour while it waits for an
 * ARP reply, so a thousand flows starting at the same instant into cold caches would lose
 * most first pings, as FreeBSD would (a warm-up echo dropped that way leaves the rest of its
 * path cold; the next one gets further). ns-3's point-to-point devices have no ARP; these
 * echoes are the only extra work.
 */
import { Rng } from "../src/core/rng.js";
import { SECOND } from "../src/core/time.js";
import type { Network } from "../src/sim/network.js";
import type { SimNode } from "../src/sim/node.js";
import type { WorkloadOptions } from "./options.js";

export interface PingCounters {
  flows: number;
  sent: number;
  /** Sends refused by the source (no route yet). */
  unsent: number;
  replies: number;
}

const START = 60 * SECOND;
/** Warm-up echoes at START - 5 s, - 4 s, - 3 s (untimed: the scale bench times from 59 s). */
const WARM = [START - 5 * SECOND, START - 4 * SECOND, START - 3 * SECOND];
/** The ident of the warm-up echoes (flows use 1, 2, …). */
const WARM_IDENT = 0;
const DATA = new Uint8Array(56);

export function startPingFlows(net: Network, o: WorkloadOptions): PingCounters {
  const c: PingCounters = { flows: 0, sent: 0, unsent: 0, replies: 0 };
  const nodes = net.nodes;
  if (nodes.length < 2) return c;
  const rng = new Rng(o.seed).fork(0x9196);
  const end = o.time * SECOND;
  const interval = Math.round(o.interval * SECOND);
  const listening = new Set<SimNode>();
  for (let i = 0; i < o.pings; i++) {
    const s = rng.int(0, nodes.length - 1);
    let t = rng.int(0, nodes.length - 2);
    if (t >= s) t++;
    const src = nodes[s]!;
    const target = nodes[t]!.ifaces[1];
    if (!target) continue; // an isolated node has no link address
    const dst = target.addr;
    const ident = (i + 1) & 0xffff;
    c.flows++;
    if (!listening.has(src)) {
      listening.add(src);
      src.icmpListen((m) => {
        if (m.type === 0 && m.ident !== WARM_IDENT) c.replies++;
      });
    }
    let seq = 0;
    const send = () => {
      const r = src.sendIcmpEcho(dst, ident, seq++ & 0xffff, DATA);
      if (r.ok) c.sent++;
      else c.unsent++;
      if (src.now() + interval < end) src.timer(interval, send);
    };
    if (START < end) {
      for (const w of WARM)
        if (w > src.now())
          src.timer(w - src.now(), () => src.sendIcmpEcho(dst, WARM_IDENT, i & 0xffff, DATA));
      src.timer(START - src.now(), send);
    }
  }
  return c;
}
