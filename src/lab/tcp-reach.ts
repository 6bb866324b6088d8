/**
 * @module lab/tcp-reach
 * What reaches where over TCP (`routelab compare --tcp`): from every node to every address of
 * the other nodes (aliases included) on each port asked, whether a connection is made and on
 * which nodes its SYNs were taken — the relay first, then where the relay's own connection
 * landed (lab/checks-connect.ts probeConnect: `nc -z`, followed on the event stream). Probes run
 * one at a time, each as its own user, so a late segment of one is never taken for the next's.
 */
import type { Nanos } from "../core/time.js";
import { probeConnect } from "./checks-connect.js";
import type { Lab } from "./lab.js";

export interface TcpProbe {
  from: string;
  addr: string;
  port: number;
}

export interface TcpReach extends TcpProbe {
  connected: boolean;
  /**
   * Nodes that accepted a SYN of the probe, in time order — not the prober itself: a connection
   * to one's own address crosses no link, and netns's captures are on links (loopback unseen).
   */
  landed: string[];
}

/** Probes past this many are refused (each may take seconds on real kernels). */
export const MAX_TCP_PROBES = 2000;
/** Users the probes run as, in turn (each user is a DSCP mark on netns: a bounded set). */
const PROBE_USERS = 16;

/**
 * Every (node, address, port): the addresses of the other nodes' interfaces, then `extra` (an
 * alias a script adds is no interface of the topology), in the lab's node order.
 */
export function tcpProbes(lab: Lab, ports: readonly number[], extra: readonly string[] = []): TcpProbe[] {
  const nodes = lab.nodes();
  const out: TcpProbe[] = [];
  for (const n of nodes) {
    const own = new Set(n.interfaces.map((i) => i.addr));
    const addrs = new Set<string>();
    for (const m of nodes)
      if (m.name !== n.name)
        for (const i of m.interfaces)
          if (!i.addr.startsWith("127.") && i.addr !== "0.0.0.0") addrs.add(i.addr);
    for (const a of extra) if (!own.has(a)) addrs.add(a);
    for (const addr of addrs) for (const port of ports) out.push({ from: n.name, addr, port });
  }
  return out;
}

/** Runs the probes in order on `lab`; `settle`: how long a relay's onward connection may take. */
export async function probeTcpReach(
  lab: Lab,
  probes: readonly TcpProbe[],
  settle: Nanos,
): Promise<TcpReach[]> {
  const out: TcpReach[] = [];
  for (const [k, p] of probes.entries()) {
    const r = await probeConnect(lab, p.from, p.addr, p.port, {
      user: `tcp-probe-${k % PROBE_USERS}`,
      settle,
    });
    out.push({ ...p, connected: r.connected, landed: r.landed.filter((n) => n !== p.from) });
  }
  return out;
}

/** What a probe saw, as the comparison prints it. */
export function describeReach(r: TcpReach): string {
  if (!r.connected) return "no connection";
  return r.landed.length > 0 ? `connects, lands at ${r.landed.join(" → ")}` : "connects";
}

/** The probes whose outcome differs between two engines' runs of the same list. */
export function tcpDifferences(a: readonly TcpReach[], b: readonly TcpReach[]): string[] {
  const out: string[] = [];
  for (const [k, x] of a.entries()) {
    const y = b[k];
    const da = describeReach(x);
    const db = y === undefined ? "not probed" : describeReach(y);
    if (da !== db) out.push(`${x.from} → ${x.addr}:${x.port}: sim ${da}; netns ${db}`);
  }
  return out;
}
