/**
 * @module engines/netns/plan
 * What the kernel will hold for a topology, computed before anything is created and checked
 * once: namespace names (per-lab prefix, so two labs never collide), kernel interface names,
 * stable MAC addresses (the ones `netstat -i` prints in the simulator), addresses, and the
 * hosts file every namespace sees. Everything here ends up as a word of an `ip` command, so
 * every name is validated against a strict pattern first.
 */
import { LabError } from "../../core/errors.js";
import { formatIpv4, type Ipv4, maskOf } from "../../core/ip.js";
import { etherAddress } from "../../shell/cmd/netstat.js";
import { kernelIfaceName } from "../../topology/frr-config.js";
import { segmentPorts } from "../../topology/index.js";
import type { Topology, TopoLink } from "../../topology/model.js";

/** A lab prefix: short, so namespace names stay readable; letters, digits and '-'. */
export const PREFIX_RE = /^[a-z][a-z0-9-]{0,15}$/;
const KERNEL_IFNAME = /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/;
const NODE_RE = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

export interface PlannedIface {
  /** Index on the node as the simulator counts (0 is lo0). */
  index: number;
  /** The topology's name (what users see). */
  name: string;
  /** The kernel's name (`/` mapped to `_`). */
  kname: string;
  addr: Ipv4;
  len: number;
  mac: string;
  link: TopoLink;
}

export interface PlannedNode {
  name: string;
  netns: string;
  routing: string;
  /** A host (topology `kind: host`): forwarding off. */
  host: boolean;
  ifaces: PlannedIface[];
}

/** A segment: a Linux bridge `br0` in a namespace of its own, one veth port per station. */
export interface PlannedBridge {
  name: string;
  netns: string;
  /** The port links (station end `a`, bridge end `b`), in endpoint order. */
  ports: TopoLink[];
}

export interface LabPlan {
  prefix: string;
  nodes: PlannedNode[];
  byName: Map<string, PlannedNode>;
  bridges: PlannedBridge[];
  /** Every link as the kernel has it: the topology's, then the segments' port links. */
  links: TopoLink[];
  /** Which node owns an address (for events and next hops). */
  ownerOf: Map<Ipv4, string>;
  hostsFile: string;
}

/** The default prefix of a lab: `rl-` and its name, cut and cleaned. */
export function defaultPrefix(topo: Topology): string {
  const clean = topo.name
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 13);
  return `rl-${clean}`.replace(/-+$/, "");
}

export function planLab(topo: Topology, prefix: string): LabPlan {
  if (!PREFIX_RE.test(prefix))
    throw new LabError(`bad lab prefix '${prefix}': a letter then up to 15 of a-z, 0-9, '-'`, {
      field: "prefix",
    });
  const nodes: PlannedNode[] = [];
  const byName = new Map<string, PlannedNode>();
  for (const n of topo.nodes) {
    if (!NODE_RE.test(n.name)) throw new LabError(`bad node name '${n.name}'`, { field: "nodes" });
    const p: PlannedNode = {
      name: n.name,
      netns: `${prefix}-${n.name}`,
      routing: n.routing,
      host: n.kind === "host",
      ifaces: [],
    };
    nodes.push(p);
    byName.set(n.name, p);
  }
  const ownerOf = new Map<Ipv4, string>();
  const bridges = (topo.segments ?? []).map((s) => ({
    name: s.id,
    netns: `${prefix}-${s.id}`,
    ports: segmentPorts(s),
  }));
  const segmentNames = new Set(bridges.map((b) => b.name));
  const links = [...topo.links, ...bridges.flatMap((b) => b.ports)];
  for (const l of links) {
    for (const end of [l.a, l.b]) {
      if (segmentNames.has(end.node)) continue; // the bridge's port (bridges.ts)
      const node = byName.get(end.node);
      if (!node) throw new LabError(`link ${l.id}: unknown node '${end.node}'`, { field: "links" });
      const kname = kernelIfaceName(end.iface);
      if (!KERNEL_IFNAME.test(kname) || kname === "lo")
        throw new LabError(`link ${l.id}: interface name '${end.iface}' cannot be a Linux name`, {
          field: "links",
        });
      if (node.ifaces.some((i) => i.kname === kname))
        throw new LabError(`node ${node.name}: two interfaces map to the Linux name '${kname}'`, {
          field: "links",
        });
      node.ifaces.push({
        index: node.ifaces.length + 1,
        name: end.iface,
        kname,
        addr: end.addr,
        len: l.len,
        mac: etherAddress(end.node, end.iface),
        link: l,
      });
      if (!ownerOf.has(end.addr)) ownerOf.set(end.addr, end.node);
    }
  }
  return { prefix, nodes, byName, bridges, links, ownerOf, hostsFile: hostsFile(nodes) };
}

/**
 * /etc/hosts as `src/shell/context.ts` HostsTable has it: a node's name resolves to its first
 * link address (the first line naming it), and every address maps back to its node.
 */
function hostsFile(nodes: readonly PlannedNode[]): string {
  let out = "127.0.0.1\tlocalhost\n";
  for (const n of nodes) for (const i of n.ifaces) out += `${formatIpv4(i.addr)}\t${n.name}\n`;
  return out;
}

/** `a.b.c.d/len` of an interface. */
export function cidr(i: { addr: Ipv4; len: number }): string {
  return `${formatIpv4(i.addr)}/${i.len}`;
}

/** The network of an interface, `a.b.c.0/len`. */
export function netOf(i: { addr: Ipv4; len: number }): string {
  return `${formatIpv4((i.addr & maskOf(i.len)) >>> 0)}/${i.len}`;
}
