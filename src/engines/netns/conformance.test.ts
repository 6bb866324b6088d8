/**
 * The Lab conformance suite (lab/conformance.testkit.ts) on the netns engine: the seed network
 * in namespaces with FRR, the same tests as on the simulator (engines/sim/conformance.test.ts),
 * the same shell front end answering from the kernel and FRR. Needs Linux, root and FRR:
 * skipped elsewhere, but FAILS under CI=true when they are missing. RIP timers are shortened
 * (update 5 s, timeout 30 s, garbage 20 s) so waiting for convergence takes seconds of real
 * time, not minutes. Run it under `flock /tmp/routelab-netns.lock` on a shared machine.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SECOND } from "../../core/time.js";
import { runLabConformance } from "../../lab/conformance.testkit.js";
import { loadTopologyText } from "../../topology/index.js";
import { createNetnsLab } from "./index.js";
import { netnsWhy as why, skipFor } from "./netns.testkit.js";

const SEED = join(import.meta.dirname, "..", "..", "..", "examples", "seed.yaml");
/** This run's tag in the namespace names, so two checkouts' runs never remove each other's labs. */
const PREFIX = `rlc-${(process.pid % 1679616).toString(36)}`;

function seed() {
  const topo = loadTopologyText(readFileSync(SEED, "utf8"), "seed.yaml");
  topo.rip = { ...topo.rip, update: 5 * SECOND, timeout: 30 * SECOND, garbage: 20 * SECOND };
  return topo;
}

describe.skipIf(skipFor(why))("netns engine (root, FRR)", () => {
  it("has what it needs", () => {
    expect(why).toBeNull();
  });
  runLabConformance("netns", () => createNetnsLab(seed(), { prefix: PREFIX }), {
    converge: 20 * SECOND,
    timeout: 240_000,
  });
});
