/**
 * @module topology/rip-timers
 * RIP timers over a whole topology: a router's own `rip:` settings override the topology's,
 * so the slowest router is not always the topology's default.
 */
import type { Nanos } from "../core/time.js";
import type { Topology } from "./model.js";

/**
 * The longest regular-update interval of any RIP router: the topology's, or a node's own when
 * longer. `wait converged` waits quiet for this interval (plus its jitter), so that a router
 * with slower updates than the topology's has also been heard since the last change.
 */
export function longestRipUpdate(topo: Pick<Topology, "rip" | "nodes">): Nanos {
  let longest = topo.rip.update;
  for (const n of topo.nodes)
    if (n.routing === "rip" && n.rip?.update !== undefined && n.rip.update > longest) longest = n.rip.update;
  return longest;
}
