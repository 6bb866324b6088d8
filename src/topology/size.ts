/**
 * @module topology/size
 * The largest lab routelab loads (core/limits.ts), checked by every format.
 */
import { LabError, type SourcePos } from "../core/errors.js";
import { MAX_LINKS, MAX_NODES } from "../core/limits.js";

/**
 * Refuses a lab larger than routelab runs (core/limits.ts): a million nodes passed `check` and
 * `run` died of V8 running out of memory after 173 s. Parsers call it as soon as they have
 * counted (before addresses are assigned); `at` is where the first node or link past the
 * limit is written.
 */
export function checkLabSize(nodes: number, links: number, file: string, at: SourcePos = {}): void {
  if (nodes > MAX_NODES || links > MAX_LINKS)
    throw new LabError(
      `${nodes > MAX_NODES ? `${nodes} nodes` : `${links} links`}: routelab runs at most ${MAX_NODES} nodes and ${MAX_LINKS} links`,
      { file, ...at },
      "limit",
    );
}
