/**
 * @module lab/checks-probe
 * Reachability and paths are found out the honest way: by sending pings in the lab and
 * following the packets on the event stream, not by reading routing tables (a table can look
 * right while a link is silently cut, or a loop eats every packet). The lab given is meant to
 * be a throwaway copy (engines/sim/rewind.ts `fork`), so probing never disturbs the real one.
 */
import type { DropReason, LabEvent, PacketClass } from "../core/events.js";
import { parseIpv4 } from "../core/ip.js";
import { SECOND } from "../core/time.js";
import type { Lab } from "./lab.js";
import { isRoutingTraffic } from "../proto/registry.js";

/** The user probes run as: their packets are told apart from everyone else's by this. */
export const PROBE_USER = "checker";
/**
 * Three requests a second apart, each given two seconds; at most this long in all. FreeBSD's
 * -o (stop at the first reply) has no iputils twin: on netns all three go (the exit status is
 * the same: 0 when any reply came).
 */
const PROBE_COMMAND = { sim: "ping -n -c 3 -o -W 2000", netns: "ping -n -c 3 -W 2000" } as const;
const PROBE_LIMIT = 30 * SECOND;

export interface ProbeResult {
  /** An echo reply came back. */
  reached: boolean;
  /** Nodes the first request that arrived passed through (or the first one's, up to where it died). */
  path: string[];
  /** Where and why the first request (or its reply) died, when one did. */
  drop?: { node: string; reason: DropReason; cls: PacketClass };
  /** The address probed. */
  target: string;
}

/**
 * The address to ping for a node: the first address of an interface that is up (a router's
 * address on a dead link is unreachable although the router itself is not), else its first.
 */
export function probeAddress(lab: Lab, to: string): { addr: string; node?: string } {
  if (parseIpv4(to) !== undefined) {
    const owner = lab.nodes().find((n) => n.interfaces.some((i) => i.addr === to));
    return owner ? { addr: to, node: owner.name } : { addr: to };
  }
  const n = lab.nodes().find((x) => x.name === to);
  const ifs = (n?.interfaces ?? []).filter((i) => i.name !== "lo0" && !i.addr.startsWith("127."));
  const i = ifs.find((x) => x.up) ?? ifs[0];
  return { addr: i?.addr ?? to, node: to };
}

/** Pings `to` from `from` on `lab` and follows the packets. */
export async function probe(lab: Lab, from: string, to: string): Promise<ProbeResult> {
  const target = probeAddress(lab, to);
  const hops = new Map<number, string[]>();
  let first: number | undefined;
  let arrived: number | undefined;
  let drop: ProbeResult["drop"];
  const off = lab.onEvent((e: LabEvent) => {
    if (e.kind !== "hop" && e.kind !== "deliver" && e.kind !== "drop") return;
    if (e.user !== PROBE_USER) return;
    if (e.kind === "hop" && e.cls === "echo-request") {
      first ??= e.packet;
      const path = hops.get(e.packet);
      if (path) path.push(e.to);
      else hops.set(e.packet, [e.from, e.to]);
    } else if (e.kind === "deliver" && e.cls === "echo-request") {
      if (arrived === undefined && (target.node === undefined || e.node === target.node)) arrived = e.packet;
    } else if (e.kind === "drop" && drop === undefined && !isRoutingTraffic(e.cls)) {
      drop = { node: e.node, reason: e.reason, cls: e.cls };
    }
  });
  try {
    const x = lab.exec(
      from,
      `${lab.engine === "netns" ? PROBE_COMMAND.netns : PROBE_COMMAND.sim} ${target.addr}`,
      { user: PROBE_USER },
    );
    if (!(await lab.advanceUntil(() => x.exitCode !== undefined, PROBE_LIMIT))) {
      x.interrupt();
      await lab.advanceUntil(() => x.exitCode !== undefined, SECOND);
    }
    const code = x.exitCode ?? (await x.done);
    const shown = arrived ?? first;
    const r: ProbeResult = {
      reached: code === 0,
      path: shown === undefined ? [from] : (hops.get(shown) ?? [from]),
      target: target.addr,
    };
    if (drop) r.drop = drop;
    return r;
  } finally {
    off();
  }
}
