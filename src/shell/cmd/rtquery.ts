/**
 * @module shell/cmd/rtquery
 * `rtquery [-np1] [-r addr[/len]] [-w wtime] [host …]`: FreeBSD's rtquery(8) command line —
 * its options, `usage:` text, diagnostics and exit statuses (1 for a usage error, an unknown
 * `-r` target or a host that did not answer) — in front of the program of apps/rtquery.ts.
 *
 * - `-n` numbers only; `-w` seconds to wait for answers (default 15);
 * - `-r addr[/len]` asks for one route instead of the whole table (an address without a length
 *   gets its classful mask, or /32 when it has host bits, as rtquery's getnet() does; a name
 *   asks for the host route of that node);
 * - `-1` sends a RIP version 1 request (a RIPv2-only router ignores it, so nothing comes back);
 * - `-p` sends a RIPCMD_POLL (command 5, "the gated game") instead of a request;
 * - with no host, `localhost` is asked (the router's own daemon).
 * `-t` (tracing) and `-a` (authentication) are refused: routelab's RIP has neither.
 */
import { startRtquery } from "../../apps/rtquery.js";
import { type Ipv4, lenOfMask, parseIpv4 } from "../../core/ip.js";
import { rtqueryRequest } from "../../proto/rip/rtquery.js";
import type { RipRepr } from "../../wire/rip.js";
import type { Command } from "../commands.js";
import { getopt, strtoul } from "../getopt.js";
import { lookupHost } from "../names.js";

export const RTQUERY_USAGE =
  "usage:  rtquery [-np1] [-r tgt_rt] [-w wtime] [-a type=passwd] host1 [host2 ...]\n" +
  "\trtquery -t {on=filename|more|off|dump} host1 [host2 ...]\n";

/** RIPCMD_POLL (protocols/routed.h): like a request, answered even by a quiet router. */
const RIPCMD_POLL = 5;

export const rtqueryCommand: Command = {
  name: "rtquery",
  summary: "ask RIP routers for their routing tables (FreeBSD rtquery)",
  run(ctx, args, io) {
    const usage = (pre = "") => {
      io.err(`${pre}${RTQUERY_USAGE}`);
      return 1;
    };
    const g = getopt(args, "np1w:r:t:a:", "rtquery");
    if (!g.ok) return usage(`${g.error}\n`);
    let numeric = false;
    let poll = false;
    let v1 = false;
    let wtime: number | undefined;
    let route: { addr: Ipv4; len: number } | undefined;
    for (const { opt, arg = "" } of g.opts) {
      switch (opt) {
        case "n":
          numeric = true;
          break;
        case "p":
          poll = true;
          break;
        case "1":
          v1 = true;
          break;
        case "w": {
          const n = strtoul(arg);
          if (n === undefined || n <= 0 || n > 0x7fffffff) return usage();
          wtime = n;
          break;
        }
        case "r": {
          if (route !== undefined) return usage();
          route = getnet(arg);
          if (route === undefined) {
            const h = lookupHost(ctx, arg);
            if (h === undefined) {
              io.err(`rtquery: ${arg}:Unknown host\n`);
              return 1;
            }
            route = { addr: h.addr, len: 32 };
          }
          break;
        }
        default:
          io.err(`rtquery: -${opt}: not supported in routelab\n`);
          return 1;
      }
    }
    const request: RipRepr = rtqueryRequest(route);
    if (poll) request.command = RIPCMD_POLL;
    if (v1) {
      request.version = 1;
      for (const e of request.entries) e.mask = 0;
    }
    const hosts = g.operands.length > 0 ? g.operands : ["localhost"];
    const opts: Parameters<typeof startRtquery>[1] = {
      hosts,
      lookup: (h) => lookupHost(ctx, h)?.addr,
      request,
      numeric,
      reverse: (a) => ctx.reverse(a),
      pid: ctx.nextPid(),
      user: ctx.user,
    };
    if (wtime !== undefined) opts.wtimeS = wtime;
    return startRtquery(ctx.host, opts, io);
  },
};

/**
 * rtquery's getnet(): `a.b.c.d[/len]`. Without a length the classful mask, or a host route when
 * the address has bits beyond it; undefined when it is not a number (a name is tried next).
 */
function getnet(text: string): { addr: Ipv4; len: number } | undefined {
  const slash = text.lastIndexOf("/");
  const addr = parseIpv4(slash < 0 ? text : text.slice(0, slash));
  if (addr === undefined) return undefined;
  if (slash >= 0) {
    const len = strtoul(text.slice(slash + 1));
    if (len === undefined || len > 32) return undefined;
    return { addr, len };
  }
  const std = stdMask(addr);
  return { addr, len: (addr & ~std) >>> 0 !== 0 ? 32 : lenOfMask(std) };
}

/** The classful mask of an address (rtquery's std_mask). */
function stdMask(a: Ipv4): number {
  if (a === 0) return 0;
  if (a >>> 31 === 0) return 0xff000000;
  if (a >>> 30 === 2) return 0xffff0000;
  return 0xffffff00;
}
