/**
 * @module shell/cmd/vtysh-route
 * zebra's `show ip route` in FRR 8.4's text, from the simulator's routes (ShellContext `rib`):
 * - the table (zebra/zebra_vty.c:934-1154 at frr-8.4.4, `vty_show_ip_route`): a code, `>` when
 *   selected, `*` when in the FIB, the prefix, `[distance/metric]` (not for a connected route),
 *   and per next hop `via A, IFACE` (`is directly connected, IFACE`), `, weight 1` for a
 *   daemon's route (zebra_vty.c:713-714; kernel and connected routes carry none), and the time since
 *   the route came or changed (`uptime2str`, zebra_vty.c:507) — ECMP next hops on lines of their
 *   own under the first, indented to its width (zebra_vty.c:1104-1117);
 * - `show ip route A.B.C.D[/M]` (`vty_show_ip_route_detail`, zebra_vty.c:518-598): every entry
 *   of the longest match (the exact prefix with /M), `% Network not in table` when none.
 * Which routes zebra knows, as real FRR on the netns engine shows them (test/fixtures/vtysh):
 * connected networks (C), the daemons' routes (R, O: distance from the protocol's spec), and
 * routes put in the kernel by hand — the topology's `static:` and `route add`, which netns
 * installs with `ip route … proto static` and zebra reads as kernel routes `K [0/0]`. The node's
 * own addresses and lo0 (the simulator's `local` routes) live in Linux's local table, which
 * zebra does not show.
 */
import { formatIpv4, maskOf } from "../../core/ip.js";
import { frrInterval } from "../../proto/vty.js";
import { routingSpecs } from "../../topology/protocols/index.js";
import type { RibRoute } from "../context.js";

/**
 * SHOW_ROUTE_V4_HEADER as Debian's FRR 8.4.4 was built (lib/route_types.pl:114-135 makes it
 * from the daemons enabled at build time; captured in test/fixtures/vtysh/).
 */
export const SHOW_ROUTE_HEADER =
  "Codes: K - kernel route, C - connected, S - static, R - RIP,\n" +
  "       O - OSPF, I - IS-IS, B - BGP, E - EIGRP, N - NHRP,\n" +
  "       T - Table, v - VNC, V - VNC-Direct, A - Babel, F - PBR,\n" +
  "       f - OpenFabric,\n" +
  "       > - selected route, * - FIB route, q - queued, r - rejected, b - backup\n" +
  "       t - trapped, o - offload failure\n\n";

/** How zebra names a route type (lib/route_types.txt: its char and `zebra_route_string`). */
interface RouteType {
  char: string;
  name: string;
  distance: number;
  /** A daemon's next hops carry weight 1 (zapi); the kernel's and connected ones none. */
  weighted: boolean;
}

const KERNEL: RouteType = { char: "K", name: "kernel", distance: 0, weighted: false };
const CONNECTED: RouteType = { char: "C", name: "connected", distance: 0, weighted: false };
/** route_types.txt's chars of the routing daemons the registry may hold. */
const DAEMON_CHARS: Record<string, string> = {
  rip: "R",
  ospf: "O",
  isis: "I",
  bgp: "B",
  eigrp: "E",
  babel: "A",
};

/** A source of the simulator's FIB as zebra's route type; undefined for what zebra does not show. */
export function routeType(source: string): RouteType | undefined {
  if (source === "connected") return CONNECTED;
  if (source === "static") return KERNEL;
  if (source === "local") return undefined;
  const spec = routingSpecs().find((s) => s.name === source);
  const char = DAEMON_CHARS[source];
  if (spec === undefined || char === undefined) return undefined;
  return { char, name: source, distance: spec.adminDistance, weighted: true };
}

/**
 * The metric zebra shows: a daemon's own; a kernel route's is the kernel's priority (its low 24
 * bits, rt_netlink.c:917), 0 for the routes netns adds without one (`ip route … proto static`).
 */
const metricOf = (r: RibRoute, type: RouteType) => (type === KERNEL ? 0 : r.metric);

/** One entry of zebra's RIB: a source's route for a prefix, with its next hops. */
interface Entry {
  r: RibRoute;
  type: RouteType;
  hops: readonly RibRoute[];
}

/** The RIB's entries in zebra's order: by prefix (route_top's walk), the newest entry of a prefix first. */
function entries(rib: readonly RibRoute[]): Entry[] {
  const byKey = new Map<string, Entry>();
  for (const r of rib) {
    const type = routeType(r.source);
    if (type === undefined) continue;
    const key = `${r.dest}/${r.len}/${r.source}`;
    const e = byKey.get(key);
    if (e === undefined) byKey.set(key, { r, type, hops: [r] });
    else (e.hops as RibRoute[]).push(r);
  }
  // rib_link adds an entry at the head of its prefix's list (zebra_rib.c), so the newest is first.
  return [...byKey.values()].sort(
    (a, b) =>
      a.r.dest - b.r.dest ||
      a.r.len - b.r.len ||
      b.r.since - a.r.since ||
      Number(a.r.selected) - Number(b.r.selected),
  );
}

/** A next hop as show_route_nexthop_helper writes it (zebra_vty.c:603-722). */
function nexthop(h: RibRoute, type: RouteType, ifName: (i: number) => string): string {
  const via =
    h.gateway === 0
      ? ` is directly connected, ${ifName(h.iface)}`
      : ` via ${formatIpv4(h.gateway)}, ${ifName(h.iface)}`;
  return via + (type.weighted ? ", weight 1" : "");
}

/**
 * `show ip route [TYPE]`: the header and every entry (of zebra's type `TYPE`: kernel, connected,
 * rip …); nothing at all when there is none, as zebra prints the header with the first entry
 * (zebra_vty.c:1255-1261).
 */
export function showIpRoute(
  rib: readonly RibRoute[],
  ifName: (i: number) => string,
  nowSecs: number,
  only?: string,
): string {
  const all = entries(rib).filter((e) => only === undefined || e.type.name === only);
  if (all.length === 0) return "";
  let out = SHOW_ROUTE_HEADER;
  for (const { r, type, hops } of all) {
    const up = frrInterval(nowSecs - r.since);
    const fib = r.selected ? "*" : " ";
    let head = `${type.char}${r.selected ? ">" : " "}${fib} ${formatIpv4(r.dest)}/${r.len}`;
    if (type !== CONNECTED || type.distance !== 0 || r.metric !== 0)
      head += ` [${type.distance}/${metricOf(r, type)}]`;
    hops.forEach((h, i) => {
      out += i === 0 ? head : `  ${fib}${" ".repeat(head.length - 3)}`;
      out += `${nexthop(h, type, ifName)}, ${up}\n`;
    });
  }
  return out;
}

/** `show ip route A.B.C.D` (longest match) or `A.B.C.D/M` (exact prefix). */
export function showIpRouteDetail(
  rib: readonly RibRoute[],
  ifName: (i: number) => string,
  nowSecs: number,
  addr: number,
  len: number | undefined,
): string {
  const all = entries(rib);
  let hit: Entry[];
  if (len !== undefined) {
    const dest = (addr & maskOf(len)) >>> 0;
    hit = all.filter((e) => e.r.dest === dest && e.r.len === len);
  } else {
    const covering = all.filter((e) => (addr & maskOf(e.r.len)) >>> 0 === e.r.dest);
    const best = Math.max(-1, ...covering.map((e) => e.r.len));
    hit = covering.filter((e) => e.r.len === best);
  }
  if (hit.length === 0) return "% Network not in table\n";
  let out = "";
  for (const { r, type, hops } of hit) {
    out += `Routing entry for ${formatIpv4(r.dest)}/${r.len}\n`;
    out += `  Known via "${type.name}", distance ${type.distance}, metric ${metricOf(r, type)}${r.selected ? ", best" : ""}\n`;
    out += `  Last update ${frrInterval(nowSecs - r.since)} ago\n`;
    for (const h of hops) {
      // show_nexthop_detail_helper (zebra_vty.c:299-431).
      const where =
        h.gateway === 0
          ? ` directly connected, ${ifName(h.iface)}`
          : ` ${formatIpv4(h.gateway)}, via ${ifName(h.iface)}`;
      out += `  ${r.selected ? "*" : " "}${where}${type.weighted ? ", weight 1" : ""}\n`;
    }
    out += "\n";
  }
  return out;
}
