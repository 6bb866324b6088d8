/**
 * @module engines/netns/kernel-routes
 * A namespace's kernel routing table (`ip -4 -j route show table all`) turned into the rows the
 * simulator's FIB has, so `netstat -r`, `Lab.routes()` and the cross-check read alike on both
 * engines: connected networks (U), the node's own addresses as host routes on lo0 (UHS), the
 * loopback (UH), learned and static routes with their gateway (UG, UGS). Broadcast entries and
 * 127/8 are kernel furniture the FreeBSD table does not list. The RIP metric comes from zebra
 * (`show ip route json`), since the kernel holds FRR's fixed route priority (20) instead.
 *
 * A redirect a host took is no route of Linux's tables but an exception of its next-hop cache
 * (`ip -4 -j route show table all cache`: `cache: ["redirected"]`, `expires` in seconds, 300 at
 * first, net.ipv4.route.gc_timeout). It is listed as FreeBSD 8 lists the route rtredirect makes:
 * a host route through the new gateway, UGHD3 (sim/redirect.ts), source `redirect`, with the
 * kernel's own expiry in the Expire column.
 */
import { type Ipv4, parseIpv4, parsePrefix } from "../../core/ip.js";
import type { ShellRoute } from "../../shell/context.js";
import { routingSpec } from "../../topology/protocols/index.js";
import { DYNAMIC_FLAGS, REDIRECT_SOURCE } from "../../sim/redirect.js";
import type { PlannedNode } from "./plan.js";

/** One row of `ip -j route` (the fields used here). */
export interface IpRouteJson {
  type?: string;
  dst: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  table?: string;
  metric?: number;
  nexthops?: { gateway?: string; dev?: string }[];
  /** `ip route show cache`: the exception's kind (["redirected"] for a redirect's). */
  cache?: string[];
  /** Seconds until the exception lapses. */
  expires?: number;
}

export interface KernelRoute extends ShellRoute {
  /** RIP metric for rip routes (from zebra), 0 otherwise. */
  readonly metric: number;
  /** Every next hop's address of a multipath route (`nexthop via …` lines), in the kernel's order. */
  readonly nextHops?: readonly Ipv4[];
}

const LOOPBACK = 0x7f000001;

/** Converts `ip -j route show table all` rows; `ripMetric` gives zebra's metric of a prefix. */
export function kernelRoutes(
  rows: readonly IpRouteJson[],
  node: PlannedNode,
  ripMetric: (prefix: string) => number | undefined,
): KernelRoute[] {
  const ifIndex = new Map<string, number>([["lo", 0]]);
  for (const i of node.ifaces) ifIndex.set(i.kname, i.index);
  const out: KernelRoute[] = [];
  for (const r of rows) {
    const dst = r.dst === "default" ? "0.0.0.0/0" : r.dst.includes("/") ? r.dst : `${r.dst}/32`;
    const p = parsePrefix(dst, false);
    if (!p) continue;
    if (r.cache !== undefined) {
      const gw = r.gateway === undefined ? undefined : parseIpv4(r.gateway);
      if (r.cache.includes("redirected") && gw && p.len === 32 && (r.expires ?? 1) > 0)
        out.push({
          ...row(p.addr, 32, gw, ifIndex.get(r.dev ?? "") ?? 0, DYNAMIC_FLAGS, REDIRECT_SOURCE, 0),
          ...(r.expires !== undefined ? { expire: r.expires } : {}),
        });
      continue; // other exceptions (a path MTU learnt) are no routes FreeBSD would list
    }
    const local = r.table === "local";
    if (local) {
      if (r.type !== "local" || p.len !== 32) continue; // broadcast entries, 127/8
      if (p.addr === LOOPBACK) out.push(row(p.addr, 32, 0, 0, "H", "local", 0));
      else out.push(row(p.addr, 32, 0, 0, "HS", "local", 0));
      continue;
    }
    if (r.table !== undefined && r.table !== "main") continue;
    if (r.type !== undefined && r.type !== "unicast") continue;
    // A multipath route (OSPF's equal-cost paths: `nexthop via … dev … weight 1` lines) is
    // listed by its first next hop: FreeBSD 8 keeps one route per prefix unless the kernel is
    // built with `options RADIX_MPATH` (not in GENERIC), so its netstat never shows more. The
    // whole set rides along for `routelab compare`.
    const gwText = r.gateway ?? r.nexthops?.[0]?.gateway;
    const dev = r.dev ?? r.nexthops?.[0]?.dev ?? "";
    const iface = ifIndex.get(dev) ?? 0;
    const gw: Ipv4 = gwText ? (parseIpv4(gwText) ?? 0) : 0;
    const proto = r.protocol ?? "kernel";
    if (gw === 0) {
      out.push(row(p.addr, p.len, 0, iface, "", proto === "kernel" ? "connected" : proto, 0));
      continue;
    }
    // `ip -j route` leaves out "protocol" for proto boot (what `ip route add` without a proto gives).
    const source = r.protocol === undefined || proto === "boot" || proto === "static" ? "static" : proto;
    const flags = (p.len === 32 ? "GH" : "G") + (source === "static" ? "S" : "");
    const metric =
      routingSpec(source) !== undefined
        ? (ripMetric(`${p.addr === 0 && p.len === 0 ? "0.0.0.0/0" : dst}`) ?? 0)
        : 0;
    const hops = (r.nexthops ?? []).map((h) => (h.gateway ? (parseIpv4(h.gateway) ?? 0) : 0));
    const route = row(p.addr, p.len, gw, iface, flags, source, metric);
    out.push(hops.length > 1 ? { ...route, nextHops: hops } : route);
  }
  out.sort((a, b) => a.dest - b.dest || a.len - b.len);
  return out;
}

function row(
  dest: Ipv4,
  len: number,
  gateway: Ipv4,
  iface: number,
  flags: string,
  source: string,
  metric: number,
): KernelRoute {
  return { dest, len, gateway, iface, flags, source, use: 0, metric };
}

/** zebra's `show ip route json`: prefix → metric of the selected route of a routing protocol (RIP's hops, OSPF's cost). */
export function zebraRipMetrics(json: string): Map<string, number> {
  const out = new Map<string, number>();
  let data: Record<string, { protocol?: string; selected?: boolean; metric?: number }[]>;
  try {
    data = JSON.parse(json);
  } catch {
    return out;
  }
  for (const [prefix, entries] of Object.entries(data))
    for (const e of entries)
      if (e.protocol !== undefined && routingSpec(e.protocol) && e.selected && typeof e.metric === "number")
        out.set(prefix, e.metric);
  return out;
}

/**
 * One line of `ip monitor route` (iproute2 text: `[Deleted] [TYPE] DST [via GW] dev DEV
 * [table T] [proto P] …`) as a JSON-shaped row, or null for lines that are not routes.
 */
export function parseMonitorLine(line: string): { deleted: boolean; row: IpRouteJson } | null {
  const w = line.trim().split(/\s+/);
  let i = 0;
  let deleted = false;
  if (w[i] === "Deleted") {
    deleted = true;
    i++;
  }
  let type: string | undefined;
  if (w[i] !== undefined && ROUTE_TYPES.has(w[i]!)) type = w[i++];
  const dst = w[i++];
  if (dst === undefined || !/^(default|\d+\.\d+\.\d+\.\d+(\/\d+)?)$/.test(dst)) return null;
  const row: IpRouteJson = { dst };
  if (type !== undefined) row.type = type;
  for (; i < w.length - 1; i++) {
    const k = w[i]!;
    const v = w[i + 1]!;
    if (k === "via") row.gateway = v;
    else if (k === "dev") row.dev = v;
    else if (k === "table") row.table = v;
    else if (k === "proto") row.protocol = v;
    else if (k === "metric") row.metric = Number(v);
    else continue;
    i++;
  }
  return { deleted, row };
}

const ROUTE_TYPES = new Set([
  "unicast",
  "local",
  "broadcast",
  "multicast",
  "anycast",
  "unreachable",
  "blackhole",
  "prohibit",
  "throw",
  "nat",
]);

/**
 * The rows of a namespace's kernel table kept current from `ip monitor route` lines. iproute2
 * prints a multipath route over several lines (print_rta_multipath in ip/iproute.c): the head
 * `DST [nhid N] proto P metric M` with neither `via` nor `dev`, then one tab-indented
 * `nexthop via GW dev DEV weight W` per path. Those lines belong to the head before them (which
 * may have come in an earlier chunk of output), so the rows are folded here, not line by line.
 */
export class MonitorRows {
  readonly rows = new Map<string, IpRouteJson>();
  private last: IpRouteJson | null = null;

  /** Replaces every row (a dump of the whole table). */
  reset(rows: readonly IpRouteJson[]): void {
    this.rows.clear();
    for (const r of rows) this.rows.set(rowKey(r), r);
    this.last = null;
  }

  /** Applies one monitor line; whether the rows changed. */
  apply(line: string): boolean {
    const hop = /^\s+nexthop\s/.test(line) ? parseMonitorLine(`0.0.0.0/0 ${line.trim().slice(8)}`) : null;
    if (hop !== null) {
      if (this.last === null) return false;
      const nh: { gateway?: string; dev?: string } = {};
      if (hop.row.gateway !== undefined) nh.gateway = hop.row.gateway;
      if (hop.row.dev !== undefined) nh.dev = hop.row.dev;
      this.last.nexthops = [...(this.last.nexthops ?? []), nh];
      return true;
    }
    const m = parseMonitorLine(line);
    this.last = m?.row ?? null;
    if (m === null) return false;
    const k = rowKey(m.row);
    if (m.deleted) return this.rows.delete(k);
    this.rows.set(k, m.row);
    return true;
  }
}

/** A key for a kernel route: table, type, destination (Linux holds one per key as FRR installs them). */
export function rowKey(r: IpRouteJson): string {
  return `${r.table ?? "main"} ${r.type ?? "unicast"} ${r.dst}`;
}
