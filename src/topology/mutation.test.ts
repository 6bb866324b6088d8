/**
 * Property: a valid topology file mutated line by line (lines deleted, duplicated, swapped,
 * cut, re-indented, characters inserted or replaced) either still loads into a consistent
 * Topology or fails with LabErrors that all carry a file and line — never another exception,
 * never a fault without a position.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LabError, LabErrors } from "../core/errors.js";
import { maskOf } from "../core/ip.js";
import { loadTopologyText } from "./load.js";
import type { Topology } from "./model.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "examples");
const FILES = [
  "seed.yaml",
  "seed-static.yaml",
  "triangle.yaml",
  "seed.edges",
  "containerlab/frr01.clab.yml",
  "containerlab/clos01.clab.yml",
];
const TRICKY = [...":-[]{},#&*!|>?'\"%@`\t /.0123456789abvmx~"];

type Mutation =
  | { op: "delete" | "duplicate" | "swap"; line: number }
  | { op: "cut" | "indent"; line: number; at: number }
  | { op: "insert" | "replace"; line: number; at: number; ch: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constantFrom("delete" as const, "duplicate" as const, "swap" as const),
    line: fc.nat(),
  }),
  fc.record({ op: fc.constantFrom("cut" as const, "indent" as const), line: fc.nat(), at: fc.nat() }),
  fc.record({
    op: fc.constantFrom("insert" as const, "replace" as const),
    line: fc.nat(),
    at: fc.nat(),
    ch: fc.constantFrom(...TRICKY),
  }),
);

function mutate(text: string, ms: Mutation[]): string {
  const lines = text.split("\n");
  for (const m of ms) {
    const i = m.line % lines.length;
    const l = lines[i]!;
    const at = "at" in m ? m.at % (l.length + 1) : 0;
    switch (m.op) {
      case "delete":
        lines.splice(i, 1);
        break;
      case "duplicate":
        lines.splice(i, 0, l);
        break;
      case "swap":
        if (i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1]!, l];
        break;
      case "cut":
        lines[i] = l.slice(0, at);
        break;
      case "indent":
        lines[i] = " ".repeat(at % 7) + l.trimStart();
        break;
      case "insert":
        lines[i] = l.slice(0, at) + m.ch + l.slice(at);
        break;
      case "replace":
        lines[i] = l.slice(0, at) + m.ch + l.slice(at + 1);
        break;
    }
    if (lines.length === 0) lines.push("");
  }
  return lines.join("\n");
}

/** What every loaded topology must satisfy, whatever the file said. */
function checkConsistent(t: Topology): void {
  const names = new Set(t.nodes.map((n) => n.name));
  expect(names.size).toBe(t.nodes.length);
  const ifaces = new Set<string>();
  for (const l of t.links) {
    expect(l.a.node).not.toBe(l.b.node);
    expect(l.len).toBeLessThanOrEqual(31);
    for (const e of [l.a, l.b]) {
      expect(names.has(e.node)).toBe(true);
      expect((e.addr & maskOf(l.len)) >>> 0 === l.subnet).toBe(true);
      const key = `${e.node}/${e.iface}`;
      expect(ifaces.has(key)).toBe(false);
      ifaces.add(key);
    }
    expect(l.a.addr).not.toBe(l.b.addr);
    expect(l.loss >= 0 && l.loss <= 1).toBe(true);
  }
}

describe("mutated topology files", () => {
  for (const file of FILES) {
    const text = readFileSync(join(EXAMPLES, file), "utf8");
    it(`${file}: loads consistently or fails with positioned LabErrors`, () => {
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
          const changed = mutate(text, ms);
          let topo: Topology | undefined;
          try {
            topo = loadTopologyText(changed, file);
          } catch (e) {
            if (!(e instanceof LabError)) throw e;
            const all = e instanceof LabErrors ? e.errors : [e];
            expect(all.length).toBeGreaterThan(0);
            for (const x of all) {
              expect(x.pos.file).toBe(file);
              expect(x.pos.line, x.format()).toBeGreaterThanOrEqual(1);
              expect(x.pos.col, x.format()).toBeGreaterThanOrEqual(1);
            }
            return;
          }
          checkConsistent(topo);
        }),
        { numRuns: Number(process.env.MUT_RUNS ?? 100), seed: process.env.MUT_RUNS ? undefined : 2011 },
      );
    });
  }
});
