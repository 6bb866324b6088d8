/**
 * @module shell/cmd/netstat
 * `netstat -r[n]` (the routing table) and `netstat -i[n]` (interface counters) in FreeBSD 8's
 * layout (usr.bin/netstat route.c and if.c): fixed-width columns, names resolved unless -n,
 * `link#N` as the gateway of connected and local routes, Netif cut to 6 characters.
 */
import { formatMac, interfaceMac } from "../../core/mac.js";
import { maskOf } from "../../core/ip.js";
import { left, leftCut, right, rightCut } from "../../apps/cfmt.js";
import type { ProgramIo } from "../../apps/process.js";
import type { Command } from "../commands.js";
import type { ShellContext, ShellInterface, ShellRoute } from "../context.js";
import { getopt } from "../getopt.js";
import { netname, routename } from "../names.js";
import { linuxNetstatRoutes } from "./linux-routes.js";

export const NETSTAT_USAGE = `usage: netstat [-AaLnSTWx] [-f protocol_family | -p protocol]
               [-M core] [-N system]
       netstat -i | -I interface [-abdhnW] [-f address_family]
               [-M core] [-N system]
       netstat -w wait [-I interface] [-d] [-M core] [-N system] [-q howmany]
       netstat -s [-s] [-z] [-f protocol_family | -p protocol]
               [-M core] [-N system]
       netstat -i | -I interface -s [-f protocol_family | -p protocol]
               [-M core] [-N system]
       netstat -m [-M core] [-N system]
       netstat -B [-I interface]
       netstat -r [-AanW] [-f address_family] [-M core] [-N system]
       netstat -rs [-s] [-M core] [-N system]
       netstat -g [-W] [-f address_family] [-M core] [-N system]
       netstat -gs [-s] [-f protocol_family] [-M core] [-N system]
`;

const SPEC = "AaBbdf:ghI:iLlM:mN:np:q:rSsTtuWw:xz";

/** FreeBSD's flag letters in the order netstat prints them (route.c `bits[]`). */
const FLAG_ORDER = "UGHRDMdXS123cBbL";

/** Sorts route flags into netstat's order, with U first. */
export function routeFlags(flags: string): string {
  const set = new Set(`U${flags}`);
  let s = "";
  for (const c of FLAG_ORDER) if (set.has(c)) s += c;
  return s;
}

/** `link#N` for a route without a next hop: the interface owning a local address, else the route's. */
function linkGateway(r: ShellRoute, ifs: readonly ShellInterface[]): string {
  let idx = r.iface;
  if (r.iface === 0 && r.len === 32) {
    const owner = ifs.find((i) => i.addr === r.dest);
    if (owner) idx = owner.index;
  }
  return `link#${idx + 1}`;
}

/**
 * netstat's Refs (rt_refcnt, usr.bin/netstat/route.c:764) as the seed's FreeBSD 8.0 table shows
 * it: 1 on each interface's prefix route (`10.0.10.0 link#2 U 1`), 0 on every other route. The
 * reference is in_ifinit's: after rtinit adds the prefix route it looks the interface's own
 * address up (sys/netinet/in.c:1001 rtalloc_ign_fib, which finds that prefix route and holds it)
 * to add the lo0 host route; the FreeBSD tree of 2010 drops it again (in.c:1012-1013), the seed's
 * 8.0 kernel kept it, and the seed's table is what routelab shows. An engine that knows a
 * route's count (`r.refs`) wins.
 */
export function routeRefs(r: ShellRoute): number {
  if (r.refs !== undefined) return r.refs;
  return r.source === "connected" && r.gateway === 0 && r.iface !== 0 ? 1 : 0;
}

/** The Internet routing table as `netstat -r` prints it. */
export function formatRoutes(ctx: ShellContext, numeric: boolean): string {
  const ifs = ctx.interfaces();
  const addr = (s: string) => (numeric ? left(s, 18) : leftCut(s, 18));
  let out = "Routing tables\n\nInternet:\n";
  out += `${left("Destination", 18)} ${left("Gateway", 18)} ${left("Flags", 6)} ${right("Refs", 6)} ${right("Use", 8)} ${right("Netif", 6)} ${right("Expire", 6)}\n`;
  for (const r of ctx.routes()) {
    const host = r.len === 32 || r.flags.includes("H");
    const dst =
      r.dest === 0 && r.len === 0
        ? "default"
        : host
          ? routename(ctx, r.dest, numeric)
          : netname(r.dest, r.len, numeric);
    const gw = r.gateway !== 0 ? routename(ctx, r.gateway, numeric) : linkGateway(r, ifs);
    const ifname = ifs[r.iface]?.name ?? "?";
    let line = `${addr(dst)} ${addr(gw)} ${leftCut(routeFlags(r.flags), 6)} ${right(String(routeRefs(r)), 6)} ${right(String(r.use), 8)} ${rightCut(ifname, 6)}`;
    if (r.expire) line += ` ${right(String(r.expire), 6)}`;
    out += `${line}\n`;
  }
  return out;
}

/**
 * `netstat -i`: per interface a link-level row (`<Link#N>`, the interface's counters) and one
 * row per address with that address's own packet counts and `-` for the link-only columns
 * (usr.bin/netstat/if.c `intpr`: show_stat with network_layer, the ia_ifa counters). A
 * routelab interface has one IPv4 address; FreeBSD 8 also listed its IPv6 addresses.
 */
export function formatInterfaces(ctx: ShellContext, numeric: boolean, wide: boolean): string {
  const nw = wide ? 7 : 5;
  const c = (n: number | undefined) => (n === undefined ? "0" : String(n));
  let out = `${leftCut("Name", nw)} ${rightCut("Mtu", 5)} ${leftCut("Network", 13)} ${leftCut("Address", 17)} ${rightCut("Ipkts", 8)} ${rightCut("Ierrs", 5)} ${rightCut("Idrop", 5)} ${rightCut("Opkts", 8)} ${rightCut("Oerrs", 5)} ${right("Coll", 5)}\n`;
  for (const i of ctx.interfaces()) {
    // `*` marks an interface without IFF_UP (if.c), whatever its carrier.
    const name = leftCut((i.adminUp ?? i.up) ? i.name : `${i.name}*`, nw);
    const mtu = i.isLink ? 1500 : 16384;
    const lladdr = i.isLink ? etherAddress(ctx.node, i.name) : "";
    out += `${name} ${right(String(mtu), 5)} ${leftCut(`<Link#${i.index + 1}>`, 13)} ${leftCut(lladdr, 17)} ${right(c(i.ipackets), 8)} ${right(c(i.ierrors), 5)} ${right(c(i.drops), 5)} ${right(c(i.opackets), 8)} ${right(c(i.oerrors), 5)} ${right("0", 5)}\n`;
    const net = (i.addr & maskOf(i.len)) >>> 0;
    const netText = netname(net, i.len, numeric);
    const addrText = routename(ctx, i.addr, numeric);
    // The address row shows the address's own counters (if.c: ia_ifa.if_ipackets/if_opackets).
    const ipkts = c(i.addrIpackets ?? i.ipackets);
    const opkts = c(i.addrOpackets ?? i.opackets);
    out += `${name} ${right(String(mtu), 5)} ${leftCut(netText, 13)} ${leftCut(addrText, 17)} ${right(ipkts, 8)} ${right("-", 5)} ${right("-", 5)} ${right(opkts, 8)} ${right("-", 5)} ${right("-", 5)}\n`;
  }
  return out;
}

/** An interface's MAC as ifconfig and netstat -i print it (core/mac.ts `interfaceMac`). */
export function etherAddress(node: string, iface: string): string {
  return formatMac(interfaceMac(node, iface));
}

export const netstatCommand: Command = {
  name: "netstat",
  summary: "show the routing table (-r, -rn) or interface counters (-i)",
  run(ctx: ShellContext, args: string[], io: ProgramIo) {
    const g = getopt(args, SPEC, "netstat");
    if (!g.ok || g.operands.length > 0) {
      io.err(`${g.ok ? "" : `${g.error}\n`}${NETSTAT_USAGE}`);
      return 1;
    }
    const has = (c: string) => g.opts.some((o) => o.opt === c);
    const numeric = has("n");
    if (has("r")) {
      io.out(ctx.os === "linux" ? linuxNetstatRoutes(ctx, numeric) : formatRoutes(ctx, numeric));
      return 0;
    }
    if (has("i")) {
      io.out(formatInterfaces(ctx, numeric, has("W")));
      return 0;
    }
    const other = g.opts.find((o) => !"anW".includes(o.opt));
    if (other) {
      io.err(`netstat: -${other.opt}: not supported in routelab (try -r, -rn or -i)\n`);
      return 1;
    }
    // Active sockets: the simulated nodes hold no TCP connections, and FreeBSD prints the
    // "Active Internet connections" header only above a first row — so, nothing.
    return 0;
  },
};
