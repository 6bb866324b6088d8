/**
 * @module topology/parse-lesson
 * Reads the lesson sections of a routelab YAML file — `events:` (the fault schedule) and
 * `checks:` (the exercise) — or the same two sections from a separate exercise file, against an
 * already resolved topology so every node and link they name is checked, with file:line:col and
 * the field path like the rest of the file:
 *
 * ```yaml
 * events:
 *   - {at: 30s, link: [vm1, vm2], state: down, silent: true}   # cut without carrier loss
 *   - {at: 1m, link: [vm1, vm2], delay: 20ms, loss: 10%}          # from now on
 *   - {at: 2m, node: vm3, state: down}
 *   - {at: 3m, run: "vm4: traceroute vm9"}                      # or "alice@vm4: …"
 * checks:
 *   - vm4 reaches vm9
 *   - {check: "vm1 -> vm6 via vm3", at: 2m30s, hint: "RIP needs up to 3 minutes to give up"}
 * ```
 */
import { isScalar, type Node } from "yaml";
import type { SourcePos } from "../core/errors.js";
import { parseIpv4 } from "../core/ip.js";
import type { Nanos } from "../core/time.js";
import { Diagnostics } from "./diag.js";
import {
  type CheckBody,
  type CheckSpec,
  GRANTABLE_COMMANDS,
  type Lesson,
  type LessonEvent,
} from "./lesson-model.js";
import { parseCheckText, parseLessonTime, parseRunText } from "./lesson-grammar.js";
import type { Topology } from "./model.js";
import { didYouMean } from "./suggest.js";
import { parsedAt, readLinkProp } from "./yaml-fields.js";
import { allSegmentPorts } from "./segment-ports.js";
import { child, type Entry, YamlReader } from "./yaml-tree.js";

/** The top-level keys a lesson adds to a topology file. */
export const LESSON_KEYS = ["events", "checks", "allow"] as const;
export const EVENT_KEYS = ["at", "link", "node", "run", "state", "silent", "delay", "loss"] as const;
export const CHECK_KEYS = ["check", "at", "hint"] as const;

/**
 * Reads `events:` and `checks:` from the top-level entries of a document; faults go to `diag`.
 * Returns undefined when the document has neither section.
 */
export function readLessonSections(r: YamlReader, top: readonly Entry[], topo: Topology): Lesson | undefined {
  const events = top.find((e) => e.key === "events");
  const checks = top.find((e) => e.key === "checks");
  const allow = top.find((e) => e.key === "allow");
  if (!events && !checks && !allow) return undefined;
  const names = new Ctx(r, topo);
  const lesson: Lesson = { events: [], checks: [] };
  if (allow && !r.isNull(allow.value)) lesson.allow = readAllow(r, allow.value);
  if (events && !r.isNull(events.value))
    (
      r.seq(events.value, "events", "a list of events ({at: 30s, link: [vm1, vm2], state: down})") ?? []
    ).forEach((item, i) => {
      const ev = readEvent(names, item, child("events", i));
      if (ev) lesson.events.push(ev);
    });
  // Stable sort: events at the same moment keep file order.
  lesson.events.sort((a, b) => a.at - b.at);
  if (checks && !r.isNull(checks.value))
    (r.seq(checks.value, "checks", "a list of checks ('vm4 reaches vm9', …)") ?? []).forEach((item, i) => {
      const c = readCheck(names, item, child("checks", i), `c${i + 1}`);
      if (c) lesson.checks.push(c);
    });
  return lesson;
}

/** `allow: [iptables, ifconfig]`: each a grantable command, once. */
function readAllow(r: YamlReader, node: Node | null): string[] {
  const out: string[] = [];
  (r.seq(node, "allow", "a list of commands ([iptables, ifconfig])") ?? []).forEach((item, i) => {
    const field = child("allow", i);
    const name = r.text(item, field, "a command's name");
    if (name === undefined) return;
    if (!(GRANTABLE_COMMANDS as readonly string[]).includes(name))
      r.error(
        item,
        field,
        `'${name}' cannot be granted to students${didYouMean(name, GRANTABLE_COMMANDS)} (one of: ${GRANTABLE_COMMANDS.join(", ")})`,
      );
    else if (!out.includes(name)) out.push(name);
  });
  return out;
}

/**
 * A separate exercise file holding only `events:` and/or `checks:`, for a topology loaded from
 * elsewhere. Throws LabErrors with every fault found.
 */
export function parseLessonYaml(text: string, fileName: string, topo: Topology): Lesson {
  const diag = new Diagnostics(fileName);
  const r = YamlReader.parse(text, diag);
  if (!r) return diag.throwIfAny() as never;
  const top = r.map(r.root, "", LESSON_KEYS, "an exercise (a mapping with events and/or checks)");
  const lesson = top ? readLessonSections(r, top, topo) : undefined;
  if (top && !lesson) r.error(r.root, "", "an exercise file needs `events:` or `checks:`");
  diag.throwIfAny();
  return lesson ?? { events: [], checks: [] };
}

/** The reader plus the topology's names, for checking references. */
class Ctx {
  readonly nodes: Set<string>;
  constructor(
    readonly r: YamlReader,
    readonly topo: Topology,
  ) {
    this.nodes = new Set(topo.nodes.map((n) => n.name));
  }

  /** Reports an unknown node name at `node`; returns whether it is known. */
  node(name: string, at: Node | null, field: string): boolean {
    if (this.nodes.has(name)) return true;
    this.r.error(at, field, `unknown node '${name}'${didYouMean(name, this.nodes)}`);
    return false;
  }

  /** A node name or a dotted address. */
  nodeOrAddress(name: string, at: Node | null, field: string): boolean {
    return parseIpv4(name) !== undefined || this.node(name, at, field);
  }

  time(at: Node | null, field: string): Nanos | undefined {
    const t = this.r.text(at, field, "a time such as 30s or 2m");
    return parsedAt(this.r, at, field, t === undefined ? undefined : parseLessonTime(t));
  }
}

function readEvent(c: Ctx, item: Node | null, field: string): LessonEvent | undefined {
  const r = c.r;
  const entries = r.map(item, field, EVENT_KEYS, "an event ({at: 30s, link: [vm1, vm2], state: down})");
  if (!entries) return undefined;
  const get = (k: string) => entries.find((e) => e.key === k);
  const pos = r.pos(item, field);
  const atE = get("at");
  const what = ["link", "node", "run"].filter((k) => get(k));
  if (!atE) r.error(item, field, "an event needs `at:` (when it happens, e.g. 30s)");
  if (what.length !== 1) {
    r.error(item, field, "an event has exactly one of `link:`, `node:` or `run:`");
    return undefined;
  }
  const at = atE ? c.time(atE.value, atE.field) : undefined;
  const kind = what[0]!;
  const stateE = get("state");
  const silentE = get("silent");
  const shapeE = [get("delay"), get("loss")].filter((e) => e !== undefined);
  if (kind !== "link")
    for (const e of shapeE) r.error(e.keyNode, e.field, "only a link has a delay and a loss");
  if (kind === "link" && shapeE.length > 0) return readShapeEvent(c, get, at, pos);
  if (kind === "run") {
    for (const e of [stateE, silentE])
      if (e) r.error(e.keyNode, e.field, "a `run:` event takes no state or silent");
    const runE = get("run")!;
    const t = r.text(runE.value, runE.field, "a command such as 'vm4: traceroute vm9'");
    const p = parsedAt(r, runE.value, runE.field, t === undefined ? undefined : parseRunText(t));
    if (!p || !c.node(p.node, runE.value, runE.field) || at === undefined) return undefined;
    return { at, kind: "run", node: p.node, user: p.user, command: p.command, pos };
  }
  let up: boolean | undefined;
  if (!stateE) r.error(item, field, "a link or node event needs `state: up` or `state: down`");
  else {
    const s = r.text(stateE.value, stateE.field, "up or down");
    if (s === "up" || s === "down") up = s === "up";
    else if (s !== undefined) r.error(stateE.value, stateE.field, `'${s}' is not a state (use up or down)`);
  }
  let silent = false;
  if (silentE) {
    const b = readBool(r, silentE);
    if (b !== undefined) silent = b;
    if (kind !== "link") r.error(silentE.keyNode, silentE.field, "only a link can be cut silently");
    else if (b && up === true) r.error(silentE.value, silentE.field, "`silent` applies to a link going down");
  }
  if (kind === "node") {
    const e = get("node")!;
    const name = r.text(e.value, e.field, "a node name");
    if (name === undefined || !c.node(name, e.value, e.field) || at === undefined || up === undefined)
      return undefined;
    return { at, kind: "node", node: name, up, pos };
  }
  const ends = readLinkRef(c, get("link")!);
  if (!ends || at === undefined || up === undefined) return undefined;
  return { at, kind: "link", a: ends[0], b: ends[1], up, silent, pos };
}

/**
 * `{at: 1m, link: [a, b], delay: 20ms, loss: 10%}`: the link's delay and/or loss from then on,
 * read as the links' own `delay:` and `loss:`. A state change is its own event.
 */
function readShapeEvent(
  c: Ctx,
  get: (k: string) => Entry | undefined,
  at: Nanos | undefined,
  pos: SourcePos,
): LessonEvent | undefined {
  const r = c.r;
  for (const k of ["state", "silent"]) {
    const e = get(k);
    if (e)
      r.error(
        e.keyNode,
        e.field,
        "a link event changes either its state or its delay and loss: write two events",
      );
  }
  const props: { delay?: Nanos; loss?: number } = {};
  for (const e of [get("delay"), get("loss")]) if (e) readLinkProp(r, e, props);
  const ends = readLinkRef(c, get("link")!);
  if (!ends || at === undefined || (props.delay === undefined && props.loss === undefined)) return undefined;
  return { at, kind: "shape", a: ends[0], b: ends[1], ...props, pos };
}

/** `[vm1, vm2]` or a link id `vm1-vm2`; the link must exist. */
function readLinkRef(c: Ctx, e: Entry): [string, string] | undefined {
  const r = c.r;
  let ends: [string, string] | undefined;
  if (r.isSeq(e.value)) {
    const items = r.seq(e.value, e.field) ?? [];
    if (items.length !== 2) {
      r.error(e.value, e.field, `a link is named by its two nodes, [A, B]; found ${items.length}`);
      return undefined;
    }
    const a = r.text(items[0]!, child(e.field, 0), "a node name");
    const b = r.text(items[1]!, child(e.field, 1), "a node name");
    if (a === undefined || b === undefined) return undefined;
    // A segment's name stands for its switch: [r1, lan1] is r1's port.
    const segments = new Set(c.topo.segments?.map((x) => x.id));
    const okA = segments.has(a) || c.node(a, items[0]!, child(e.field, 0));
    const okB = segments.has(b) || c.node(b, items[1]!, child(e.field, 1));
    if (!okA || !okB) return undefined;
    ends = [a, b];
  } else {
    const id = r.text(e.value, e.field, "[A, B] or a link id such as vm1-vm2");
    if (id === undefined) return undefined;
    const all = [...c.topo.links, ...allSegmentPorts(c.topo)];
    const l = all.find((x) => x.id === id);
    if (!l) {
      const ids = all.map((x) => x.id);
      r.error(e.value, e.field, `unknown link '${id}'${didYouMean(id, ids)} (or write [A, B])`);
      return undefined;
    }
    return [l.a.node, l.b.node];
  }
  const [a, b] = ends;
  const all = [...c.topo.links, ...allSegmentPorts(c.topo)];
  if (!all.some((l) => (l.a.node === a && l.b.node === b) || (l.a.node === b && l.b.node === a))) {
    r.error(e.value, e.field, `there is no link between ${a} and ${b}`);
    return undefined;
  }
  return ends;
}

function readBool(r: YamlReader, e: Entry): boolean | undefined {
  const n = r.resolve(e.value);
  if (n && isScalar(n) && typeof n.value === "boolean") return n.value;
  r.error(e.value, e.field, "expected true or false");
  return undefined;
}

function readCheck(c: Ctx, item: Node | null, field: string, id: string): CheckSpec | undefined {
  const r = c.r;
  let textNode: Node | null = item;
  let textField = field;
  let at: Nanos | undefined;
  let hint: string | undefined;
  if (r.isMap(item)) {
    const entries = r.map(item, field, CHECK_KEYS) ?? [];
    const checkE = entries.find((e) => e.key === "check");
    if (!checkE) {
      r.error(item, field, "a check needs `check:` (the sentence, e.g. 'vm4 reaches vm9')");
      return undefined;
    }
    textNode = checkE.value;
    textField = checkE.field;
    const atE = entries.find((e) => e.key === "at");
    if (atE) {
      at = c.time(atE.value, atE.field);
      if (at === undefined) return undefined;
    }
    const hintE = entries.find((e) => e.key === "hint");
    if (hintE) hint = r.text(hintE.value, hintE.field, "a hint for students");
  }
  const text = r.text(textNode, textField, "a check such as 'vm4 reaches vm9'");
  if (text === undefined) return undefined;
  const body = parsedAt(r, textNode, textField, parseCheckText(text));
  if (!body || !checkNames(c, body, textNode, textField)) return undefined;
  const spec: CheckSpec = { ...body, id, text: text.trim(), pos: r.pos(textNode, textField) };
  if (at !== undefined) spec.at = at;
  if (hint !== undefined) spec.hint = hint;
  return spec;
}

/** Every name a check mentions is a node of the topology (or an address where one may stand). */
function checkNames(c: Ctx, b: CheckBody, at: Node | null, field: string): boolean {
  switch (b.kind) {
    case "reach":
      return c.node(b.from, at, field) && c.nodeOrAddress(b.to, at, field);
    case "path":
      return (
        c.node(b.from, at, field) &&
        c.nodeOrAddress(b.to, at, field) &&
        [...b.via, ...b.avoid].every((n) => c.node(n, at, field))
      );
    case "route":
      return c.node(b.node, at, field) && (b.gateway === undefined || c.nodeOrAddress(b.gateway, at, field));
    case "ran":
      return b.node === undefined || c.node(b.node, at, field);
    case "lost":
      return true;
    case "connect":
      return (
        c.node(b.from, at, field) &&
        c.nodeOrAddress(b.to, at, field) &&
        (b.on === undefined || c.node(b.on, at, field))
      );
    case "ssh":
      return c.node(b.from, at, field) && c.nodeOrAddress(b.to, at, field) && c.node(b.on, at, field);
    case "captured":
      return c.node(b.from, at, field) && c.nodeOrAddress(b.to, at, field);
  }
}

/** Reads the lesson sections of a routelab YAML topology onto it (the parser's hook). */
export function attachLesson(r: YamlReader, topo: Topology, diag: Diagnostics): Topology {
  const top = r.map(r.root, "", null) ?? [];
  const lesson = readLessonSections(r, top, topo);
  diag.throwIfAny();
  if (lesson) topo.lesson = lesson;
  return topo;
}
