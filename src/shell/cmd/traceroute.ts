/**
 * @module shell/cmd/traceroute
 * `traceroute`: FreeBSD traceroute(8)'s command line (LBL 1.4a12+FreeBSD) in front of the
 * program of apps/traceroute.ts. Its diagnostics are its own (`"x" bad value for max ttl`,
 * `unknown host foo`) and it exits 1 on every error, as the real one does.
 */
import { probeLength, type TracerouteOptions } from "../../apps/traceroute.js";
import type { Command } from "../commands.js";
import { getopt } from "../getopt.js";
import { lookupHost } from "../names.js";

/**
 * traceroute.c `usage()` (traceroute.c:1780-1789), as the seed's post shows it: its continuation
 * lines start with a tab, which a terminal shows as the post's eight spaces.
 */
export const TRACEROUTE_USAGE = `Version 1.4a12+FreeBSD
Usage: traceroute [-adDeFInrSvx] [-f first_ttl] [-g gateway] [-i iface]
\t[-m max_ttl] [-p port] [-P proto] [-q nqueries] [-s src_addr]
\t[-t tos] [-w waittime] [-A as_server] [-z pausemsecs] host [packetlen]
`;

/** traceroute.c's getopt string (traceroute.c:536); the options routelab lacks are refused. */
const SPEC = "aA:edDFInrSvxf:g:i:M:m:P:p:q:s:t:w:z:";
const MAXPACKET = 32 * 1024;

/** traceroute.c `str2val`: decimal or 0x hex, within [min, max] (max < 0: unbounded). */
function str2val(s: string, what: string, min: number, max: number): number | string {
  const hex = /^0[xX]/.test(s);
  const body = hex ? s.slice(2) : s;
  const m = hex ? /^[0-9a-fA-F]*$/.exec(body) : /^\s*[+-]?\d*$/.exec(body);
  if (!m) return `"${s}" bad value for ${what}`;
  const v =
    body.trim() === "" || body.trim() === "+" || body.trim() === "-"
      ? 0
      : Number.parseInt(body, hex ? 16 : 10);
  if (v < min && min >= 0) return min === 0 ? `${what} must be >= ${min}` : `${what} must be > ${min - 1}`;
  if (v > max && max >= 0) return `${what} must be <= ${max}`;
  return v;
}

export const tracerouteCommand: Command = {
  name: "traceroute",
  summary: "show the routers a packet crosses on its way to a node",
  run(ctx, args, io) {
    const fail = (msg: string) => {
      io.err(`traceroute: ${msg}\n`);
      return 1;
    };
    const g = getopt(args, SPEC, "traceroute");
    if (!g.ok) {
      // traceroute sets opterr = 0: no getopt diagnostic, only the usage.
      io.err(TRACEROUTE_USAGE);
      return 1;
    }
    const o: Partial<TracerouteOptions> = {};
    let maxTtl = 64;
    let firstTtl = 1;
    for (const { opt, arg = "" } of g.opts) {
      let v: number | string = 0;
      switch (opt) {
        case "f":
        case "M":
          v = str2val(arg, "first ttl", 1, 255);
          if (typeof v === "number") firstTtl = v;
          break;
        case "m":
          v = str2val(arg, "max ttl", 1, 255);
          if (typeof v === "number") maxTtl = v;
          break;
        case "q":
          v = str2val(arg, "nprobes", 1, -1);
          if (typeof v === "number") o.nprobes = v;
          break;
        case "w":
          v = str2val(arg, "wait time", 1, 24 * 60 * 60);
          if (typeof v === "number") o.waittimeS = v;
          break;
        case "p":
          v = str2val(arg, "port", 1, 65535);
          if (typeof v === "number") o.port = v;
          break;
        case "n":
          o.numeric = true;
          break;
        case "I":
          o.icmp = true;
          break;
        default:
          return fail(`-${opt}: not supported in routelab`);
      }
      if (typeof v === "string") return fail(v);
    }
    if (firstTtl > maxTtl) return fail(`first ttl (${firstTtl}) may not be greater than max ttl (${maxTtl})`);
    if (g.operands.length < 1 || g.operands.length > 2) {
      io.err(TRACEROUTE_USAGE);
      return 1;
    }
    if (g.operands.length === 2) {
      const v = str2val(g.operands[1]!, "packet length", probeLength(o.icmp ?? false), MAXPACKET);
      if (typeof v === "string") return fail(v);
      o.packlen = v;
    }
    const target = g.operands[0]!;
    const h = lookupHost(ctx, target);
    if (h === undefined) return fail(`unknown host ${target}`);
    return ctx.traceroute(
      {
        ...o,
        firstTtl,
        maxTtl,
        target: h.addr,
        hostname: h.name,
        pid: ctx.nextPid(),
        user: ctx.user,
        reverse: (a) => ctx.reverse(a),
      },
      io,
    );
  },
};
