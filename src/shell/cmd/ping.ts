/**
 * @module shell/cmd/ping
 * `ping`: FreeBSD ping(8)'s command line — its options, diagnostics and exit codes
 * (64 EX_USAGE, 68 EX_NOHOST, 77 EX_NOPERM for what only root may do) — in front of the ping
 * program of apps/ping.ts.
 */
import { isPrivileged } from "../context.js";
import type { PingOptions } from "../../apps/ping.js";
import type { Command } from "../commands.js";
import { getopt, strtod, strtoul } from "../getopt.js";
import { lookupHost } from "../names.js";

const EX_USAGE = 64;
const EX_NOHOST = 68;
const EX_NOPERM = 77;
const DEFDATALEN = 56;
const MAXPAYLOAD = 65535 - 28;
const MAXALARM = 60 * 60;
/** Requests closer than this would stall virtual time (FreeBSD lets root go lower). */
const MIN_INTERVAL_MS = 1;

/**
 * sbin/ping/ping.c `usage()` (ping.c:1690-1703 of FreeBSD's tree of 2010, v 1.113): FreeBSD 8's
 * ping is built with -DIPSEC (sbin/ping/Makefile) and netipsec/ipsec.h defines
 * IPSEC_POLICY_IPSEC, so SECOPT (ping.c:1684-1688) adds ` [-P policy]` to both forms.
 */
export const PING_USAGE = `usage: ping [-AaDdfnoQqRrv] [-c count] [-G sweepmaxsize] [-g sweepminsize]
            [-h sweepincrsize] [-i wait] [-l preload] [-M mask | time] [-m ttl]
            [-P policy] [-p pattern] [-S src_addr] [-s packetsize] [-t timeout]
            [-W waittime] [-z tos] host
       ping [-AaDdfLnoQqRrv] [-c count] [-I iface] [-i wait] [-l preload]
            [-M mask | time] [-m ttl] [-P policy] [-p pattern] [-S src_addr]
            [-s packetsize] [-T ttl] [-t timeout] [-W waittime]
            [-z tos] mcast-group
`;

/**
 * FreeBSD's option string, with the IPsec `P:` (ping.c:264-271); the letters outside
 * `SUPPORTED` are refused with a clear note.
 */
const SPEC = "Aac:DdfG:g:h:I:i:Ll:M:m:nop:QqRrS:s:T:t:vW:z:P:";
const SUPPORTED = new Set(["c", "i", "m", "n", "o", "Q", "q", "s", "t", "W"]);

export const pingCommand: Command = {
  name: "ping",
  summary: "send ICMP echo requests to a node and time the replies",
  run(ctx, args, io) {
    const fail = (msg: string, code = EX_USAGE) => {
      io.err(`ping: ${msg}\n`);
      return code;
    };
    const g = getopt(args, SPEC, "ping");
    if (!g.ok) {
      io.err(`${g.error}\n${PING_USAGE}`);
      return EX_USAGE;
    }
    const root = isPrivileged(ctx);
    const o: Partial<PingOptions> = {};
    for (const { opt, arg = "" } of g.opts) {
      switch (opt) {
        case "c": {
          const n = strtoul(arg);
          if (n === undefined || n === 0 || n > 0x7fffffff)
            return fail(`invalid count of packets to transmit: \`${arg}'`);
          o.count = n;
          break;
        }
        case "i": {
          const t = strtod(arg);
          if (t === undefined || t * 1000 > 0x7fffffff) return fail(`invalid timing interval: \`${arg}'`);
          const ms = Math.trunc(t * 1000);
          if (!root && ms < 1000) return fail("-i interval too short: Operation not permitted", EX_NOPERM);
          o.intervalMs = Math.max(MIN_INTERVAL_MS, ms);
          break;
        }
        case "m": {
          const n = strtoul(arg);
          if (n === undefined || n > 255) return fail(`invalid TTL: \`${arg}'`);
          o.ttl = n;
          break;
        }
        case "n":
          o.numeric = true;
          break;
        case "o":
          o.once = true;
          break;
        case "Q":
          o.quietErrors = true;
          break;
        case "q":
          o.quiet = true;
          break;
        case "s": {
          const n = strtoul(arg);
          if (n === undefined) return fail(`invalid packet size: \`${arg}'`);
          if (!root && n > DEFDATALEN)
            return fail(`packet size too large: ${n} > ${DEFDATALEN}: Operation not permitted`, EX_NOPERM);
          o.datalen = n;
          break;
        }
        case "t": {
          // strtoul without an end check, as ping.c does: "5s" is 5.
          const m = /^\s*\+?(\d+)/.exec(arg);
          const n = m ? Number(m[1]) : 0;
          if (n < 1) return fail(`invalid timeout: \`${arg}'`);
          if (n > MAXALARM) return fail(`invalid timeout: \`${arg}' > ${MAXALARM}`);
          o.timeoutS = n;
          break;
        }
        case "W": {
          const t = strtod(arg);
          if (t === undefined || t > 0x7fffffff) return fail(`invalid timing interval: \`${arg}'`);
          o.waittimeMs = Math.trunc(t);
          break;
        }
        default:
          if (!SUPPORTED.has(opt)) return fail(`-${opt}: not supported in routelab`);
      }
    }
    if (g.operands.length !== 1) {
      io.err(PING_USAGE);
      return EX_USAGE;
    }
    const target = g.operands[0]!;
    const datalen = o.datalen ?? DEFDATALEN;
    if (datalen > MAXPAYLOAD) return fail(`packet size too large: ${datalen} > ${MAXPAYLOAD}`);
    const h = lookupHost(ctx, target);
    if (h === undefined) return fail(`cannot resolve ${target}: Unknown host`, EX_NOHOST);
    return ctx.ping(
      {
        ...o,
        target: h.addr,
        hostname: h.name,
        ident: ctx.nextPid() & 0xffff,
        user: ctx.user,
        reverse: (a) => ctx.reverse(a),
      },
      io,
    );
  },
};
