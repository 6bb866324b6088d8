/**
 * @module proto/ospf/show
 * FRR 8.4's `show ip ospf neighbor|interface|database|route` text from a daemon's state at
 * virtual time `now`, as ospfd/ospf_vty.c prints it (frr-8.4.4; line numbers of that file):
 * - neighbor: `show_ip_ospf_neighbour_header` (4332) and `show_ip_ospf_neighbour_brief`
 *   (4339): state `Full/-` on point-to-point, `Full/DR|Backup|DROther` by the neighbour's
 *   role (ospf_dump.c `ospf_nbr_ism_state_message`), Up Time since its last state change and
 *   Dead Time until its inactivity timer (ospf_dump.c `ospf_timeval_dump`), the interface as
 *   `NAME:ADDRESS` (IF_NAME);
 * - interface: `show_ip_ospf_interface_sub` (3560);
 * - database: `show_ip_ospf_database_common` (6987) and `show_ip_ospf_database_summary`
 *   (6786) with `show_lsa_summary` (5960);
 * - route: `show_ip_ospf_route_common` (11205), `show_ip_ospf_route_network` (10555), and the
 *   router and external tables, empty in one area without ASBRs.
 * Checked against FRR 8.4.4 on netns (test/fixtures/ospf/frr-show-vm1.txt). One difference
 * cannot be removed: FRR lists equal-cost paths in the order its SPF heap gave the parents,
 * which ties by memory address (lib/typesafe.h NONUNIQ heaps); here they are sorted by
 * interface, then address.
 */
import { formatIpv4, type Ipv4, maskOf } from "../../core/ip.js";
import { type Nanos, NS, SECOND } from "../../core/time.js";
import type { RoutingDaemon } from "../../sim/host.js";
import { LSA_ROUTER } from "../../wire/ospf-lsa.js";
import { ageOf } from "./lsdb.js";
import { OspfDaemon } from "./ospf.js";
import type { Neighbor, OspfIface } from "./types.js";

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lpad = (s: string | number, n: number) => String(s).padStart(n);
const p2 = (n: number) => String(n).padStart(2, "0");
const US_PER_NS = 1000;

/** ospf_dump.c `ospf_timeval_dump`: 1w2d, 1d02h03m, 1h02m03s, 1m02s, 1.234s, or N usecs. */
export function frrTimeval(t: Nanos): string {
  let sec = Math.floor(t / SECOND);
  const usec = Math.floor((t - sec * SECOND) / US_PER_NS / NS);
  const ms = usec >= 1000 ? Math.floor(usec / 1000) : 0;
  const us = usec >= 1000 ? usec % 1000 : usec;
  const WEEK = 7 * 86400;
  let w = 0;
  let d = 0;
  let h = 0;
  let m = 0;
  if (sec > WEEK) {
    w = Math.floor(sec / WEEK);
    sec -= w * WEEK;
  }
  if (sec > 86400) {
    d = Math.floor(sec / 86400);
    sec -= d * 86400;
  }
  if (sec >= 3600) {
    h = Math.floor(sec / 3600);
    sec -= h * 3600;
  }
  if (sec >= 60) {
    m = Math.floor(sec / 60);
    sec -= m * 60;
  }
  if (w > 99) return `${w}w${d}d`;
  if (w) return `${w}w${d}d${p2(h)}h`;
  if (d) return `${d}d${p2(h)}h${p2(m)}m`;
  if (h) return `${h}h${p2(m)}m${p2(sec)}s`;
  if (m) return `${m}m${p2(sec)}s`;
  if (sec > 0 || ms > 0) return `${sec}.${String(ms).padStart(3, "0")}s`;
  return `${us} usecs`;
}

/** ospf_nbr_ism_state_message: `Full/-` on point-to-point, else the neighbour's role. */
function nbrStateText(oi: OspfIface, n: Neighbor): string {
  if (oi.type === "point-to-point") return `${n.state}/-`;
  const role = n.addr === oi.dr ? "DR" : n.addr === oi.bdr ? "Backup" : "DROther";
  return `${n.state}/${role}`;
}

const ifName = (oi: OspfIface) => `${oi.name}:${formatIpv4(oi.addr)}`;

/** `show ip ospf neighbor`. */
export function showIpOspfNeighbor(d: OspfDaemon, now: Nanos): string {
  let out = `\n${pad("Neighbor ID", 15)} ${pad("Pri", 3)} ${pad("State", 15)} ${pad("Up Time", 15)} ${pad("Dead Time", 9)} ${pad("Address", 15)} ${pad("Interface", 32)} ${lpad("RXmtL", 5)} ${lpad("RqstL", 5)} ${lpad("DBsmL", 5)}\n`;
  for (const oi of d.ifaces) {
    const nbrs = [...oi.neighbors.values()].filter((n) => n.state !== "Down").sort((a, b) => a.addr - b.addr);
    for (const n of nbrs) {
      out += `${pad(formatIpv4(n.routerId), 15)} ${lpad(n.priority, 3)} ${pad(nbrStateText(oi, n), 15)} `;
      out += `${pad(frrTimeval(now - n.stateSince), 15)} `;
      out += `${lpad(n.inactivity ? frrTimeval(n.deadAt - now) : "inactive", 9)} `;
      out += `${pad(formatIpv4(n.addr), 15)} ${pad(ifName(oi), 32)} ${lpad(n.retransmit.size, 5)} ${lpad(n.requests.size, 5)} ${lpad(n.summary.length, 5)}\n`;
    }
  }
  return `${out}\n`;
}

/** The DR/BDR lines of an interface (a neighbour's, or our own when we hold the role). */
function drLines(d: OspfDaemon, oi: OspfIface): string {
  const none = "  No backup designated router on this network\n";
  if (oi.dr === 0) return none;
  const who = (addr: Ipv4) =>
    addr === oi.addr
      ? { id: d.routerId, addr }
      : [...oi.neighbors.values()]
          .map((n) => ({ id: n.routerId, addr: n.addr }))
          .find((n) => n.addr === addr);
  let out = "";
  const dr = who(oi.dr);
  if (dr)
    out += `  Designated Router (ID) ${formatIpv4(dr.id)} Interface Address ${formatIpv4(dr.addr)}/${oi.len}\n`;
  const bdr = oi.bdr === 0 ? undefined : who(oi.bdr);
  if (!bdr) return `${out}${none}`;
  return `${out}  Backup Designated Router (ID) ${formatIpv4(bdr.id)}, Interface Address ${formatIpv4(bdr.addr)}\n`;
}

/** One interface of `show ip ospf interface`. */
function interfaceText(d: OspfDaemon, oi: OspfIface, now: Nanos): string {
  const up = oi.state !== "Down";
  // What FRR reads of a veth on netns (its ethtool speed, 10000 Mbit/s) whatever tc shapes it to.
  const bw = 10000;
  let out = `${oi.name} is ${up ? "up" : "down"}\n`;
  out += `  ifindex ${oi.index + 1}, MTU 1500 bytes, BW ${bw} Mbit <UP,BROADCAST,${up ? "RUNNING," : ""}MULTICAST>\n`;
  if (!up) return `${out}  OSPF is enabled, but not running on this interface\n`;
  const broadcast = (oi.addr | ~maskOf(oi.len)) >>> 0;
  out += `  Internet Address ${formatIpv4(oi.addr)}/${oi.len}, Broadcast ${formatIpv4(broadcast)}, Area 0.0.0.0\n`;
  out += "  MTU mismatch detection: enabled\n";
  const type = oi.type === "point-to-point" ? "POINTOPOINT" : "BROADCAST";
  out += `  Router ID ${formatIpv4(d.routerId)}, Network Type ${type}, Cost: ${oi.cost}\n`;
  out += `  Transmit Delay is 1 sec, State ${oi.state}, Priority ${oi.priority}\n`;
  out += drLines(d, oi);
  const drGroup = oi.state === "DR" || oi.state === "Backup" ? " OSPFDesignatedRouters" : "";
  out += `  Multicast group memberships: OSPFAllRouters${drGroup}\n`;
  const secs = (t: Nanos) => t / SECOND;
  out += `  Timer intervals configured, Hello ${secs(d.config.hello)}s, Dead ${secs(d.config.dead)}s, Wait ${secs(d.config.dead)}s, Retransmit ${secs(d.config.retransmit)}\n`;
  out += `    Hello due in ${oi.hello ? frrTimeval(oi.helloAt - now) : "inactive"}\n`;
  const all = [...oi.neighbors.values()];
  out += `  Neighbor Count is ${all.length}, Adjacent neighbor count is ${all.filter((n) => n.state === "Full").length}\n`;
  return out;
}

/** `show ip ospf interface [IFNAME]` (interfaces in name order, as FRR walks them). */
export function showIpOspfInterface(d: OspfDaemon, now: Nanos, name?: string): string {
  const ifaces = [...d.ifaces]
    .filter((i) => name === undefined || i.name === name)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (name !== undefined && ifaces.length === 0) return `No such interface name\n`;
  return `${ifaces.map((oi) => interfaceText(d, oi, now)).join("")}\n`;
}

const hex = (n: number, w: number) => `0x${(n >>> 0).toString(16).padStart(w, "0")}`;

/** `show ip ospf database`: Router and Net Link States of area 0, by link state ID then router. */
export function showIpOspfDatabase(d: OspfDaemon, now: Nanos): string {
  let out = `\n       OSPF Router with ID (${formatIpv4(d.routerId)})\n\n`;
  const all = d.db.entries();
  for (const [type, desc, header] of [
    [1, "Router Link States", "Link ID         ADV Router      Age  Seq#       CkSum  Link count"],
    [2, "Net Link States", "Link ID         ADV Router      Age  Seq#       CkSum"],
  ] as const) {
    const lsas = all.filter((e) => e.lsa.header.type === type);
    if (lsas.length === 0) continue;
    out += `                ${desc} (Area 0.0.0.0)\n\n${header}\n`;
    for (const e of lsas) {
      const h = e.lsa.header;
      out += `${pad(formatIpv4(h.id), 15)}${pad(formatIpv4(h.advRouter), 15)} ${lpad(ageOf(e, now), 4)} ${hex(h.seq, 8)} ${hex(h.checksum, 4)}`;
      if (type === LSA_ROUTER && e.lsa.body.kind === "router") out += ` ${e.lsa.body.links.length}`;
      out += "\n";
    }
    out += "\n";
  }
  return `${out}\n`;
}

/** `show ip ospf route`: the network table (directly attached ones too), empty router and external tables. */
export function showIpOspfRoute(d: OspfDaemon, _now: Nanos): string {
  let out = "============ OSPF network routing table ============\n";
  const name = (i: number) => d.ifaces.find((x) => x.index === i)?.name ?? "?";
  for (const r of d.routes) {
    out += `N    ${pad(`${formatIpv4(r.dest)}/${r.len}`, 18)}    [${r.cost}] area: 0.0.0.0\n`;
    if (r.nextHops.length === 0) {
      const oi = d.ifaces.find(
        (i) => i.state !== "Down" && (i.addr & maskOf(i.len)) >>> 0 === r.dest && i.len === r.len,
      );
      if (oi) out += `${lpad("", 24)}   directly attached to ${oi.name}\n`;
    }
    for (const h of r.nextHops)
      out +=
        h.gateway === 0
          ? `${lpad("", 24)}   directly attached to ${name(h.iface)}\n`
          : `${lpad("", 24)}   via ${formatIpv4(h.gateway)}, ${name(h.iface)}\n`;
  }
  out += "\n============ OSPF router routing table =============\n\n";
  out += "============ OSPF external routing table ===========\n\n";
  return `${out}\n`;
}

/** Whether `word` abbreviates `keyword` (vtysh takes any unambiguous prefix). */
const abbrev = (word: string | undefined, keyword: string) =>
  word !== undefined && word.length > 0 && keyword.startsWith(word);

/**
 * RoutingProtocol.vtysh for OSPF: `show ip ospf neighbor|interface [IFNAME]|database|route`,
 * words abbreviated as vtysh allows; undefined for anything else (not OSPF's).
 */
export function ospfVtysh(daemon: RoutingDaemon, words: readonly string[], now: Nanos): string | undefined {
  if (!(daemon instanceof OspfDaemon)) return undefined;
  const [show, ip, ospf, what, arg, ...rest] = words;
  if (!abbrev(show, "show") || !abbrev(ip, "ip") || !abbrev(ospf, "ospf") || rest.length > 0)
    return undefined;
  if (abbrev(what, "neighbor") && arg === undefined) return showIpOspfNeighbor(daemon, now);
  if (abbrev(what, "interface")) return showIpOspfInterface(daemon, now, arg);
  if (abbrev(what, "database") && arg === undefined) return showIpOspfDatabase(daemon, now);
  if (abbrev(what, "route") && arg === undefined) return showIpOspfRoute(daemon, now);
  return undefined;
}
