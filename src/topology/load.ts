/**
 * @module topology/load
 * One entry point for every topology format, chosen by file name (and, for YAML, by content:
 * a top-level `topology:` key marks a containerlab file). Takes text, not a path, so it runs in
 * a browser as well as under the CLI, which reads the file.
 *
 * Formats are a small table, so one can be added without touching the dispatch (in this file,
 * or from outside with `registerTopologyFormat`).
 */
import { LabError } from "../core/errors.js";
import { MAX_LINKS, MAX_NODES, MAX_TOPOLOGY_BYTES } from "../core/limits.js";
import { parseGraphml } from "./graphml.js";
import type { Topology } from "./model.js";
import { parseContainerlab } from "./parse-containerlab.js";
import { parseEdges } from "./parse-edges.js";
import { parseKathara } from "./parse-kathara.js";
import { parseRoutelabYaml } from "./parse-yaml.js";
import { checkLabSize } from "./size.js";

/** What a loader may need beyond the text: files the topology refers to (bound FRR configs). */
export interface LoadOptions {
  /** Reads a file named relative to the topology file; undefined when it does not exist. */
  readFile?: (relPath: string) => string | undefined;
}

export type TopologyParser = (text: string, fileName: string, opts?: LoadOptions) => Topology;

export interface TopologyFormat {
  /** Short name for messages, e.g. `graphml`. */
  name: string;
  /** File name endings this format claims (lower case, with the dot), e.g. `[".graphml"]`. */
  extensions: readonly string[];
  parse: TopologyParser;
}

/** A top-level `topology:` key, the mark of a containerlab file. */
const CLAB_KEY = /^(?:topology|"topology"|'topology')\s*:/m;

function parseAnyYaml(text: string, fileName: string, opts?: LoadOptions): Topology {
  return CLAB_KEY.test(text) ? parseContainerlab(text, fileName, opts) : parseRoutelabYaml(text, fileName);
}

const formats: TopologyFormat[] = [
  { name: "containerlab", extensions: [".clab.yml", ".clab.yaml"], parse: parseContainerlab },
  { name: "kathara", extensions: ["lab.conf"], parse: parseKathara },
  { name: "yaml", extensions: [".yaml", ".yml"], parse: parseAnyYaml },
  { name: "edges", extensions: [".edges"], parse: parseEdges },
  { name: "graphml", extensions: [".graphml"], parse: parseGraphml },
];

/** Adds a format (first match wins, so a new format may claim a longer ending first). */
export function registerTopologyFormat(format: TopologyFormat): void {
  formats.unshift(format);
}

/** Names of the extensions that load, for help texts. */
export function topologyExtensions(): string[] {
  return formats.flatMap((f) => f.extensions);
}

/**
 * Parses a topology file's text. `fileName` picks the format and names the file in messages;
 * `opts.readFile` lets containerlab files bring in their bound FRR configs.
 * Throws LabError (LabErrors for several faults), each with file, line, column and field.
 */
export function loadTopologyText(text: string, fileName: string, opts: LoadOptions = {}): Topology {
  if (text.length > MAX_TOPOLOGY_BYTES)
    throw new LabError(
      `the file is larger than ${MAX_TOPOLOGY_BYTES / 1024 / 1024} MiB, the largest topology routelab reads (at most ${MAX_NODES} nodes and ${MAX_LINKS} links)`,
      { file: fileName },
      "limit",
    );
  refuseBinary(text, fileName);
  const topo = parseByFormat(text, fileName, opts);
  checkLabSize(topo.nodes.length, topo.links.length, fileName);
  return topo;
}

function parseByFormat(text: string, fileName: string, opts: LoadOptions): Topology {
  const lower = fileName.toLowerCase();
  const byName = formats.find((f) => f.extensions.some((x) => lower.endsWith(x)));
  if (byName) return byName.parse(text, fileName, opts);
  const sniffed = sniff(text);
  if (sniffed === "graphml") return parseGraphml(text, fileName);
  if (sniffed === "edges") return parseEdges(text, fileName);
  if (sniffed === "yaml") return parseAnyYaml(text, fileName, opts);
  const known = topologyExtensions().join(", ");
  throw new LabError(
    `cannot tell the topology format of this file: name it ${known}`,
    { file: fileName },
    "format",
  );
}

/**
 * A file with control characters (NUL, ESC …) or bytes that are not UTF-8 (decoded as U+FFFD)
 * is not a topology: every format is text (YAML 1.2 allows no C0 control but tab, LF and CR).
 * Refused before any parser echoes its bytes back in an error message.
 */
function refuseBinary(text: string, fileName: string): void {
  const m = /[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]/.exec(text);
  if (!m) return;
  const before = text.slice(0, m.index);
  const line = before.split("\n").length;
  const column = m.index - before.lastIndexOf("\n");
  throw new LabError(
    `not a topology: binary data (byte ${m[0] === "\ufffd" ? "not UTF-8" : `0x${m[0].charCodeAt(0).toString(16).padStart(2, "0")}`}); topology files are text: ${topologyExtensions().join(", ")}`,
    { file: fileName, line, col: column },
    "format",
  );
}

/** Guesses a format from content, for standard input and files with other names. */
function sniff(text: string): "graphml" | "edges" | "yaml" | undefined {
  const body = text.replace(/^\uFEFF/, "").trimStart();
  if (body.startsWith("<")) return "graphml";
  const lines = body.split(/\r?\n/).filter((l) => l.trim() && !l.trimStart().startsWith("#"));
  if (lines.length === 0) return undefined;
  if (lines.every((l) => /^\s*[A-Za-z]\S*\s+[A-Za-z]\S*(\s+[\d./]+)?\s*(#.*)?$/.test(l) && !l.includes(":")))
    return "edges";
  return "yaml";
}
