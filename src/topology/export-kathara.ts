/**
 * @module topology/export-kathara
 * A topology as a Kathará lab directory (issue 24), which `kathara lstart` runs on one Docker
 * host and Megalos on a Kubernetes cluster, and which routelab's Kathará import
 * (topology/parse-kathara.ts) reads back as the same topology:
 *
 * - `lab.conf`: `LAB_NAME` and a description; one `NODE[image]="kathara/frr"` line per node, in
 *   the topology's node order (a host: `kathara/base` and `NODE[sysctl]="net.ipv4.ip_forward=0"`,
 *   which the import reads back as `kind: host`; its routes are `ip route add` in its startup); per link, in link order, `A[i]="lN"` and `B[j]="lN"`, collision
 *   domain `lN` joining exactly the two ends (a comment names the routelab link and subnet); a segment is one collision
 *   domain named after it (`-` written `_`) with every station on it, as Kathará's LANs are.
 * - Device names: Kathará's lab.conf takes `[a-z0-9_]{1,30}` (LabParser.py 44) and Megalos
 *   deletes `_` when it names pods (KubernetesMachine.py 1071, KubernetesLink.py 371: everything
 *   outside `[0-9a-z.-]` goes), so names are mapped to `[a-z0-9]`, a letter first, 30 at most,
 *   never `shared` or `_test` (topology/export-names.ts); routelab's own name is each frr.conf's
 *   `hostname`, which the import takes back, and a comment map in lab.conf.
 * - Interfaces: Kathará numbers them `eth0`, `eth1`, … without gaps (Lab.check_integrity); a
 *   node whose interfaces are exactly `eth0…ethK` keeps them, others are numbered in link order.
 * - `NODE.startup`: `ip address add` per interface, `tc qdisc add … netem` with the link's delay,
 *   loss and rate on both ends (Kathará has no link settings), `systemctl start frr`.
 * - `NODE/etc/frr/frr.conf` and `daemons`: the configuration the containerlab export and the
 *   netns engine use (topology/frr-config.ts), with the Kathará interface names;
 *   `vtysh.conf` as Kathará's own FRR labs have it.
 * Lost on the way (in `notes`): node positions, queue lengths, the lesson, RIP's triggered
 * hold-back. Pure text generation, no `node:`.
 */
import { formatIpv4, formatPrefix } from "../core/ip.js";
import { MS, US } from "../core/time.js";
import { DEFAULT_LINK } from "./defaults.js";
import { labSize } from "./lab-size.js";
import { daemonsFile, FRR_RELEASE } from "./export-containerlab.js";
import { mapNames, renameInterfaces } from "./export-names.js";
import { frrConf, frrRouting, nodeInterfaces } from "./frr-config.js";
import { routingSpecs } from "./protocols/index.js";
import type { TopoLink, Topology, TopoNode } from "./model.js";

/** Kathará's FRR image (Docker Hub, published by the Kathará project). */
export const KATHARA_FRR_IMAGE = "kathara/frr";
/** Kathará's image without FRR (Debian with iproute2, tc, ping, traceroute): a host's. */
export const KATHARA_BASE_IMAGE = "kathara/base";
/**
 * A host's lab.conf option: Kathará starts every device with forwarding on
 * (DockerMachine's sysctls, net.ipv4.ip_forward=1); a host (`kind: host`) turns it off, and the
 * import reads the line back as `kind: host`.
 */
export const KATHARA_HOST_SYSCTL = "net.ipv4.ip_forward=0";
/** Longest device name lab.conf takes (LabParser.py 44: `[a-z0-9_]{1,30}`). */
export const KATHARA_NAME_MAX = 30;

export interface KatharaExport {
  /** path relative to the lab directory → text, in a stable order (lab.conf first). */
  files: Map<string, string>;
  /** routelab node name → Kathará device name. */
  nodeNames: Map<string, string>;
  /** Per node: routelab interface name → Kathará interface name (`eth0`, …). */
  interfaces: Map<string, Map<string, string>>;
  notes: string[];
}

/** Kathará interface names of a node: kept when they are exactly eth0…ethK, else eth0… in link order. */
export function katharaInterfaceNames(topo: Topology, node: string): Map<string, string> {
  const names = nodeInterfaces(topo, node).map((i) => i.name);
  const set = new Set(names);
  const keep = names.every((_, k) => set.has(`eth${k}`));
  return new Map(names.map((n, k) => [n, keep ? n : `eth${k}`]));
}

/** The lab directory's files for `topo` (see the module comment). */
export function exportKathara(topo: Topology): KatharaExport {
  const nodeNames = mapNames(
    topo.nodes.map((n) => n.name),
    { dash: false, maxLen: () => KATHARA_NAME_MAX, reserved: new Set(["shared", "_test"]) },
  );
  const interfaces = new Map(topo.nodes.map((n) => [n.name, katharaInterfaceNames(topo, n.name)]));
  const dev = (n: string) => nodeNames.get(n)!;
  const eth = (n: string, i: string) => interfaces.get(n)!.get(i)!;
  const renamed = renameInterfaces(topo, eth);
  const files = new Map<string, string>();
  files.set("lab.conf", labConf(topo, dev, eth));
  for (const n of topo.nodes) {
    const d = dev(n.name);
    files.set(`${d}.startup`, startup(renamed, n, d));
    // A host runs no FRR: its routes are in its startup, as Kathará's own labs write hosts.
    if (n.kind === "host") continue;
    files.set(`${d}/etc/frr/daemons`, daemonsFile(n));
    files.set(`${d}/etc/frr/frr.conf`, frrHeader(topo, n, d, eth) + frrConf(renamed, n.name));
    files.set(`${d}/etc/frr/vtysh.conf`, "service integrated-vtysh-config\n");
  }
  return { files, nodeNames, interfaces, notes: exportNotes(topo, dev) };
}

function labConf(topo: Topology, dev: (n: string) => string, eth: (n: string, i: string) => string): string {
  const q = (s: string) => `"${s.replace(/["']/g, "")}"`;
  let out = `# ${topo.name}: exported by routelab${topo.source ? ` from ${topo.source}` : ""} — ${labSize(topo)}.\n`;
  out += "# Start it in this directory with `kathara lstart` (Megalos runs the same on Kubernetes).\n";
  out += "# Every router runs FRR from DEVICE/etc/frr (daemons, frr.conf); addresses and link delay\n";
  out += "# are set by DEVICE.startup. Each collision domain lN joins the two ends of one link; a\n";
  out += "# segment's joins every station on it.\n";
  if (topo.nodes.some((n) => n.kind === "host"))
    out += "# A host runs kathara/base with forwarding off; its routes are in its DEVICE.startup.\n";
  const renamed = topo.nodes.filter((n) => dev(n.name) !== n.name);
  if (renamed.length > 0) {
    out += "#\n# Device names are Kathará's (a-z 0-9, a letter first); routelab's are each frr.conf's\n";
    out += "# hostname:\n";
    for (const n of renamed) out += `#   ${dev(n.name)} = ${n.name}\n`;
  }
  out += `LAB_NAME=${q(topo.name)}\n`;
  out += `LAB_DESCRIPTION=${q(`${topo.name}, exported by routelab`)}\n\n`;
  for (const n of topo.nodes) {
    const host = n.kind === "host";
    out += `${dev(n.name)}[image]=${q(host ? KATHARA_BASE_IMAGE : KATHARA_FRR_IMAGE)}\n`;
    if (host) out += `${dev(n.name)}[sysctl]=${q(KATHARA_HOST_SYSCTL)} # a host: forwarding off\n`;
  }
  const num = (e: TopoLink["a"]) => eth(e.node, e.iface).slice(3);
  topo.links.forEach((l, k) => {
    const cd = `l${k}`;
    out += `\n${dev(l.a.node)}[${num(l.a)}]=${q(cd)} # ${l.id}: ${l.a.node}:${l.a.iface} — ${l.b.node}:${l.b.iface}, ${formatPrefix({ addr: l.subnet, len: l.len })}\n`;
    out += `${dev(l.b.node)}[${num(l.b)}]=${q(cd)}\n`;
  });
  // A segment is a collision domain with every station on it (Kathará's LAN), named after it.
  for (const x of topo.segments ?? []) {
    const cd = x.id.replace(/-/g, "_");
    out += `\n# segment ${x.id}, ${formatPrefix({ addr: x.subnet, len: x.len })}\n`;
    for (const e of x.ends) out += `${dev(e.node)}[${num(e)}]=${q(cd)}\n`;
  }
  return out;
}

/** netem time text: whole milliseconds, else whole microseconds (netem's resolution). */
function tcTime(ns: number): string {
  if (ns % MS === 0) return `${ns / MS}ms`;
  return `${Math.max(1, Math.round(ns / US))}us`;
}

/** `tc … netem` arguments of a link, or null when it is not shaped. */
function netemArgs(l: Pick<TopoLink, "delay" | "loss" | "bandwidth">): string | null {
  const args: string[] = [];
  if (l.delay > 0) args.push(`delay ${tcTime(l.delay)}`);
  if (l.loss > 0) args.push(`loss ${Number((l.loss * 100).toFixed(4))}%`);
  if (l.bandwidth > 0) args.push(`rate ${l.bandwidth}bit`);
  return args.length ? args.join(" ") : null;
}

/**
 * DEVICE.startup: addresses, link shaping, then FRR — or, on a host, its routes (a topology
 * whose link ends carry Kathará names).
 */
function startup(renamed: Topology, n: TopoNode, device: string): string {
  const last = n.kind === "host" ? "then its routes (a host: no FRR)" : "then FRR";
  let out = `# ${device} (routelab: ${n.name}): addresses, link delay/loss/rate, ${last}.\n`;
  const mine = [
    ...renamed.links.flatMap((l) =>
      [l.a, l.b].filter((e) => e.node === n.name).map((e) => ({ end: e, link: l })),
    ),
    ...(renamed.segments ?? []).flatMap((x) =>
      x.ends.filter((e) => e.node === n.name).map((e) => ({ end: e, link: x })),
    ),
  ];
  for (const { end, link } of mine)
    out += `ip address add ${formatIpv4(end.addr)}/${link.len} dev ${end.iface}\n`;
  for (const { end, link } of mine) {
    const args = netemArgs(link);
    if (args) out += `tc qdisc add dev ${end.iface} root netem ${args}\n`;
  }
  if (n.kind !== "host") return `${out}systemctl start frr\n`;
  for (const r of n.statics)
    out += `ip route add ${r.len === 0 ? "default" : formatPrefix({ addr: r.dest, len: r.len })} via ${formatIpv4(r.gateway)}\n`;
  return out;
}

function frrHeader(
  topo: Topology,
  n: TopoNode,
  device: string,
  eth: (n: string, i: string) => string,
): string {
  const frr = frrRouting(n);
  let out = `! ${n.name} of lab ${topo.name}, exported by routelab for Kathará (FRR ${frr ? frr.title(topo, n) : "static routing"}).\n`;
  out += `! Written for FRR ${FRR_RELEASE}, in statements FRR has had since 8.4; Kathará's image ${KATHARA_FRR_IMAGE} runs it.\n`;
  if (device !== n.name)
    out += `! Device ${device} in lab.conf (a Kathará name); hostname ${n.name} is routelab's.\n`;
  const ifs = nodeInterfaces(topo, n.name);
  if (ifs.length > 0) {
    out += "! Kathará interface = routelab interface:\n";
    for (const i of ifs) out += `!   ${eth(n.name, i.name)} = ${i.name}\n`;
  }
  for (const note of frr?.headerNotes(topo, n) ?? []) out += `! ${note}\n`;
  return out;
}

function exportNotes(topo: Topology, dev: (n: string) => string): string[] {
  const notes: string[] = [];
  const renamed = topo.nodes.filter((n) => dev(n.name) !== n.name).length;
  if (renamed > 0)
    notes.push(
      `${renamed} node name${renamed === 1 ? "" : "s"} mapped to Kathará names (a-z 0-9): the mapping is in lab.conf; each frr.conf keeps routelab's name as its hostname`,
    );
  if (topo.nodes.some((n) => n.position))
    notes.push("node positions are not exported: lab.conf has no place for them");
  if (topo.links.some((l) => l.queue !== DEFAULT_LINK.queue))
    notes.push("link queue lengths are not exported: the containers use Linux's own queues");
  if (topo.links.some((l) => l.delay === 0))
    notes.push(
      "links without delay get no netem line, and routelab reads such a link back with its default delay (1ms)",
    );
  for (const p of routingSpecs()) notes.push(...(p.frr?.exportNotes(topo) ?? []));
  if (topo.lesson) notes.push("the lesson's events and checks are not exported: they need routelab's clock");
  return notes;
}
