/**
 * @module proto/rip/rtquery
 * The client side of FreeBSD's rtquery(8): the request it sends and the way it prints each
 * response, so the shell command can send one through a node's UDP socket and print what
 * comes back. Output mirrors sbin/routed/rtquery/rtquery.c `rip_input()`:
 *
 *     vm2 (10.0.10.2): RIPv2 104 bytes
 *       10.0.10.0/24       metric  1
 *       10.0.30.0/24       metric  1
 *
 * i.e. `"%s (%s):"` or `"%s:"`, `" RIPv%d %d bytes\n"`, then per entry
 * `"  %-18s metric %2d %-10s"` (the name column: "default", or a host name for host routes
 * when names are resolved), `" nhop=%-15s"` when a next hop is set, `" tag=%#x"` when a tag
 * is set. One difference: rtquery prints the tag without byte-swapping it, so on a
 * little-endian FreeBSD tag 1 shows as 0x100; here it shows as 0x1.
 */
import { formatIpv4, type Ipv4, lenOfMask, maskOf } from "../../core/ip.js";
import { RIP_INFINITY, type RipEntry, type RipRepr, ripLen } from "../../wire/rip.js";

/** The request rtquery sends: the whole table, or with `-r addr[/len]` one route. */
export function rtqueryRequest(route?: { addr: Ipv4; len: number }): RipRepr {
  const entry: RipEntry =
    route === undefined
      ? { afi: 0, tag: 0, addr: 0, mask: 0, nextHop: 0, metric: RIP_INFINITY }
      : {
          afi: 2,
          tag: 0,
          addr: (route.addr & maskOf(route.len)) >>> 0,
          mask: maskOf(route.len),
          nextHop: 0,
          metric: RIP_INFINITY,
        };
  return { command: 1, version: 2, entries: [entry] };
}

export interface RtqueryFormatOptions {
  /** `-n`: numbers only, no names. Default false. */
  numeric?: boolean;
  /** Resolves an address to a host name (gethostbyaddr); undefined when unknown. */
  resolve?: (a: Ipv4) => string | undefined;
  /** Bytes received; default the encoded length of `response`. */
  size?: number;
}

const hex = (n: number) => (n === 0 ? "0" : `0x${n.toString(16)}`);

/** Formats one received response the way rtquery prints it. `from` is `name (addr)` or `addr`. */
export function rtqueryFormat(response: RipRepr, from: string, opts: RtqueryFormatOptions = {}): string {
  const resolve = opts.numeric ? undefined : opts.resolve;
  if (response.command !== 2) return `${from}:\n    unexpected response type ${response.command}\n`;
  const v = response.version;
  const size = opts.size ?? ripLen(response);
  let out = `${from}: RIPv${v}${v !== 1 && v !== 2 ? " ?" : ""} ${size} bytes\n`;
  if (size > 512) out += `       ${size - 512} bytes too long\n`;
  response.entries.forEach((n, idx) => {
    let net: string;
    let name = "";
    if (n.afi === 2) {
      net = formatIpv4(n.addr);
      let mask = n.mask >>> 0;
      if (mask !== 0) {
        const len = lenOfMask(mask);
        if (v === 1) {
          net += ` mask=${hex(mask)} ? `;
          mask = 0;
        } else if (len >= 0) net += `/${len}`;
        else net += ` (mask ${hex(mask)})`;
      }
      if (!opts.numeric) {
        if (mask === 0) {
          mask = stdMask(n.addr);
          if ((n.addr & ~mask) >>> 0 !== 0) mask = 0;
        }
        if ((n.addr & ~mask) >>> 0 === 0 && n.addr === 0) name = "default";
        if (name === "" && ((n.addr & ~mask) >>> 0 !== 0 || mask === 0xffffffff))
          name = resolve?.(n.addr) ?? "";
      }
    } else if (n.afi === 0xffff) {
      if (idx === 0 && n.tag === 2) {
        out += `  Password Authentication: "${authText(n)}"\n`;
        return;
      }
      out += `  Authentication type ${n.tag}: ${authBytes(n)
        .map((b) => `${b.toString(16).padStart(2, "0")} `)
        .join("")}\n`;
      return;
    } else {
      const a = n.addr >>> 0;
      net = `(af ${hex(n.afi)}) ${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
    }
    let line = `  ${net.padEnd(18)} metric ${String(n.metric).padStart(2)} ${name.padEnd(10)}`;
    if (n.nextHop !== 0) {
      const hn = resolve?.(n.nextHop) ?? formatIpv4(n.nextHop);
      line += ` nhop=${hn.padEnd(15)}${v === 1 ? " ?" : ""}`;
    }
    if (n.tag !== 0) line += ` tag=${hex(n.tag)}${v === 1 ? " ?" : ""}`;
    out += `${line}\n`;
  });
  return out;
}

/** Classful mask (rtquery's std_mask). */
function stdMask(a: number): number {
  if (a === 0) return 0;
  if (a >>> 31 === 0) return 0xff000000;
  if (a >>> 30 === 2) return 0xffff0000;
  return 0xffffff00;
}

/** The 16 authentication bytes of an AFI 0xFFFF entry (address, mask, next hop, metric fields). */
function authBytes(n: RipEntry): number[] {
  const out: number[] = [];
  for (const w of [n.addr, n.mask, n.nextHop, n.metric])
    out.push(w >>> 24, (w >>> 16) & 255, (w >>> 8) & 255, w & 255);
  return out;
}

/** rtquery's qstring(): printable characters, escapes for the rest, trailing NULs dropped. */
function authText(n: RipEntry): string {
  const b = authBytes(n);
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  let s = "";
  for (let i = 0; i < end; i++) {
    const c = b[i]!;
    if (c >= 0x20 && c < 0x7f && c !== 0x5c) s += String.fromCharCode(c);
    else if (c === 0x5c) s += "\\\\";
    else if (c === 10) s += "\\n";
    else if (c === 13) s += "\\r";
    else if (c === 9) s += "\\t";
    else if (c === 8) s += "\\b";
    else s += `\\${c.toString(8)}`;
  }
  return s;
}
