/**
 * @module topology/parse-containerlab
 * containerlab topology files (`*.clab.yml`), the format network engineers already write and
 * clabernetes runs on Kubernetes (issue 10). What a simulated lab can use is read:
 * - `name`; `topology.nodes` (every node becomes a router, whatever its kind or image, with a
 *   note saying so); node `labels` `graph-posX`/`graph-posY` (containerlab's own graph
 *   positions);
 * - `topology.links` in the brief form `endpoints: ["a:eth1", "b:eth1"]` and the extended
 *   `type: veth` form with `{node, interface}` endpoints; other link types (host, mgmt-net,
 *   macvlan, vxlan, dummy) join no second router and are skipped with a note;
 * - a node's `exec` lines `ip addr add A/L dev IF` and `ip route add P via G` (how the
 *   containerlab examples address their hosts): addresses go on the link ends, routes become
 *   static routes and the node stops running the default protocol, as such hosts run no
 *   routing daemon.
 * - `kind: bridge` nodes (a Linux bridge on the host) become Ethernet segments named after the
 *   node: every link to the bridge makes its other end a station of the segment; a node
 *   labelled `routelab-kind: host` (how routelab exports its hosts) is a host.
 * Everything else (mgmt, kinds, groups, images, binds, startup configs, …) is ignored with a
 * note, never silently. Link subnets not given by an exec address come from the pool.
 * - a node's `binds` onto `/etc/frr/frr.conf` (how containerlab runs FRR): when the caller
 *   passes `ContainerlabOptions.readFile` (the CLI does; a browser cannot), the file's
 *   addresses, static routes and the settings of a simulated protocol are used
 *   (topology/parse-frr.ts), and what it configures beyond that (protocols not simulated, …)
 *   is noted; its `hostname`, when it differs from the
 *   node's key, names the node (how an export with Kubernetes names keeps routelab's names:
 *   topology/draft nameAfterHostnames).
 */
import type { Node } from "yaml";
import { LabError, type SourcePos } from "../core/errors.js";
import { formatIpv4 } from "../core/ip.js";
import { Diagnostics } from "./diag.js";
import {
  type DraftEnd,
  type DraftLink,
  type DraftNode,
  type DraftStatic,
  nameAfterHostnames,
  newDraft,
} from "./draft.js";
import type { Topology } from "./model.js";
import { parseFrrConf } from "./parse-frr.js";
import { defaultRoutingLabel, routingSpec } from "./protocols/index.js";
import { resolveDraft } from "./resolve.js";
import { checkLabName, NODE_NAME, parseHostAddress, parseStaticRouteText } from "./values.js";
import { parsedAt } from "./yaml-fields.js";
import { child, type Entry, YamlReader } from "./yaml-tree.js";

export interface ContainerlabOptions {
  /**
   * Reads a file named relative to the topology file (for bound configs); undefined if absent.
   * May refuse a file (outside the lab's folder, not a regular file, too large) by throwing a
   * LabError: the message is reported at the bind's line and column.
   */
  readFile?: (relPath: string) => string | undefined;
}

const TOP_KEYS = ["name", "prefix", "mgmt", "topology", "settings", "debug"] as const;
const TOPO_KEYS = ["nodes", "links", "kinds", "defaults", "groups"] as const;
/** Node keys of containerlab's JSON schema (clab.schema.json, node-config). */
const NODE_KEYS = [
  "image", "image-pull-policy", "restart-policy", "kind", "license", "type", "group", "startup-config",
  "startup-delay", "enforce-startup-config", "suppress-startup-config", "auto-remove", "exec", "binds",
  "volumes", "ports", "env", "credentials", "env-files", "user", "hostname", "entrypoint", "cmd", "labels",
  "runtime", "mgmt-ipv4", "mgmt-ipv6", "network-mode", "link-apply-mode", "cpu", "memory", "cpu-set",
  "extras", "config", "stages", "dns", "certificate", "healthcheck", "components", "aliases", "shm-size",
  "cap-add", "privileged", "cgroupns-mode", "cgroup-parent", "pid-mode", "tmpfs", "security-opts",
  "sysctls", "devices",
] as const; // biome-ignore format: a list to compare with the schema
const SPECIAL_NODES = new Set(["host", "mgmt-net", "macvlan", "bridge"]);

interface NodeInfo {
  /** Source path of a bind onto /etc/frr/frr.conf, as written, and where it is written. */
  frrConf?: string;
  frrConfAt?: SourcePos;
  /** The bound frr.conf's `hostname`, if any. */
  hostname?: string;
  kind?: string;
  image?: string;
  group?: string;
  addrs: Map<string, { addr: number; len: number; at: DraftEnd["at"]; used?: boolean }>;
}

/** Parses a containerlab file's text; `fileName` is used in messages. */
export function parseContainerlab(text: string, fileName: string, opts: ContainerlabOptions = {}): Topology {
  const diag = new Diagnostics(fileName);
  const r = YamlReader.parse(text, diag);
  if (!r) return diag.throwIfAny() as never;
  const draft = newDraft(fileName);
  const top = r.map(r.root, "", TOP_KEYS, "a containerlab topology (name, topology: {nodes, links})");
  if (!top) return diag.throwIfAny() as never;
  const ignored: string[] = [];
  let topo: Entry | undefined;
  for (const e of top) {
    if (e.key === "name") {
      const t = r.text(e.value, e.field, "a lab name");
      draft.name = parsedAt(r, e.value, e.field, t === undefined ? undefined : checkLabName(t)) ?? draft.name;
    } else if (e.key === "topology") topo = e;
    else ignored.push(e.key);
  }
  if (!topo) {
    r.error(r.root, "topology", "missing `topology:` (with nodes and links)");
    return diag.throwIfAny() as never;
  }
  const sections = r.map(topo.value, "topology", TOPO_KEYS) ?? [];
  const get = (k: string) => sections.find((e) => e.key === k);
  for (const e of sections) if (e.key !== "nodes" && e.key !== "links") ignored.push(`topology.${e.key}`);
  if (ignored.length)
    draft.notes.push(`containerlab settings ignored by the simulator: ${ignored.join(", ")}`);

  const kinds = readKindImages(r, get("kinds"));
  const groups = readGroups(r, get("groups"));
  const defaults = get("defaults");
  const defaultKind = defaults && r.isMap(defaults.value) ? kindImage(r, defaults.value) : {};

  const infos = new Map<string, NodeInfo>();
  /** `kind: bridge` nodes: their stations, in link order, and where each is written. */
  const bridges = new Map<string, { at: SourcePos; ends: DraftEnd[]; position?: { x: number; y: number } }>();
  const nodesEntry = get("nodes");
  if (!nodesEntry) r.error(topo.value, "topology.nodes", "missing `nodes:`");
  const nodeEntries =
    nodesEntry && r.map(nodesEntry.value, "topology.nodes", null, "a mapping of node names", "node name");
  if (!nodeEntries) draft.nodesBroken = true;
  for (const e of nodeEntries ?? []) {
    const node: DraftNode = { name: e.key, at: r.pos(e.keyNode, e.field), statics: [], notes: [] };
    const info: NodeInfo = { addrs: new Map() };
    if (!r.isNull(e.value)) readNode(r, e, node, info);
    const group = info.group ? groups.get(info.group) : undefined;
    const kind = info.kind ?? group?.kind ?? defaultKind.kind;
    const image = info.image ?? group?.image ?? (kind ? kinds.get(kind) : undefined) ?? defaultKind.image;
    if (kind === "bridge") {
      bridges.set(e.key, { at: node.at, ends: [], position: node.position });
      continue;
    }
    const what = [kind ? `kind '${kind}'` : "", image ? `image '${image}'` : ""].filter(Boolean).join(" / ");
    if (what) node.notes!.push(`containerlab ${what} ignored: node simulated as a ${node.kind ?? "router"}`);
    infos.set(e.key, info);
    draft.nodes.push(node);
    if (info.frrConf) applyFrrConf(node, info, fileName, opts, diag);
  }

  /** The address an exec line or frr.conf gave an end's interface, if any. */
  const takeAddress = (end: DraftEnd): void => {
    const a = end.iface ? infos.get(end.node)?.addrs.get(end.iface) : undefined;
    if (!a) return;
    a.used = true;
    end.addr = a.addr;
    end.addrAt = a.at;
    if (a.len !== undefined) end.addrLen = a.len;
  };
  const linksEntry = get("links");
  const items =
    linksEntry && !r.isNull(linksEntry.value) ? (r.seq(linksEntry.value, "topology.links") ?? []) : [];
  let index = 0;
  items.forEach((item, i) => {
    const link = readLink(r, item, child("topology.links", i), index, draft.notes);
    if (!link) return;
    const onBridge = [link.a, link.b].filter((e) => bridges.has(e.node));
    if (onBridge.length === 2) {
      draft.notes.push(`link topology.links[${i}] joins two bridges: skipped (a station joins a segment)`);
      return;
    }
    if (onBridge.length === 1) {
      const station = bridges.has(link.a.node) ? link.b : link.a;
      takeAddress(station);
      bridges.get(onBridge[0]!.node)!.ends.push(station);
      return;
    }
    index++;
    for (const end of [link.a, link.b]) takeAddress(end);
    draft.links.push(link);
  });
  for (const [name, b] of bridges) {
    if (b.ends.length < 2) {
      draft.notes.push(`bridge ${name} has ${b.ends.length} station(s): no segment made`);
      continue;
    }
    const [a, second, ...more] = b.ends;
    const link: DraftLink = {
      index: index++,
      at: b.at,
      a: a!,
      b: second!,
      segment: name,
      segmentAt: b.at,
      props: {},
    };
    if (more.length) link.more = more;
    if (b.position) link.position = b.position;
    draft.links.push(link);
  }
  for (const node of draft.nodes)
    for (const [iface, a] of infos.get(node.name)?.addrs ?? [])
      if (!a.used)
        node.notes!.push(
          `address ${formatIpv4(a.addr)}/${a.len} on ${iface} not used: ${iface} is on no link (loopback and extra addresses are not simulated)`,
        );
  const hostnames = new Map<string, string>();
  for (const [name, info] of infos) if (info.hostname) hostnames.set(name, info.hostname);
  nameAfterHostnames(draft, hostnames, NODE_NAME);
  return resolveDraft(draft, diag);
}

/** Reads a node's bound frr.conf (through `opts.readFile`) into its addresses, routes and routing settings. */
function applyFrrConf(
  node: DraftNode,
  info: NodeInfo,
  fileName: string,
  opts: ContainerlabOptions,
  diag: Diagnostics,
): void {
  const rel = info.frrConf!;
  let text: string | undefined;
  try {
    text = opts.readFile?.(rel);
  } catch (e) {
    if (!(e instanceof LabError)) throw e;
    diag.error(e.message, info.frrConfAt ?? {});
    return;
  }
  if (text === undefined) {
    const why = opts.readFile ? "not found" : "not read here";
    node.notes!.push(`bound FRR config ${rel} ${why}: addresses come from exec lines or the pool`);
    return;
  }
  const shown = rel.startsWith("/") ? rel : `${fileName.replace(/[^/\\]*$/, "")}${rel}`;
  const conf = parseFrrConf(text, shown, diag);
  if (conf.hostname) info.hostname = conf.hostname;
  for (const [iface, a] of conf.addrs) if (!info.addrs.has(iface)) info.addrs.set(iface, a);
  node.statics.push(...conf.statics);
  node.routing = conf.routing;
  routingSpec(conf.routing)?.frr?.reader.applyTo(node, conf.settings);
  node.notes!.push(`read ${rel}: routing ${conf.routing}`, ...conf.notes);
}

function kindImage(r: YamlReader, node: Node | null): { kind?: string; image?: string } {
  const out: { kind?: string; image?: string } = {};
  for (const e of r.map(node, "", null) ?? []) {
    if (e.key === "kind" || e.key === "image") out[e.key] = r.text(e.value, e.field);
  }
  return out;
}

function readKindImages(r: YamlReader, e: Entry | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const k of e ? (r.map(e.value, e.field, null) ?? []) : []) {
    const img = r.isMap(k.value) ? kindImage(r, k.value).image : undefined;
    if (img) m.set(k.key, img);
  }
  return m;
}

function readGroups(r: YamlReader, e: Entry | undefined): Map<string, { kind?: string; image?: string }> {
  const m = new Map<string, { kind?: string; image?: string }>();
  for (const g of e ? (r.map(e.value, e.field, null) ?? []) : [])
    if (r.isMap(g.value)) m.set(g.key, kindImage(r, g.value));
  return m;
}

function readNode(r: YamlReader, e: Entry, node: DraftNode, info: NodeInfo): void {
  let posX: number | undefined;
  let posY: number | undefined;
  for (const f of r.map(e.value, e.field, NODE_KEYS, "containerlab node settings") ?? []) {
    if (f.key === "kind" || f.key === "image" || f.key === "group") info[f.key] = r.text(f.value, f.field);
    else if (f.key === "exec") readExec(r, f, node, info);
    else if (f.key === "labels") {
      for (const l of r.map(f.value, f.field, null) ?? []) {
        if (l.key === "routelab-kind" && r.text(l.value, l.field) === "host") node.kind = "host";
        if (l.key !== "graph-posX" && l.key !== "graph-posY") continue;
        const t = r.text(l.value, l.field, "a number");
        const n = t === undefined ? NaN : Number(t);
        if (!Number.isFinite(n)) r.error(l.value, l.field, `'${t}' is not a number`);
        else if (l.key === "graph-posX") posX = n;
        else posY = n;
      }
    } else if (f.key === "binds") {
      for (const [i, b] of (r.seq(f.value, f.field) ?? []).entries()) {
        const t = r.text(b, child(f.field, i), "a bind 'SOURCE:TARGET'");
        const [src, dst] = t?.split(":") ?? [];
        if (src && dst === "/etc/frr/frr.conf") {
          info.frrConf = src;
          info.frrConfAt = r.pos(b, child(f.field, i));
        }
      }
    } else if (f.key === "startup-config")
      node.notes!.push(
        "containerlab startup-config not read: addresses come from exec lines, frr.conf or the pool",
      );
  }
  if (posX !== undefined && posY !== undefined) node.position = { x: posX, y: posY };
}

/** `ip addr add A/L dev IF` and `ip route add P via G [dev IF]`; other commands noted. */
function readExec(r: YamlReader, f: Entry, node: DraftNode, info: NodeInfo): void {
  const statics: DraftStatic[] = [];
  const skipped: string[] = [];
  const items = r.seq(f.value, f.field) ?? [];
  for (const [i, item] of items.entries()) {
    const field = child(f.field, i);
    const cmd = r.text(item, field, "a command");
    if (cmd === undefined) continue;
    const words = cmd.trim().split(/\s+/);
    const at = r.pos(item, field);
    const obj = words[1] ?? "";
    const verb = words[2];
    if (words[0] !== "ip") skipped.push(cmd);
    else if (obj.length > 0 && "address".startsWith(obj) && verb === "add") {
      const dev = words.indexOf("dev");
      const a = parseHostAddress(words[3] ?? "");
      if (a.ok && dev > 0 && words[dev + 1])
        info.addrs.set(words[dev + 1]!, { addr: a.value.addr, len: a.value.len ?? 32, at });
      else r.error(item, field, `cannot read '${cmd}': expected 'ip addr add A.B.C.D/LEN dev IFACE'`);
    } else if (obj.length > 0 && "route".startsWith(obj) && verb === "add") {
      const via = words.indexOf("via");
      const p = parseStaticRouteText(`${words[3] ?? ""} via ${via > 0 ? (words[via + 1] ?? "") : ""}`);
      if (p.ok) statics.push({ ...p.value, at });
      else r.error(item, field, `cannot read '${cmd}': ${p.error}`);
    } else if (!(obj === "link" && verb === "set")) skipped.push(cmd);
  }
  if (statics.length) {
    node.statics.push(...statics);
    node.routing = "static";
    node.notes!.push(`routes from exec lines: node runs no ${defaultRoutingLabel()} (routing: static)`);
  }
  if (skipped.length) node.notes!.push(`exec commands ignored: ${skipped.join("; ")}`);
}

function readLink(
  r: YamlReader,
  item: Node | null,
  field: string,
  index: number,
  notes: string[],
): DraftLink | undefined {
  const entries = r.map(item, field, null, "a link (a mapping with endpoints)");
  if (!entries) return undefined;
  const type = entries.find((e) => e.key === "type");
  const typeName = type ? r.text(type.value, type.field) : undefined;
  if (typeName !== undefined && typeName !== "veth") {
    notes.push(`link ${field} of type '${typeName}' skipped: it joins no second router`);
    return undefined;
  }
  const ep = entries.find((e) => e.key === "endpoints");
  if (!ep) {
    r.error(item, field, 'a link needs `endpoints: ["a:eth1", "b:eth1"]`');
    return undefined;
  }
  const items = r.seq(ep.value, ep.field, 'a list of two endpoints, e.g. ["a:eth1", "b:eth1"]');
  if (!items) return undefined;
  if (items.length !== 2) {
    r.error(ep.value, ep.field, `a link has exactly two endpoints, found ${items.length}`);
    return undefined;
  }
  const ends: DraftEnd[] = [];
  for (const [i, it] of items.entries()) {
    const f = child(ep.field, i);
    let end: DraftEnd | undefined;
    if (r.isMap(it)) {
      const m = r.map(it, f, ["node", "interface", "mac", "vars", "ifname"]) ?? [];
      const node = m.find((e) => e.key === "node");
      const ifc = m.find((e) => e.key === "interface");
      const name = node ? r.text(node.value, node.field) : undefined;
      const iface = ifc ? r.text(ifc.value, ifc.field) : undefined;
      if (name === undefined || iface === undefined) {
        if (!node || !ifc) r.error(it, f, "an endpoint needs node and interface");
        return undefined;
      }
      end = {
        node: name,
        at: r.pos(node!.value, node!.field),
        iface,
        ifaceAt: r.pos(ifc!.value, ifc!.field),
      };
    } else {
      const t = r.text(it, f, 'an endpoint such as "a:eth1"');
      if (t === undefined) return undefined;
      const colon = t.indexOf(":");
      if (colon <= 0 || colon === t.length - 1) {
        r.error(it, f, `'${t}' is not a containerlab endpoint (write NODE:INTERFACE, e.g. "srl1:e1-1")`);
        return undefined;
      }
      end = {
        node: t.slice(0, colon),
        at: r.pos(it, f),
        iface: t.slice(colon + 1),
        ifaceAt: r.posInside(it!, f, colon + 1),
      };
    }
    if (SPECIAL_NODES.has(end.node)) {
      notes.push(`link ${field} to containerlab's '${end.node}' skipped: it joins no second router`);
      return undefined;
    }
    ends.push(end);
  }
  return { index, at: r.pos(item, field), a: ends[0]!, b: ends[1]!, props: {} };
}
