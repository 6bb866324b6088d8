/**
 * @module topology/protocols/rip
 * RIP's file-format side (the daemon is proto/rip): its settings in a routelab YAML file (`rip:`
 * in `defaults` and in a node), their defaults — the one place they are written down — their
 * YAML and `routelab check` forms, `wait converged`'s quiet interval, and its FRR configuration.
 *
 * Defaults are RFC 2453's (§3.8): update 30 s, timeout 180 s, garbage collection 120 s, a
 * triggered update held back a random 1–5 s after the previous one (the first goes out at
 * once, §3.10.1), split horizon with poisoned reverse (§3.4.3, as BIRD does), version 2.
 *
 * FRR (8.x) is configured to behave as the simulator does: the node's RIP version (2, or 1:
 * `version 1`, sending version 1 and receiving both, as routed does), its timers, the same
 * split-horizon mode on every interface, and every link subnet advertised with metric 1 (the
 * simulator puts connected networks in its RIP database at metric 1; FRR does the same for
 * networks of interfaces enabled by a `network` statement, shown as `C(i)`). Verified shape
 * (protocols.md §8): ripd reads `router rip`.
 */
import type { Node } from "yaml";
import { durationText, formatDuration, type Nanos, SECOND } from "../../core/time.js";
import type { Draft, DraftNode } from "../draft.js";
import type { RipSettings, RipVersion, SplitHorizon, Topology, TopoNode } from "../model.js";
import { parseDurationRange } from "../values.js";
import { parsedAt, readPositiveDuration } from "../yaml-fields.js";
import type { Entry, YamlReader } from "../yaml-tree.js";
import { RIP_FRR_READER } from "./rip-frr-reader.js";
import { type FrrRouting, kernelIfaceName, type RoutingSpec } from "./spec.js";

/** RFC 2453 3.8 defaults; split horizon with poisoned reverse as RFC 3.4.3 recommends (and BIRD does). */
export const RIP_DEFAULTS: Readonly<RipSettings> = Object.freeze({
  update: 30 * SECOND,
  timeout: 180 * SECOND,
  garbage: 120 * SECOND,
  triggeredMin: 1 * SECOND,
  triggeredMax: 5 * SECOND,
  splitHorizon: "poisoned",
  version: 2,
});

export const RIP_KEYS = ["update", "timeout", "garbage", "triggered", "split-horizon", "version"] as const;
const SPLIT_HORIZON: readonly SplitHorizon[] = ["simple", "poisoned", "off"];

/**
 * Reads a `rip:` mapping into the settings it changes. `base` is what the result is merged
 * onto (topology defaults for a node), to check that the triggered-update range still holds.
 */
export function readRipSettings(
  r: YamlReader,
  node: Node | null,
  field: string,
  base: RipSettings,
): Partial<RipSettings> {
  const out: Partial<RipSettings> = {};
  const entries = r.map(node, field, RIP_KEYS, "a mapping of RIP settings");
  if (!entries) return out;
  let triggeredAt: Entry | undefined;
  for (const e of entries) {
    const v = e.value;
    if (e.key === "split-horizon") {
      const t = r.text(v, e.field, `one of ${SPLIT_HORIZON.join(", ")}`);
      if (t === undefined) continue;
      if ((SPLIT_HORIZON as readonly string[]).includes(t)) out.splitHorizon = t as SplitHorizon;
      else r.error(v, e.field, `'${t}' is not a split-horizon mode (use ${SPLIT_HORIZON.join(", ")})`);
    } else if (e.key === "version") {
      const t = r.text(v, e.field, "1 or 2");
      if (t === undefined) continue;
      if (t === "1" || t === "2") out.version = Number(t) as RipVersion;
      else r.error(v, e.field, `'${t}' is not a RIP version (use 1 or 2)`);
    } else if (e.key === "triggered") {
      triggeredAt = e;
      if (r.isMap(v)) {
        for (const m of r.map(v, e.field, ["min", "max"]) ?? []) {
          const d = readPositiveDuration(r, m);
          if (d !== undefined) out[m.key === "min" ? "triggeredMin" : "triggeredMax"] = d;
        }
      } else {
        const t = r.text(v, e.field, "a range such as 1s-5s, or {min, max}");
        const range = parsedAt(r, v, e.field, t === undefined ? undefined : parseDurationRange(t));
        if (range) [out.triggeredMin, out.triggeredMax] = range;
      }
    } else {
      const d = readPositiveDuration(r, e);
      if (d !== undefined) out[e.key as "update" | "timeout" | "garbage"] = d;
    }
  }
  const min = out.triggeredMin ?? base.triggeredMin;
  const max = out.triggeredMax ?? base.triggeredMax;
  if (triggeredAt && min > max)
    r.error(triggeredAt.value, triggeredAt.field, "triggered updates: min is greater than max");
  return out;
}

/** The node's effective RIP settings (topology-wide, overridden per node). */
export function nodeRipSettings(topo: Pick<Topology, "rip">, node: TopoNode): RipSettings {
  const s: RipSettings = { ...topo.rip };
  for (const [k, v] of Object.entries(node.rip ?? {}))
    if (v !== undefined) (s as unknown as Record<string, unknown>)[k] = v;
  return s;
}

/**
 * The longest regular-update interval of any RIP router: the topology's, or a node's own when
 * longer. `wait converged` waits quiet for this interval (plus its jitter), so that a router
 * with slower updates than the topology's has also been heard since the last change.
 */
export function longestUpdate(topo: Pick<Topology, "rip" | "nodes">): Nanos {
  let longest = topo.rip.update;
  for (const n of topo.nodes)
    if (n.routing === RIP.name && n.rip?.update !== undefined && n.rip.update > longest)
      longest = n.rip.update;
  return longest;
}

/** The YAML form of (some) settings: fields differing from `base`, or all of them. */
function ripYaml(
  r: Partial<RipSettings>,
  base: RipSettings | undefined,
  all: boolean,
): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const want = (k: keyof RipSettings) => r[k] !== undefined && (all || !base || r[k] !== base[k]);
  if (want("update")) o.update = durationText(r.update!);
  if (want("timeout")) o.timeout = durationText(r.timeout!);
  if (want("garbage")) o.garbage = durationText(r.garbage!);
  if (r.triggeredMin !== undefined && r.triggeredMax !== undefined)
    o.triggered = `${durationText(r.triggeredMin)}-${durationText(r.triggeredMax)}`;
  else if (r.triggeredMin !== undefined || r.triggeredMax !== undefined) {
    const m: Record<string, string> = {};
    if (r.triggeredMin !== undefined) m.min = durationText(r.triggeredMin);
    if (r.triggeredMax !== undefined) m.max = durationText(r.triggeredMax);
    o.triggered = m;
  }
  if (want("splitHorizon")) o["split-horizon"] = r.splitHorizon;
  if (want("version")) o.version = r.version;
  return o;
}

const dur = (t: number | undefined) => (t === undefined ? "?" : formatDuration(t));

/** The `routelab check` text of (some) settings. */
function ripText(r: Partial<RipSettings>): string {
  const p: string[] = [];
  if (r.update !== undefined) p.push(`update ${formatDuration(r.update)}`);
  if (r.timeout !== undefined) p.push(`timeout ${formatDuration(r.timeout)}`);
  if (r.garbage !== undefined) p.push(`garbage ${formatDuration(r.garbage)}`);
  if (r.triggeredMin !== undefined || r.triggeredMax !== undefined)
    p.push(`triggered ${dur(r.triggeredMin)}–${dur(r.triggeredMax)}`);
  if (r.splitHorizon !== undefined) p.push(`split horizon ${r.splitHorizon}`);
  if (r.version === 1) p.push("version 1"); // (2 is the default: said only when it is not)
  return p.join(", ");
}

/** FRR timers are whole seconds, 5 s at least (yang ranges of frr-ripd). */
function seconds(ns: number): number {
  return Math.max(5, Math.round(ns / SECOND));
}

/** Whether FRR can take the timers as they are (whole seconds of at least 5 s). */
function timersExact(s: RipSettings): boolean {
  return [s.update, s.timeout, s.garbage].every((t) => t % SECOND === 0 && t >= 5 * SECOND);
}

function splitHorizonLine(mode: SplitHorizon): string {
  switch (mode) {
    case "simple":
      return " ip rip split-horizon";
    case "poisoned":
      return " ip rip split-horizon poisoned-reverse";
    case "off":
      return " no ip rip split-horizon";
  }
}

const FRR: FrrRouting = {
  daemon: "ripd",
  title: () => "RIP version 2",
  /**
   * The split-horizon mode and the versions. Version 2 sends and takes version 2 only; version
   * 1 sends version 1 (broadcast) and takes both, as routed does without `-P ripv2` (the seed's
   * `routed -s -m`) and as the simulator does.
   */
  interfaceLines(topo, node) {
    const s = nodeRipSettings(topo, node);
    const receive = s.version === 1 ? "1 2" : "2";
    return `${splitHorizonLine(s.splitHorizon)}\n ip rip send version ${s.version}\n ip rip receive version ${receive}\n`;
  },
  /** `router rip` with version, timers and one `network` per interface. */
  routerBlock(topo, node, ifaces) {
    const s = nodeRipSettings(topo, node);
    let out = `router rip\n version ${s.version}\n`;
    out += ` timers basic ${seconds(s.update)} ${seconds(s.timeout)} ${seconds(s.garbage)}\n`;
    for (const i of ifaces) out += ` network ${kernelIfaceName(i.name)}\n`;
    return `${out}exit\n`;
  },
  headerNotes: (topo, node) =>
    timersExact(nodeRipSettings(topo, node))
      ? []
      : ["RIP timers rounded to whole seconds, 5 s at least (FRR's range)."],
  roundingNote: (topo) =>
    topo.nodes.some((n) => n.routing === RIP.name && !timersExact(nodeRipSettings(topo, n)))
      ? "RIP timers rounded to whole seconds of at least 5 s (FRR's range)"
      : undefined,
  exportNotes: (topo) =>
    topo.nodes.some((n) => n.routing === RIP.name)
      ? ["RIP triggered updates are held back as FRR does, not by routelab's triggered: setting"]
      : [],
  reader: RIP_FRR_READER,
};

/** RIP (RFC 2453 version 2, RFC 1058 version 1) as topology files know it. */
export const RIP: RoutingSpec = {
  name: "rip",
  label: "RIP",
  // FRR zebra/zebra_rib.c route_info[]: [ZEBRA_ROUTE_RIP] = {ZEBRA_ROUTE_RIP, 120}.
  adminDistance: 120,
  settingsKey: "rip",
  settingsKeys: RIP_KEYS,
  readDefaults(r, node, field, draft: Draft) {
    Object.assign(draft.rip, readRipSettings(r, node, field, RIP_DEFAULTS));
  },
  readNode(r, node, field, into: DraftNode, draft: Draft) {
    into.rip = readRipSettings(r, node, field, draft.rip);
  },
  draftNotes: (draft) =>
    draft.rip.timeout <= draft.rip.update
      ? ["RIP timeout is not longer than the update interval: routes will expire between updates"]
      : [],
  hasNodeSettings: (node) => node.rip !== undefined && Object.keys(node.rip).length > 0,
  yamlDefaults: (topo) => ripYaml(topo.rip, RIP_DEFAULTS, true),
  yamlNode: (node) =>
    node.rip && Object.keys(node.rip).length ? ripYaml(node.rip, undefined, false) : undefined,
  summary(topo) {
    const out = topo.nodes.some((n) => n.routing === RIP.name) ? [`rip: ${ripText(topo.rip)}`] : [];
    for (const n of topo.nodes) if (n.rip) out.push(`  ${n.name}: ${ripText(n.rip)}`);
    return out;
  },
  quietInterval: longestUpdate,
  frr: FRR,
};
