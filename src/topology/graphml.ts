/**
 * @module topology/graphml
 * GraphML import, aimed at the Internet Topology Zoo (276 real networks, CC BY 4.0): every node
 * becomes a router with the default routing, every edge a point-to-point link, `Latitude`/`Longitude` a position.
 *
 * The XML is read by @xmldom/xmldom (pure JavaScript, so this runs in a browser as in Node, and
 * it is the DOM graphology-graphml itself uses) with a locator, so faults name file, line and
 * column; graphology-graphml then does the GraphML work (typed `<key>`s, defaults, multigraphs).
 * We check the structure first (one `<graph>`, node ids, edge ends), because the library's own
 * errors carry no position.
 *
 * Decisions, all reported in `Topology.notes`:
 * - Names: the node `label`, reduced to `[A-Za-z][A-Za-z0-9_-]{0,31}` (accents dropped, other
 *   runs of characters become `_`); unnamed nodes are `n<id>`; a name taken by an earlier node
 *   gets `-2`, `-3`… in document order, so the same file always gives the same names.
 * - Parallel edges (96 zoo files have them) stay parallel links, ids `A-B`, `A-B#2`: real
 *   networks do run several circuits between two cities, and routing sees each as a path.
 * - Self-loops are skipped (a link needs two routers); isolated nodes are kept (they boot, and
 *   show on the map, but reach nothing).
 * - Addresses: link i gets 10.(i >> 8).(i & 255).0/24, .1 on the source end, .2 on the target,
 *   as gen-topology.py and the seed number them; 65,536 links fit (the zoo's largest has 899).
 * - Delay: great-circle distance at 2/3 c (fibre), at least 0.1 ms; 1 ms when an end has no
 *   coordinates. Bandwidth unlimited, no loss.
 * - Positions: x = longitude, y = -latitude, times 10. Nodes without coordinates sit beside
 *   their placed neighbours, or in a row under the map when no neighbour is placed.
 * - `attr.type="integer"` (Psnc, Uninett) is read as GraphML's `int`; any other unknown type as
 *   `string`.
 */
import { DOMParser } from "@xmldom/xmldom";
import { MultiGraph } from "graphology";
import { parse as parseGraphDocument } from "graphology-graphml";
import type { AbstractGraph as Graph } from "graphology-types";
import { LabError, type SourcePos } from "../core/errors.js";
import { type Nanos, US } from "../core/time.js";
import { DEFAULT_LINK, DEFAULT_ROUTING, defaultIfaceName } from "./defaults.js";
import { protocolDefaults } from "./protocols/index.js";
import type { TopoLink, TopoNode, Topology } from "./model.js";

const MAX_LINKS = 65_536;
const MAX_NAME = 32;
const POSITION_SCALE = 10;
const DEFAULT_DELAY: Nanos = DEFAULT_LINK.delay;
const MIN_DELAY: Nanos = 100 * US;
/** Light in fibre travels about 200,000 km/s: 5 µs per km. */
const NS_PER_KM = 5_000;
const KNOWN_TYPES = new Set(["boolean", "int", "long", "float", "double", "string"]);

type Pos = { x: number; y: number };
type XmlElement = {
  getAttribute(name: string): string | null;
  localName: string | null;
  tagName: string;
  lineNumber?: number;
  columnNumber?: number;
};

/** Parses GraphML text (the contents of `fileName`) into a Topology of routers with the default routing. */
export function parseGraphml(text: string, fileName: string): Topology {
  const notes: string[] = [];
  const doc = readXml(normalizeTypes(text, notes), fileName);
  checkStructure(doc, fileName);
  let graph: Graph;
  try {
    // MultiGraph from the start: parallel edges are common in the zoo, and kept.
    graph = parseGraphDocument(MultiGraph, doc as never);
  } catch (e) {
    throw new LabError(`not usable GraphML: ${(e as Error).message}`, { file: fileName });
  }
  if (graph.order === 0) throw new LabError("the graph has no nodes", { file: fileName });
  if (graph.type !== "undirected") notes.push("directed edges are taken as links both ways");

  const ids = graph.nodes();
  const names = routerNames(ids, (id) => graph.getNodeAttribute(id, "label"));
  const nameOf = new Map(ids.map((id, i) => [id, names[i]!]));
  const real = new Map<string, { lat: number; lon: number }>();
  for (const id of ids) {
    const lat = graph.getNodeAttribute(id, "Latitude");
    const lon = graph.getNodeAttribute(id, "Longitude");
    if (typeof lat === "number" && typeof lon === "number" && Number.isFinite(lat) && Number.isFinite(lon))
      real.set(id, { lat, lon });
  }

  const links: TopoLink[] = [];
  const pairCount = new Map<string, number>();
  const selfLoops: string[] = [];
  graph.forEachEdge((_key, _attrs, source, target) => {
    if (source === target) {
      selfLoops.push(nameOf.get(source)!);
      return;
    }
    const i = links.length;
    if (i >= MAX_LINKS)
      throw new LabError(`${graph.size} edges: at most ${MAX_LINKS} links fit 10.0.0.0/8 in /24s`, {
        file: fileName,
      });
    const a = nameOf.get(source)!;
    const b = nameOf.get(target)!;
    const pair = a < b ? `${a}\n${b}` : `${b}\n${a}`;
    const n = (pairCount.get(pair) ?? 0) + 1;
    pairCount.set(pair, n);
    const subnet = ((10 << 24) | (i << 8)) >>> 0;
    links.push({
      id: n === 1 ? `${a}-${b}` : `${a}-${b}#${n}`,
      a: { node: a, iface: defaultIfaceName(i, 0), addr: subnet + 1 },
      b: { node: b, iface: defaultIfaceName(i, 1), addr: subnet + 2 },
      subnet,
      len: 24,
      delay: delayBetween(real.get(source), real.get(target)),
      bandwidth: DEFAULT_LINK.bandwidth,
      loss: DEFAULT_LINK.loss,
      queue: DEFAULT_LINK.queue,
    });
  });

  const positions = placeNodes(graph, ids, real);
  const nodes: TopoNode[] = ids.map((id) => {
    const node: TopoNode = { name: nameOf.get(id)!, routing: DEFAULT_ROUTING, statics: [] };
    const p = positions.get(id);
    if (p) node.position = p;
    const label = graph.getNodeAttribute(id, "label");
    const nodeNotes: string[] = [];
    if (typeof label === "string" && label !== "" && label !== node.name)
      nodeNotes.push(`GraphML node ${id}, label "${label}"`);
    if (p && !real.has(id)) nodeNotes.push("no Latitude/Longitude: placed beside its neighbours");
    if (nodeNotes.length > 0) node.notes = nodeNotes;
    return node;
  });

  noteSummary(notes, graph, ids, nameOf, real, selfLoops, pairCount);
  const title = graph.getAttribute("label");
  return {
    name: typeof title === "string" && title.trim() !== "" ? title.trim() : baseName(fileName),
    source: fileName,
    nodes,
    links,
    ...protocolDefaults(),
    notes,
  };
}

/** Rewrites `attr.type` values graphology-graphml does not know (it would crash on them). */
function normalizeTypes(text: string, notes: string[]): string {
  const seen = new Set<string>();
  return text.replace(/attr\.type\s*=\s*(["'])([^"']*)\1/g, (whole, q: string, type: string) => {
    if (KNOWN_TYPES.has(type)) return whole;
    const as = type === "integer" ? "int" : "string";
    if (!seen.has(type)) notes.push(`attr.type "${type}" read as "${as}"`);
    seen.add(type);
    return `attr.type=${q}${as}${q}`;
  });
}

function readXml(text: string, file: string): ReturnType<DOMParser["parseFromString"]> {
  const locator: { lineNumber?: number; columnNumber?: number } = {};
  let first: { msg: string; pos: SourcePos } | undefined;
  const report = (msg: string) => {
    if (first) return;
    const pos: SourcePos = { file };
    if (locator.lineNumber) pos.line = locator.lineNumber;
    if (locator.columnNumber) pos.col = locator.columnNumber;
    // xmldom decorates messages with its own tags and position; keep the reason only.
    let reason = msg.replace(/^\[xmldom \w+\]\s*/, "").replace(/\s*@#\[line:.*$/s, "");
    // xmldom's words for an element whose end tag never comes.
    if (reason === "unclosed xml attribute") reason = "the element starting here has no end tag";
    first = { msg: reason, pos };
  };
  // xmldom recovers from what it only warns about (a missing end tag); we refuse it instead,
  // since a repaired file may not mean what its author meant.
  const parser = new DOMParser({
    locator,
    errorHandler: { warning: report, error: report, fatalError: report },
  });
  let doc: ReturnType<DOMParser["parseFromString"]>;
  try {
    doc = parser.parseFromString(text, "application/xml");
  } catch (e) {
    throw new LabError(`not well-formed XML: ${(e as Error).message}`, { file });
  }
  if (first) throw new LabError(`not well-formed XML: ${first.msg}`, first.pos);
  return doc;
}

function at(file: string, el: XmlElement, field?: string): SourcePos {
  const pos: SourcePos = { file };
  if (el.lineNumber) pos.line = el.lineNumber;
  if (el.columnNumber) pos.col = el.columnNumber;
  if (field) pos.field = field;
  return pos;
}

type Doc = ReturnType<DOMParser["parseFromString"]>;
function elements(doc: Doc, tag: string): XmlElement[] {
  return Array.from(doc.getElementsByTagName(tag) as unknown as ArrayLike<XmlElement>);
}

/** What graphology-graphml assumes without checking, checked here with positions. */
function checkStructure(doc: Doc, file: string): void {
  const root = doc.documentElement as unknown as XmlElement | null;
  if (!root) throw new LabError("empty document: no <graphml> element", { file });
  if (root.localName !== "graphml")
    throw new LabError(`the root element is <${root.tagName}>, not <graphml>`, at(file, root));
  const graphs = elements(doc, "graph");
  if (graphs.length === 0) throw new LabError("no <graph> element", at(file, root));
  if (graphs.length > 1)
    throw new LabError("a second <graph> (nested or several graphs) is not supported", at(file, graphs[1]!));
  const hyper = elements(doc, "hyperedge");
  if (hyper.length > 0) throw new LabError("hyperedges are not supported", at(file, hyper[0]!));
  const ids = new Set<string>();
  for (const n of elements(doc, "node")) {
    const id = n.getAttribute("id");
    if (!id) throw new LabError("a <node> without an id", at(file, n, "id"));
    if (ids.has(id)) throw new LabError(`node id "${id}" is used twice`, at(file, n, "id"));
    ids.add(id);
  }
  for (const e of elements(doc, "edge")) {
    for (const end of ["source", "target"]) {
      const id = e.getAttribute(end);
      if (!id) throw new LabError(`an <edge> without a ${end}`, at(file, e, end));
      if (!ids.has(id))
        throw new LabError(`edge ${end} "${id}" is not a node of the graph`, at(file, e, end));
    }
  }
}

/** Router names from labels: valid, unique, the same for the same file. */
export function routerNames(ids: readonly string[], labelOf: (id: string) => unknown): string[] {
  const base = ids.map((id) => {
    const label = labelOf(id);
    const fromLabel = typeof label === "string" ? sanitize(label) : "";
    return fromLabel !== "" ? fromLabel : sanitize(`n${id}`) || "n";
  });
  // Every base name is reserved up front, so a suffixed duplicate never takes a later node's own name.
  const reserved = new Set(base);
  const used = new Set<string>();
  return base.map((b) => {
    if (!used.has(b)) {
      used.add(b);
      return b;
    }
    for (let k = 2; ; k++) {
      const suffix = `-${k}`;
      const name = b.slice(0, MAX_NAME - suffix.length) + suffix;
      if (!reserved.has(name) && !used.has(name)) {
        used.add(name);
        return name;
      }
    }
  });
}

/** `[A-Za-z][A-Za-z0-9_-]{0,31}`, or "" when nothing usable is left. */
export function sanitize(label: string): string {
  let s = label
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9_-]+/g, "_")
    .replace(/^[_-]+|[_-]+$/g, "");
  if (s === "") return "";
  if (!/^[A-Za-z]/.test(s)) s = `n${s}`;
  return s.slice(0, MAX_NAME).replace(/[_-]+$/, "");
}

function delayBetween(p?: { lat: number; lon: number }, q?: { lat: number; lon: number }): Nanos {
  if (!p || !q) return DEFAULT_DELAY;
  const rad = Math.PI / 180;
  const dLat = (q.lat - p.lat) * rad;
  const dLon = (q.lon - p.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(p.lat * rad) * Math.cos(q.lat * rad) * Math.sin(dLon / 2) ** 2;
  const km = 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
  return Math.max(MIN_DELAY, Math.round((km * NS_PER_KM) / US) * US);
}

/** Real coordinates where known; the others beside their placed neighbours, else in a row below. */
function placeNodes(
  graph: Graph,
  ids: readonly string[],
  real: Map<string, { lat: number; lon: number }>,
): Map<string, Pos> {
  const pos = new Map<string, Pos>();
  if (real.size === 0) return pos;
  const round = (v: number) => Math.round(v * 100) / 100;
  for (const [id, r] of real)
    pos.set(id, { x: round(r.lon * POSITION_SCALE), y: round(-r.lat * POSITION_SCALE) });
  const index = new Map(ids.map((id, i) => [id, i]));
  // Rounds of "mean of placed neighbours", each from the previous round only, so the result does
  // not depend on iteration order within a round.
  for (;;) {
    const next: [string, Pos][] = [];
    for (const id of ids) {
      if (pos.has(id)) continue;
      let sx = 0;
      let sy = 0;
      let k = 0;
      for (const nb of graph.neighbors(id)) {
        const p = pos.get(nb);
        if (p) {
          sx += p.x;
          sy += p.y;
          k++;
        }
      }
      if (k === 0) continue;
      // A small offset on a golden-angle spiral keeps several such nodes from sitting on one spot.
      const angle = index.get(id)! * 2.399963;
      next.push([id, { x: round(sx / k + 3 * Math.cos(angle)), y: round(sy / k + 3 * Math.sin(angle)) }]);
    }
    if (next.length === 0) break;
    for (const [id, p] of next) pos.set(id, p);
  }
  let minX = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const p of pos.values()) {
    minX = Math.min(minX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  let col = 0;
  for (const id of ids) if (!pos.has(id)) pos.set(id, { x: round(minX + 10 * col++), y: round(maxY + 20) });
  return pos;
}

function noteSummary(
  notes: string[],
  graph: Graph,
  ids: readonly string[],
  nameOf: Map<string, string>,
  real: Map<string, unknown>,
  selfLoops: string[],
  pairCount: Map<string, number>,
): void {
  const unnamed = ids.filter((id) => {
    const l = graph.getNodeAttribute(id, "label");
    return typeof l !== "string" || l.trim() === "";
  });
  if (unnamed.length > 0)
    notes.push(`${unnamed.length} unnamed node(s) named after their GraphML id (n<id>)`);
  const renamed = ids.filter((id) => {
    const l = graph.getNodeAttribute(id, "label");
    return typeof l === "string" && l.trim() !== "" && l !== nameOf.get(id);
  });
  if (renamed.length > 0) {
    const id = renamed[0]!;
    notes.push(
      `${renamed.length} label(s) changed to make valid, unique router names (e.g. "${graph.getNodeAttribute(id, "label")}" → ${nameOf.get(id)})`,
    );
  }
  const parallel = [...pairCount.values()].filter((n) => n > 1);
  if (parallel.length > 0)
    notes.push(
      `${parallel.length} node pair(s) joined by parallel edges: kept as parallel links (ids ending #2, #3…)`,
    );
  for (const n of new Set(selfLoops)) notes.push(`self-loop on ${n} skipped: a link needs two routers`);
  const isolated = ids.filter((id) => graph.degreeWithoutSelfLoops(id) === 0);
  if (isolated.length > 0)
    notes.push(
      `${isolated.length} isolated node(s) kept without links: ${isolated.map((id) => nameOf.get(id)).join(", ")}`,
    );
  if (real.size === 0) notes.push("no node has Latitude/Longitude: no positions (the map lays them out)");
  else if (real.size < ids.length)
    notes.push(
      `${ids.length - real.size} of ${ids.length} nodes have no Latitude/Longitude: placed beside their neighbours`,
    );
  notes.push(
    real.size > 0
      ? "link delays from great-circle distance at 2/3 c (at least 0.1 ms; 1 ms without coordinates)"
      : "link delays 1 ms (no coordinates)",
  );
}

function baseName(file: string): string {
  const b = file.split(/[\\/]/).pop() ?? file;
  return b.replace(/\.graphml$/i, "") || b;
}
