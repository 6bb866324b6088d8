/**
 * @module shell/names
 * How netstat and route turn addresses into text (FreeBSD's `routename` / `netname`): a host
 * address becomes its name unless `-n`; a network keeps its numbers, with `/len` added when
 * `-n` is given or the mask is not a whole number of octets (/8, /16, /24 are left out).
 */
import { formatIpv4, type Ipv4, parseIpv4 } from "../core/ip.js";
import type { ShellContext } from "./context.js";

/** A host address: its name, or dotted numbers with -n or when it has none. */
export function routename(ctx: ShellContext, a: Ipv4, numeric: boolean): string {
  if (!numeric) {
    const name = ctx.reverse(a);
    if (name !== undefined) return name;
  }
  return formatIpv4(a);
}

/** A network address with its mask length (netstat's `netname` + `domask`). */
export function netname(a: Ipv4, len: number, numeric: boolean): string {
  const s = formatIpv4(a);
  if (len === 0 || (!numeric && (len === 8 || len === 16 || len === 24))) return s;
  return `${s}/${len}`;
}

/** Resolves a command's host operand: dotted numbers, or a name from the hosts table. */
export function lookupHost(ctx: ShellContext, text: string): { addr: Ipv4; name: string } | undefined {
  const a = parseIpv4(text);
  if (a !== undefined) return { addr: a, name: text };
  const r = ctx.resolve(text);
  if (r === undefined) return undefined;
  // h_name: the canonical name of the entry (the table's spelling).
  return { addr: r, name: ctx.reverse(r) ?? text };
}
