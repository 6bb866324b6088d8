/**
 * @module lab/drive.testkit
 * Driving any Lab from a test, on either engine: run a command to its end while the lab's clock
 * moves (virtual on the simulator, real on netns), run a scenario script as `routelab run`
 * does, and wait for its routing to settle. The engine-neutral testkits, the netns system tests
 * and the simulator's scenario tests share these.
 */
import { expect } from "vitest";
import { MINUTE, type Nanos, SECOND } from "../core/time.js";
import type { Lab } from "./lab.js";
import { parseScenario, runScenario } from "./scenario.js";

/** Runs `line` on `node` (as `user`, default root) to its end; fails the test if it never ends. */
export async function runToEnd(
  lab: Lab,
  node: string,
  line: string,
  user?: string,
  max: Nanos = 2 * MINUTE,
): Promise<{ out: string; code: number }> {
  let out = "";
  const x = lab.exec(node, line, { ...(user ? { user } : {}), write: (s) => (out += s) });
  const finished = await lab.advanceUntil(() => x.exitCode !== undefined, max);
  expect(finished, `${node}: ${line} did not finish:\n${out}`).toBe(true);
  return { out, code: await x.done };
}

/** Runs a scenario script (lab/scenario.ts) on the lab, as `routelab run` does; what it printed. */
export async function runScript(lab: Lab, script: string): Promise<string> {
  let out = "";
  const names = new Set(lab.topology.nodes.map((n) => n.name));
  const segments = new Set(lab.topology.segments?.map((x) => x.id));
  await runScenario(lab, parseScenario(script, "test", names, segments), "test", {
    write: (s) => {
      out += s;
    },
    quietInterval: lab.topology.rip.update,
  });
  return out;
}

/**
 * Waits until no route has changed for `quiet` (route events; default 10 s), at most `max`;
 * with `afterAChange`, only once some route has changed first (a lab still booting has none
 * yet). 10 s: FRR's ripd holds a triggered update back 1–5 s per hop, and on a loaded machine
 * (CI beside other work) 6 s once passed with a route two hops away still missing on netns.
 */
export async function routesSettled(
  lab: Lab,
  opts: { quiet?: Nanos; max?: Nanos; afterAChange?: boolean } = {},
): Promise<boolean> {
  const quiet = opts.quiet ?? 10 * SECOND;
  let last = lab.clock().now;
  let changed = !opts.afterAChange;
  const off = lab.onEvent(
    (e) => {
      if (e.kind !== "route") return;
      last = e.t;
      changed = true;
    },
    ["route"],
  );
  try {
    return await lab.advanceUntil(() => changed && lab.clock().now - last >= quiet, opts.max ?? 120 * SECOND);
  } finally {
    off();
  }
}
