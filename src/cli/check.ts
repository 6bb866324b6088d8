/**
 * @module cli/check
 * `routelab check FILE`: validate a topology and print its summary, or every error found.
 */
import { LabError } from "../core/errors.js";
import { summarizeTopology } from "../topology/index.js";
import { loadTopologyFile } from "./io.js";

export function runCheck(file: string): { output: string; exit: number } {
  try {
    const topo = loadTopologyFile(file);
    return { output: summarizeTopology(topo), exit: 0 };
  } catch (e) {
    if (e instanceof LabError) return { output: `${e.format()}\n`, exit: 1 };
    throw e;
  }
}
