/**
 * @module proto/ospf/show
 * FRR 8.4's `show ip ospf …` output from the daemon's state (placeholder until written).
 */
import type { Nanos } from "../../core/time.js";
import type { RoutingDaemon } from "../../sim/host.js";

export function ospfVtysh(
  _daemon: RoutingDaemon,
  _words: readonly string[],
  _now: Nanos,
): string | undefined {
  return undefined;
}
