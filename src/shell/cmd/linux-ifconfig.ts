/**
 * @module shell/cmd/linux-ifconfig
 * `ifconfig` on an `os: linux` node: net-tools 2.10's layout (lib/interface.c ife_print_long;
 * test/fixtures/linux/ifconfig*.txt were written by it), and its aliases:
 * `ifconfig eth0:1 [inet] ADDR [netmask MASK] [up]` adds a second address labelled `eth0:1`
 * (the kernel's SIOCSIFADDR on a new label, net/ipv4/devinet.c devinet_ioctl), `ifconfig
 * eth0:1 down` removes it. Interfaces are listed by name in net-tools' order (lib/interface.c
 * add_interface keeps them sorted with nstrcmp, so eth0 < eth0:1 < eth1 < lo); without `-a`,
 * only those that are up. An alias prints its flags, address and MAC only, as the kernel keeps
 * no counters for a label. No `inet6` lines: the simulator has no IPv6 (the fixtures were taken
 * with IPv6 disabled).
 *
 * The broadcast address of an alias follows the kernel: SIOCSIFADDR sets the classful mask and
 * its broadcast, SIOCSIFNETMASK recomputes the broadcast only for a prefix shorter than /31
 * (devinet.c, "See if current broadcast address matches with current netmask"), so a /32 alias
 * keeps the class C broadcast — `broadcast 192.168.10.255` in the post's `eth0:1`.
 */
import { formatIpv4, type Ipv4, lenOfMask, maskOf, parseIpv4 } from "../../core/ip.js";
import type { ProgramIo } from "../../apps/process.js";
import type { NodeAlias } from "../../sim/node-system.js";
import type { CommandResult } from "../commands.js";
import { isPrivileged, type ShellContext, type ShellInterface } from "../context.js";
import { thenLater, whenReady } from "../later.js";
import { formatMac } from "../../core/mac.js";
import { etherAddress } from "./netstat.js";

const IFF_UP = 0x1;
const IFF_BROADCAST = 0x2;
const IFF_LOOPBACK = 0x8;
const IFF_RUNNING = 0x40;
const IFF_MULTICAST = 0x1000;
/** net-tools' if_flags order (lib/interface.c). */
const FLAG_NAMES: [number, string][] = [
  [IFF_UP, "UP"],
  [IFF_BROADCAST, "BROADCAST"],
  [IFF_LOOPBACK, "LOOPBACK"],
  [IFF_RUNNING, "RUNNING"],
  [IFF_MULTICAST, "MULTICAST"],
];

/** The name Linux gives an interface: `lo` for the loopback (the simulator's lo0). */
export function linuxName(i: ShellInterface): string {
  return i.isLink ? i.name : "lo";
}

/** Linux's IFF_* flags: UP is the administrative state, RUNNING the carrier (IFF_RUNNING = oper up). */
export function linuxFlags(i: ShellInterface): number {
  if (!i.isLink) return IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
  const admin = i.adminUp ?? i.up;
  const carrier = i.carrier ?? i.up;
  return IFF_BROADCAST | IFF_MULTICAST | (admin ? IFF_UP : 0) | (admin && carrier ? IFF_RUNNING : 0);
}

function flagText(f: number): string {
  return `flags=${f}<${FLAG_NAMES.filter(([b]) => f & b)
    .map(([, n]) => n)
    .join(",")}>`;
}

/** The class A/B/C mask of an address (inet_abc_len), which SIOCSIFADDR gives a new address. */
export function classfulLen(a: Ipv4): number {
  if (a >>> 31 === 0) return 8;
  if (a >>> 30 === 2) return 16;
  return 24;
}

/** The broadcast a label gets from `ifconfig LABEL ADDR netmask MASK` (see the module comment). */
export function aliasBroadcast(addr: Ipv4, len: number): Ipv4 {
  const l = len < 31 ? len : classfulLen(addr);
  return (addr | ~maskOf(l)) >>> 0;
}

/** net-tools print_bytes_scaled: `90 (90.0 B)`, `6168 (6.0 KiB)`, up to TiB. */
export function bytesScaled(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let whole = n;
  let frac = 0;
  let u = 0;
  while (whole >= 1024 && u < 4) {
    frac = Math.floor(((whole % 1024) * 10) / 1024);
    whole = Math.floor(whole / 1024);
    u++;
  }
  return `${n} (${whole}.${frac} ${units[u]})`;
}

const T = "        ";

/** The interface's MAC as text: the engine's own when it tells it (sim Iface.mac), else the lab's derivation. */
export function macText(node: string, i: ShellInterface): string {
  const mac = (i as { mac?: Uint8Array }).mac;
  return mac !== undefined && mac.length === 6 ? formatMac(mac) : etherAddress(node, i.name);
}

/** One interface's block as `ifconfig IF` prints it, blank line included. */
export function formatLinuxInterface(node: string, i: ShellInterface): string {
  const name = linuxName(i);
  let s = `${name}: ${flagText(linuxFlags(i))}  mtu ${i.isLink ? 1500 : 65536}\n`;
  if (i.isLink) {
    const mask = maskOf(i.len);
    s += `${T}inet ${formatIpv4(i.addr)}  netmask ${formatIpv4(mask)}  broadcast ${formatIpv4((i.addr | ~mask) >>> 0)}\n`;
    s += `${T}ether ${macText(node, i)}  txqueuelen 1000  (Ethernet)\n`;
  } else {
    s += `${T}inet 127.0.0.1  netmask 255.0.0.0\n`;
    s += `${T}loop  txqueuelen 1000  (Local Loopback)\n`;
  }
  s += `${T}RX packets ${i.ipackets ?? 0}  bytes ${bytesScaled(i.ibytes ?? 0)}\n`;
  s += `${T}RX errors ${i.ierrors ?? 0}  dropped 0  overruns 0  frame 0\n`;
  s += `${T}TX packets ${i.opackets ?? 0}  bytes ${bytesScaled(i.obytes ?? 0)}\n`;
  s += `${T}TX errors ${i.oerrors ?? 0}  dropped ${i.drops ?? 0} overruns 0  carrier 0  collisions 0\n\n`;
  return s;
}

/** An alias's block: flags of its interface, its address, the interface's MAC. */
export function formatLinuxAlias(node: string, base: ShellInterface, a: NodeAlias): string {
  let s = `${a.label}: ${flagText(linuxFlags(base))}  mtu 1500\n`;
  const brd = a.brd === undefined ? "" : `  broadcast ${formatIpv4(a.brd)}`;
  s += `${T}inet ${formatIpv4(a.addr)}  netmask ${formatIpv4(maskOf(a.len))}${brd}\n`;
  s += `${T}ether ${macText(node, base)}  txqueuelen 1000  (Ethernet)\n\n`;
  return s;
}

/** net-tools nstrcmp: names compared with their digit runs as numbers (eth2 < eth10). */
export function nstrcmp(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let k = 0; k < Math.min(pa.length, pb.length); k++) {
    const x = pa[k]!;
    const y = pb[k]!;
    if (/^\d/.test(x) && /^\d/.test(y) && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (x !== y) return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

type Block = { name: string; up: boolean; text: string };

function blocks(ctx: ShellContext): Block[] {
  const ifs = ctx.interfaces();
  const out: Block[] = ifs.map((i) => ({
    name: linuxName(i),
    up: (linuxFlags(i) & IFF_UP) !== 0,
    text: formatLinuxInterface(ctx.node, i),
  }));
  for (const a of ctx.aliases?.() ?? []) {
    const base = ifs[a.iface];
    // An address without a label of its own (`ip addr add … dev eth0`) is not an interface to net-tools.
    if (base && a.label !== base.name)
      out.push({
        name: a.label,
        up: (linuxFlags(base) & IFF_UP) !== 0,
        text: formatLinuxAlias(ctx.node, base, a),
      });
  }
  return out.sort((x, y) => nstrcmp(x.name, y.name));
}

/** `ifconfig` on a Linux node; `setUp` is the shared `ifconfig IF up|down` of the FreeBSD command. */
export function linuxIfconfig(
  ctx: ShellContext,
  args: string[],
  io: ProgramIo,
  setUp: (i: ShellInterface, up: boolean) => CommandResult,
): CommandResult {
  const all = args[0] === "-a";
  const rest = all ? args.slice(1) : args;
  if (rest.length === 0) {
    io.out(
      blocks(ctx)
        .filter((b) => all || b.up)
        .map((b) => b.text)
        .join(""),
    );
    return 0;
  }
  const [name, ...params] = rest as [string, ...string[]];
  const colon = name.indexOf(":");
  const baseName = colon < 0 ? name : name.slice(0, colon);
  const ifs = ctx.interfaces();
  const base = ifs.find((i) => linuxName(i) === baseName);
  if (params.length === 0) {
    const b = blocks(ctx).find((x) => x.name === name);
    if (b === undefined) {
      io.err(`${name}: error fetching interface information: Device not found\n`);
      return 1;
    }
    io.out(b.text);
    return 0;
  }
  if (colon < 0 && base !== undefined && params.length === 1 && (params[0] === "up" || params[0] === "down"))
    return setUp(base, params[0] === "up");
  if (colon < 0) {
    io.err(
      `ifconfig: changing ${name}'s own address is not supported in routelab (add an alias: ifconfig ${name}:1 ADDR)\n`,
    );
    return 1;
  }
  return aliasCommand(ctx, name, base, params, io);
}

function aliasCommand(
  ctx: ShellContext,
  label: string,
  base: ShellInterface | undefined,
  params: string[],
  io: ProgramIo,
): CommandResult {
  const words = params[0] === "inet" ? params.slice(1) : params;
  if (!isPrivileged(ctx)) {
    io.err(
      words[0] === "down"
        ? "SIOCSIFFLAGS: Operation not permitted\n"
        : "SIOCSIFADDR: Operation not permitted\nSIOCSIFFLAGS: Operation not permitted\n",
    );
    return 255;
  }
  if (words.length === 1 && words[0] === "down") {
    const gone = ctx.removeAlias?.({ label }) ?? false;
    return whenReady(gone, io, "ifconfig", (ok) => {
      if (!ok) io.err(`SIOCSIFFLAGS: Cannot assign requested address\n`);
      return ok ? 0 : 255;
    });
  }
  let addr: Ipv4 | undefined;
  let len: number | undefined;
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    if (w === "up") continue;
    if (w === "netmask") {
      const m = parseIpv4(words[++k] ?? "");
      const l = m === undefined ? -1 : lenOfMask(m);
      if (m === undefined || l < 0) {
        io.err(`SIOCSIFNETMASK: Invalid argument\n`);
        return 255;
      }
      len = l;
      continue;
    }
    const a = parseIpv4(w);
    if (a === undefined || addr !== undefined) {
      io.err(`${w}: Unknown host\nifconfig: \`--help' gives usage information.\n`);
      return 1;
    }
    addr = a;
  }
  if (addr === undefined) {
    io.err(`ifconfig: ${label}: an alias needs an address (ifconfig ${label} ADDR netmask MASK up)\n`);
    return 1;
  }
  if (base === undefined || !base.isLink || ctx.addAlias === undefined) {
    io.err("SIOCSIFADDR: No such device\n");
    return 255;
  }
  const l = len ?? classfulLen(addr);
  const alias: NodeAlias = { iface: base.index, addr, len: l, label, brd: aliasBroadcast(addr, l) };
  // A label given a new address loses its old one first, as SIOCSIFADDR replaces it.
  const added = thenLater(ctx.removeAlias?.({ label }) ?? false, () => ctx.addAlias!(alias));
  return whenReady(added, io, "ifconfig", (err) => {
    if (err === undefined) return 0;
    io.err(`SIOCSIFADDR: ${err === "EEXIST" ? "File exists" : "No such device"}\n`);
    return 255;
  });
}
