/**
 * @module shell/cmd/ifconfig
 * `ifconfig [-a | -l] [-u | -d] [IF [up | down]]` in FreeBSD 8's layout (sbin/ifconfig
 * ifconfig.c `status()`: `flags=%x<…> metric 0 mtu N`, `\toptions=`, then the addresses,
 * `\tether` first), for the interfaces the seed had:
 * - lo0 (sys/net/if_loop.c:135): checksum offload on by default since FreeBSD 8.0 (lo(4)
 *   HISTORY), so `options=3<RXCSUM,TXCSUM>`; the seed's 127.0.0.1/24.
 * - epair(4) ends (sys/net/if_epair.c v 1.9, 2010): `options=8<VLAN_MTU>`, a locally
 *   administered MAC `02:…:00:II:0a|0b` whose bytes 3-4 are the interface's index at creation
 *   (if_epair.c:697-700, 790-793). FreeBSD 8's epair had no ifmedia, so no `media:` line.
 * routelab adds one line FreeBSD 8 did not print for an epair: `status: active | no carrier`.
 * It is kept because it teaches what neither the map nor `ripstatus` shows from the router's
 * own terminal: whether the router itself sees its cable cut (carrier lost: routes go at once)
 * or not (an administrative `ifconfig down`, or a silent cut: routing must time out).
 * FreeBSD 8 with INET6 also printed `inet6 fe80::…` and `nd6 options=` lines: routelab has no
 * IPv6, so it shows none.
 */
import { formatIpv4, maskOf } from "../../core/ip.js";
import { hex } from "../../apps/cfmt.js";
import type { ProgramIo } from "../../apps/process.js";
import type { Command, CommandResult } from "../commands.js";
import { isPrivileged, type ShellContext, type ShellInterface } from "../context.js";
import { getopt } from "../getopt.js";
import { whenReady } from "../later.js";
import type { NodeAlias } from "../../sim/node-system.js";
import { aliasLines, freebsdAlias, isAliasRequest } from "./freebsd-alias.js";
import { linuxIfconfig } from "./linux-ifconfig.js";
import { etherAddress } from "./netstat.js";

export const IFCONFIG_USAGE = `usage: ifconfig [-L] [-C] [-g groupname] interface address_family
                [address [dest_address]] [parameters]
       ifconfig interface create
       ifconfig -a [-L] [-C] [-g groupname] [-d] [-m] [-u] [-v] [address_family]
       ifconfig -l [-d] [-u] [address_family]
       ifconfig [-L] [-C] [-g groupname] [-d] [-m] [-u] [-v]
`;

const IFF = { UP: 0x1, BROADCAST: 0x2, LOOPBACK: 0x8, RUNNING: 0x40, SIMPLEX: 0x800, MULTICAST: 0x8000 };
const IFF_NAMES: [number, string][] = [
  [IFF.UP, "UP"],
  [IFF.BROADCAST, "BROADCAST"],
  [IFF.LOOPBACK, "LOOPBACK"],
  [IFF.RUNNING, "RUNNING"],
  [IFF.SIMPLEX, "SIMPLEX"],
  [IFF.MULTICAST, "MULTICAST"],
];

/**
 * The IFF_* flags of an interface: UP is the administrative state, apart from the carrier (a
 * pulled cable leaves UP set; `status:` shows it). RUNNING goes with UP, as a driver stops when
 * its interface is taken down.
 */
export function interfaceFlags(i: ShellInterface): number {
  if (!i.isLink) return IFF.UP | IFF.LOOPBACK | IFF.RUNNING | IFF.MULTICAST;
  return IFF.BROADCAST | IFF.SIMPLEX | IFF.MULTICAST | ((i.adminUp ?? i.up) ? IFF.UP | IFF.RUNNING : 0);
}

/** One interface's block, as `ifconfig IF` prints it. */
export function formatInterface(node: string, i: ShellInterface, aliases: readonly NodeAlias[] = []): string {
  const f = interfaceFlags(i);
  const names = IFF_NAMES.filter(([bit]) => f & bit).map(([, n]) => n);
  let s = `${i.name}: flags=${f.toString(16)}<${names.join(",")}> metric 0 mtu ${i.isLink ? 1500 : 16384}\n`;
  const mask = maskOf(i.len);
  if (i.isLink) {
    s += "\toptions=8<VLAN_MTU>\n";
    s += `\tether ${etherAddress(node, i.name)}\n`;
    const bcast = (i.addr | ~mask) >>> 0;
    s += `\tinet ${formatIpv4(i.addr)} netmask 0x${hex(mask, 8)} broadcast ${formatIpv4(bcast)}\n`;
    s += aliasLines(aliases);
    s += `\tstatus: ${(i.carrier ?? i.up) ? "active" : "no carrier"}\n`;
  } else {
    s += "\toptions=3<RXCSUM,TXCSUM>\n";
    s += `\tinet ${formatIpv4(i.addr)} netmask 0x${hex(mask, 8)} \n`;
  }
  return s;
}

/** The aliases of interface `i` (FreeBSD lists them in its block). */
function aliasesOf(ctx: ShellContext, i: ShellInterface): NodeAlias[] {
  return (ctx.aliases?.() ?? []).filter((a) => a.iface === i.index);
}

/** `ifconfig IF up|down`: root only, link interfaces only. */
function setInterfaceUp(ctx: ShellContext, i: ShellInterface, up: boolean, io: ProgramIo): CommandResult {
  if (!isPrivileged(ctx) || ctx.setInterfaceUp === undefined || !i.isLink) {
    io.err(
      ctx.os === "linux"
        ? "SIOCSIFFLAGS: Operation not permitted\n"
        : "ifconfig: ioctl (SIOCSIFFLAGS): Operation not permitted\n",
    );
    return ctx.os === "linux" ? 255 : 1;
  }
  return whenReady(ctx.setInterfaceUp(i.index, up), io, "ifconfig", () => 0);
}

export const ifconfigCommand: Command = {
  name: "ifconfig",
  summary: "show network interfaces (ifconfig IF down/up takes one out or back)",
  run(ctx: ShellContext, args: string[], io: ProgramIo) {
    if (ctx.os === "linux") return linuxIfconfig(ctx, args, io, (i, up) => setInterfaceUp(ctx, i, up, io));
    const g = getopt(args, "adlmuvLCg:", "ifconfig");
    if (!g.ok) {
      io.err(`${g.error}\n${IFCONFIG_USAGE}`);
      return 1;
    }
    const has = (c: string) => g.opts.some((o) => o.opt === c);
    const ifs = ctx.interfaces();
    const pick = (list: readonly ShellInterface[]) =>
      list.filter(
        (i) => (!has("u") || interfaceFlags(i) & IFF.UP) && (!has("d") || !(interfaceFlags(i) & IFF.UP)),
      );
    if (has("l")) {
      if (g.operands.some((o) => o !== "inet")) {
        io.err(IFCONFIG_USAGE);
        return 1;
      }
      io.out(
        `${pick(ifs)
          .map((i) => i.name)
          .join(" ")}\n`,
      );
      return 0;
    }
    const listAll = has("a") || g.operands.length === 0;
    if (listAll) {
      if (g.operands.some((o) => o !== "inet")) {
        io.err(IFCONFIG_USAGE);
        return 1;
      }
      io.out(
        pick(ifs)
          .map((i) => formatInterface(ctx.node, i, aliasesOf(ctx, i)))
          .join(""),
      );
      return 0;
    }
    const [name, ...params] = g.operands as [string, ...string[]];
    const i = ifs.find((x) => x.name === name);
    if (i === undefined) {
      io.err(`ifconfig: interface ${name} does not exist\n`);
      return 1;
    }
    const rest = params[0] === "inet" ? params.slice(1) : params;
    if (rest.length === 0) {
      io.out(formatInterface(ctx.node, i, aliasesOf(ctx, i)));
      return 0;
    }
    if (rest.length === 1 && (rest[0] === "up" || rest[0] === "down"))
      return setInterfaceUp(ctx, i, rest[0] === "up", io);
    if (isAliasRequest(rest)) return freebsdAlias(ctx, i, rest, io);
    io.err(`ifconfig: ${rest.join(" ")}: only 'up', 'down' and aliases can be changed in routelab\n`);
    return 1;
  },
};
