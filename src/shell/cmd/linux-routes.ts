/**
 * @module shell/cmd/linux-routes
 * The main routing table of an `os: linux` node as Linux tools print it:
 * - `ip route` (iproute2 6.1 ip/iproute.c print_route): `default via GW dev IF `, a connected
 *   subnet `NET/LEN dev IF proto kernel scope link src ADDR `, a static route
 *   `NET/LEN via GW dev IF `, a routing daemon's `… proto rip metric 20 ` (FRR installs its
 *   routes with metric 20; FRR 8 also prints `nhid N`, which the simulator has no ids for). A
 *   host route prints without `/32`. Each line ends in a blank, as iproute2's does.
 * - `netstat -r[n]` (net-tools 2.10 lib/inet_gr.c rprint_fib): `Kernel IP routing table`, then
 *   `%-15s %-15s %-15s %-5s %5d %-6d %5d %s`.
 * Both list the kernel's main table in fib_trie order: by destination, longer prefixes first.
 * The local table (the node's own addresses, `lo`) is not in it. Fixtures:
 * test/fixtures/linux/ip-route.txt, netstat-rn.txt.
 */
import { formatIpv4, maskOf } from "../../core/ip.js";
import { left, right } from "../../apps/cfmt.js";
import type { ShellContext, ShellRoute } from "../context.js";
import { linuxName } from "./linux-ifconfig.js";

/** The routes of the main table, in the kernel's order. */
export function mainTable(ctx: ShellContext): ShellRoute[] {
  return ctx
    .routes()
    .filter((r) => r.source !== "local" && r.iface !== 0)
    .sort((a, b) => (a.dest !== b.dest ? (a.dest < b.dest ? -1 : 1) : b.len - a.len));
}

function ifaceName(ctx: ShellContext, r: ShellRoute): string {
  const i = ctx.interfaces()[r.iface];
  return i ? linuxName(i) : "lo";
}

/** One `ip route` line. */
export function ipRouteLine(ctx: ShellContext, r: ShellRoute): string {
  const dest = r.len === 0 ? "default" : r.len === 32 ? formatIpv4(r.dest) : `${formatIpv4(r.dest)}/${r.len}`;
  const dev = ifaceName(ctx, r);
  if (r.source === "connected") {
    const i = ctx.interfaces()[r.iface];
    const own =
      i && (i.addr & maskOf(r.len)) >>> 0 === r.dest
        ? i.addr
        : (ctx.aliases?.().find((a) => a.iface === r.iface && (a.addr & maskOf(r.len)) >>> 0 === r.dest)
            ?.addr ??
          i?.addr ??
          0);
    return `${dest} dev ${dev} proto kernel scope link src ${formatIpv4(own)} \n`;
  }
  const via = r.gateway !== 0 ? ` via ${formatIpv4(r.gateway)}` : "";
  const proto = r.source === "static" ? "" : ` proto ${r.source} metric 20`;
  return `${dest}${via} dev ${dev}${proto} \n`;
}

/** net-tools' flag letters for a route: U, G for a gateway, H for a host route. */
function netstatFlags(r: ShellRoute): string {
  return `U${r.gateway !== 0 ? "G" : ""}${r.len === 32 ? "H" : ""}`;
}

/** `netstat -r[n]` on a Linux node. */
export function linuxNetstatRoutes(ctx: ShellContext, numeric: boolean): string {
  let s = "Kernel IP routing table\n";
  s += "Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n";
  for (const r of mainTable(ctx)) {
    const dest = !numeric && r.len === 0 ? "default" : formatIpv4(r.dest);
    const gw =
      r.gateway === 0
        ? "0.0.0.0"
        : numeric
          ? formatIpv4(r.gateway)
          : (ctx.reverse(r.gateway) ?? formatIpv4(r.gateway));
    s += `${left(dest, 15)} ${left(gw, 15)} ${left(formatIpv4(maskOf(r.len)), 15)} ${left(netstatFlags(r), 5)} ${right("0", 5)} ${left("0", 6)} ${right("0", 5)} ${ifaceName(ctx, r)}\n`;
  }
  return s;
}
