/**
 * @module topology/summary
 * The one-screen text `routelab check` prints for a valid topology: what will boot (nodes,
 * routing, links with their interfaces and addresses) so a teacher can check a file before the
 * class, and the notes the loader made (ignored fields, mapped kinds).
 */
import { formatIpv4, formatPrefix } from "../core/ip.js";
import { formatDuration } from "../core/time.js";
import type { TopoLink, TopoSegment, Topology } from "./model.js";
import { routingSpecs, STATIC_ROUTING } from "./protocols/index.js";

const MAX_LINK_ROWS = 40;
const MAX_NODE_NAMES = 24;

/** A summary of `t`, ending with a newline. */
export function summarizeTopology(t: Topology): string {
  const out: string[] = [];
  const src = t.source ? ` (${t.source})` : "";
  const segments = t.segments ?? [];
  const hosts = t.nodes.filter((n) => n.kind === "host");
  const ofHosts = hosts.length ? ` (${plural(hosts.length, "host")})` : "";
  const ofSegments = segments.length ? `, ${plural(segments.length, "segment")}` : "";
  out.push(
    `topology ${t.name}${src}: ${plural(t.nodes.length, "node")}${ofHosts}, ${plural(t.links.length, "link")}${ofSegments}`,
  );

  const names = t.nodes.slice(0, MAX_NODE_NAMES).map((n) => n.name);
  const moreNodes = t.nodes.length > MAX_NODE_NAMES ? ` … and ${t.nodes.length - MAX_NODE_NAMES} more` : "";
  out.push(`nodes: ${names.join(" ")}${moreNodes}`);

  const stat = t.nodes.filter((n) => n.routing === STATIC_ROUTING);
  const statics = t.nodes.reduce((s, n) => s + n.statics.length, 0);
  const parts: string[] = [];
  for (const p of routingSpecs()) {
    const on = t.nodes.filter((n) => n.routing === p.name).length;
    if (on) parts.push(`${p.name} on ${on === t.nodes.length ? "all" : on}`);
  }
  if (stat.length)
    parts.push(`static on ${stat.length === t.nodes.length ? "all" : listNames(stat.map((n) => n.name))}`);
  out.push(`routing: ${parts.join(", ") || "none"}; ${plural(statics, "static route")}`);
  for (const p of routingSpecs()) out.push(...p.summary(t));
  const linux = t.nodes.filter((n) => n.os === "linux");
  if (linux.length) out.push(`os: linux on ${listNames(linux.map((n) => n.name))}, freebsd on the rest`);
  const withFiles = t.nodes.filter((n) => n.files);
  if (withFiles.length)
    out.push(
      `files: ${withFiles.map((n) => `${n.name} ${plural(Object.keys(n.files!).length, "file")}`).join(", ")}`,
    );

  const props = t.links.map(propsText);
  const uniform = props.every((p) => p === props[0]);
  if (props.length && uniform) out.push(`links: ${props[0]}`);

  if (t.links.length) {
    const shown = t.links.length > MAX_LINK_ROWS ? t.links.slice(0, MAX_LINK_ROWS - 1) : t.links;
    const rows = [
      ["link", "a end", "address", "b end", "address", "subnet", ...(uniform ? [] : ["properties"])],
    ];
    shown.forEach((l, i) => {
      rows.push([
        l.id,
        `${l.a.node}:${l.a.iface}`,
        formatIpv4(l.a.addr),
        `${l.b.node}:${l.b.iface}`,
        formatIpv4(l.b.addr),
        formatPrefix({ addr: l.subnet, len: l.len }),
        ...(uniform ? [] : [props[i]!]),
      ]);
    });
    out.push("", ...table(rows));
    if (shown.length < t.links.length) out.push(`… and ${t.links.length - shown.length} more links`);
  }

  out.push(...segmentRows(segments));
  if (hosts.length) {
    const shown = hosts.slice(0, MAX_NODE_NAMES);
    const via = shown.map((h) => `${h.name} via ${h.gateway === undefined ? "none" : formatIpv4(h.gateway)}`);
    const more = hosts.length > shown.length ? ` … and ${hosts.length - shown.length} more` : "";
    out.push("", `hosts (no forwarding, no routing daemon; default gateway): ${via.join(", ")}${more}`);
  }

  // Node notes are grouped by text: twenty leaves of one kind make one line, not twenty.
  const byNote = new Map<string, string[]>();
  for (const n of t.nodes)
    for (const x of n.notes ?? []) {
      const names = byNote.get(x) ?? [];
      if (names.length === 0) byNote.set(x, names);
      names.push(n.name);
    }
  const notes = [...t.notes, ...[...byNote].map(([x, names]) => `${listNames(names)}: ${x}`)];
  if (notes.length) {
    out.push("", "notes:");
    const shownNotes = notes.slice(0, 12);
    for (const n of shownNotes) out.push(`  - ${n}`);
    if (notes.length > shownNotes.length) out.push(`  … and ${notes.length - shownNotes.length} more notes`);
  }
  return `${out.join("\n")}\n`;
}

/** One row per segment: its stations with their addresses, and its subnet. */
function segmentRows(segments: readonly TopoSegment[]): string[] {
  if (!segments.length) return [];
  const rows = [["segment", "subnet", "stations"]];
  for (const s of segments.slice(0, MAX_LINK_ROWS)) {
    const ends = s.ends.slice(0, 8).map((e) => `${e.node}:${e.iface} ${formatIpv4(e.addr)}`);
    const more = s.ends.length > ends.length ? ` … and ${s.ends.length - ends.length} more` : "";
    rows.push([s.id, formatPrefix({ addr: s.subnet, len: s.len }), `${ends.join(", ")}${more}`]);
  }
  const more =
    segments.length > MAX_LINK_ROWS ? [`… and ${segments.length - MAX_LINK_ROWS} more segments`] : [];
  return ["", ...table(rows), ...more];
}

function propsText(l: TopoLink | TopoSegment): string {
  const bw = l.bandwidth === 0 ? "unlimited" : rate(l.bandwidth);
  return `delay ${formatDuration(l.delay)}, bandwidth ${bw}, loss ${+(l.loss * 100).toFixed(4)}%, queue ${l.queue}`;
}

function rate(bps: number): string {
  for (const [unit, n] of [
    ["Gbit", 1e9],
    ["Mbit", 1e6],
    ["kbit", 1e3],
  ] as const)
    if (bps >= n) return `${+(bps / n).toFixed(3)}${unit}/s`;
  return `${bps}bit/s`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]! + 2))).join(""),
  );
}

function listNames(names: string[]): string {
  return names.length > 6 ? `${names.slice(0, 6).join(", ")}, … (${names.length})` : names.join(", ");
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}
