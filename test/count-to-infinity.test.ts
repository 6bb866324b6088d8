/**
 * examples/count-to-infinity.yaml + .txt through the whole stack (topology file → simulator →
 * RIP → shell → scenario runner), with the default seed: without split horizon the metric of
 * 10.0.40.0/24 climbs step by step to 16 after `link down vm1 vm4` (cut while vm1's triggered
 * updates are held back, RFC 2453 3.10.1, after it passed on `link down vm2 vm6`; the timers
 * are ones a real router takes), packets loop meanwhile, and
 * the route is given up in the end; the same break with poisoned reverse (or simple split
 * horizon) heals at once, with no metric ever above its value before the break.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LabEvent } from "../src/core/events.js";
import { createSimLab } from "../src/engines/sim/index.js";
import { parseScenario, runScenario } from "../src/lab/scenario.js";
import { loadTopologyText, quietInterval } from "../src/topology/index.js";

const EXAMPLES = join(import.meta.dirname, "..", "examples");
const YAML = readFileSync(join(EXAMPLES, "count-to-infinity.yaml"), "utf8");
const SCRIPT = readFileSync(join(EXAMPLES, "count-to-infinity.txt"), "utf8");
const SUBNET = "10.0.40.0/24";

interface Run {
  out: string;
  /** Metrics of 10.0.40.0/24 installed after the link went down, per node, in order. */
  after: Map<string, number[]>;
  /** Metric of 10.0.40.0/24 per node just before the link went down. */
  before: Map<string, number>;
  /** When the last router dropped 10.0.40.0/24, ns after the link went down. */
  goneAfter: number;
}

async function run(splitHorizon: "off" | "poisoned" | "simple", seed = 1): Promise<Run> {
  const yaml = YAML.replace(/split-horizon: off/, `split-horizon: ${splitHorizon}`);
  expect(yaml).toContain(`split-horizon: ${splitHorizon}`);
  const topo = loadTopologyText(yaml, "count-to-infinity.yaml");
  const lab = createSimLab(topo, { seed });
  const events: LabEvent[] = [];
  lab.onEvent((e) => {
    if (e.kind === "route" || e.kind === "link") events.push(e);
  });
  let out = "";
  const code = await runScenario(
    lab,
    parseScenario(SCRIPT, "count-to-infinity.txt", new Set(topo.nodes.map((n) => n.name))),
    "count-to-infinity.txt",
    { write: (s) => (out += s), quietInterval: quietInterval(topo) },
  );
  await lab.close();
  expect(code, out).toBe(0);
  // (vm2–vm6 goes down first, to start vm1's hold-back; the break that counts is vm1–vm4.)
  const down = events.findIndex((e) => e.kind === "link" && e.link === "vm1-vm4");
  expect(down).toBeGreaterThan(0);
  const tDown = events[down]!.t;
  const before = new Map<string, number>();
  const after = new Map<string, number[]>();
  let goneAt = tDown;
  events.forEach((e, i) => {
    if (e.kind !== "route" || e.dest !== SUBNET) return;
    if (i < down) {
      if (e.action !== "delete" && e.metric !== undefined) before.set(e.node, e.metric);
      return;
    }
    if (e.action === "delete") goneAt = Math.max(goneAt, e.t);
    else if (e.metric !== undefined) after.set(e.node, [...(after.get(e.node) ?? []), e.metric]);
  });
  return { out, after, before, goneAfter: goneAt - tDown };
}

/** vm1's metric for 10.0.40.0/24 in each `rtquery -r` answer of the script, in order. */
function vm1Metrics(out: string): number[] {
  return [
    ...out.matchAll(/^vm1 \(10\.0\.10\.1\): RIPv2 24 bytes\n {2}10\.0\.40\.0\/24 +metric +(\d+)/gm),
  ].map((m) => Number(m[1]));
}

describe("counting to infinity (examples/count-to-infinity)", () => {
  it("without split horizon the metric climbs to 16 before the route is given up", async () => {
    const r = await run("off");
    // What people see: vm1's metric from rtquery climbs (1 before the break) to 16.
    const seen = vm1Metrics(r.out);
    expect(seen[0]).toBe(1);
    expect(seen.at(-1)).toBe(16);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(seen.filter((m) => m > 2 && m < 16).length).toBeGreaterThanOrEqual(3);
    // What the routers did: vm1 took back a route through a neighbour and raised it step by step.
    const vm1 = r.after.get("vm1") ?? [];
    expect(vm1.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < vm1.length; i++) expect(vm1[i]!).toBeGreaterThan(vm1[i - 1]!);
    expect(Math.max(...[...r.after.values()].flat())).toBeGreaterThanOrEqual(14);
    // Packets looped meanwhile: traceroute to vm4 visits the same router twice.
    const hops = [...r.out.matchAll(/^ ?\d+ {2}(\d+\.\d+\.\d+\.\d+) /gm)].map((m) => m[1]!);
    expect(hops.length).toBeGreaterThan(3);
    expect(new Set(hops).size).toBeLessThan(hops.length);
    // And in the end nobody has a route to it.
    expect(r.out.slice(r.out.lastIndexOf("vm1# netstat -rn"))).not.toContain("10.0.40.0");
    expect(r.goneAfter).toBeGreaterThan(30e9);
  });

  it("with poisoned reverse or simple split horizon the same break heals without counting", async () => {
    for (const mode of ["poisoned", "simple"] as const) {
      const r = await run(mode);
      for (const [node, ms] of r.after)
        for (const m of ms) expect(m, `${mode}: ${node}`).toBeLessThanOrEqual(r.before.get(node) ?? 0);
      const seen = vm1Metrics(r.out);
      expect(seen[0]).toBe(1);
      expect(seen.slice(1).every((m) => m === 16)).toBe(true);
      // Gone everywhere within 20 s (vm1's held-back triggered update, 8–9 s, then the others').
      expect(r.goneAfter, mode).toBeLessThan(20e9);
    }
  });

  it("README's excerpt is this scenario's real output", async () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
    const at = readme.indexOf("routelab run examples/count-to-infinity.yaml");
    expect(at).toBeGreaterThan(0);
    const block = readme.slice(at, readme.indexOf("```", at)).split("\n").slice(1);
    const lines = block.filter((l) => l.trim() !== "" && l.trim() !== "…");
    expect(lines.length).toBeGreaterThan(5);
    const out = (await run("off")).out;
    for (const l of lines) expect(out).toContain(l);
  });
});
