/**
 * @module proto/rip/vty
 * RIP's answers to vtysh (registry.ts `RoutingProtocol.vtysh`), in the text of FRR 8.4's ripd
 * so that a class reads the same on the simulator as on real FRR (engines/netns):
 * - `show ip rip`: ripd's table (ripd/ripd.c:2974-3084 at frr-8.4.4, `show_ip_rip`): a code
 *   and sub-code (`R(n)` learned, `C(i)` a network of an interface RIP runs on), the next hop
 *   (`0.0.0.0` for a connected network), metric, the router it came from, tag, and the time
 *   left on its timer (`rip_vty_out_uptime`, ripd.c:2935: the timeout while usable, the
 *   garbage collection once at metric 16; a connected network shows none until it goes down);
 * - `show ip rip status` (ripd.c:3087-3204, `show_ip_rip_status`): timers, versions, the
 *   interfaces it runs on, and each neighbour with its bad packets and routes and the time
 *   since it was last heard (ripd/rip_peer.c:146 `rip_peer_display`).
 * What the simulator configures as FRR is configured on netns (topology/protocols/rip.ts):
 * `network IF` for each interface, no redistribution, no filters, distance 120.
 */
import { formatIpv4 } from "../../core/ip.js";
import { type Nanos, SECOND } from "../../core/time.js";
import type { RoutingDaemon } from "../../sim/host.js";
import { frrInterval, keyword, minSec } from "../vty.js";
import { RipDaemon } from "./rip.js";

const INFINITY = 16;
/** ZEBRA_RIP_DISTANCE_DEFAULT (lib/zebra.h), printed for every neighbour. */
const DISTANCE = 120;

const secs = (t: Nanos) => Math.floor(t / SECOND);

/** RIP's `vtysh` hook: `show ip rip [status]`, or undefined for a command not RIP's. */
export function ripVtysh(daemon: RoutingDaemon, words: readonly string[], now: Nanos): string | undefined {
  if (!(daemon instanceof RipDaemon) || words[0] !== "show" || words[1] !== "ip" || words[2] !== "rip")
    return undefined;
  if (words.length === 3) return showIpRip(daemon, now);
  if (words.length === 4 && keyword(words[3]!, ["status", "vrf"]) === "status")
    return showIpRipStatus(daemon, now);
  return undefined;
}

/** ripd.c:3005-3010 (`show_ip_rip`): the header. */
const RIP_TABLE_HEADER =
  "Codes: R - RIP, C - connected, S - Static, O - OSPF, B - BGP\n" +
  "Sub-codes:\n" +
  "      (n) - normal, (s) - static, (d) - default, (r) - redistribute,\n" +
  "      (i) - interface\n\n" +
  "     Network            Next Hop         Metric From            Tag Time\n";

/** `show ip rip`: one line per route of the RIP database, in prefix order. */
export function showIpRip(rip: RipDaemon, now: Nanos): string {
  let out = RIP_TABLE_HEADER;
  for (const r of rip.sortedRoutes()) {
    const head = `${r.connected ? "C(i)" : "R(n)"} ${formatIpv4(r.dest)}/${r.len}`;
    out += head.padEnd(24);
    // A connected network's next hop is its interface (NEXTHOP_TYPE_IFINDEX): "0.0.0.0".
    out += `${(r.connected ? "0.0.0.0" : formatIpv4(r.nextHop)).padEnd(20)} ${String(r.metric).padStart(2)} `;
    // The timer running: the timeout of a usable learned route, else the garbage collection.
    const deadline = !r.connected && r.metric < INFINITY ? r.expires : r.gcAt;
    const timer = Number.isFinite(deadline) ? minSec(secs(deadline - now)).padStart(5) : "";
    if (!r.connected) out += `${formatIpv4(r.from).padEnd(15)} ${String(r.tag).padStart(3)} ${timer}`;
    else if (r.metric >= INFINITY) out += `self            ${String(r.tag).padStart(3)} ${timer}`;
    else out += `self            ${String(r.tag).padStart(3)}`;
    out += "\n";
  }
  return out;
}

/** FRR's ri_version_msg (ripd/rip_interface.c): a version as `show ip rip status` names it. */
const versionName = (v: 1 | 2, receiveBoth = false) => (receiveBoth ? "1 2" : String(v));

/**
 * FRR's if_cmp_name_func (lib/if.c): interface names in order, their numbers compared as
 * numbers (epair2a before epair10a).
 */
export function compareIfNames(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (x !== y) return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** `show ip rip status`. */
export function showIpRipStatus(rip: RipDaemon, now: Nanos): string {
  const st = rip.status();
  const s = st.settings;
  const v = s.version;
  const nextDue = st.nextUpdate === null || !Number.isFinite(st.nextUpdate) ? 0 : secs(st.nextUpdate - now);
  let out = 'Routing Protocol is "rip"\n';
  out += `  Sending updates every ${secs(s.update)} seconds with +/-50%, next due in ${nextDue} seconds\n`;
  out += `  Timeout after ${secs(s.timeout)} seconds, garbage collect after ${secs(s.garbage)} seconds\n`;
  // config_show_distribute (lib/distribute.c) with no distribute-list configured.
  out += "  Outgoing update filter list for all interface is not set\n";
  out += "  Incoming update filter list for all interface is not set\n";
  out += "  Default redistribution metric is 1\n";
  out += "  Redistributing:\n";
  out += `  Default version control: send version ${v}, receive version ${v} \n`;
  out += "    Interface        Send  Recv   Key-chain\n";
  const links = st.interfaces.filter((i) => i.name !== "lo0");
  // ri->running: the interface is up (FOR_ALL_INTERFACES walks them by name).
  for (const i of [...links].filter((x) => x.up).sort((a, b) => compareIfNames(a.name, b.name)))
    out += `    ${i.name.padEnd(17)}${versionName(v).padEnd(3)}   ${versionName(v, v === 1).padEnd(3)}    \n`;
  out += "  Routing for Networks:\n";
  for (const i of links) out += `    ${i.name}\n`;
  out += "  Routing Information Sources:\n";
  out += "    Gateway          BadPackets BadRoutes  Distance Last Update\n";
  for (const n of st.neighbours) {
    const ago = frrInterval(secs(now) - secs(n.lastHeard));
    out += `    ${n.addr.padEnd(16)} ${String(n.badPackets).padStart(9)} ${String(n.badRoutes).padStart(9)} ${String(DISTANCE).padStart(9)}   ${ago}\n`;
  }
  out += `  Distance: (default is ${DISTANCE})\n`;
  return out;
}
