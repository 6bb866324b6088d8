/**
 * @module shell/cmd/ip
 * `ip` (iproute2 6.1) on an `os: linux` node: `ip addr [show [dev] IF]`, `ip addr add|del
 * ADDR/LEN [brd +|ADDR] dev IF [label LABEL]`, `ip route [show]`; `a`, `addr`, `address`, `r`,
 * `ro`, `route` as ip accepts them (matches() in ip/utils.c: any prefix of the word).
 *
 * `ip addr` prints ipaddress.c print_linkinfo/print_addrinfo (test/fixtures/linux/ip-addr.txt):
 * each link end is a veth whose peer lives in another namespace, so `eth0@ifN` (N the peer's
 * index in its own node) and `link-netns PEER`; `NO-CARRIER` and `state DOWN` when the far
 * end is gone. Errors and exit statuses are the kernel's and iproute2's, captured on this
 * machine: `Error: ipv4: Address already assigned.` (2), `Error: ipv4: Address not found.` (2),
 * `Cannot find device "eth9"` (1), `RTNETLINK answers: Operation not permitted` (2),
 * `Object "foo" is unknown, try "ip help".` (255).
 */
import { formatIpv4, type Ipv4, parseIpv4 } from "../../core/ip.js";
import type { ProgramIo } from "../../apps/process.js";
import type { NodeAlias } from "../../sim/node-system.js";
import type { Command, CommandResult } from "../commands.js";
import { isPrivileged, type ShellContext, type ShellInterface } from "../context.js";
import { thenLater, whenReady } from "../later.js";
import { linuxFlags, linuxName, macText } from "./linux-ifconfig.js";
import { ipRouteLine, mainTable } from "./linux-routes.js";

const IFF_UP = 0x1;
const IFF_RUNNING = 0x40;

/** Whether `word` is a prefix of `full` at least `min` long (iproute2 matches()). */
function matches(word: string | undefined, full: string, min = 1): boolean {
  return word !== undefined && word.length >= min && full.startsWith(word);
}

/** The far end of a simulated link interface, when the engine's interface tells it. */
function peerOf(i: ShellInterface): { index: number; node: string } | undefined {
  const p = (i as { peer?: { index: number; node?: { name: string } } | null }).peer;
  return p?.node ? { index: p.index, node: p.node.name } : undefined;
}

function linkBlock(ctx: ShellContext, i: ShellInterface): string {
  const idx = i.index + 1;
  if (!i.isLink) {
    return (
      `${idx}: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n` +
      "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n" +
      "    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n"
    );
  }
  const f = linuxFlags(i);
  const up = (f & IFF_UP) !== 0;
  const running = (f & IFF_RUNNING) !== 0;
  const flags = [
    up && !running ? "NO-CARRIER" : "",
    "BROADCAST",
    "MULTICAST",
    up ? "UP" : "",
    running ? "LOWER_UP" : "",
  ]
    .filter((x) => x)
    .join(",");
  const peer = peerOf(i);
  const at = peer ? `@if${peer.index + 1}` : "";
  const netns = peer ? ` link-netns ${peer.node}` : "";
  let s = `${idx}: ${i.name}${at}: <${flags}> mtu 1500 qdisc noqueue state ${running ? "UP" : "DOWN"} group default qlen 1000\n`;
  s += `    link/ether ${macText(ctx.node, i)} brd ff:ff:ff:ff:ff:ff${netns}\n`;
  const bcast = (i.addr | ~(0xffffffff << (32 - i.len))) >>> 0;
  const brd = i.len < 31 ? ` brd ${formatIpv4(bcast)}` : "";
  s += `    inet ${formatIpv4(i.addr)}/${i.len}${brd} scope global ${i.name}\n       valid_lft forever preferred_lft forever\n`;
  for (const a of ctx.aliases?.() ?? []) {
    if (a.iface !== i.index) continue;
    const ab = a.brd === undefined ? "" : ` brd ${formatIpv4(a.brd)}`;
    s += `    inet ${formatIpv4(a.addr)}/${a.len}${ab} scope global ${a.label}\n       valid_lft forever preferred_lft forever\n`;
  }
  return s;
}

function addr(ctx: ShellContext, args: string[], io: ProgramIo): CommandResult {
  const [verb, ...rest] = args;
  if (verb === undefined || matches(verb, "show") || matches(verb, "list") || matches(verb, "lst")) {
    const words = rest[0] === "dev" ? rest.slice(1) : rest;
    const ifs = ctx.interfaces();
    if (words[0] !== undefined) {
      const i = ifs.find((x) => linuxName(x) === words[0]);
      if (i === undefined) {
        io.err(`Device "${words[0]}" does not exist.\n`);
        return 1;
      }
      io.out(linkBlock(ctx, i));
      return 0;
    }
    io.out(ifs.map((i) => linkBlock(ctx, i)).join(""));
    return 0;
  }
  if (matches(verb, "add") || matches(verb, "delete")) return addrChange(ctx, verb.startsWith("a"), rest, io);
  io.err(`Command "${verb}" is unknown, try "ip address help".\n`);
  return 255;
}

function addrChange(ctx: ShellContext, add: boolean, words: string[], io: ProgramIo): CommandResult {
  let prefix: { addr: Ipv4; len: number } | undefined;
  let dev: string | undefined;
  let label: string | undefined;
  let brd: "+" | Ipv4 | undefined;
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    const next = words[k + 1];
    if (w === "dev" && next !== undefined) {
      dev = next;
      k++;
    } else if (w === "label" && next !== undefined) {
      label = next;
      k++;
    } else if ((w === "brd" || w === "broadcast") && next !== undefined) {
      k++;
      const b = next === "+" ? "+" : parseIpv4(next);
      if (b === undefined) return fail(io, `Error: inet address is expected rather than "${next}".`, 1);
      brd = b;
    } else if (prefix === undefined && (w !== "local" || next === undefined)) {
      const p = addrLen(w);
      if (p === undefined) return fail(io, `Error: inet prefix is expected rather than "${w}".`, 1);
      prefix = p;
    } else if (w === "local" && next !== undefined) {
      const p = addrLen(next);
      if (p === undefined) return fail(io, `Error: inet prefix is expected rather than "${next}".`, 1);
      prefix = p;
      k++;
    } else return fail(io, `Error: either "local" is duplicate, or "${w}" is a garbage.`, 1);
  }
  if (dev === undefined) return fail(io, 'Not enough information: "dev" argument is required.', 1);
  const base = ctx.interfaces().find((x) => linuxName(x) === dev);
  if (base === undefined) return fail(io, `Cannot find device "${dev}"`, 1);
  if (prefix === undefined) return fail(io, "Not enough information: address is required.", 1);
  if (!isPrivileged(ctx) || ctx.addAlias === undefined || !base.isLink)
    return fail(io, "RTNETLINK answers: Operation not permitted", 2);
  const p = prefix;
  if (!add) {
    if (p.addr === base.addr)
      return fail(io, "ip: removing an interface's own address is not supported in routelab", 2);
    return whenReady(ctx.removeAlias?.({ addr: p.addr }) ?? false, io, "ip", (ok) =>
      ok ? 0 : fail(io, "Error: ipv4: Address not found.", 2),
    );
  }
  const b = brd === "+" ? (p.addr | ~(0xffffffff << (32 - p.len))) >>> 0 : brd;
  const alias: NodeAlias = { iface: base.index, addr: p.addr, len: p.len, label: label ?? base.name };
  const added = thenLater(
    ctx.addAlias({ ...alias, ...(b === undefined || p.len >= 31 ? {} : { brd: b }) }),
    (e) => e,
  );
  return whenReady(added, io, "ip", (err) =>
    err === undefined
      ? 0
      : fail(
          io,
          err === "EEXIST" ? "Error: ipv4: Address already assigned." : `Cannot find device "${dev}"`,
          err === "EEXIST" ? 2 : 1,
        ),
  );
}

/** `ADDR[/LEN]` with the host bits kept (an interface address, not a network). */
function addrLen(text: string): { addr: Ipv4; len: number } | undefined {
  const [a, l] = text.split("/");
  const addr = parseIpv4(a ?? "");
  const len = l === undefined ? 32 : /^\d{1,2}$/.test(l) ? Number(l) : -1;
  return addr === undefined || len < 0 || len > 32 ? undefined : { addr, len };
}

function fail(io: ProgramIo, msg: string, code: number): number {
  io.err(`${msg}\n`);
  return code;
}

function route(ctx: ShellContext, args: string[], io: ProgramIo): CommandResult {
  const [verb] = args;
  if (verb === undefined || matches(verb, "show") || matches(verb, "list")) {
    io.out(
      mainTable(ctx)
        .map((r) => ipRouteLine(ctx, r))
        .join(""),
    );
    return 0;
  }
  io.err(`ip: 'ip route ${verb}' is not supported in routelab (use route add/delete, or ip route show)\n`);
  return 255;
}

export const ipCommand: Command = {
  name: "ip",
  summary: "Linux: show addresses and routes (ip addr, ip route), add an address (ip addr add A/L dev IF)",
  os: "linux",
  run(ctx, args, io) {
    const [object, ...rest] = args;
    if (object === undefined) {
      io.err("Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\nwhere  OBJECT := { address | route }\n");
      return 255;
    }
    if (matches(object, "address")) return addr(ctx, rest, io);
    if (matches(object, "route")) return route(ctx, rest, io);
    io.err(`Object "${object}" is unknown, try "ip help".\n`);
    return 255;
  },
};
