/**
 * @module topology/resolve
 * Turns a Draft (what a file said) into a Topology (what engines build): checks names and
 * references, fills in interface names, subnets and addresses, and checks the result. Every
 * fault is recorded with the position of the value at fault; all are thrown together at the end.
 *
 * Rules, the same for every format:
 * - node names are unique and plain (topology/values NODE_NAME); a link joins two different,
 *   declared nodes; an interface name is used once per node;
 * - a link's subnet is the one written, else the one implied by an address written with a
 *   length (`10.0.10.1/24`), else the next free block of the pool (file order, skipping every
 *   subnet written anywhere in the file, so adding an explicit subnet later never moves it);
 * - subnets of different links never overlap; a link needs two host addresses, so /32 is
 *   refused and /31 is accepted as a point-to-point link (RFC 3021: both addresses are hosts);
 * - addresses lie inside their subnet, are not its network or broadcast address (except on /31),
 *   and differ between the two ends; a missing one is host 1 (first end) or 2 (second end);
 * - a static route's gateway lies on a subnet the node is connected to, and is not its own;
 * - a segment (three or more endpoints, or `segment: NAME`) has a name no node or other segment
 *   has (default `lan<n>`, n counting segments in file order), each node joins it once, its
 *   subnet holds a host address per end; missing addresses are the lowest free hosts, in
 *   endpoint order; an end's default interface is `epair<i>a` (the member's half of its epair);
 * - hosts (`kind: host`): resolve-hosts.ts.
 */
import type { SourcePos } from "../core/errors.js";
import { formatIpv4, formatPrefix, type Ipv4, maskOf, type Prefix } from "../core/ip.js";
import { defaultIfaceName } from "./defaults.js";
import type { Diagnostics } from "./diag.js";
import { MAX_LINKS, MAX_NODES } from "../core/limits.js";
import { type Draft, type DraftLink, isSegment, linkEnds } from "./draft.js";
import type { LinkEnd, StaticRoute, TopoLink, TopoNode, TopoSegment, Topology } from "./model.js";
import { checkGateway, type Connected, resolveHost } from "./resolve-hosts.js";
import { checkSegmentMacs, endAddressOk, nameSegments, segmentAddresses } from "./resolve-segments.js";
import { routingSpecs } from "./protocols/index.js";
import { checkLabSize } from "./size.js";
import { didYouMean } from "./suggest.js";
import { checkIfaceName, checkNodeName } from "./values.js";

interface Block {
  prefix: Prefix;
  start: number;
  end: number;
  link: DraftLink;
  at: SourcePos;
}

/** Validates and completes a draft; throws LabErrors (all faults, including the diag's earlier ones). */
export function resolveDraft(d: Draft, diag: Diagnostics): Topology {
  // Before any work per node or link: a lab too large to run is refused at once.
  const over = d.nodes[MAX_NODES] ?? d.links[MAX_LINKS]?.a;
  checkLabSize(d.nodes.length, d.links.length, diag.file, over?.at);
  const declared = declareNodes(d, diag);
  const plan = planLinks(d, declared, diag);
  checkOverlaps(plan.explicit, diag);
  assignFromPool(d, plan.subnets, plan.usable, plan.explicit, diag);
  const { links, segments, connected } = buildLinks(d, plan, diag);
  const hosts = new Set(d.nodes.filter((dn) => dn.kind === "host").map((dn) => dn.name));
  const nodes = d.nodes.map((dn) => resolveNode(d, dn, connected.get(dn.name) ?? [], hosts, diag));

  diag.throwIfAny();
  const topo: Topology = { name: d.name, source: d.file, nodes, links, rip: d.rip, notes: d.notes };
  if (segments.length) topo.segments = segments;
  if (d.ospf && Object.keys(d.ospf).length) topo.ospf = d.ospf;
  return topo;
}

/** The nodes' names, checked (valid, unique), with where each was declared. */
function declareNodes(d: Draft, diag: Diagnostics): Map<string, SourcePos> {
  const declared = new Map<string, SourcePos>();
  for (const n of d.nodes) {
    const okName = checkNodeName(n.name);
    if (!okName.ok) diag.error(okName.error, n.at);
    const first = declared.get(n.name);
    if (first) diag.error(`duplicate node name '${n.name}' (first defined ${where(first)})`, n.at);
    else declared.set(n.name, n.at);
  }
  return declared;
}

/** Per link (by index): names of its interfaces, the subnet once known, and whether the link is usable. */
interface LinkPlan {
  ifNames: string[][];
  segmentNames: Map<DraftLink, string>;
  subnets: (Prefix | undefined)[];
  usable: boolean[];
  /** The subnets written in the file, for the overlap check and the pool. */
  explicit: Block[];
}

/** Checks each link's ends and interfaces and takes its written subnet. */
function planLinks(d: Draft, declared: Map<string, SourcePos>, diag: Diagnostics): LinkPlan {
  const n = d.links.length;
  const plan: LinkPlan = {
    ifNames: new Array(n),
    segmentNames: nameSegments(d, declared, diag),
    subnets: new Array(n).fill(undefined),
    usable: new Array(n).fill(true),
    explicit: [],
  };
  const usedIfaces = new Map<string, Map<string, SourcePos>>();
  d.links.forEach((link, i) => {
    const ends = linkEnds(link);
    const segment = isSegment(link);
    if (!ends.every((e) => declared.has(e.node))) {
      plan.usable[i] = false;
      for (const end of ends)
        if (!declared.has(end.node) && !d.nodesBroken)
          diag.error(`unknown node '${end.node}'${didYouMean(end.node, declared.keys())}`, end.at);
    }
    if (!segment && link.a.node === link.b.node) {
      diag.error(`link from '${link.a.node}' to itself: a link joins two different nodes`, link.b.at);
      plan.usable[i] = false;
    }
    const seen = new Set<string>();
    plan.ifNames[i] = ends.map((e, side) => {
      if (segment && seen.has(e.node)) {
        diag.error(
          `'${e.node}' is on segment ${plan.segmentNames.get(link)} twice: a node joins a segment once`,
          e.at,
        );
        plan.usable[i] = false;
        return "";
      }
      seen.add(e.node);
      return claimIface(link, side, usedIfaces, diag);
    });

    const s = explicitSubnet(link, diag);
    if (s === null) plan.usable[i] = false;
    else if (s) {
      const p = s.prefix;
      plan.subnets[i] = p;
      plan.explicit.push({ prefix: p, start: p.addr, end: p.addr + 2 ** (32 - p.len) - 1, link, at: s.at });
    }
  });
  return plan;
}

/**
 * The usable links and segments with their addresses, and the connected subnets of the nodes
 * that need them (for checking static routes and finding gateways).
 */
function buildLinks(
  d: Draft,
  plan: LinkPlan,
  diag: Diagnostics,
): { links: TopoLink[]; segments: TopoSegment[]; connected: Map<string, Connected[]> } {
  const links: TopoLink[] = [];
  const segments: TopoSegment[] = [];
  const ids = new Map<string, number>();
  const connected = new Map<string, Connected[]>();
  for (const dn of d.nodes)
    if (dn.statics.length || dn.kind === "host" || dn.gateway !== undefined) connected.set(dn.name, []);
  d.links.forEach((link, i) => {
    const subnet = plan.subnets[i];
    if (!plan.usable[i] || !subnet) return;
    const ifNames = plan.ifNames[i]!;
    const props = {
      delay: link.props.delay ?? d.linkDefaults.delay,
      bandwidth: link.props.bandwidth ?? d.linkDefaults.bandwidth,
      loss: link.props.loss ?? d.linkDefaults.loss,
      queue: link.props.queue ?? d.linkDefaults.queue,
    };
    if (isSegment(link)) {
      const addrs = segmentAddresses(link, subnet, diag);
      if (!addrs || !checkSegmentMacs(link, ifNames, diag)) return;
      const ends = linkEnds(link).map((e, k) => ({ node: e.node, iface: ifNames[k]!, addr: addrs[k]! }));
      const id = plan.segmentNames.get(link)!;
      segments.push({ id, ends, subnet: subnet.addr, len: subnet.len, ...props });
      if (link.position) segments[segments.length - 1]!.position = link.position;
      for (const e of ends) connected.get(e.node)?.push({ subnet, addr: e.addr, on: id, peers: ends });
      return;
    }
    const addrs = assignAddresses(link, subnet, diag);
    if (!addrs) return;
    const a: LinkEnd = { node: link.a.node, iface: ifNames[0], addr: addrs[0] };
    const b: LinkEnd = { node: link.b.node, iface: ifNames[1], addr: addrs[1] };
    const key = a.node < b.node ? `${a.node}-${b.node}` : `${b.node}-${a.node}`;
    const count = (ids.get(key) ?? 0) + 1;
    ids.set(key, count);
    const base = `${a.node}-${b.node}`;
    const id = count === 1 ? base : `${base}#${count}`;
    links.push({ id, a, b, subnet: subnet.addr, len: subnet.len, ...props });
    connected.get(a.node)?.push({ subnet, addr: a.addr, on: id, peers: [a, b] });
    connected.get(b.node)?.push({ subnet, addr: b.addr, on: id, peers: [a, b] });
  });
  return { links, segments, connected };
}

/** One node: its static routes checked against its connected subnets, host settings, notes. */
function resolveNode(
  d: Draft,
  dn: Draft["nodes"][number],
  mine: Connected[],
  hosts: Set<string>,
  diag: Diagnostics,
): TopoNode {
  const statics: StaticRoute[] = [];
  for (const s of dn.statics) {
    checkGateway(dn.name, s.gateway, mine, s.at, diag);
    statics.push({ dest: s.dest.addr, len: s.dest.len, gateway: s.gateway });
  }
  const node: TopoNode = { name: dn.name, routing: dn.routing ?? d.routing, statics };
  resolveHost(dn, node, mine, hosts, diag);
  if (dn.position) node.position = dn.position;
  if (dn.os && dn.os !== "freebsd") node.os = dn.os;
  if (dn.files && Object.keys(dn.files).length) node.files = dn.files;
  const notes = [...(dn.notes ?? [])];
  for (const p of routingSpecs())
    if (node.routing !== p.name && p.hasNodeSettings(dn))
      notes.push(`${p.settingsKey} settings unused: this node's routing is ${node.routing}`);
  if (notes.length) node.notes = notes;
  if (dn.rip && Object.keys(dn.rip).length) node.rip = dn.rip;
  if (dn.ospf && Object.keys(dn.ospf).length) node.ospf = dn.ospf;
  return node;
}

/** Names one end's interface (written or default) and checks it is new on its node. */
function claimIface(
  link: DraftLink,
  side: number,
  used: Map<string, Map<string, SourcePos>>,
  diag: Diagnostics,
): string {
  const end = linkEnds(link)[side]!;
  // On a segment every member holds the `a` half of its own epair (the bridge holds the `b`s).
  const name = end.iface ?? defaultIfaceName(link.index, isSegment(link) ? 0 : side === 0 ? 0 : 1);
  const at = end.ifaceAt ?? end.at;
  if (end.iface !== undefined) {
    const c = checkIfaceName(end.iface);
    if (!c.ok) diag.error(c.error, at);
  }
  let mine = used.get(end.node);
  if (!mine) {
    mine = new Map();
    used.set(end.node, mine);
  }
  const prev = mine.get(name);
  if (prev === undefined) {
    mine.set(name, at);
    return name;
  }
  const how =
    end.iface === undefined
      ? ` (the default name of this end; name it, e.g. '${end.node}:eth${link.index}')`
      : "";
  diag.error(`interface '${name}' is used twice on '${end.node}' (also ${where(prev)})${how}`, at);
  return name;
}

/** The subnet a link states (directly or through an address length); undefined = pool; null = broken. */
function explicitSubnet(
  link: DraftLink,
  diag: Diagnostics,
): { prefix: Prefix; at: SourcePos } | undefined | null {
  const ends = linkEnds(link);
  let subnet = link.subnet;
  let at = link.subnetAt ?? link.at;
  if (!subnet) {
    const withLen = ends.find((e) => e.addrLen !== undefined && e.addr !== undefined);
    if (withLen) {
      const len = withLen.addrLen!;
      subnet = { addr: (withLen.addr! & maskOf(len)) >>> 0, len };
      at = withLen.addrAt ?? withLen.at;
    } else {
      const bare = ends.find((e) => e.addr !== undefined);
      if (bare) {
        const t = formatIpv4(bare.addr!);
        diag.error(
          `address ${t} needs a prefix length: write ${t}/24 or give the link a subnet`,
          bare.addrAt ?? bare.at,
        );
        return null;
      }
      return undefined;
    }
  }
  if (subnet.len > 31) {
    diag.error(
      `subnet ${formatPrefix(subnet)} is too small for a link: it needs two host addresses (/31 or shorter)`,
      at,
    );
    return null;
  }
  const hostRoom = subnet.len === 31 ? 2 : 2 ** (32 - subnet.len) - 2;
  if (ends.length > hostRoom) {
    diag.error(
      `subnet ${formatPrefix(subnet)} has ${hostRoom} host addresses, too few for ${ends.length} endpoints`,
      at,
    );
    return null;
  }
  let ok = true;
  for (const e of ends) {
    if (e.addrLen !== undefined && e.addrLen !== subnet.len) {
      diag.error(
        `address ${formatIpv4(e.addr!)}/${e.addrLen} does not match the link's subnet ${formatPrefix(subnet)}`,
        e.addrAt ?? e.at,
      );
      ok = false;
    }
  }
  return ok ? { prefix: subnet, at } : null;
}

/** Reports each explicit subnet that overlaps one written earlier (a sweep: n log n, for big edge lists). */
function checkOverlaps(blocks: Block[], diag: Diagnostics): void {
  const sorted = [...blocks].sort(
    (x, y) => x.start - y.start || y.end - x.end || x.link.index - y.link.index,
  );
  let widest: Block | undefined;
  for (const b of sorted) {
    if (widest && b.start <= widest.end) {
      const [early, late] = widest.link.index <= b.link.index ? [widest, b] : [b, widest];
      const s = (x: Block) => formatPrefix(x.prefix);
      diag.error(
        `subnet ${s(late)} overlaps ${s(early)} of link ${linkName(early.link)} (${where(early.at)})`,
        late.at,
      );
    }
    if (!widest || b.end > widest.end) widest = b;
  }
}

/** Gives each link without a subnet the next pool block not overlapping any explicit subnet. */
function assignFromPool(
  d: Draft,
  subnets: (Prefix | undefined)[],
  usable: boolean[],
  explicit: Block[],
  diag: Diagnostics,
): void {
  const sorted = [...explicit].sort((x, y) => x.start - y.start);
  const maxEnd: number[] = [];
  for (const b of sorted) maxEnd.push(Math.max(b.end, maxEnd[maxEnd.length - 1] ?? -1));
  const taken = (start: number, end: number): boolean => {
    let lo = 0;
    let hi = sorted.length; // first index with start > end
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.start <= end) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && maxEnd[lo - 1]! >= start;
  };
  const { range, length } = d.pool;
  const size = 2 ** (32 - length);
  const last = range.addr + 2 ** (32 - range.len) - 1;
  let next = range.addr;
  let exhausted = false;
  d.links.forEach((link, i) => {
    if (subnets[i] || !usable[i]) return;
    while (next + size - 1 <= last && taken(next, next + size - 1)) next += size;
    if (next + size - 1 > last) {
      if (!exhausted)
        diag.error(
          `the address pool ${formatPrefix(range)} has no free /${length} left for this link: set defaults.pool or give links subnets`,
          link.at,
        );
      exhausted = true;
      usable[i] = false;
      return;
    }
    subnets[i] = { addr: next, len: length };
    next += size;
  });
}

/** Checks the written addresses of a link and fills in the missing ones. */
function assignAddresses(link: DraftLink, subnet: Prefix, diag: Diagnostics): [Ipv4, Ipv4] | undefined {
  const first = subnet.len === 31 ? subnet.addr : subnet.addr + 1;
  const second = first + 1;
  const okA = endAddressOk(link.a, subnet, diag);
  const okB = endAddressOk(link.b, subnet, diag);
  if (!okA || !okB) return undefined;
  const { a, b } = link;
  if (a.addr !== undefined && a.addr === b.addr) {
    diag.error(`both ends of the link have address ${formatIpv4(a.addr)}`, b.addrAt ?? b.at);
    return undefined;
  }
  const aAddr = a.addr ?? (b.addr === first ? second : first);
  const bAddr = b.addr ?? (aAddr === second ? first : second);
  return [aAddr, bAddr];
}

function linkName(l: DraftLink): string {
  return isSegment(l)
    ? `segment ${linkEnds(l)
        .map((e) => e.node)
        .join("–")}`
    : `${l.a.node}–${l.b.node}`;
}

/** `line 7` / `line 7, col 3` for cross-references inside a message. */
function where(p: SourcePos): string {
  if (p.line === undefined) return p.field ? `at ${p.field}` : "earlier";
  return `at line ${p.line}`;
}
