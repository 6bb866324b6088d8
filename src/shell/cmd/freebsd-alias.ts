/**
 * @module shell/cmd/freebsd-alias
 * FreeBSD's way to give an interface a second address, as the seed's other posts did on their
 * jails: `ifconfig IF [inet] ADDR[/LEN] [netmask MASK] alias` (SIOCAIFADDR) and
 * `ifconfig IF [inet] ADDR -alias` (SIOCDIFADDR), root only, with ifconfig's ioctl messages
 * (sbin/ifconfig/ifconfig.c: `err(1, "ioctl (%s)")`). Without a mask the address gets its class's
 * (sys/netinet/in.c in_ifinit, as SIOCAIFADDR without ifra_mask does). `ifconfig IF` then lists
 * each alias as one more `inet` line with its own broadcast (in_ifinit: address | ~mask).
 */
import { formatIpv4, type Ipv4, lenOfMask, maskOf, parseIpv4 } from "../../core/ip.js";
import { hex } from "../../apps/cfmt.js";
import type { ProgramIo } from "../../apps/process.js";
import type { NodeAlias } from "../../sim/node-system.js";
import type { CommandResult } from "../commands.js";
import { isPrivileged, type ShellContext, type ShellInterface } from "../context.js";
import { thenLater, whenReady } from "../later.js";
import { classfulLen } from "./linux-ifconfig.js";

/** Whether `ifconfig IF …` words ask for an alias change. */
export function isAliasRequest(words: readonly string[]): boolean {
  return words.includes("alias") || words.includes("-alias");
}

/** The `inet` lines of an interface's aliases, as `ifconfig IF` prints them. */
export function aliasLines(aliases: readonly NodeAlias[]): string {
  return aliases
    .map((a) => {
      const m = maskOf(a.len);
      return `\tinet ${formatIpv4(a.addr)} netmask 0x${hex(m, 8)} broadcast ${formatIpv4((a.addr | ~m) >>> 0)}\n`;
    })
    .join("");
}

export function freebsdAlias(
  ctx: ShellContext,
  i: ShellInterface,
  words: string[],
  io: ProgramIo,
): CommandResult {
  const remove = words.includes("-alias");
  const ioctl = remove ? "SIOCDIFADDR" : "SIOCAIFADDR";
  const fail = (why: string) => {
    io.err(`ifconfig: ioctl (${ioctl}): ${why}\n`);
    return 1;
  };
  let addr: Ipv4 | undefined;
  let len: number | undefined;
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    if (w === "alias" || w === "-alias") continue;
    if (w === "netmask") {
      const t = words[++k] ?? "";
      const m = /^0x[0-9a-f]{1,8}$/i.test(t) ? Number.parseInt(t, 16) >>> 0 : parseIpv4(t);
      const l = m === undefined ? -1 : lenOfMask(m);
      if (l < 0) {
        io.err(`ifconfig: ${t}: bad value\n`);
        return 1;
      }
      len = l;
      continue;
    }
    const [a, l] = w.split("/");
    const parsed = parseIpv4(a ?? "");
    if (parsed === undefined || addr !== undefined || (l !== undefined && !/^\d{1,2}$/.test(l))) {
      io.err(`ifconfig: ${w}: bad value\n`);
      return 1;
    }
    addr = parsed;
    if (l !== undefined) len = Math.min(32, Number(l));
  }
  if (addr === undefined) {
    io.err("ifconfig: an alias needs an address (ifconfig IF inet ADDR netmask MASK alias)\n");
    return 1;
  }
  if (!isPrivileged(ctx) || ctx.addAlias === undefined || !i.isLink) return fail("Operation not permitted");
  const a = addr;
  if (remove)
    return whenReady(ctx.removeAlias?.({ addr: a }) ?? false, io, "ifconfig", (ok) =>
      ok ? 0 : fail("Can't assign requested address"),
    );
  const alias: NodeAlias = { iface: i.index, addr: a, len: len ?? classfulLen(a), label: i.name };
  return whenReady(
    thenLater(ctx.addAlias(alias), (e) => e),
    io,
    "ifconfig",
    (err) => (err === undefined ? 0 : fail(err === "EEXIST" ? "File exists" : "Device not configured")),
  );
}
