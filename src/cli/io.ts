/**
 * @module cli/io
 * File and stream reading for the CLI, with errors that name the file.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { LabError } from "../core/errors.js";
import { loadTopologyText } from "../topology/index.js";
import type { Topology } from "../topology/model.js";

/** Reads a text file (or standard input for `-`), as a LabError naming it when that fails. */
export function readText(path: string, what: string): string {
  try {
    return readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : code === "EACCES"
            ? "permission denied"
            : String((e as Error).message);
    throw new LabError(`cannot read ${what}: ${why}`, { file: path === "-" ? "<stdin>" : path }, "io");
  }
}

/** A Kathará lab directory (one with a lab.conf) stands for its lab.conf. */
function topologyPath(path: string): string {
  if (path === "-") return path;
  try {
    if (statSync(path).isDirectory() && existsSync(join(path, "lab.conf"))) return join(path, "lab.conf");
  } catch {
    // readText below names the missing file
  }
  return path;
}

/**
 * Loads a topology; files it refers to (a containerlab node's bound frr.conf, a Kathará
 * device's startup and FRR files) resolve beside it. A directory with a lab.conf is a Kathará lab.
 */
export function loadTopologyFile(given: string): Topology {
  const path = topologyPath(given);
  const dir = dirname(path);
  return loadTopologyText(readText(path, "topology"), path === "-" ? "<stdin>" : path, {
    readFile: (rel) => {
      try {
        return readFileSync(resolve(dir, rel), "utf8");
      } catch {
        return undefined;
      }
    },
  });
}
