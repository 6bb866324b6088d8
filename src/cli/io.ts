/**
 * @module cli/io
 * File and stream reading for the CLI, with errors that name the file.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
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

/** Loads a topology; files it refers to (a containerlab node's bound frr.conf) resolve beside it. */
export function loadTopologyFile(path: string): Topology {
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
