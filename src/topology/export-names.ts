/**
 * @module topology/export-names
 * Names an exported lab can carry onto a cluster (issue 24). routelab's node names
 * (`New_York`, `Washington_DC`, up to 32 characters) are not Kubernetes names, and clabernetes
 * and Kathará's Megalos turn lab and node names into Kubernetes object and Linux interface
 * names unchanged. The exports map them, deterministically:
 *
 * 1. lower case; every character outside the alphabet becomes `-` (containerlab) or is dropped
 *    (Kathará: its lab.conf allows `[a-z0-9_]`, and Megalos deletes `_`, so `[a-z0-9]` is what
 *    survives both); runs of `-` become one, none at either end; a name that does not start
 *    with a letter gets `n` in front (Kubernetes Service names are DNS-1035 labels);
 * 2. if that is too long for the name's budget, taken by an earlier node, or reserved by the
 *    target, it is cut and ends with `-` and four base-36 characters of a hash of the original
 *    name (FNV-1a), so a node keeps its name when others are added or removed; should even that
 *    be taken, the hash of `NAME#2`, `NAME#3`, … is tried.
 *
 * The budgets are the targets' own (see export-containerlab.ts and export-kathara.ts for the
 * sources they come from). Pure text: no `node:`.
 */
import { LabError } from "../core/errors.js";
import type { Topology } from "./model.js";

export interface NameRules {
  /** `-` allowed inside names (containerlab) or not (Kathará). */
  dash: boolean;
  /** Longest name allowed for the node at index `i`. */
  maxLen: (i: number) => number;
  /** Names the target keeps for itself. */
  reserved: ReadonlySet<string>;
}

/** FNV-1a over the UTF-16 units of `s`, 32 bits. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Four base-36 characters of the hash of `s`. */
function hash4(s: string): string {
  return (fnv1a(s) % 36 ** 4).toString(36).padStart(4, "0");
}

/** Step 1: the name in the target's alphabet, starting with a letter. */
export function plainName(name: string, dash: boolean): string {
  let s = name.toLowerCase();
  if (dash) s = s.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  else s = s.replace(/[^a-z0-9]+/g, "");
  if (!/^[a-z]/.test(s)) s = `n${s}`;
  return s;
}

/**
 * Target names for `names` (in order; originals unique): original → mapped. Every mapped name
 * is unique, within its budget and not reserved.
 */
export function mapNames(names: readonly string[], rules: NameRules): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>(rules.reserved);
  names.forEach((name, i) => {
    const max = rules.maxLen(i);
    const plain = plainName(name, rules.dash);
    let mapped = plain;
    for (let k = 1; mapped.length > max || taken.has(mapped); k++) {
      const suffix = hash4(k === 1 ? name : `${name}#${k}`);
      const room = max - suffix.length - (rules.dash ? 1 : 0);
      let head = plain.slice(0, Math.max(1, room));
      if (rules.dash) head = `${head.replace(/-+$/, "")}-`;
      mapped = head + suffix;
      if (k > 1000)
        throw new LabError(
          `no free name for '${name}' in ${max} characters on export`,
          { field: name },
          "export",
        );
    }
    taken.add(mapped);
    out.set(name, mapped);
  });
  return out;
}

/** The DNS-1123 label rule (RFC 1123 §2.1 as Kubernetes applies it): what every mapped name meets. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A copy of `topo` whose link and segment ends carry the target's interface names (`eth`). */
export function renameInterfaces(topo: Topology, eth: (node: string, iface: string) => string): Topology {
  const out: Topology = {
    ...topo,
    links: topo.links.map((l) => ({
      ...l,
      a: { ...l.a, iface: eth(l.a.node, l.a.iface) },
      b: { ...l.b, iface: eth(l.b.node, l.b.iface) },
    })),
  };
  if (topo.segments)
    out.segments = topo.segments.map((s) => ({
      ...s,
      ends: s.ends.map((e) => ({ ...e, iface: eth(e.node, e.iface) })),
    }));
  return out;
}
