/**
 * @module cli/io
 * File and stream reading for the CLI, with errors that name the file. Reads are bounded: a
 * topology file by MAX_TOPOLOGY_BYTES, a file it brings in (a containerlab node's bound
 * frr.conf) by MAX_INCLUDED_FILE_BYTES, and such a file must be a regular file inside the
 * topology's folder once symlinks are resolved (issue 17: a bind of `/etc/shadow` made
 * `routelab check` print its lines; a bind of `/dev/zero` took 16.8 GB).
 */
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  readSync,
  realpathSync,
  statSync,
} from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { LabError } from "../core/errors.js";
import { MAX_INCLUDED_FILE_BYTES, MAX_TOPOLOGY_BYTES } from "../core/limits.js";
import { loadTopologyText } from "../topology/index.js";
import type { Topology } from "../topology/model.js";

function why(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOENT"
    ? "no such file"
    : code === "EISDIR"
      ? "is a directory"
      : code === "EACCES"
        ? "permission denied"
        : String((e as Error).message);
}

/** Reads at most `max` bytes from `fd`; more is a LabError saying the limit. */
function readBounded(fd: number, max: number, what: string, file: string): string {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    total += n;
    if (total > max)
      throw new LabError(
        `${what} is larger than ${max / 1024 / 1024} MiB, the most routelab reads`,
        { file },
        "limit",
      );
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads a text file (or standard input for `-`), bounded, as a LabError naming it when that fails. */
export function readText(path: string, what: string, max = MAX_TOPOLOGY_BYTES): string {
  const file = path === "-" ? "<stdin>" : path;
  let fd: number;
  try {
    fd = path === "-" ? 0 : openSync(path, "r");
  } catch (e) {
    throw new LabError(`cannot read ${what}: ${why(e)}`, { file }, "io");
  }
  try {
    if (fstatSync(fd).isDirectory())
      throw new LabError(`cannot read ${what}: is a directory`, { file }, "io");
    return readBounded(fd, max, `the ${what}`, file);
  } catch (e) {
    if (e instanceof LabError) throw e;
    throw new LabError(`cannot read ${what}: ${why(e)}`, { file }, "io");
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/**
 * Reads `rel`, named by a topology in `dir`: undefined when it does not exist; a LabError when
 * it resolves (symlinks followed) outside `dir`, is not a regular file, or is too large.
 */
export function readLabFile(dir: string, rel: string): string | undefined {
  let real: string;
  let root: string;
  try {
    root = realpathSync(dir);
    real = realpathSync(resolve(dir, rel));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new LabError(`cannot read ${rel}: ${why(e)}`, {}, "io");
  }
  const inside = relative(root, real);
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside))
    throw new LabError(
      `${rel} is outside the lab's folder: routelab reads only files beside the topology (or below it)`,
      {},
      "io",
    );
  let fd: number;
  try {
    // Checked before opening (opening a FIFO would wait for a writer), and again on the open file.
    if (!statSync(real).isFile()) throw new LabError(`${rel} is not a regular file`, {}, "io");
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    if (e instanceof LabError) throw e;
    throw new LabError(`cannot read ${rel}: ${why(e)}`, {}, "io");
  }
  try {
    if (!fstatSync(fd).isFile()) throw new LabError(`${rel} is not a regular file`, {}, "io");
    return readBounded(fd, MAX_INCLUDED_FILE_BYTES, rel, rel);
  } catch (e) {
    if (e instanceof LabError) throw new LabError(e.message, {}, e.code);
    throw new LabError(`cannot read ${rel}: ${why(e)}`, {}, "io");
  } finally {
    closeSync(fd);
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
    readFile: (rel) => readLabFile(dir, rel),
  });
}
