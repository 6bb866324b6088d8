/**
 * @module topology/yaml-fields
 * Readers for the field groups that appear in more than one place of a routelab YAML file:
 * link properties (in `defaults` and in each link), positions and static routes. Each reports
 * faults with their position and returns only what was valid. (A routing protocol's settings
 * are read by its spec, topology/protocols/.)
 */
import type { Node } from "yaml";
import type { LinkProps } from "./defaults.js";
import type { DraftStatic } from "./draft.js";
import {
  type Parsed,
  parseAddress,
  parseBandwidth,
  parseDelay,
  parseDurationText,
  parseLoss,
  parseQueue,
  parseRouteDest,
  parseStaticRouteText,
} from "./values.js";
import { child, type Entry, type YamlReader } from "./yaml-tree.js";

export const LINK_PROP_KEYS = ["delay", "bandwidth", "loss", "queue"] as const;

/** Reads one value with a values.ts parser, reporting its failure at the value. */
export function parsedAt<T>(
  r: YamlReader,
  node: Node | null,
  field: string,
  p: Parsed<T> | undefined,
): T | undefined {
  if (!p) return undefined;
  if (p.ok) return p.value;
  r.error(node, field, p.error);
  return undefined;
}

/** Reads `delay`/`bandwidth`/`loss`/`queue` from entries of a mapping, when present. */
export function readLinkProp(r: YamlReader, e: Entry, into: Partial<LinkProps>): boolean {
  const v = e.value;
  switch (e.key) {
    case "delay": {
      const t = r.text(v, e.field, "a duration such as 2ms");
      const d = parsedAt(r, v, e.field, t === undefined ? undefined : parseDelay(t));
      if (d !== undefined) into.delay = d;
      return true;
    }
    case "bandwidth": {
      const s = r.scalar(v, e.field, "a bandwidth such as 10Mbit");
      const b = parsedAt(r, v, e.field, s === undefined ? undefined : parseBandwidth(s));
      if (b !== undefined) into.bandwidth = b;
      return true;
    }
    case "loss": {
      const s = r.scalar(v, e.field, "a loss rate such as 0.01 or 1%");
      const l = parsedAt(r, v, e.field, s === undefined ? undefined : parseLoss(s));
      if (l !== undefined) into.loss = l;
      return true;
    }
    case "queue": {
      const s = r.scalar(v, e.field, "a number of packets");
      const q = parsedAt(r, v, e.field, s === undefined ? undefined : parseQueue(s));
      if (q !== undefined) into.queue = q;
      return true;
    }
  }
  return false;
}

/** A duration > 0 (or ≥ 0 for a range's `min`), reported at the value when it is not. */
export function readPositiveDuration(r: YamlReader, e: Entry): number | undefined {
  const t = r.text(e.value, e.field, "a duration such as 30s");
  const d = parsedAt(r, e.value, e.field, t === undefined ? undefined : parseDurationText(t));
  if (d === 0 && e.key !== "min") {
    r.error(e.value, e.field, "must be longer than 0");
    return undefined;
  }
  return d;
}

/** `{x: 10, y: 20}` or `[10, 20]`. */
export function readPosition(
  r: YamlReader,
  node: Node | null,
  field: string,
): { x: number; y: number } | undefined {
  if (r.isSeq(node)) {
    const items = r.seq(node, field) ?? [];
    if (items.length !== 2) {
      r.error(node, field, `a position is [x, y], found ${items.length} number(s)`);
      return undefined;
    }
    const x = r.number(items[0]!, child(field, 0));
    const y = r.number(items[1]!, child(field, 1));
    return x === undefined || y === undefined ? undefined : { x, y };
  }
  const entries = r.map(node, field, ["x", "y"], "a position {x, y} or [x, y]");
  if (!entries) return undefined;
  const got: Record<string, number | undefined> = {};
  for (const e of entries) got[e.key] = r.number(e.value, e.field);
  if (!entries.some((e) => e.key === "x") || !entries.some((e) => e.key === "y")) {
    r.error(node, field, "a position needs both x and y");
    return undefined;
  }
  return got.x === undefined || got.y === undefined ? undefined : { x: got.x, y: got.y };
}

/** A node's `static:` list: `"10.0.0.0/8 via 10.0.10.2"` or `{dest, via}` items. */
export function readStatics(r: YamlReader, node: Node | null, field: string): DraftStatic[] {
  const out: DraftStatic[] = [];
  (r.seq(node, field, "a list of routes such as '10.0.0.0/8 via 10.0.10.2'") ?? []).forEach((item, i) => {
    const f = child(field, i);
    const at = r.pos(item, f);
    if (r.isMap(item)) {
      const entries = r.map(item, f, ["dest", "via"]);
      if (!entries) return;
      let dest: ReturnType<typeof parseRouteDest> | undefined;
      let via: ReturnType<typeof parseAddress> | undefined;
      for (const e of entries) {
        const t = r.text(e.value, e.field);
        if (t === undefined) continue;
        if (e.key === "dest") dest = parseRouteDest(t);
        else via = parseAddress(t);
        const p = e.key === "dest" ? dest : via;
        if (p && !p.ok) r.error(e.value, e.field, p.error);
      }
      if (!dest || !via) {
        r.error(item, f, "a static route needs both dest and via");
        return;
      }
      if (dest.ok && via.ok) out.push({ dest: dest.value, gateway: via.value, at });
      return;
    }
    const t = r.text(item, f, "a route such as '10.0.0.0/8 via 10.0.10.2' or {dest, via}");
    const p = parsedAt(r, item, f, t === undefined ? undefined : parseStaticRouteText(t));
    if (p) out.push({ ...p, at });
  });
  return out;
}
