/**
 * @module topology/export-kathara.testkit
 * The Kathará round trip's measure (used by export-kathara.test.ts and test/zoo-kubernetes):
 * re-import an export from its files, and what both sides must agree on.
 */
import type { KatharaExport } from "./export-kathara.js";
import { nodeInterfaces, nodeRipSettings } from "./frr-config.js";
import type { Topology } from "./model.js";
import { parseKathara } from "./parse-kathara.js";

/** Imports an export from its files, as `routelab check DIR` does. */
export function reimportKathara(exp: KatharaExport): Topology {
  return parseKathara(exp.files.get("lab.conf")!, "out/lab.conf", { readFile: (rel) => exp.files.get(rel) });
}

/**
 * What the Kathará export keeps: names, routing, static routes, effective RIP settings, links
 * with addresses, subnets, delay, loss and rate (not positions: lab.conf has no place for them).
 */
export function katharaEssence(t: Topology, rename: (node: string, iface: string) => string = (_n, i) => i) {
  return {
    name: t.name,
    nodes: t.nodes.map((n) => {
      const rip = n.routing === "rip" ? nodeRipSettings(t, n) : undefined;
      const hasIfs = nodeInterfaces(t, n.name).length > 0;
      return {
        name: n.name,
        routing: n.routing,
        statics: n.statics,
        rip: rip && {
          update: rip.update,
          timeout: rip.timeout,
          garbage: rip.garbage,
          splitHorizon: hasIfs ? rip.splitHorizon : undefined,
        },
      };
    }),
    links: t.links.map((l) => ({
      id: l.id,
      a: { ...l.a, iface: rename(l.a.node, l.a.iface) },
      b: { ...l.b, iface: rename(l.b.node, l.b.iface) },
      subnet: l.subnet,
      len: l.len,
      delay: l.delay,
      loss: l.loss,
      bandwidth: l.bandwidth,
    })),
    segments: t.segments?.map((x) => ({
      id: x.id,
      ends: x.ends.map((e) => ({ ...e, iface: rename(e.node, e.iface) })),
      subnet: x.subnet,
      len: x.len,
      delay: x.delay,
    })),
  };
}

export const katharaRenamer = (exp: KatharaExport) => (node: string, iface: string) =>
  exp.interfaces.get(node)!.get(iface)!;
