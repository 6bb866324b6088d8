/**
 * @module proto/rip/ripv1
 * What RIP version 1 (RFC 1058) needs beyond version 2's packets: entries carry no mask, so
 * the receiver infers one, as routed does (if.c ripv1_mask_net / ripv1_mask_host): the mask of
 * the interface the entry came in on when the address is in that interface's natural (class
 * A/B/C) network, else the natural mask; a host route when the address has bits beyond it.
 * Updates are broadcast to the subnet (RFC 1058 3.1; routed output.c rip_bcast: `int_brdaddr`),
 * and a subnet of another natural network is not sent as itself — a version 1 listener could
 * not tell its mask — but as that whole network, with the best metric of its subnets (routed
 * output.c walk_supply: "Do not send RIPv1 advertisements of subnets to other networks";
 * table.c's synthetic network routes, RS_NET_SYN).
 */
import { maskOf } from "../../core/ip.js";
import type { HostInterface } from "../../sim/host.js";
import { RIP_INFINITY } from "../../wire/rip.js";

/** Natural (class A/B/C) prefix length of an address (routed's std_mask): 8, 16 or 24. */
export function naturalLen(a: number): number {
  return a >>> 31 === 0 ? 8 : a >>> 30 === 2 ? 16 : 24;
}

/**
 * The prefix length a mask-less entry for `a` stands for, as seen on interface `iface`
 * (routed's ripv1_mask_host): the interface's length when `a` is in the interface's natural
 * network, else the natural length; 32 (a host) when `a` has bits beyond that. The default
 * route (0.0.0.0) is /0.
 */
export function inferredLen(a: number, iface?: Pick<HostInterface, "addr" | "len">): number {
  if (a === 0) return 0;
  let len = naturalLen(a);
  if (iface !== undefined) {
    const natural = maskOf(naturalLen(iface.addr));
    if (((a ^ iface.addr) & natural) >>> 0 === 0) len = iface.len;
  }
  return (a & ~maskOf(len)) >>> 0 === 0 ? len : 32;
}

/** Where version 1 sends on `iface`: the subnet's broadcast address (255.255.255.255 on a /31 or /32). */
export function broadcastOf(iface: Pick<HostInterface, "addr" | "len">): number {
  if (iface.len > 30) return 0xffffffff;
  return (iface.addr | ~maskOf(iface.len)) >>> 0;
}

/** One route as a version 1 update carries it: an address and a metric. */
export interface V1Entry {
  addr: number;
  metric: number;
}

/**
 * The entries of a version 1 update out of `out`, from routes (dest, len, advertised metric;
 * metric < 0: left out by split horizon) in prefix order. Routes in `out`'s natural network,
 * the default route, host routes and whole natural networks go as they are; a subnet of
 * another natural network is folded into that network, with its subnets' best metric; a
 * supernet is left out (routed would spell it out network by network; routelab never makes
 * one). `wanted` says which routes must be in it (a triggered update's changed ones): a
 * natural network is sent when any of its subnets is wanted.
 */
export function v1Entries(
  routes: Iterable<{ dest: number; len: number; metric: number; wanted: boolean }>,
  out: Pick<HostInterface, "addr" | "len">,
): V1Entry[] {
  const ownNatural = maskOf(naturalLen(out.addr));
  const list: V1Entry[] = [];
  const folded = new Map<number, V1Entry & { wanted: boolean }>();
  for (const r of routes) {
    if (r.metric < 0) continue;
    const natural = naturalLen(r.dest);
    const inOwn = ((r.dest ^ out.addr) & ownNatural) >>> 0 === 0;
    if (r.len === 0 || r.len === 32 || r.len === natural || inOwn) {
      if (r.wanted) list.push({ addr: r.dest, metric: r.metric });
    } else if (r.len > natural) {
      const net = (r.dest & maskOf(natural)) >>> 0;
      const f = folded.get(net);
      if (f === undefined) folded.set(net, { addr: net, metric: r.metric, wanted: r.wanted });
      else {
        f.metric = Math.min(f.metric, r.metric);
        f.wanted ||= r.wanted;
      }
    }
  }
  for (const f of folded.values())
    if (f.wanted) list.push({ addr: f.addr, metric: Math.min(f.metric, RIP_INFINITY) });
  return list;
}
