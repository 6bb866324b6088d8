/**
 * @module topology/export-containerlab.testkit
 * Generated topologies for the containerlab export's property tests (the round trip here, FRR's
 * own check of the exported configs in test/system): random graphs with odd prefix lengths,
 * interfaces already named `ethN`, per-node RIP timers and split horizon, static routers with
 * a default and another route, positions. Null when the edges drew no link.
 */
import fc from "fast-check";
import { SECOND } from "../core/time.js";
import type { SplitHorizon, Topology } from "./model.js";
import { parseEdges } from "./parse-edges.js";

const SPLIT: SplitHorizon[] = ["simple", "poisoned", "off"];

// biome-ignore format: one line per generated setting
const settings = fc.record({
  edges: fc.array(fc.tuple(fc.nat(9), fc.nat(9)), { minLength: 1, maxLength: 16 }),
  lens: fc.array(fc.integer({ min: 8, max: 30 }), { maxLength: 16 }),
  ethNames: fc.array(fc.option(fc.integer({ min: 1, max: 6 })), { maxLength: 32 }),
  statics: fc.array(fc.boolean(), { maxLength: 10 }),
  extraStatic: fc.array(fc.tuple(fc.nat(0xffffff), fc.integer({ min: 8, max: 32 })), { maxLength: 10 }),
  positions: fc.array(fc.option(fc.tuple(fc.integer({ min: -5000, max: 5000 }), fc.double({ noNaN: true, noDefaultInfinity: true }))), { maxLength: 10 }),
  timers: fc.tuple(fc.integer({ min: 5, max: 120 }), fc.integer({ min: 5, max: 600 }), fc.integer({ min: 5, max: 600 })),
  nodeTimers: fc.array(fc.option(fc.integer({ min: 5, max: 90 })), { maxLength: 10 }),
  split: fc.constantFrom(...SPLIT),
  nodeSplit: fc.array(fc.option(fc.constantFrom(...SPLIT)), { maxLength: 10 }),
});

type Settings = typeof settings extends fc.Arbitrary<infer T> ? T : never;

function build(s: Settings): Topology | null {
  const lines = s.edges.filter(([a, b]) => a !== b).map(([a, b]) => `r${a} r${b}`);
  if (lines.length === 0) return null;
  const t = parseEdges(lines.join("\n"), "gen.edges");
  // Other prefix lengths, each on a /8 of its own (so no two subnets overlap).
  t.links.forEach((l, i) => {
    const len = s.lens[i];
    if (len === undefined) return;
    const base = ((100 + i) << 24) >>> 0;
    l.subnet = base;
    l.len = len;
    l.a.addr = base + 1;
    l.b.addr = base + 2;
  });
  // Some interfaces already called ethN (kept when unique on the node).
  let k = 0;
  for (const l of t.links)
    for (const end of [l.a, l.b]) {
      const n = s.ethNames[k++];
      if (n == null) continue;
      const name = `eth${n}`;
      const taken = t.links.some((x) => [x.a, x.b].some((e) => e.node === end.node && e.iface === name));
      if (!taken) end.iface = name;
    }
  t.rip = {
    ...t.rip,
    update: s.timers[0] * SECOND,
    timeout: s.timers[1] * SECOND,
    garbage: s.timers[2] * SECOND,
    splitHorizon: s.split,
  };
  t.nodes.forEach((n, i) => {
    const p = s.positions[i];
    if (p) n.position = { x: p[0], y: Object.is(p[1], -0) ? 0 : p[1] };
    const nt = s.nodeTimers[i];
    const ns = s.nodeSplit[i];
    if (nt != null || ns != null) n.rip = {};
    if (nt != null) n.rip!.update = nt * SECOND;
    if (ns != null) n.rip!.splitHorizon = ns;
    if (s.statics[i]) {
      const l = t.links.find((x) => x.a.node === n.name || x.b.node === n.name)!;
      const gw = l.a.node === n.name ? l.b.addr : l.a.addr;
      n.routing = "static";
      n.statics.push({ dest: 0, len: 0, gateway: gw });
      const extra = s.extraStatic[i];
      if (extra) {
        const len = extra[1];
        const dest =
          len === 32 ? (extra[0] << 8) >>> 0 : ((extra[0] << 8) & (0xffffffff << (32 - len))) >>> 0;
        n.statics.push({ dest, len, gateway: gw });
      }
    }
  });
  return t;
}

/** A generated topology to export, or null (no link drawn: nothing to check). */
export const arbExportTopology: fc.Arbitrary<Topology | null> = settings.map(build);
