/** Writing routelab YAML: what is written loads back into the same topology. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MS, SECOND, US } from "../core/time.js";
import { durationText, formatRoutelabYaml } from "./format-yaml.js";
import { loadTopologyText } from "./load.js";
import type { Topology } from "./model.js";
import { parseEdges } from "./parse-edges.js";
import { parseRoutelabYaml } from "./parse-yaml.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "examples");

/** A topology without what only describes its origin (source file, loader notes). */
function essence(t: Topology): unknown {
  return {
    ...t,
    source: undefined,
    notes: undefined,
    nodes: t.nodes.map((n) => ({ ...n, notes: undefined })),
  };
}

const roundTrip = (t: Topology) => parseRoutelabYaml(formatRoutelabYaml(t), "round.yaml");

describe("formatRoutelabYaml", () => {
  for (const f of [
    "seed.yaml",
    "seed-static.yaml",
    "triangle.yaml",
    "seed.edges",
    "containerlab/frr01.clab.yml",
    "lan.yaml",
  ]) {
    it(`${f} round-trips`, () => {
      const t = loadTopologyText(readFileSync(join(EXAMPLES, f), "utf8"), f);
      expect(essence(roundTrip(t))).toEqual(essence(t));
    });
  }

  it("writes exact durations", () => {
    expect([0, 30 * SECOND, 1500 * MS, 250 * US, 1234].map(durationText)).toEqual([
      "0",
      "30s",
      "1500ms",
      "250us",
      "1234ns",
    ]);
  });

  it("round-trips random topologies", () => {
    const settings = fc.record({
      edges: fc.array(fc.tuple(fc.nat(11), fc.nat(11)), { minLength: 1, maxLength: 20 }),
      delay: fc.array(fc.integer({ min: 0, max: 10_000_000_000 }), { maxLength: 20 }),
      bandwidth: fc.array(fc.constantFrom(0, 64_000, 10_000_000, 1_500_000, 123), { maxLength: 20 }),
      loss: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }),
      queue: fc.array(fc.integer({ min: 1, max: 5000 }), { maxLength: 20 }),
      statics: fc.array(fc.boolean(), { maxLength: 12 }),
      positions: fc.array(
        fc.option(fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer())),
        { maxLength: 12 },
      ),
      update: fc.integer({ min: 1, max: 100 }),
      split: fc.constantFrom("simple" as const, "poisoned" as const, "off" as const),
    });
    fc.assert(
      fc.property(settings, (s) => {
        const lines = s.edges.filter(([a, b]) => a !== b).map(([a, b]) => `n${a} n${b}`);
        if (lines.length === 0) return;
        const t = parseEdges(lines.join("\n"), "r.edges");
        t.links.forEach((l, i) => {
          l.delay = s.delay[i] ?? l.delay;
          l.bandwidth = s.bandwidth[i] ?? l.bandwidth;
          l.loss = s.loss[i] ?? l.loss;
          l.queue = s.queue[i] ?? l.queue;
        });
        t.nodes.forEach((n, i) => {
          const p = s.positions[i];
          if (p) n.position = { x: p[0], y: p[1] };
          if (s.statics[i]) {
            const l = t.links.find((x) => x.a.node === n.name || x.b.node === n.name)!;
            const gw = l.a.node === n.name ? l.b.addr : l.a.addr;
            n.routing = "static";
            n.statics.push({ dest: 0, len: 0, gateway: gw }, { dest: 0xc0a80000, len: 16, gateway: gw });
          }
          if (i === 1) n.rip = { update: s.update * SECOND, triggeredMax: 7 * SECOND };
        });
        t.rip = { ...t.rip, splitHorizon: s.split, garbage: s.update * MS };
        expect(essence(roundTrip(t))).toEqual(essence(t));
      }),
      { numRuns: Number(process.env.RT_RUNS ?? 60), seed: process.env.RT_RUNS ? undefined : 7 },
    );
  });
});
