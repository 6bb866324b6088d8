/**
 * @module sim/redirect
 * ICMP redirects as FreeBSD 8 sends and takes them. Read in the tree of February 2011
 * (rodrigc/bz-vimage 46b4e0c, the 8.2 era; the same code as releng/8.x):
 *
 * Sending (sys/netinet/ip_input.c:1479-1520, ip_forward): a router forwarding a packet out the
 * interface it came in on (`ia->ia_ifp == m->m_pkthdr.rcvif`), not source-routed, with
 * net.inet.ip.redirect=1 (`V_ipsendredirects`), by a route that is neither RTF_DYNAMIC nor
 * RTF_MODIFIED nor the default route (`rt_key` 0.0.0.0), to a sender on that interface's
 * subnet (`src & ia_subnetmask == ia_subnet`), tells the sender the better first hop: the
 * route's gateway, or the destination itself on a connected route. Host redirects only
 * ("Router requirements says to only send host redirects"). The packet is forwarded all the
 * same; the redirect follows it, once ip_output took it (:1553-1565).
 *
 * Taking (sys/netinet/ip_icmp.c:570-626, icmp_input): dropped by a router
 * (`V_ipforwarding`, RFC 1812) or with net.inet.icmp.drop_redirect=1; a code above 3 or a
 * message shorter than ICMP_ADVLENMIN (36 bytes) is refused; else rtredirect
 * (sys/net/route.c:500-600) checks that the new gateway is on one of our subnets
 * (`ifa_ifwithnet`, else ENETUNREACH), that the redirect came from the gateway we use for that
 * destination, by the interface of that gateway (else EINVAL), that the new gateway is not one
 * of our addresses (EHOSTUNREACH), and that the route is not an interface route (EHOSTUNREACH).
 * Over a network or default route it adds a host route RTF_GATEWAY|RTF_HOST|RTF_DYNAMIC; over
 * a host route through a gateway it changes that route's gateway and marks it RTF_MODIFIED.
 *
 * The dynamic route's life (sys/netinet/in_rmx.c): when the last reference to it goes,
 * in_clsroute (:160-185) marks it RTPRF_OURS (RTF_PROTO3, netstat's `3`) to expire
 * rtq_reallyold (3600 s, :135) later; a lookup clears the mark (in_matroute :119-131) and the
 * release sets it again, so the hour counts from the last use; in_rtqkill (:202-240) deletes
 * it once expired, at the latest when it is due (in_rtqtimo runs at the earliest expiry).
 */
import { formatIpv4, maskOf } from "../core/ip.js";
import { type Nanos, SECOND } from "../core/time.js";
import { get32 } from "../wire/index.js";
import type { Fib, Route } from "./fib.js";
import type { Reason, TimerHandle } from "./host.js";
import type { Iface } from "./iface.js";

/** The FIB source of routes made by redirects (one of their own, beside static and the daemons'). */
export const REDIRECT_SOURCE = "redirect";
/** net.inet.ip.rtexpire: seconds a dynamic route lives after its last use (in_rmx.c:135). */
export const RTQ_REALLYOLD = 3600;
/** Flags of a route rtredirect made, idle (in_clsroute's RTPRF_OURS is netstat's `3`). */
export const DYNAMIC_FLAGS = "GHD3";

/** What rtredirect answered (route.c), `ok` when the table changed. */
export type RedirectVerdict = "ok" | "ENETUNREACH" | "EINVAL" | "EHOSTUNREACH";

/** The part of a node rtredirect reads and writes. */
export interface RedirectNode {
  readonly ifaces: readonly Iface[];
  isLocal(a: number): boolean;
  /** The route the node uses for `dst` (rtalloc1). */
  lookup(dst: number): Route | undefined;
  /** Writes a route of `source` (host route, gateway) with these flags. */
  install(source: string, dest: number, gateway: number, iface: number, flags: string): void;
}

/**
 * ip_forward's test: the gateway a redirect about this packet names, or 0 when none is due.
 * `r` is the route the packet is forwarded by, `inIface` the interface it came in on.
 */
export function redirectGateway(
  enabled: boolean,
  src: number,
  dst: number,
  inIface: Iface,
  r: Route,
  out: Iface,
  gateway: number = r.gateway,
): number {
  // `out` and `gateway` are the next hop taken: one of an equal-cost route's (sim/multipath.ts).
  if (!enabled || out.index !== inIface.index) return 0;
  if (r.flags.includes("D") || r.flags.includes("M")) return 0; // RTF_DYNAMIC|RTF_MODIFIED
  if (r.dest === 0) return 0; // satosin(rt_key(rt))->sin_addr.s_addr != 0: not the default route
  const mask = maskOf(out.len);
  if ((src & mask) >>> 0 !== (out.addr & mask) >>> 0) return 0;
  return gateway !== 0 ? gateway : dst;
}

/** ifa_ifwithnet: the interface whose subnet holds `a` (the longest such subnet). */
function ifaceOnNet(ifaces: readonly Iface[], a: number): Iface | undefined {
  let best: Iface | undefined;
  for (const i of ifaces) {
    if (i.index === 0 || i.len === 0) continue; // lo0 (127/8) is no network to be redirected to
    const mask = maskOf(i.len);
    if ((a & mask) >>> 0 === (i.addr & mask) >>> 0 && (best === undefined || i.len > best.len)) best = i;
  }
  return best;
}

/**
 * rtredirect_fib (route.c:500-600): `dst` the redirected destination (the quoted datagram's),
 * `gateway` the better first hop, `from` who sent the redirect.
 */
export function rtredirect(n: RedirectNode, dst: number, gateway: number, from: number): RedirectVerdict {
  const ifa = ifaceOnNet(n.ifaces, gateway);
  if (ifa === undefined) return "ENETUNREACH";
  const rt = n.lookup(dst);
  // Not from our current router for dst (or by another interface): old or wrong.
  if (rt !== undefined && (rt.gateway !== from || rt.iface !== ifa.index)) return "EINVAL";
  if (n.isLocal(gateway)) return "EHOSTUNREACH";
  const host = (r: Route) => r.len === 32 || r.flags.includes("H");
  if (rt === undefined || rt.len === 0 || (rt.gateway !== 0 && !host(rt))) {
    n.install(REDIRECT_SOURCE, dst, gateway, ifa.index, DYNAMIC_FLAGS);
    return "ok";
  }
  if (rt.gateway === 0) return "EHOSTUNREACH"; // a route to an interface: not listened to
  // A host route through a gateway: its gateway changes in place, marked RTF_MODIFIED.
  const flags = rt.flags.includes("M") ? rt.flags : `${rt.flags}M`;
  n.install(rt.source, rt.dest, gateway, ifa.index, flags);
  return "ok";
}

/**
 * When each dynamic route of a node expires (in_rmx.c), and the one timer that deletes them:
 * a Map of the few destinations redirected, made only on a node that took a redirect.
 */
export class DynamicRoutes {
  /** Destination → second of the node's clock it expires at. */
  private readonly expiry = new Map<number, number>();
  private timer: TimerHandle | null = null;
  private due = Number.POSITIVE_INFINITY;

  constructor(
    private readonly now: () => Nanos,
    private readonly schedule: (delay: Nanos, fn: () => void) => TimerHandle,
    /** Deletes the redirect route to `dest`, if it is still there. */
    private readonly remove: (dest: number) => void,
  ) {}

  /** The route to `dest` was made, changed or used: it expires an hour from now. */
  touch(dest: number): void {
    const at = Math.floor(this.now() / SECOND) + RTQ_REALLYOLD;
    this.expiry.set(dest, at);
    if (at < this.due) this.arm(at);
  }

  /** Seconds until the route to `dest` expires (netstat's Expire), or undefined. */
  expiresIn(dest: number): number | undefined {
    const at = this.expiry.get(dest);
    return at === undefined ? undefined : at - Math.floor(this.now() / SECOND);
  }

  /** Forgets everything (the node crashed: its routes went with it). */
  clear(): void {
    this.expiry.clear();
    this.timer?.cancel();
    this.timer = null;
    this.due = Number.POSITIVE_INFINITY;
  }

  private arm(at: number): void {
    this.timer?.cancel();
    this.due = at;
    const delay = Math.max(0, at * SECOND - this.now());
    this.timer = this.schedule(delay, () => this.sweep());
  }

  /** in_rtqkill: deletes what expired, then waits for the next expiry. */
  private sweep(): void {
    this.timer = null;
    this.due = Number.POSITIVE_INFINITY;
    const now = Math.floor(this.now() / SECOND);
    let next = Number.POSITIVE_INFINITY;
    for (const [dest, at] of [...this.expiry]) {
      if (at <= now) {
        this.expiry.delete(dest);
        this.remove(dest);
      } else next = Math.min(next, at);
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  }
}

/** The part of a simulated node a host's redirects act on (sim/node.ts). */
export interface RedirectHost {
  readonly ifaces: readonly Iface[];
  readonly fib: Fib;
  /** Why the next route change happens (route events). */
  reason: Reason;
  isLocal(a: number): boolean;
  now(): Nanos;
  timer(delay: Nanos, fn: () => void): TimerHandle;
}

/** A host's redirects: icmp_input's checks, rtredirect, and the expiry of the routes made. */
export class Redirects {
  private dynamic: DynamicRoutes | null = null;
  /** Redirects rtredirect refused (netstat -s's "bad routing redirects", rts_badredirect). */
  bad = 0;

  constructor(private readonly host: RedirectHost) {}

  /**
   * icmp_input's ICMP_REDIRECT (ip_icmp.c:590-626), once the caller knows the node takes
   * redirects: `data` is what follows the 8-byte ICMP header (the quoted datagram), `icmpLen`
   * the whole message's length, `gateway` its bytes 4-7.
   */
  take(from: number, code: number, icmpLen: number, data: Uint8Array, gateway: number): void {
    // code > 3: badcode; shorter than ICMP_ADVLENMIN (8 + 20 + 8), or a quoted header under 20 bytes: badlen.
    if (code > 3 || icmpLen < 36 || (data[0]! & 0x0f) < 5) return;
    const h = this.host;
    const verdict = rtredirect(
      {
        ifaces: h.ifaces,
        isLocal: (a) => h.isLocal(a),
        lookup: (d) => h.fib.lookup(d),
        install: (source, dest, gw, iface, flags) => {
          h.reason = `ICMP redirect from ${formatIpv4(from)}`;
          h.fib.setFields(source, dest, 32, gw, iface, 0, flags);
          if (source === REDIRECT_SOURCE) this.dynamics().touch(dest);
        },
      },
      get32(data, 16),
      gateway,
      from,
    );
    if (verdict !== "ok") this.bad++;
  }

  /** Seconds until `r` expires, when a redirect made it. */
  expiresIn(r: { source: string; dest: number }): number | undefined {
    return r.source === REDIRECT_SOURCE ? this.dynamic?.expiresIn(r.dest) : undefined;
  }

  /** `r` was looked up and let go (in_matroute, in_clsroute): its hour starts again. */
  touch(r: { source: string; dest: number }): void {
    if (r.source === REDIRECT_SOURCE) this.dynamic?.touch(r.dest);
  }

  /** The node crashed: its routes went with it. */
  clear(): void {
    this.dynamic?.clear();
  }

  private dynamics(): DynamicRoutes {
    const h = this.host;
    this.dynamic ??= new DynamicRoutes(
      () => h.now(),
      (d, fn) => h.timer(d, fn),
      (dest) => {
        h.reason = "dynamic route expired";
        h.fib.delete(REDIRECT_SOURCE, dest, 32);
      },
    );
    return this.dynamic;
  }
}
