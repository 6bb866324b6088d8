/**
 * @module topology/parse-yaml
 * routelab's own topology format. A sketch (every field but `nodes` is optional):
 *
 * ```yaml
 * name: seed
 * defaults:                      # for every link / node unless it says otherwise
 *   delay: 1ms                   # one-way; bandwidth: 10Mbit | 1Gbps | bits/s; loss: 1% | 0.01; queue: 100
 *   routing: rip                 # or static
 *   pool: 10.0.0.0/8             # or {range: 10.0.0.0/16, length: 30}: where missing subnets come from
 *   rip: {update: 30s, timeout: 180s, garbage: 120s, triggered: 1s-5s, split-horizon: poisoned, version: 2}
 * nodes:
 *   vm1: {position: [400, 60]}   # a bare `vm1:` is a node with the defaults
 *   vm2: {routing: static, static: ["10.0.0.0/8 via 10.0.10.1"], rip: {update: 10s}}
 *   h1: {kind: host, gateway: 10.0.40.1}         # an end system: no forwarding, no routing daemon
 *   relay: {os: linux, files: {/etc/xinetd.d/hoge-ssh: "service hoge-ssh { … }"}}
 * links:
 *   - endpoints: [vm1, vm2]                        # interfaces epair<i>a/b, subnet from the pool
 *   - endpoints: ["vm1:epair1a", "vm3:epair1b"]
 *     subnet: 10.0.20.0/24
 *     addresses: [10.0.20.1, 10.0.20.2]            # or leave out / null one end
 *   - endpoints: [{node: vm2, iface: em0, address: 10.0.30.1/24}, vm3]
 *     delay: 5ms
 *   - endpoints: [vm1, vm2, h1]                    # three or more: an Ethernet segment (a switch)
 *     segment: lan1                                # its name (default lan<n>); also makes a 2-end segment
 *     position: [500, 300]                         # where its switch is drawn (default: its stations' middle)
 * ```
 *
 * Unknown keys are errors (a typo such as `dealy:` must not be silently ignored); every fault
 * is reported with file:line:col and the field path. Defaults: topology/defaults.ts.
 */
import type { Node } from "yaml";
import { formatPrefix, type Prefix } from "../core/ip.js";
import { type AddressPool, DEFAULT_POOL, type LinkProps } from "./defaults.js";
import { Diagnostics } from "./diag.js";
import { type Draft, type DraftEnd, type DraftLink, type DraftNode, newDraft } from "./draft.js";
import type { Topology } from "./model.js";
import { attachLesson, LESSON_KEYS } from "./parse-lesson.js";
import { NODE_SYSTEM_KEYS, readNodeSystem } from "./node-files.js";
import { resolveDraft } from "./resolve.js";
import { checkLabName, parseAddress, parseHostAddress, parseSubnet } from "./values.js";
import { MAX_SEGMENT_PORTS } from "../core/limits.js";
import {
  isRoutingName,
  routingNames,
  routingSpecs,
  settingsKeys,
  specBySettingsKey,
} from "./protocols/index.js";
import { LINK_PROP_KEYS, parsedAt, readLinkProp, readPosition, readStatics } from "./yaml-fields.js";
import { child, type Entry, YamlReader } from "./yaml-tree.js";

export const TOP_KEYS = ["name", "defaults", "nodes", "links", ...LESSON_KEYS] as const;
export const DEFAULT_KEYS: readonly string[] = [...LINK_PROP_KEYS, "routing", ...settingsKeys(), "pool"];
export const NODE_KEYS: readonly string[] = [
  "kind",
  "gateway",
  "routing",
  "static",
  "position",
  ...settingsKeys(),
  ...NODE_SYSTEM_KEYS,
];
export const LINK_KEYS = [
  "endpoints",
  "segment",
  "position",
  "subnet",
  "addresses",
  ...LINK_PROP_KEYS,
] as const;
/** What `kind:` of a node may say. */
export const NODE_KINDS = ["router", "host"] as const;
export const END_KEYS = ["node", "iface", "address"] as const;

/** Parses routelab YAML text; `fileName` is used in messages and for the default lab name. */
export function parseRoutelabYaml(text: string, fileName: string): Topology {
  const diag = new Diagnostics(fileName);
  const r = YamlReader.parse(text, diag);
  if (!r) return diag.throwIfAny() as never;
  const draft = readDraft(r, fileName);
  if (!draft) return diag.throwIfAny() as never;
  // A lesson's `events:`/`checks:` name nodes and links, so they are read after resolving.
  return attachLesson(r, resolveDraft(draft, diag), diag);
}

function readDraft(r: YamlReader, fileName: string): Draft | undefined {
  const root = r.root;
  if (r.isNull(root)) {
    r.error(root, "", "the file is empty: a topology needs at least `nodes:`");
    return undefined;
  }
  const top = r.map(root, "", TOP_KEYS, "a topology (a mapping with name, defaults, nodes, links)");
  if (!top) return undefined;
  const get = (k: string) => top.find((e) => e.key === k);

  const draft = newDraft(fileName);
  const name = get("name");
  const nameText = name && r.text(name.value, name.field, "a lab name");
  if (name && nameText !== undefined)
    draft.name = parsedAt(r, name.value, name.field, checkLabName(nameText)) ?? draft.name;
  const defaults = get("defaults");
  if (defaults) readDefaults(r, defaults, draft);

  const nodes = get("nodes");
  if (!nodes) {
    r.error(root, "nodes", "missing `nodes:` (a mapping of node names)");
    draft.nodesBroken = true;
  } else {
    const entries = r.map(nodes.value, "nodes", null, "a mapping of node names (vm1:, vm2:, …)", "node name");
    if (!entries) draft.nodesBroken = true;
    if (entries?.length === 0) r.error(nodes.value, "nodes", "no nodes defined");
    for (const e of entries ?? []) draft.nodes.push(readNode(r, e, draft));
  }

  const links = get("links");
  if (links && !r.isNull(links.value)) {
    (r.seq(links.value, "links", "a list of links (- endpoints: [vm1, vm2])") ?? []).forEach((item, i) => {
      const link = readLink(r, item, child("links", i), i);
      if (link) draft.links.push(link);
    });
  }
  for (const p of routingSpecs()) draft.notes.push(...p.draftNotes(draft));
  return draft;
}

function readDefaults(r: YamlReader, defaults: Entry, draft: Draft): void {
  for (const e of r.map(defaults.value, "defaults", DEFAULT_KEYS) ?? []) {
    if (readLinkProp(r, e, draft.linkDefaults)) continue;
    if (e.key === "routing") {
      const routing = readRouting(r, e);
      if (routing) draft.routing = routing;
    } else if (e.key === "pool") {
      const pool = readPool(r, e);
      if (pool) draft.pool = pool;
    } else specBySettingsKey(e.key)?.readDefaults(r, e.value, e.field, draft);
  }
}

function readRouting(r: YamlReader, e: Entry): string | undefined {
  const all = routingNames();
  const names = all.length > 1 ? `${all.slice(0, -1).join(", ")} or ${all.at(-1)}` : all.join("");
  const t = r.text(e.value, e.field, names);
  if (t !== undefined && isRoutingName(t)) return t;
  if (t !== undefined) r.error(e.value, e.field, `unknown routing '${t}' (use ${names})`);
  return undefined;
}

/** `pool: 10.0.0.0/8` (cut into /24s) or `pool: {range: 172.16.0.0/12, length: 30}`. */
function readPool(r: YamlReader, e: Entry): AddressPool | undefined {
  let range: Prefix | undefined;
  let length = DEFAULT_POOL.length;
  let lengthNode: Node | null = e.value;
  const rangeOf = (v: Node | null, f: string) => {
    const t = r.text(v, f, "a CIDR prefix such as 10.0.0.0/16");
    return parsedAt(r, v, f, t === undefined ? undefined : parseSubnet(t));
  };
  if (r.isMap(e.value)) {
    const entries = r.map(e.value, e.field, ["range", "length"]) ?? [];
    for (const p of entries) {
      if (p.key === "range") range = rangeOf(p.value, p.field);
      else {
        lengthNode = p.value;
        const n = r.number(p.value, p.field, "a prefix length");
        if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > 31))
          r.error(p.value, p.field, `subnet length ${n} must be a whole number 1…31`);
        else if (n !== undefined) length = n;
      }
    }
    if (!entries.some((p) => p.key === "range")) r.error(e.value, e.field, "a pool needs a range");
  } else range = rangeOf(e.value, e.field);
  if (!range) return undefined;
  if (length < range.len) {
    r.error(lengthNode, e.field, `pool ${formatPrefix(range)} cannot be cut into larger /${length} subnets`);
    return undefined;
  }
  return { range, length };
}

function readNode(r: YamlReader, e: Entry, draft: Draft): DraftNode {
  const node: DraftNode = { name: e.key, at: r.pos(e.keyNode, e.field), statics: [] };
  if (r.isNull(e.value)) return node;
  for (const f of r.map(e.value, e.field, NODE_KEYS, `node settings (${NODE_KEYS.join(", ")}) or nothing`) ??
    []) {
    if (f.key === "routing") {
      node.routing = readRouting(r, f);
      node.routingAt = r.pos(f.value, f.field);
    } else if (f.key === "kind") readKind(r, f, node);
    else if (f.key === "gateway") {
      const t = r.text(f.value, f.field, "an address such as 10.0.40.1");
      node.gateway = parsedAt(r, f.value, f.field, t === undefined ? undefined : parseAddress(t));
      node.gatewayAt = r.pos(f.value, f.field);
    } else if (f.key === "static") node.statics = readStatics(r, f.value, f.field);
    else if (f.key === "position") node.position = readPosition(r, f.value, f.field);
    else if (readNodeSystem(r, f, node)) continue;
    else specBySettingsKey(f.key)?.readNode(r, f.value, f.field, node, draft);
  }
  return node;
}

/** `kind: router | host`. */
function readKind(r: YamlReader, f: Entry, node: DraftNode): void {
  const t = r.text(f.value, f.field, NODE_KINDS.join(" or "));
  if (t === undefined) return;
  if (t === "host") {
    node.kind = "host";
    node.kindAt = r.pos(f.value, f.field);
  } else if (t !== "router")
    r.error(f.value, f.field, `unknown kind '${t}' (use ${NODE_KINDS.join(" or ")})`);
}

function readLink(r: YamlReader, item: Node | null, field: string, index: number): DraftLink | undefined {
  const entries = r.map(item, field, LINK_KEYS, "a link (a mapping with endpoints)");
  if (!entries) return undefined;
  const props: Partial<LinkProps> = {};
  let ends: DraftEnd[] | undefined;
  let subnet: Prefix | undefined;
  let subnetAt: DraftLink["subnetAt"];
  let addresses: Entry | undefined;
  let segment: Entry | undefined;
  let position: Entry | undefined;
  for (const e of entries) {
    if (readLinkProp(r, e, props)) continue;
    if (e.key === "endpoints") ends = readEndpoints(r, e);
    else if (e.key === "segment") segment = e;
    else if (e.key === "position") position = e;
    else if (e.key === "subnet") {
      const t = r.text(e.value, e.field, "a CIDR prefix such as 10.0.10.0/24");
      subnet = parsedAt(r, e.value, e.field, t === undefined ? undefined : parseSubnet(t));
      subnetAt = r.pos(e.value, e.field);
    } else if (e.key === "addresses") addresses = e;
  }
  if (!entries.some((e) => e.key === "endpoints")) {
    r.error(item, field, "a link needs `endpoints: [A, B]`");
    return undefined;
  }
  if (!ends) return undefined;
  if (addresses) readAddresses(r, addresses, ends);
  if (entries.some((e) => e.key === "subnet") && !subnet) return undefined; // malformed, reported
  const link: DraftLink = { index, at: r.pos(item, field), a: ends[0]!, b: ends[1]!, props };
  if (ends.length > 2) link.more = ends.slice(2);
  if (segment) {
    const name = r.text(segment.value, segment.field, "a segment name such as lan1");
    if (name === undefined) return undefined;
    link.segment = name;
    link.segmentAt = r.pos(segment.value, segment.field);
  }
  if (position) {
    // Only a segment has a place of its own (its switch); a link is drawn between its ends.
    if (ends.length === 2 && !segment)
      r.error(
        position.value,
        position.field,
        "`position:` is for segments (where the switch is drawn); a link is drawn between its ends",
      );
    link.position = readPosition(r, position.value, position.field);
    link.positionAt = r.pos(position.value, position.field);
  }
  if (subnet) {
    link.subnet = subnet;
    link.subnetAt = subnetAt;
  }
  return link;
}

function readEndpoints(r: YamlReader, e: Entry): DraftEnd[] | undefined {
  const items = r.seq(e.value, e.field, "a list of endpoints, e.g. [vm1, vm2]");
  if (!items) return undefined;
  if (items.length < 2) {
    r.error(
      e.value,
      e.field,
      `a link has two endpoints (three or more make a segment), found ${items.length}`,
    );
    return undefined;
  }
  if (items.length > MAX_SEGMENT_PORTS) {
    r.error(e.value, e.field, `${items.length} endpoints: a segment has at most ${MAX_SEGMENT_PORTS}`);
    return undefined;
  }
  const ends = items.map((item, i) => readEndpoint(r, item, child(e.field, i)));
  return ends.every((x) => x !== undefined) ? (ends as DraftEnd[]) : undefined;
}

/** `vm1`, `vm1:epair0a`, or `{node: vm1, iface: epair0a, address: 10.0.10.1/24}`. */
function readEndpoint(r: YamlReader, item: Node | null, field: string): DraftEnd | undefined {
  if (r.isMap(item)) {
    const entries = r.map(item, field, END_KEYS) ?? [];
    const end: Partial<DraftEnd> = { at: r.pos(item, field) };
    for (const e of entries) {
      const t = r.text(e.value, e.field);
      if (t === undefined) continue;
      if (e.key === "node") {
        end.node = t;
        end.at = r.pos(e.value, e.field);
      } else if (e.key === "iface") {
        end.iface = t;
        end.ifaceAt = r.pos(e.value, e.field);
      } else setAddress(r, end, e.value, e.field, t);
    }
    if (end.node === undefined) {
      if (!entries.some((e) => e.key === "node")) r.error(item, field, "an endpoint needs `node:`");
      return undefined;
    }
    return end as DraftEnd;
  }
  const t = r.text(item, field, "an endpoint such as vm1 or 'vm1:epair0a'");
  if (t === undefined) return undefined;
  const colon = t.indexOf(":");
  if (colon < 0) return { node: t, at: r.pos(item, field) };
  const node = t.slice(0, colon);
  const iface = t.slice(colon + 1);
  if (!node || !iface || iface.includes(":")) {
    r.error(item, field, `'${t}' is not an endpoint (write NODE or NODE:INTERFACE, e.g. vm1:epair0a)`);
    return undefined;
  }
  return { node, at: r.pos(item, field), iface, ifaceAt: r.posInside(item!, field, colon + 1) };
}

function setAddress(
  r: YamlReader,
  end: Partial<DraftEnd>,
  node: Node | null,
  field: string,
  text: string,
): void {
  const a = parsedAt(r, node, field, parseHostAddress(text));
  end.addrAt = r.pos(node, field);
  if (!a) {
    end.addrAt = undefined;
    return;
  }
  end.addr = a.addr;
  if (a.len !== undefined) end.addrLen = a.len;
}

/** `addresses: [10.0.10.1, 10.0.10.2]`, one per endpoint in order; `~` leaves one to be assigned. */
function readAddresses(r: YamlReader, e: Entry, ends: DraftEnd[]): void {
  const items = r.seq(e.value, e.field, "a list of addresses, one per endpoint, e.g. [10.0.10.1, 10.0.10.2]");
  if (!items) return;
  if (items.length !== ends.length) {
    r.error(e.value, e.field, `give one address per endpoint (${ends.length}), found ${items.length}`);
    return;
  }
  items.forEach((item, i) => {
    if (r.isNull(item)) return;
    const f = child(e.field, i);
    const end = ends[i]!;
    if (end.addrAt) {
      r.error(item, f, `the address of endpoint ${i} is already given in the endpoint`);
      return;
    }
    const t = r.text(item, f, "an address such as 10.0.10.1");
    if (t !== undefined) setAddress(r, end, item, f, t);
  });
}
