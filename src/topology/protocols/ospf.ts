/**
 * @module topology/protocols/ospf
 * OSPF's file-format side (the daemon is proto/ospf): its settings in a routelab YAML file
 * (`ospf:` in `defaults` and in a node), their defaults — FRR 8.4's, written down here once —
 * their YAML and `routelab check` forms, `wait converged`'s quiet interval, and its FRR
 * configuration (ospfd).
 *
 * Defaults (FRR 8.4): Hello 10 s, RouterDeadInterval 40 s, RxmtInterval 5 s (lib/libospf.h
 * OSPF_HELLO_INTERVAL_DEFAULT, OSPF_ROUTER_DEAD_INTERVAL_DEFAULT, OSPF_RETRANSMIT_INTERVAL_DEFAULT),
 * priority 1, and an interface cost of reference bandwidth / interface bandwidth rounded, 1 to
 * 65535 (ospfd/ospf_interface.c `ospf_if_get_output_cost`), with FRR's reference of 100000
 * Mbit/s (lib/libospf.h:78 OSPF_DEFAULT_REF_BANDWIDTH — not the 100 Mbit/s of older routers)
 * and, for an interface whose speed is unknown, 10000 Mbit/s (lib/libospf.h:76
 * OSPF_DEFAULT_BANDWIDTH; also what Linux reports for a veth, so FRR on netns gives cost 10).
 * A routelab link without a bandwidth (unlimited) is taken at that speed: cost 10.
 *
 * The network type defaults to point-to-point: routelab's links have two ends. `broadcast`
 * runs the DR/BDR election of RFC 2328 §9.4 on them (and Network-LSAs), as FRR does on an
 * Ethernet by default. FRR is configured to match: `ospf router-id` (the node's highest
 * address, as zebra would choose), one `network … area 0` per link subnet, and per interface
 * its cost, timers, network type and priority written out — so the cost never depends on what
 * speed the kernel reports.
 */
import type { Node } from "yaml";
import { formatIpv4, maskOf } from "../../core/ip.js";
import { durationText, formatDuration, type Nanos, SECOND } from "../../core/time.js";
import type { Draft, DraftNode } from "../draft.js";
import type { OspfNetworkType, OspfSettings, Topology, TopoNode } from "../model.js";
import { parseBandwidth } from "../values.js";
import { parsedAt, readPositiveDuration } from "../yaml-fields.js";
import type { YamlReader } from "../yaml-tree.js";
import { OSPF_FRR_READER } from "./ospf-frr-reader.js";
import type { FrrRouting, RoutingSpec } from "./spec.js";

/** FRR 8.4's defaults (see the module comment). */
export const OSPF_DEFAULTS: Readonly<OspfSettings> = Object.freeze({
  hello: 10 * SECOND,
  dead: 40 * SECOND,
  retransmit: 5 * SECOND,
  referenceBandwidth: 100_000_000_000,
  network: "point-to-point" as OspfNetworkType,
  cost: Object.freeze({}) as Record<string, number>,
  priority: Object.freeze({}) as Record<string, number>,
});
/** lib/libospf.h OSPF_DEFAULT_BANDWIDTH (Mbit/s), in bits/s: an interface of unknown speed. */
export const OSPF_UNKNOWN_BANDWIDTH = 10_000_000_000;
export const OSPF_DEFAULT_PRIORITY = 1;
export const OSPF_KEYS = [
  "hello",
  "dead",
  "retransmit",
  "reference-bandwidth",
  "network",
  "cost",
  "priority",
] as const;
const NETWORK_TYPES: readonly OspfNetworkType[] = ["point-to-point", "broadcast"];
/** Every interface, in a `cost:` or `priority:` mapping (and what a plain number means). */
export const ALL_IFACES = "*";

/** A per-interface value: a number for every interface, or `{iface: n}` (`*` for the rest). */
function readPerIface(
  r: YamlReader,
  node: Node | null,
  field: string,
  lo: number,
  hi: number,
): Record<string, number> | undefined {
  const one = (v: Node | null, f: string): number | undefined => {
    const n = r.number(v, f, `a whole number ${lo}–${hi}`);
    if (n === undefined) return undefined;
    if (Number.isInteger(n) && n >= lo && n <= hi) return n;
    r.error(v, f, `${n} is out of range (a whole number ${lo}–${hi})`);
    return undefined;
  };
  if (!r.isMap(node)) {
    const n = one(node, field);
    return n === undefined ? undefined : { [ALL_IFACES]: n };
  }
  const out: Record<string, number> = {};
  for (const e of r.map(node, field, null, "a number or a mapping of interface names", "interface") ?? []) {
    const n = one(e.value, e.field);
    if (n !== undefined) out[e.key] = n;
  }
  return out;
}

/** Whole seconds 1–65535 (the Hello packet's field widths; FRR's ranges). */
function readSeconds(r: YamlReader, e: Parameters<typeof readPositiveDuration>[1]): Nanos | undefined {
  const d = readPositiveDuration(r, e);
  if (d === undefined) return undefined;
  if (d % SECOND === 0 && d <= 65535 * SECOND) return d;
  r.error(e.value, e.field, `${durationText(d)}: OSPF timers are whole seconds, 1s to 65535s`);
  return undefined;
}

/** Reads an `ospf:` mapping into the settings it changes. */
export function readOspfSettings(r: YamlReader, node: Node | null, field: string): Partial<OspfSettings> {
  const out: Partial<OspfSettings> = {};
  for (const e of r.map(node, field, OSPF_KEYS, "a mapping of OSPF settings") ?? []) {
    const v = e.value;
    if (e.key === "network") {
      const t = r.text(v, e.field, NETWORK_TYPES.join(" or "));
      if (t === undefined) continue;
      if ((NETWORK_TYPES as readonly string[]).includes(t)) out.network = t as OspfNetworkType;
      else r.error(v, e.field, `'${t}' is not an OSPF network type (use ${NETWORK_TYPES.join(" or ")})`);
    } else if (e.key === "reference-bandwidth") {
      const t = r.scalar(v, e.field, "a bandwidth such as 100Gbit");
      const bw = parsedAt(r, v, e.field, t === undefined ? undefined : parseBandwidth(t));
      if (bw === 0) r.error(v, e.field, "the reference bandwidth must be more than 0");
      else if (bw !== undefined) out.referenceBandwidth = bw;
    } else if (e.key === "cost" || e.key === "priority") {
      const m = readPerIface(r, v, e.field, e.key === "cost" ? 1 : 0, e.key === "cost" ? 65535 : 255);
      if (m) out[e.key] = m;
    } else {
      const d = readSeconds(r, e);
      if (d !== undefined) out[e.key as "hello" | "dead" | "retransmit"] = d;
    }
  }
  return out;
}

/** The node's effective OSPF settings: the defaults, the topology's, the node's own. */
export function nodeOspfSettings(topo: Pick<Topology, "ospf">, node: Pick<TopoNode, "ospf">): OspfSettings {
  const s: OspfSettings = { ...OSPF_DEFAULTS, cost: {}, priority: {} };
  for (const layer of [topo.ospf, node.ospf])
    for (const [k, v] of Object.entries(layer ?? {})) {
      if (v === undefined) continue;
      if (k === "cost" || k === "priority") Object.assign(s[k], v);
      else (s as unknown as Record<string, unknown>)[k] = v;
    }
  return s;
}

/** Bandwidth (bits/s) of the link under `iface` of `node`, 0 when unlimited or unknown. */
function linkBandwidth(topo: Topology, node: string, iface: string): number {
  const l = topo.links.find(
    (x) => (x.a.node === node && x.a.iface === iface) || (x.b.node === node && x.b.iface === iface),
  );
  return l?.bandwidth ?? 0;
}

/**
 * An interface's output cost (FRR ospf_interface.c `ospf_if_get_output_cost`): its `cost:`,
 * else reference bandwidth / link bandwidth rounded half up, clamped to 1–65535.
 */
export function ospfIfaceCost(topo: Topology, node: TopoNode, iface: string): number {
  const s = nodeOspfSettings(topo, node);
  const own = s.cost[iface] ?? s.cost[ALL_IFACES];
  if (own !== undefined) return own;
  const bw = linkBandwidth(topo, node.name, iface) || OSPF_UNKNOWN_BANDWIDTH;
  return Math.min(65535, Math.max(1, Math.floor(s.referenceBandwidth / bw + 0.5)));
}

/** An interface's router priority (RFC 2328 §9: 0 never becomes DR). */
export function ospfIfacePriority(s: OspfSettings, iface: string): number {
  return s.priority[iface] ?? s.priority[ALL_IFACES] ?? OSPF_DEFAULT_PRIORITY;
}

/** The node's OSPF router ID: its highest interface address (zebra's choice without a loopback). */
export function ospfRouterId(topo: Topology, node: string): number {
  let id = 0;
  for (const l of topo.links) for (const e of [l.a, l.b]) if (e.node === node && e.addr > id) id = e.addr;
  return id;
}

const secs = (t: Nanos) => String(t / SECOND);

function perIfaceYaml(m: Record<string, number>): unknown {
  const keys = Object.keys(m);
  return keys.length === 1 && keys[0] === ALL_IFACES ? m[ALL_IFACES] : { ...m };
}

/** The YAML form of (some) settings. */
function ospfYaml(o: Partial<OspfSettings>): Record<string, unknown> {
  const y: Record<string, unknown> = {};
  if (o.hello !== undefined) y.hello = `${secs(o.hello)}s`;
  if (o.dead !== undefined) y.dead = `${secs(o.dead)}s`;
  if (o.retransmit !== undefined) y.retransmit = `${secs(o.retransmit)}s`;
  if (o.referenceBandwidth !== undefined) y["reference-bandwidth"] = o.referenceBandwidth;
  if (o.network !== undefined) y.network = o.network;
  if (o.cost && Object.keys(o.cost).length) y.cost = perIfaceYaml(o.cost);
  if (o.priority && Object.keys(o.priority).length) y.priority = perIfaceYaml(o.priority);
  return y;
}

/** The `routelab check` text of (some) settings. */
function ospfText(o: Partial<OspfSettings>): string {
  const p: string[] = [];
  if (o.hello !== undefined) p.push(`hello ${formatDuration(o.hello)}`);
  if (o.dead !== undefined) p.push(`dead ${formatDuration(o.dead)}`);
  if (o.retransmit !== undefined) p.push(`retransmit ${formatDuration(o.retransmit)}`);
  if (o.referenceBandwidth !== undefined) p.push(`reference bandwidth ${o.referenceBandwidth / 1e6} Mbit/s`);
  if (o.network !== undefined) p.push(o.network);
  const each = (m: Record<string, number>) =>
    Object.entries(m)
      .map(([k, v]) => (k === ALL_IFACES ? String(v) : `${k} ${v}`))
      .join(", ");
  if (o.cost && Object.keys(o.cost).length) p.push(`cost ${each(o.cost)}`);
  if (o.priority && Object.keys(o.priority).length) p.push(`priority ${each(o.priority)}`);
  return p.join(", ");
}

const runsOspf = (topo: Topology) => topo.nodes.some((n) => n.routing === OSPF.name);

const FRR: FrrRouting = {
  daemon: "ospfd",
  title: () => "OSPFv2, area 0",
  interfaceLines(topo, node, iface) {
    const s = nodeOspfSettings(topo, node);
    let out = ` ip ospf cost ${ospfIfaceCost(topo, node, iface)}\n`;
    out += ` ip ospf hello-interval ${secs(s.hello)}\n ip ospf dead-interval ${secs(s.dead)}\n`;
    out += ` ip ospf retransmit-interval ${secs(s.retransmit)}\n`;
    if (s.network === "point-to-point") out += " ip ospf network point-to-point\n";
    else out += ` ip ospf priority ${ospfIfacePriority(s, iface)}\n`;
    return out;
  },
  /** `router ospf` with the router ID and one `network` per link subnet, in area 0. */
  routerBlock(topo, node, ifaces) {
    void ifaces;
    let out = `router ospf\n ospf router-id ${formatIpv4(ospfRouterId(topo, node.name))}\n`;
    for (const l of topo.links)
      if (l.a.node === node.name || l.b.node === node.name)
        out += ` network ${formatIpv4(l.subnet & maskOf(l.len))}/${l.len} area 0\n`;
    return `${out}exit\n`;
  },
  headerNotes: () => [],
  roundingNote: () => undefined,
  exportNotes: () => [],
  reader: OSPF_FRR_READER,
};

/** OSPFv2 (RFC 2328), area 0, as topology files know it. */
export const OSPF: RoutingSpec = {
  name: "ospf",
  label: "OSPF",
  // FRR zebra/zebra_rib.c route_info[]: [ZEBRA_ROUTE_OSPF] = {ZEBRA_ROUTE_OSPF, 110}.
  adminDistance: 110,
  settingsKey: "ospf",
  settingsKeys: OSPF_KEYS,
  readDefaults(r, node, field, draft: Draft) {
    draft.ospf = { ...draft.ospf, ...readOspfSettings(r, node, field) };
  },
  readNode(r, node, field, into: DraftNode) {
    into.ospf = readOspfSettings(r, node, field);
  },
  draftNotes(draft) {
    const s = nodeOspfSettings(draft, {});
    return s.dead <= s.hello
      ? ["OSPF dead interval is not longer than the hello interval: neighbours will flap"]
      : [];
  },
  hasNodeSettings: (node) => node.ospf !== undefined && Object.keys(node.ospf).length > 0,
  yamlDefaults: (topo) => {
    if (!runsOspf(topo) && !topo.ospf) return undefined;
    const s = nodeOspfSettings(topo, {});
    return ospfYaml({ ...s, cost: topo.ospf?.cost ?? {}, priority: topo.ospf?.priority ?? {} });
  },
  yamlNode: (node) => (node.ospf && Object.keys(node.ospf).length ? ospfYaml(node.ospf) : undefined),
  summary(topo) {
    const out = runsOspf(topo) ? [`ospf: ${ospfText(nodeOspfSettings(topo, {}))}`] : [];
    for (const n of topo.nodes) if (n.ospf) out.push(`  ${n.name}: ${ospfText(n.ospf)}`);
    return out;
  },
  /**
   * The longest dead interval of any OSPF router. A converged OSPF network sends Hellos but
   * changes no route; what can still change one after a quiet spell is a Wait timer on a
   * broadcast network (RFC 2328 §9.4: DR election waits RouterDeadInterval) or a silent
   * neighbour's inactivity timer (§10.3), each a dead interval long. LSA arrival (FRR
   * min-arrival 1 s) and SPF hold-down (FRR spf timers 0/50/5000 ms) are shorter. 0 when no
   * router runs OSPF.
   */
  quietInterval(topo) {
    let longest = 0; // no OSPF router: nothing of OSPF's to wait for
    for (const n of topo.nodes)
      if (n.routing === OSPF.name) longest = Math.max(longest, nodeOspfSettings(topo, n).dead);
    return longest;
  },
  linkMetric: ospfIfaceCost,
  multipath: true,
  frr: FRR,
};
