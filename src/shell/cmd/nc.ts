/**
 * @module shell/cmd/nc
 * `nc`: FreeBSD 8's netcat command line (contrib/netcat/netcat.c 1.98, usr.bin/nc/Makefile
 * builds it with -DIPSEC) in front of apps/nc.ts: its option letters, its argument rules
 * (netcat.c:289-313), strtonum's messages for ports and timeouts, exit status 1 for every error.
 */
import { parseIpv4 } from "../../core/ip.js";
import { startNc } from "../../apps/nc.js";
import type { Command } from "../commands.js";
import { isPrivileged } from "../context.js";
import { getopt } from "../getopt.js";
import { lookupHost } from "../names.js";

/** netcat.c usage() with IPSEC defined. */
export const NC_USAGE = `usage: nc [-46DdEhklnrStUuvz] [-e policy] [-I length] [-i interval] [-O length]
\t  [-P proxy_username] [-p source_port] [-s source_ip_address] [-T ToS]
\t  [-V rtable] [-w timeout] [-X proxy_protocol]
\t  [-x proxy_address[:port]] [hostname] [port]
`;

const SPEC = "46DdEe:hI:i:jklnoO:P:p:rSs:tT:UuV:vw:X:x:z";
const SUPPORTED = new Set(["4", "k", "l", "n", "p", "v", "w", "z"]);
const PORT_MAX = 65535;

/** OpenBSD strtonum(3): the value, or its error string ("invalid", "too small", "too large"). */
function strtonum(s: string, min: number, max: number): number | string {
  if (!/^\s*[-+]?\d+$/.test(s)) return "invalid";
  const n = Number(s);
  if (n < min) return "too small";
  if (n > max) return "too large";
  return n;
}

/** build_ports (netcat.c:778-835): "N" or "LO-HI" (either order), each 1-65535. */
function buildPorts(p: string): number[] | string {
  const dash = p.indexOf("-");
  if (dash < 0) {
    const n = strtonum(p, 1, PORT_MAX);
    return typeof n === "string" ? `port number ${n}: ${p}` : [n];
  }
  const hiText = p.slice(dash + 1);
  const loText = p.slice(0, dash);
  const hi = strtonum(hiText, 1, PORT_MAX);
  if (typeof hi === "string") return `port number ${hi}: ${hiText}`;
  const lo = strtonum(loText, 1, PORT_MAX);
  if (typeof lo === "string") return `port number ${lo}: ${loText}`;
  const [a, b] = lo <= hi ? [lo, hi] : [hi, lo];
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

export const ncCommand: Command = {
  name: "nc",
  summary: "open TCP connections and listen on ports (netcat): nc host port, nc -l port, nc -z -v host lo-hi",
  run(ctx, args, io) {
    const fail = (msg: string) => {
      io.err(`nc: ${msg}\n`);
      return 1;
    };
    const g = getopt(args, SPEC, "nc");
    if (!g.ok) {
      io.err(`${g.error}\n${NC_USAGE}`);
      return 1;
    }
    let listen = false;
    let keep = false;
    let zero = false;
    let verbose = false;
    let numeric = false;
    let idleSeconds: number | undefined;
    let srcPort: number | undefined;
    for (const { opt, arg = "" } of g.opts) {
      switch (opt) {
        case "l":
          listen = true;
          break;
        case "z":
          zero = true;
          break;
        case "k":
          keep = true;
          break;
        case "v":
          verbose = true;
          break;
        case "n":
          numeric = true;
          break;
        case "4":
          break;
        case "w": {
          const n = strtonum(arg, 0, Math.floor(0x7fffffff / 1000));
          if (typeof n === "string") return fail(`timeout ${n}: ${arg}`);
          idleSeconds = n;
          break;
        }
        case "p": {
          const n = strtonum(arg, 1, PORT_MAX);
          if (typeof n === "string") return fail(`port number ${n}: ${arg}`);
          srcPort = n;
          break;
        }
        case "h":
          io.err(NC_USAGE);
          return 1;
        default:
          if (!SUPPORTED.has(opt)) return fail(`-${opt}: not supported in routelab`);
      }
    }
    const [first, second, third] = g.operands;
    let hostText: string | undefined;
    let portText: string;
    if (first !== undefined && second === undefined) {
      if (!listen) {
        io.err(NC_USAGE);
        return 1;
      }
      portText = first;
    } else if (first !== undefined && second !== undefined && third === undefined) {
      hostText = first;
      portText = second;
    } else {
      io.err(NC_USAGE);
      return 1;
    }
    if (listen && srcPort !== undefined) return fail("cannot use -p and -l");
    if (listen && zero) return fail("cannot use -z and -l");
    if (!listen && keep) return fail("must use -l with -k");
    let ports: number[];
    if (listen) {
      const n = strtonum(portText, 1, PORT_MAX);
      if (typeof n === "string") return fail(`port number ${n}: ${portText}`);
      // bind(2) of a port below IPPORT_RESERVED (1024) needs root (in_pcbbind_setup): local_listen
      // fails and netcat.c:367 err(1, NULL)s with the errno.
      if (n < 1024 && !isPrivileged(ctx)) return fail("Permission denied");
      ports = [n];
    } else {
      const p = buildPorts(portText);
      if (typeof p === "string") return fail(p);
      ports = p;
    }
    let addr = 0;
    if (hostText !== undefined) {
      const h = numeric
        ? parseIpv4(hostText) === undefined
          ? undefined
          : { addr: parseIpv4(hostText)! }
        : lookupHost(ctx, hostText);
      if (h === undefined) return fail("getaddrinfo: hostname nor servname provided, or not known");
      addr = h.addr;
    }
    return startNc(
      ctx.host,
      {
        listen,
        keep,
        zero,
        verbose,
        numeric,
        idleSeconds,
        srcPort,
        hostText: hostText ?? "",
        addr,
        ports,
        user: ctx.user,
      },
      io,
    );
  },
};
