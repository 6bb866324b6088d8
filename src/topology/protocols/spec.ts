/**
 * @module topology/protocols/spec
 * What a routing protocol tells the file-format side of routelab (docs/protocols.md): the
 * `routing:` name that selects it, how its settings are read from a routelab YAML file,
 * written back and summarized, how long a converged network of it stays quiet (`wait
 * converged`), and how it is configured in FRR for the netns engine and the containerlab and
 * Kathará exports. The daemon itself lives in proto/NAME/ and registers in proto/registry.ts;
 * this half lives here because topology/ sits below proto/ (DESIGN.md layers).
 */
import type { Node } from "yaml";
import type { Nanos } from "../../core/time.js";
import type { Draft, DraftNode } from "../draft.js";
import type { Topology, TopoNode } from "../model.js";
import type { YamlReader } from "../yaml-tree.js";

/** How the protocol runs in FRR (frr-config.ts, the exports, the netns engine). */
export interface FrrRouting {
  /** The FRR daemon that runs it (`ripd`): enabled in `daemons`, its own file on netns. */
  readonly daemon: string;
  /** What an exported frr.conf's first comment says the node runs (`RIP version 2`). */
  title(topo: Topology, node: TopoNode): string;
  /**
   * Lines inside interface `iface`'s stanza (each starting with a space, ending with a
   * newline); `iface` is the topology's name of it (OSPF's cost is per interface).
   */
  interfaceLines(topo: Topology, node: TopoNode, iface: string): string;
  /** The `router …` block, ending with `exit\n`. */
  routerBlock(topo: Topology, node: TopoNode, ifaces: readonly { name: string }[]): string;
  /** Comment lines for a node's exported frr.conf (e.g. settings FRR rounds). */
  headerNotes(topo: Topology, node: TopoNode): string[];
  /** An export's note when FRR rounds settings of some node (the per-node comments say which). */
  roundingNote(topo: Topology): string | undefined;
  /** Notes of an export about what FRR does differently (said once per export). */
  exportNotes(topo: Topology): string[];
  /** Reads its part of an imported frr.conf (topology/parse-frr.ts, the containerlab and Kathará imports). */
  readonly reader: FrrConfReader;
}

/** What a protocol reads of an FRR configuration file being imported. */
export interface FrrConfReader {
  /** The line that opens its block (`router rip`). */
  readonly routerLine: string;
  /** One file's reading, fed its lines in order. */
  start(): FrrConfReading;
  /** Puts settings read from FRR files (`finish`'s) onto a draft node, over those it has. */
  applyTo(node: DraftNode, settings: object): void;
}

/** The protocol's reading of one frr.conf. */
export interface FrrConfReading {
  /** A line of interface `iface`'s stanza: true when it is the protocol's (read, or harmless). */
  interfaceLine(iface: string, line: string): boolean;
  /**
   * A line of its router block (not one parse-frr knows to be harmless), `words` its words:
   * faults go to `error` (with the word they are at), lines it does not model to `unmapped`.
   */
  routerLine(
    line: string,
    words: readonly string[],
    error: (message: string, word: number) => void,
    unmapped: string[],
  ): void;
  /**
   * The settings read, once the file is done and its router block was seen, given the
   * addressed interfaces (loopbacks left out); notes for the user go to `notes`.
   */
  finish(ifaces: readonly string[], notes: string[]): object;
}

/** A routing protocol's file-format side. `static` (no protocol) has no spec. */
export interface RoutingSpec {
  /** The `routing:` value that selects it: what users write. */
  readonly name: string;
  /** Its name in messages to users (`RIP`). */
  readonly label: string;
  /**
   * Its administrative distance in a node's FIB (sim/fib.ts; lower wins over a route of the
   * same prefix from another source). FreeBSD's routed has none (it never overwrites a static
   * route); FRR's zebra does, and routelab takes FRR's default (zebra/zebra_rib.c
   * `route_info[]`: static 1, RIP 120, OSPF 110). Its routes' source is its `name`.
   */
  readonly adminDistance: number;
  /** The key of its settings, in `defaults` and in a node (`rip:`). */
  readonly settingsKey: string;
  /** The settings' own keys, for the JSON Schema (schema/routelab.schema.json) and messages. */
  readonly settingsKeys: readonly string[];
  /** Reads `defaults.KEY` into the draft's topology-wide settings. */
  readDefaults(r: YamlReader, node: Node | null, field: string, draft: Draft): void;
  /** Reads a node's `KEY:` into its own settings (checked against the draft's). */
  readNode(r: YamlReader, node: Node | null, field: string, into: DraftNode, draft: Draft): void;
  /** Loader notes about the topology-wide settings (odd but allowed values). */
  draftNotes(draft: Draft): string[];
  /** Whether a draft node carries settings of this protocol. */
  hasNodeSettings(node: DraftNode): boolean;
  /**
   * The YAML mapping of the topology-wide settings (`defaults.KEY`), every field written; or
   * undefined when the topology neither runs the protocol nor changes its defaults.
   */
  yamlDefaults(topo: Topology): Record<string, unknown> | undefined;
  /** The YAML mapping of a node's own settings, or undefined when it has none. */
  yamlNode(node: TopoNode): Record<string, unknown> | undefined;
  /** `routelab check` lines: the topology-wide settings and each node's own. */
  summary(topo: Topology): string[];
  /**
   * The longest a network of it stays quiet once converged, so `wait converged` (lab/scenario)
   * waits that long without a route change before it believes convergence.
   */
  quietInterval(topo: Topology): Nanos;
  /**
   * What a route's metric gains over interface `iface` of `node` (RIP: 1, a hop; OSPF: the
   * interface's cost). `routelab compare` uses it to tell equal-cost alternatives apart from
   * differences. Absent: 1.
   */
  linkMetric?(topo: Topology, node: TopoNode, iface: string): number;
  /**
   * Its routes carry every equal-cost next hop (OSPF's ECMP, as FRR installs them): `routelab
   * compare` then wants the same set on both engines. Absent: one next hop a route (RIP keeps
   * the first it heard), and compare accepts another of equal cost.
   */
  readonly multipath?: boolean;
  /** Absent: FRR cannot run it (the netns engine and the exports refuse such a node). */
  readonly frr?: FrrRouting;
}

/** Kernel names are what FRR sees; `/` (SR Linux style) is not allowed in a Linux name. */
export function kernelIfaceName(name: string): string {
  return name.replace(/\//g, "_");
}
