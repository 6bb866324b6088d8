/**
 * @module shell/cmd/route
 * `route [-n] add|change|delete|get …` with FreeBSD 8's syntax and messages (sbin/route):
 *
 *     route add -net 10.0.30.0/24 10.0.10.2    → add net 10.0.30.0: gateway 10.0.10.2
 *     route add default vm2                    → add net default: gateway vm2
 *     route delete 10.0.30.0/24                → delete net 10.0.30.0
 *     route get vm6                            → the route to:/destination:/mask:/… block
 *
 * Destinations are classified as route(8) does: `/len`, `-net`, `default` or a classful
 * address with a zero host part make a network route; `-host`, a name, or any other address
 * make a host route (so `route add 10.0.30.0 …` is a host route — 10.0.30.0 has host bits in
 * class A — exactly as on FreeBSD). Failures print the kernel's answer the same way:
 * `route: writing to routing socket: File exists` then `add net …: route already in table`.
 * Only root may change routes. The change itself is the node's kernel's (`ctx.changeRoute`):
 * a static route of the simulator's FIB, or `ip route … proto static` in a namespace, whose
 * errno prints the same way.
 */
import { type Ipv4, lenOfMask, maskOf, parseIpv4 } from "../../core/ip.js";
import { strerror } from "../../apps/errno.js";
import type { ProgramIo } from "../../apps/process.js";
import type { Command } from "../commands.js";
import { isPrivileged, type RouteRequest, type ShellContext, type ShellRoute } from "../context.js";
import { getopt } from "../getopt.js";
import { whenReady } from "../later.js";
import { routename } from "../names.js";

export const ROUTE_USAGE = "usage: route [-dnqtv] command [[modifiers] args]\n";
const EX_USAGE = 64;

/** A destination as route(8) understood it. */
interface Dest {
  addr: Ipv4;
  len: number;
  host: boolean;
  /** The operand as printed back (route.c prints `dest` after cutting `/len` off in place). */
  text: string;
}

/** inet_network(3): 1–4 dotted parts (decimal, 0x hex, 0 octal), the last filling the rest. */
function inetNetwork(s: string): number | undefined {
  const parts = s.split(".");
  if (parts.length > 4 || parts.some((p) => !/^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.test(p)))
    return undefined;
  let v = 0;
  for (const p of parts) {
    const n = /^0[xX]/.test(p)
      ? Number.parseInt(p.slice(2), 16)
      : p.length > 1 && p[0] === "0"
        ? Number.parseInt(p, 8)
        : Number(p);
    if (n > 255) return undefined;
    v = v * 256 + n;
  }
  return v >>> 0;
}

/** route.c `inet_makenetandmask`: left-align a short network number; no /len → trailing zero octets. */
function makeNetAndMask(net: number, bits: number): { addr: Ipv4; len: number } {
  const addr =
    net <= 0xff ? net * 0x1000000 : net <= 0xffff ? net * 0x10000 : net <= 0xffffff ? net * 0x100 : net;
  let len = bits;
  if (bits === 0 && addr !== 0) {
    let i = 0;
    while (i < 4 && ((addr >>> (8 * i)) & 0xff) === 0) i++;
    len = 32 - i * 8;
  }
  return { addr: addr >>> 0, len };
}

/** inet_lnaof(3): the classful host part. */
function lnaof(a: Ipv4): number {
  if (a >>> 31 === 0) return a & 0x00ffffff;
  if (a >>> 30 === 2) return a & 0x0000ffff;
  return a & 0x000000ff;
}

function parseDest(ctx: ShellContext, s: string, forceNet: boolean, forceHost: boolean): Dest | string {
  if (s === "default") return { addr: 0, len: 0, host: false, text: s };
  const slash = s.indexOf("/");
  if (slash >= 0 && !forceHost) {
    const net = inetNetwork(s.slice(0, slash));
    const bits = Number(s.slice(slash + 1));
    if (net !== undefined && /^\d+$/.test(s.slice(slash + 1)) && bits <= 32) {
      const m = makeNetAndMask(net, bits);
      return { ...m, host: m.len === 32, text: s.slice(0, slash) };
    }
  }
  const a = parseIpv4(s);
  if (a !== undefined && !forceNet) {
    if (forceHost || lnaof(a) !== 0) return { addr: a, len: 32, host: true, text: s };
    return { ...makeNetAndMask(a, 0), host: false, text: s };
  }
  if (!forceHost) {
    const n = inetNetwork(s);
    if (n !== undefined) return { ...makeNetAndMask(n, 0), host: false, text: s };
  }
  const r = ctx.resolve(s);
  if (r !== undefined) return { addr: r, len: 32, host: true, text: s };
  return `bad address: ${s}`;
}

const ROUTE_ERR: Record<string, string> = {
  ESRCH: "not in table",
  EBUSY: "entry in use",
  ENOBUFS: "not enough memory",
  EADDRINUSE: "gateway uses the same route",
  EEXIST: "route already in table",
};

/** Flag names of `route get` in bit order (route.c `routeflags`). */
const FLAG_NAMES: [string, string][] = [
  ["U", "UP"],
  ["G", "GATEWAY"],
  ["H", "HOST"],
  ["R", "REJECT"],
  ["D", "DYNAMIC"],
  ["M", "MODIFIED"],
  ["d", "DONE"],
  ["S", "STATIC"],
  ["B", "BLACKHOLE"],
];

/** The `route get` block (route.c `print_getmsg`). */
export function formatGet(ctx: ShellContext, target: Ipv4, r: ShellRoute, numeric: boolean): string {
  const ifs = ctx.interfaces();
  const rn = (a: Ipv4, n = numeric) => (a === 0 ? "default" : routename(ctx, a, n));
  const host = r.len === 32 || r.flags.includes("H");
  let s = `   route to: ${rn(target)}\n`;
  s += `destination: ${rn(r.dest)}\n`;
  if (!host) s += `       mask: ${rn(maskOf(r.len), true)}\n`;
  if (r.gateway !== 0) s += `    gateway: ${rn(r.gateway)}\n`;
  const ifp = ifs[r.iface];
  if (ifp) s += `  interface: ${ifp.name}\n`;
  const set = new Set(`U${r.flags}d`);
  const names = FLAG_NAMES.filter(([c]) => set.has(c)).map(([, n]) => n);
  s += `      flags: <${names.join(",")}>\n`;
  s += " recvpipe  sendpipe  ssthresh  rtt,msec    mtu        weight    expire\n";
  const col = (n: number) => `${String(n).padStart(8)} `;
  const mtu = ifp?.isLink === false ? 16384 : 1500;
  s += `${col(0)} ${col(0)} ${col(0)} ${col(0)} ${col(mtu)} ${col(1)} ${col(0)}\n`;
  return s;
}

export const routeCommand: Command = {
  name: "route",
  summary: "add, change, delete or look up a route (route add -net 10.0.30.0/24 10.0.10.2)",
  run(ctx: ShellContext, args: string[], io: ProgramIo) {
    const g = getopt(args, "dnqtv", "route");
    if (!g.ok) {
      io.err(`${g.error}\n${ROUTE_USAGE}`);
      return EX_USAGE;
    }
    const numeric = g.opts.some((o) => o.opt === "n");
    const quiet = g.opts.some((o) => o.opt === "q");
    const [cmd, ...rest] = g.operands;
    if (cmd === undefined) {
      io.err(ROUTE_USAGE);
      return EX_USAGE;
    }
    if (cmd !== "add" && cmd !== "change" && cmd !== "delete" && cmd !== "get") {
      io.err(`route: botched keyword: ${cmd}\n${ROUTE_USAGE}`);
      return EX_USAGE;
    }
    // Modifiers and operands, in any order (route.c `newroute`).
    let forceNet = false;
    let forceHost = false;
    let netmask: string | undefined;
    const positional: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      if (!a.startsWith("-")) {
        positional.push(a);
        continue;
      }
      switch (a.slice(1)) {
        case "net":
          forceNet = true;
          break;
        case "host":
          forceHost = true;
          break;
        case "netmask":
          netmask = rest[++i];
          if (netmask === undefined) {
            io.err(`route: ${a}: missing argument\n${ROUTE_USAGE}`);
            return EX_USAGE;
          }
          break;
        case "inet":
        case "static":
          break;
        default:
          io.err(`route: ${a}: not supported in routelab\n`);
          return EX_USAGE;
      }
    }
    if (positional[2] !== undefined && netmask === undefined) netmask = positional[2];
    const destText = positional[0];
    if (destText === undefined || positional.length > 3) {
      io.err(ROUTE_USAGE);
      return EX_USAGE;
    }
    const d = parseDest(ctx, destText, forceNet || netmask !== undefined, forceHost);
    if (typeof d === "string") {
      io.err(`route: ${d}\n`);
      return EX_USAGE;
    }
    if (netmask !== undefined) {
      const m = parseIpv4(netmask);
      const len = m === undefined ? -1 : lenOfMask(m);
      if (len < 0) {
        io.err(`route: bad netmask: ${netmask}\n`);
        return EX_USAGE;
      }
      d.len = len;
      d.host = false;
    }
    if (cmd === "get") {
      const target = d.addr;
      const show = (r: ShellRoute | undefined) => {
        if (!r) {
          io.err(`route: writing to routing socket: ${strerror("ESRCH")}\n`);
          return 1;
        }
        io.out(formatGet(ctx, target, r, numeric));
        return 0;
      };
      // A network asks for that very prefix (RTM_GET with a mask); a host, the kernel's lookup.
      if (d.len !== 32 && !d.host)
        return show(ctx.routes().find((r) => r.dest === (d.addr & maskOf(d.len)) >>> 0 && r.len === d.len));
      return whenReady(ctx.routeTo(target), io, "route", show);
    }
    const gwText = positional[1];
    let gw: Ipv4 | undefined;
    if (gwText !== undefined) {
      gw = parseIpv4(gwText) ?? ctx.resolve(gwText);
      if (gw === undefined) {
        io.err(`route: bad address: ${gwText}\n`);
        return EX_USAGE;
      }
    }
    if (!isPrivileged(ctx)) {
      io.err(`route: writing to routing socket: ${strerror("EPERM")}\n`);
      return 1;
    }
    const req: RouteRequest = { cmd, dest: (d.addr & maskOf(d.len)) >>> 0, len: d.len };
    const change = ctx.changeRoute(gw === undefined ? req : { ...req, gateway: gw });
    return whenReady(change, io, "route", (errno) => {
      if (errno) io.err(`route: writing to routing socket: ${strerror(errno)}\n`);
      if (!quiet) {
        let s = `${cmd} ${d.host ? "host" : "net"} ${d.text}`;
        if (gwText !== undefined) s += `: gateway ${gwText}`;
        s += errno ? `: ${ROUTE_ERR[errno] ?? strerror(errno)}\n` : "\n";
        io.out(s);
      }
      return errno ? 1 : 0;
    });
  },
};
