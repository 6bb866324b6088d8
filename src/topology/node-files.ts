/**
 * @module topology/node-files
 * A node's system in a routelab YAML file: `os: freebsd | linux` (the command set and output
 * formats it answers with; freebsd when absent) and `files:`, the small file system it boots
 * with (path → content), so the seed's second system can be written as the post did:
 *
 * ```yaml
 * relay:
 *   os: linux
 *   files:
 *     /etc/xinetd.d/hoge-ssh: |
 *       service hoge-ssh
 *       { … redirect = 192.168.20.200 22 }
 * ```
 *
 * Paths are absolute, without `.`/`..` components or empty ones, and every size is bounded
 * (core/limits.ts): the same check the shell's `echo … > FILE` meets (`checkNodePath`).
 */
import { MAX_NODE_FILE_BYTES, MAX_NODE_FILES, MAX_NODE_FS_BYTES, MAX_NODE_PATH } from "../core/limits.js";
import type { DraftNode } from "./draft.js";
import type { NodeOs } from "./model.js";
import type { Entry, YamlReader } from "./yaml-tree.js";

export const NODE_SYSTEM_KEYS = ["os", "files"] as const;
export const NODE_OS: readonly NodeOs[] = ["freebsd", "linux"];

/** Why `path` cannot name a file of a node, or undefined when it can. */
export function checkNodePath(path: string): string | undefined {
  if (path.length > MAX_NODE_PATH) return `a path is at most ${MAX_NODE_PATH} characters`;
  if (!path.startsWith("/")) return `'${path}' is not an absolute path (it starts with /)`;
  if (path.endsWith("/")) return `'${path}' names a directory, not a file`;
  if (/[\x00-\x1f\x7f]/.test(path)) return `'${JSON.stringify(path)}' holds a control character`;
  const parts = path.slice(1).split("/");
  if (parts.some((p) => p === "" || p === "." || p === ".."))
    return `'${path}' has an empty, '.' or '..' component`;
  return undefined;
}

/** Reads `os:` or `files:` of a node into `node`; false when `e` is neither. */
export function readNodeSystem(r: YamlReader, e: Entry, node: DraftNode): boolean {
  if (e.key === "os") {
    const t = r.text(e.value, e.field, NODE_OS.join(" or "));
    if (t !== undefined && (NODE_OS as readonly string[]).includes(t)) node.os = t as NodeOs;
    else if (t !== undefined) r.error(e.value, e.field, `unknown os '${t}' (use ${NODE_OS.join(" or ")})`);
    return true;
  }
  if (e.key !== "files") return false;
  const files: Record<string, string> = {};
  let total = 0;
  const entries = r.map(e.value, e.field, null, "a mapping of absolute paths to contents", "path") ?? [];
  if (entries.length > MAX_NODE_FILES)
    r.error(e.value, e.field, `at most ${MAX_NODE_FILES} files on a node, found ${entries.length}`);
  for (const f of entries.slice(0, MAX_NODE_FILES)) {
    const bad = checkNodePath(f.key);
    if (bad !== undefined) {
      r.error(f.keyNode, f.field, bad);
      continue;
    }
    const content = r.isNull(f.value) ? "" : r.text(f.value, f.field, "the file's content (a string)");
    if (content === undefined) continue;
    if (content.length > MAX_NODE_FILE_BYTES) {
      r.error(
        f.value,
        f.field,
        `a file is at most ${MAX_NODE_FILE_BYTES} characters, this one ${content.length}`,
      );
      continue;
    }
    total += content.length;
    if (total > MAX_NODE_FS_BYTES) {
      r.error(f.value, f.field, `a node's files are at most ${MAX_NODE_FS_BYTES} characters in all`);
      break;
    }
    files[f.key] = content;
  }
  node.files = files;
  return true;
}
