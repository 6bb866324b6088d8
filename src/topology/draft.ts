/**
 * @module topology/draft
 * What a parser extracted from a file, before addressing and cross-checks: names as written,
 * optional fields left out, and the position of every value so the checks in resolve.ts can
 * point at it. Each format parses into a Draft and shares one resolver, so a rule (overlapping
 * subnets, interface used twice, …) is written once and worded the same for every format.
 */
import type { SourcePos } from "../core/errors.js";
import type { Ipv4, Prefix } from "../core/ip.js";
import { type AddressPool, DEFAULT_LINK, DEFAULT_POOL, DEFAULT_ROUTING, type LinkProps } from "./defaults.js";
import type { NodeOs, OspfSettings, RipSettings } from "./model.js";
import { protocolDefaults } from "./protocols/index.js";

export interface DraftStatic {
  dest: Prefix;
  gateway: Ipv4;
  at: SourcePos;
}

export interface DraftNode {
  name: string;
  at: SourcePos;
  routing?: string;
  routingAt?: SourcePos;
  /** `kind: host` (absent: a router). */
  kind?: "host";
  kindAt?: SourcePos;
  gateway?: Ipv4;
  gatewayAt?: SourcePos;
  statics: DraftStatic[];
  position?: { x: number; y: number };
  rip?: Partial<RipSettings>;
  ospf?: Partial<OspfSettings>;
  notes?: string[];
  os?: NodeOs;
  files?: Record<string, string>;
}

export interface DraftEnd {
  node: string;
  at: SourcePos;
  iface?: string;
  ifaceAt?: SourcePos;
  addr?: Ipv4;
  /** Prefix length written with the address (`10.0.10.1/24`), if any. */
  addrLen?: number;
  addrAt?: SourcePos;
}

export interface DraftLink {
  /** The link's number in the file (0-based), kept even when an earlier link was dropped as bad. */
  index: number;
  at: SourcePos;
  a: DraftEnd;
  b: DraftEnd;
  /** A segment's third and later endpoints. */
  more?: DraftEnd[];
  /** `segment: NAME`: the link is an Ethernet segment of that name (also with two endpoints). */
  segment?: string;
  segmentAt?: SourcePos;
  /** A segment's `position:`: where its switch is drawn (else the middle of its stations). */
  position?: { x: number; y: number };
  positionAt?: SourcePos;
  subnet?: Prefix;
  subnetAt?: SourcePos;
  props: Partial<LinkProps>;
}

export interface Draft {
  name: string;
  file: string;
  nodes: DraftNode[];
  links: DraftLink[];
  linkDefaults: LinkProps;
  routing: string;
  rip: RipSettings;
  ospf?: Partial<OspfSettings>;
  pool: AddressPool;
  notes: string[];
  /** The node list could not be read (reported): links are not checked against it. */
  nodesBroken?: boolean;
}

/** A draft with nothing in it yet and every default in place. */
export function newDraft(fileName: string): Draft {
  return {
    name: baseName(fileName),
    file: fileName,
    nodes: [],
    links: [],
    linkDefaults: { ...DEFAULT_LINK },
    routing: DEFAULT_ROUTING,
    ...protocolDefaults(),
    pool: DEFAULT_POOL,
    notes: [],
  };
}

/** The default lab name of a file: `topologies/seed.yaml` → `seed`, `x.clab.yml` → `x`. */
export function baseName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const name = base
    .replace(/\.(clab\.ya?ml|ya?ml|edges|graphml|xml)$/i, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 64);
  return name || "lab";
}

/**
 * Names nodes after their FRR `hostname` (issue 24): an export whose node names had to become
 * Kubernetes or Kathará names (`new-york`) writes routelab's own (`New_York`) as the hostname,
 * and reading the export back restores it. A hostname is taken only when it is a valid node
 * name, differs from the node's name in the lab file, and names no other node (by its file
 * name or its hostname); a note says so. Link ends are renamed with their node.
 */
export function nameAfterHostnames(d: Draft, hostnames: ReadonlyMap<string, string>, valid: RegExp): void {
  const count = new Map<string, number>();
  for (const h of hostnames.values()) count.set(h, (count.get(h) ?? 0) + 1);
  const fileNames = new Set(d.nodes.map((n) => n.name));
  const rename = new Map<string, string>();
  for (const n of d.nodes) {
    const h = hostnames.get(n.name);
    if (h === undefined || h === n.name || !valid.test(h)) continue;
    if (count.get(h)! > 1 || fileNames.has(h)) {
      n.notes?.push(`frr.conf hostname '${h}' not used as the node's name: another node has it`);
      continue;
    }
    rename.set(n.name, h);
  }
  for (const n of d.nodes) {
    const to = rename.get(n.name);
    if (to === undefined) continue;
    n.notes = [...(n.notes ?? []), `named ${to} after its frr.conf hostname (${n.name} in the lab file)`];
    n.name = to;
  }
  for (const l of d.links)
    for (const e of linkEnds(l)) {
      const to = rename.get(e.node);
      if (to !== undefined) e.node = to;
    }
}

/** Every endpoint of a draft link, in file order (two, or more on a segment). */
export function linkEnds(l: DraftLink): DraftEnd[] {
  return l.more ? [l.a, l.b, ...l.more] : [l.a, l.b];
}

/** Whether a draft link is an Ethernet segment: named as one, or more than two endpoints. */
export function isSegment(l: DraftLink): boolean {
  return l.segment !== undefined || (l.more?.length ?? 0) > 0;
}
