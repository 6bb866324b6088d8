/**
 * @module topology/format-yaml
 * Writes a Topology as routelab YAML that loads back into the same Topology: every interface,
 * subnet and address written out (nothing left to the pool, so the file stays put when links
 * are added), defaults only where they hold for all, one line per node and per link. For saving
 * a lab edited in the web page, converting edge lists or GraphML to an editable file, and for
 * round-trip tests of the parser.
 */
import { Document, isMap, isSeq, type Node } from "yaml";
import { formatIpv4, formatPrefix } from "../core/ip.js";
import { durationText } from "../core/time.js";
import { DEFAULT_LINK, DEFAULT_ROUTING, type LinkProps } from "./defaults.js";
import type { TopoLink, Topology } from "./model.js";
import { routingSpecs } from "./protocols/index.js";

/** Moved to core/time (the page shows durations too); still exported here for callers. */
export { durationText };

/** routelab YAML text for `t`. */
export function formatRoutelabYaml(t: Topology): string {
  const routing = majority(t.nodes.map((n) => n.routing)) ?? DEFAULT_ROUTING;
  const link = commonLinkProps(t.links);
  const defaults: Record<string, unknown> = {};
  for (const k of ["delay", "bandwidth", "loss", "queue"] as const)
    if (link[k] !== undefined && link[k] !== DEFAULT_LINK[k]) defaults[k] = propText(k, link[k]);
  defaults.routing = routing;
  for (const p of routingSpecs()) {
    const own = p.yamlDefaults(t);
    if (own) defaults[p.settingsKey] = own;
  }

  const nodes: Record<string, unknown> = {};
  for (const n of t.nodes) {
    const o: Record<string, unknown> = {};
    const host = n.kind === "host";
    if (host) o.kind = "host";
    if (host && n.gateway !== undefined) o.gateway = formatIpv4(n.gateway);
    else if (n.routing !== routing) o.routing = n.routing;
    // A host's default route is its `gateway:`.
    const statics = host ? n.statics.filter((s) => !(s.len === 0 && s.gateway === n.gateway)) : n.statics;
    if (statics.length)
      o.static = statics.map(
        (s) =>
          `${s.len === 0 ? "default" : formatPrefix({ addr: s.dest, len: s.len })} via ${formatIpv4(s.gateway)}`,
      );
    if (n.position) o.position = [n.position.x, n.position.y];
    if (n.os) o.os = n.os;
    if (n.files) o.files = n.files;
    for (const p of routingSpecs()) {
      const own = p.yamlNode(n);
      if (own) o[p.settingsKey] = own;
    }
    nodes[n.name] = Object.keys(o).length ? o : null;
  }

  const links = t.links.map((l) => {
    const o: Record<string, unknown> = {
      endpoints: [`${l.a.node}:${l.a.iface}`, `${l.b.node}:${l.b.iface}`],
      subnet: formatPrefix({ addr: l.subnet, len: l.len }),
      addresses: [formatIpv4(l.a.addr), formatIpv4(l.b.addr)],
    };
    for (const k of ["delay", "bandwidth", "loss", "queue"] as const)
      if (l[k] !== (link[k] ?? DEFAULT_LINK[k])) o[k] = propText(k, l[k]);
    return o;
  });
  for (const x of t.segments ?? []) {
    const o: Record<string, unknown> = {
      endpoints: x.ends.map((e) => `${e.node}:${e.iface}`),
      segment: x.id,
      ...(x.position ? { position: [x.position.x, x.position.y] } : {}),
      subnet: formatPrefix({ addr: x.subnet, len: x.len }),
      addresses: x.ends.map((e) => formatIpv4(e.addr)),
    };
    for (const k of ["delay", "bandwidth", "loss", "queue"] as const)
      if (x[k] !== (link[k] ?? DEFAULT_LINK[k])) o[k] = propText(k, x[k]);
    links.push(o);
  }

  const doc = new Document({ name: t.name, defaults, nodes, links });
  // Block style for the sections, one line (flow style) for each node, link and settings block.
  const top = doc.contents;
  if (isMap(top))
    for (const pair of top.items) {
      const v = pair.value as Node | null;
      if (isSeq(v)) for (const item of v.items) if (isMap(item)) item.flow = true;
      if (isMap(v)) for (const p of v.items) if (isMap(p.value)) p.value.flow = true;
    }
  const head = `# ${t.name}: ${t.nodes.length} nodes, ${t.links.length} links${t.source ? ` (from ${t.source})` : ""}\n`;
  return head + doc.toString({ lineWidth: 0, flowCollectionPadding: false, nullStr: "" });
}

function propText(k: keyof LinkProps, v: number): string | number {
  if (k === "delay") return durationText(v);
  if (k === "bandwidth") {
    for (const [unit, n] of [
      ["Gbit", 1e9],
      ["Mbit", 1e6],
      ["kbit", 1e3],
    ] as const)
      if (v >= n && v % n === 0) return `${v / n}${unit}`;
  }
  return v;
}

/** Link properties shared by every link (used as file defaults). */
function commonLinkProps(links: TopoLink[]): Partial<LinkProps> {
  const out: Partial<LinkProps> = {};
  const first = links[0];
  if (!first) return out;
  for (const k of ["delay", "bandwidth", "loss", "queue"] as const)
    if (links.every((l) => l[k] === first[k])) out[k] = first[k];
  return out;
}

function majority<T>(xs: T[]): T | undefined {
  const counts = new Map<T, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  let best: T | undefined;
  let n = 0;
  for (const [x, c] of counts) if (c > n) [best, n] = [x, c];
  return best;
}
