/**
 * @module topology/lesson-grammar
 * The sentences of a lesson: checks (`vm4 reaches vm9`, `vm1 → vm6 via vm3`,
 * `vm1 has 10.0.60.0/24 metric 3`, `no packet lost after 2m`, `alice ran traceroute vm6`) and
 * scheduled commands (`alice@vm4: traceroute vm9`). Teachers write these, so the grammar reads
 * as English, accepts `→` and `->` alike, and a sentence it cannot read gets a message listing
 * the forms it can. Names are checked against the topology by parse-lesson.ts, not here.
 */
import { formatPrefix } from "../core/ip.js";
import type { Nanos } from "../core/time.js";
import type { CheckBody, LostCheck } from "./lesson-model.js";
import { limitText, MAX_DURATION } from "../core/limits.js";
import { type Parsed, parseDurationText, parseRouteDest } from "./values.js";

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

export const CHECK_FORMS =
  "'A reaches B', 'A cannot reach B', 'A -> B via C', 'A has PREFIX [metric N] [via GW]', " +
  "'A connects to B port P [on NODE]', 'A ssh B lands on NODE', 'capture shows A connecting to B port P', " +
  "'A has no route to PREFIX', 'no packet lost [after T]' or 'USER|anyone|every student ran COMMAND [on NODE] [after T]'";

const USER_RE = /^[a-z_][a-z0-9_-]{0,31}$/i;

/**
 * A moment or span on the lesson clock: `30s`, `2m`, and compounds such as `3m30s` or `1h5m`
 * (how teachers write times on a timeline).
 */
export function parseLessonTime(text: string): Parsed<Nanos> {
  const t = text.trim();
  if (/^(\d+(\.\d+)?(h|m|s|ms)){2,}$/.test(t)) {
    let sum = 0;
    for (const m of t.matchAll(/(\d+(?:\.\d+)?)(h|m|s|ms)/g)) {
      const p = parseDurationText(`${m[1]}${m[2]}`);
      if (!p.ok) return p;
      sum += p.value;
    }
    if (sum > MAX_DURATION)
      return { ok: false, error: `'${t}' is longer than the longest duration, ${limitText(MAX_DURATION)}` };
    return ok(sum);
  }
  return parseDurationText(t);
}

/** Words of a sentence; `→`/`->` become their own word `->`, commas separate like spaces. */
function words(text: string): string[] {
  return text
    .replace(/→|->/g, " -> ")
    .replace(/,/g, " ")
    .split(/\s+/)
    .filter((w) => w !== "");
}

/** Parses one check sentence. */
export function parseCheckText(text: string): Parsed<CheckBody> {
  const w = words(text);
  const kw = w.map((x) => x.toLowerCase());
  if (w.length === 0) return fail("empty check");
  if (kw.includes("lost")) return parseLost(w, kw);
  if (kw[1] === "->") return parsePath(w, kw);
  if (kw[1] === "reaches" || (kw[1] === "can" && kw[2] === "reach")) {
    const to = w[kw[1] === "can" ? 3 : 2];
    if (to === undefined || w.length !== (kw[1] === "can" ? 4 : 3))
      return fail(`write 'A reaches B' (one node or address each side)`);
    return ok({ kind: "reach", from: w[0]!, to, negate: false });
  }
  if (
    (kw[1] === "cannot" && kw[2] === "reach") ||
    (kw[1] === "does" && kw[2] === "not" && kw[3] === "reach")
  ) {
    const n = kw[1] === "cannot" ? 3 : 4;
    if (w.length !== n + 1) return fail(`write 'A cannot reach B' (one node or address each side)`);
    return ok({ kind: "reach", from: w[0]!, to: w[n]!, negate: true });
  }
  if (kw[1] === "has") return parseRoute(w, kw);
  if (kw[1] === "connects" || (kw[1] === "cannot" && kw[2] === "connect")) return parseConnect(w, kw);
  if (kw[1] === "ssh") {
    if (w.length !== 6 || kw[3] !== "lands" || kw[4] !== "on") return fail("write 'A ssh B lands on NODE'");
    return ok({ kind: "ssh", from: w[0]!, to: w[2]!, on: w[5]! });
  }
  if (kw[0] === "capture" && kw[1] === "shows") return parseCaptured(w, kw);
  const each = (kw[0] === "every" || kw[0] === "each") && kw[1] === "student" && kw[2] === "ran";
  if (kw[1] === "ran" || each) {
    const anyone = each || kw[0] === "anyone" || kw[0] === "someone";
    if (!anyone && !USER_RE.test(w[0]!)) return fail(`'${w[0]}' is not a user name`);
    const who = each ? `${w[0]} ${w[1]}` : w[0]!;
    let rest = w.slice(each ? 3 : 2);
    let node: string | undefined;
    let after: Nanos | undefined;
    // Trailing `on NODE` and `after T`, in either order.
    for (let k = 0; k < 2 && rest.length >= 3; k++) {
      const key = rest[rest.length - 2]!.toLowerCase();
      if (key === "on" && node === undefined) node = rest[rest.length - 1]!;
      else if (key === "after" && after === undefined) {
        const d = parseLessonTime(rest[rest.length - 1]!);
        if (!d.ok) return d;
        after = d.value;
      } else break;
      rest = rest.slice(0, -2);
    }
    if (rest.length === 0) return fail(`write '${who} ran COMMAND', e.g. '${who} ran traceroute vm6'`);
    const c: CheckBody = { kind: "ran", words: rest };
    if (!anyone) c.user = w[0]!;
    if (each) c.each = true;
    if (node !== undefined) c.node = node;
    if (after !== undefined) c.after = after;
    return ok(c);
  }
  return fail(`'${text}' is not a check: write ${CHECK_FORMS}`);
}

/** `A connects to B port P [on NODE]`, `A cannot connect to B port P`. */
function parseConnect(w: string[], kw: string[]): Parsed<CheckBody> {
  const negate = kw[1] === "cannot";
  const k = negate ? 3 : 2;
  const form = negate ? "'A cannot connect to B port P'" : "'A connects to B port P [on NODE]'";
  if (kw[k] !== "to" || kw[k + 2] !== "port" || w[k + 3] === undefined) return fail(`write ${form}`);
  const port = Number(w[k + 3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return fail(`port ${w[k + 3]} is not 1…65535`);
  const rest = kw.slice(k + 4);
  const c: CheckBody = { kind: "connect", from: w[0]!, to: w[k + 1]!, port, negate };
  if (rest.length === 2 && rest[0] === "on" && !negate) c.on = w[k + 5]!;
  else if (rest.length !== 0) return fail(`write ${form}`);
  return ok(c);
}

/** `capture shows A connecting to B port P`. */
function parseCaptured(w: string[], kw: string[]): Parsed<CheckBody> {
  const form = "write 'capture shows A connecting to B port P'";
  if (w.length !== 8 || kw[3] !== "connecting" || kw[4] !== "to" || kw[6] !== "port") return fail(form);
  const port = Number(w[7]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return fail(`port ${w[7]} is not 1…65535`);
  return ok({ kind: "captured", from: w[2]!, to: w[5]!, port });
}

/** `A -> B [via X Y…] [not via Z…]` (also `avoiding Z`). */
function parsePath(w: string[], kw: string[]): Parsed<CheckBody> {
  const to = w[2];
  if (to === undefined || to === "->") return fail("write 'A -> B via C'");
  const via: string[] = [];
  const avoid: string[] = [];
  let into: string[] | undefined;
  for (let i = 3; i < w.length; i++) {
    if (kw[i] === "via") into = via;
    else if (kw[i] === "not" && kw[i + 1] === "via") {
      into = avoid;
      i++;
    } else if (kw[i] === "avoiding") into = avoid;
    else if (kw[i] === "then" && into === via) continue;
    else if (into && kw[i] !== "->") into.push(w[i]!);
    else return fail(`unexpected '${w[i]}': write 'A -> B via C [D…]' or 'A -> B not via C'`);
  }
  if (into && into.length === 0) return fail("'via' needs at least one node after it");
  return ok({ kind: "path", from: w[0]!, to, via, avoid });
}

/** `A has PREFIX [metric N] [via GW]`, `A has a route to PREFIX …`, `A has no route to PREFIX`. */
function parseRoute(w: string[], kw: string[]): Parsed<CheckBody> {
  let i = 2;
  let absent = false;
  if (kw[i] === "no") {
    absent = true;
    i++;
  } else if (kw[i] === "a") i++;
  if (kw[i] === "route" && kw[i + 1] === "to") i += 2;
  const destText = w[i];
  if (destText === undefined) return fail("write 'A has PREFIX [metric N] [via GW]'");
  const dest = parseRouteDest(destText);
  if (!dest.ok) return dest;
  const c: CheckBody = { kind: "route", node: w[0]!, dest: formatPrefix(dest.value), absent };
  for (i++; i < w.length; i += 2) {
    const v = w[i + 1];
    if (absent) return fail(`'has no route to ${destText}' takes nothing after the prefix`);
    if (kw[i] === "metric" && v !== undefined && /^\d+$/.test(v)) c.metric = Number(v);
    else if (kw[i] === "via" && v !== undefined) c.gateway = v;
    else return fail(`unexpected '${w[i]}': write 'A has PREFIX [metric N] [via GW]'`);
  }
  return ok(c);
}

/** `no packet lost`, `at most N packets lost`, `at least N …`, `exactly N …`, `N packets lost`. */
function parseLost(w: string[], kw: string[]): Parsed<CheckBody> {
  let i = 0;
  let op: LostCheck["op"] = "exactly";
  let count: number;
  const num = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);
  if (kw[0] === "no") {
    op = "at-most";
    count = 0;
    i = 1;
  } else {
    if (kw[0] === "at" && (kw[1] === "most" || kw[1] === "least")) {
      op = kw[1] === "most" ? "at-most" : "at-least";
      i = 2;
    } else if (kw[0] === "exactly") i = 1;
    const n = num(kw[i]);
    if (n === undefined) return fail(`write 'no packet lost' or 'at most N packets lost' (N a number)`);
    count = n;
    i++;
  }
  if (kw[i] !== "packet" && kw[i] !== "packets") return fail("write '… packets lost'");
  i++;
  const c: LostCheck = { kind: "lost", op, count };
  const dur = (s: string | undefined): Parsed<Nanos> =>
    s === undefined ? fail("a time is missing (e.g. 2m)") : parseLessonTime(s);
  let sawLost = false;
  while (i < w.length) {
    const k = kw[i];
    if (k === "lost" && !sawLost) {
      sawLost = true;
      i++;
    } else if (k === "by" && w[i + 1] !== undefined && USER_RE.test(w[i + 1]!)) {
      c.user = w[i + 1]!;
      i += 2;
    } else if (k === "after" || k === "before") {
      const d = dur(w[i + 1]);
      if (!d.ok) return d;
      c[k] = d.value;
      i += 2;
    } else if (k === "between" && kw[i + 2] === "and") {
      const a = dur(w[i + 1]);
      if (!a.ok) return a;
      const b = dur(w[i + 3]);
      if (!b.ok) return b;
      c.after = a.value;
      c.before = b.value;
      i += 4;
    } else return fail(`unexpected '${w[i]}': write '… packets lost [by USER] [after T] [before T]'`);
  }
  if (!sawLost) return fail("write '… packets lost'");
  if (c.after !== undefined && c.before !== undefined && c.after >= c.before)
    return fail("the time window is empty (after ≥ before)");
  return ok(c);
}

/** `[USER@]NODE: COMMAND` — a command the schedule runs, as scenario scripts write it. */
export function parseRunText(text: string): Parsed<{ user: string; node: string; command: string }> {
  const m = /^\s*(?:([^@\s:]+)@)?([^\s:]+):\s*(.*?)\s*$/.exec(text);
  if (!m) return fail(`'${text}' is not a command: write 'NODE: COMMAND', e.g. 'vm4: traceroute vm9'`);
  const user = m[1] ?? "root";
  if (!USER_RE.test(user)) return fail(`bad user name '${user}'`);
  if (m[3] === "") return fail(`missing command after '${m[2]}:'`);
  return ok({ user, node: m[2]!, command: m[3]! });
}
