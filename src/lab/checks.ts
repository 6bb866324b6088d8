/**
 * @module lab/checks
 * Evaluates a lesson's checks against a lab (issue 9, "Exercises"): each comes out pass, fail
 * or pending (its moment has not come yet), with a reason a student can act on. The results are
 * plain JSON, for `routelab grade`'s report and for the page, which shows them live.
 *
 * A check with no `at:` is due when the session ends. Live, before then, it shows pass as soon
 * as it holds and pending (with what it sees now) while it does not: `alice ran ping vm9` is not
 * failed at 0:02 because alice has not typed yet. The exception is a loss count already too
 * high, which no later moment can mend (judgeLost).
 *
 * - reach / path: probed with real pings in a lab as it was at the check's moment
 *   (`env.labAt`, a throwaway copy in the simulator), following the packets hop by hop;
 * - route: the node's routing table at that moment;
 * - lost: drops recorded on the event stream (lab/checks-record.ts) within the time window;
 * - ran: the commands recorded, matched word by word (a node's name also matches its addresses);
 * - connect / ssh: probed with `nc -z` / the in-lab ssh in a throwaway copy (checks-connect.ts);
 * - captured: the TCP connections the run opened, from the record.
 */
import { formatDuration, type Nanos } from "../core/time.js";
import type {
  CheckSpec,
  LostCheck,
  PathCheck,
  RanCheck,
  ReachCheck,
  RouteCheck,
} from "../topology/lesson-model.js";
import type { CheckRecord } from "./checks-record.js";
import { judgeCaptured, judgeConnect, judgeSsh } from "./checks-connect.js";
import { PROBE_USER, type ProbeResult, probe } from "./checks-probe.js";
import type { Lab } from "./lab.js";

export type CheckStatus = "pass" | "fail" | "pending";

/** One check's verdict, JSON-ready. */
export interface CheckResult {
  id: string;
  text: string;
  kind: CheckSpec["kind"];
  status: CheckStatus;
  /** Why: what was seen (the path taken, the route found, the losses counted, …). */
  reason: string;
  /** The student this check is about (`alice ran …`, `… lost by alice`). */
  user?: string;
  /** When it is evaluated, when not at the end. */
  at?: Nanos;
  hint?: string;
  /** Line of the file that states it. */
  line?: number;
}

export interface CheckEnv {
  /** The lab as it is now (the end of a graded run, or the live lab). */
  lab: Lab;
  record: CheckRecord;
  /**
   * A lab as it was at `t` (≤ now) in which probes may be sent; undefined for `t` = now means
   * "probe a copy of now". Labs returned here are closed by the evaluator.
   */
  labAt(t: Nanos): Promise<Lab>;
  /**
   * The run is over (grading): windows still open are judged, and checks whose moment never
   * came fail. Live evaluation leaves them pending.
   */
  final: boolean;
}

/** Evaluates every check, in order (probes run one after another, each in its own copy). */
export async function evaluateChecks(checks: readonly CheckSpec[], env: CheckEnv): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const c of checks) {
    if (c.kind === "ran" && c.each) out.push(...(await perStudent(c, env)));
    else out.push(await evaluateCheck(c, env));
  }
  return out;
}

/** The students of a session: every user but root (and the checker) who ran a command. */
export function studentsOf(record: CheckRecord): string[] {
  const seen = new Set<string>();
  for (const c of record.commands) if (c.user !== "root" && c.user !== PROBE_USER) seen.add(c.user);
  return [...seen];
}

/** `every student ran …`: one result per student (`c3:alice`), or one failure when there is none. */
async function perStudent(c: CheckSpec & RanCheck, env: CheckEnv): Promise<CheckResult[]> {
  const students = studentsOf(env.record);
  if (students.length === 0) {
    const r = await evaluateCheck({ ...c, each: false }, env);
    return [
      { ...r, status: r.status === "pending" ? "pending" : "fail", reason: "no student has run a command" },
    ];
  }
  const out: CheckResult[] = [];
  for (const user of students)
    out.push(await evaluateCheck({ ...c, each: false, user, id: `${c.id}:${user}` }, env));
  return out;
}

export async function evaluateCheck(c: CheckSpec, env: CheckEnv): Promise<CheckResult> {
  const now = env.lab.clock().now;
  const base: CheckResult = { id: c.id, text: c.text, kind: c.kind, status: "pending", reason: "" };
  if (c.at !== undefined) base.at = c.at;
  if (c.hint !== undefined) base.hint = c.hint;
  if (c.pos.line !== undefined) base.line = c.pos.line;
  if ((c.kind === "ran" || c.kind === "lost") && c.user !== undefined) base.user = c.user;
  const t = c.at ?? now;
  if (t > now) {
    const why = env.final
      ? {
          status: "fail" as const,
          reason: `the run ended at ${formatDuration(now)}, before ${formatDuration(t)}`,
        }
      : { status: "pending" as const, reason: `evaluated at ${formatDuration(t)}` };
    return { ...base, ...why };
  }
  const verdict = await judge(c, t, env);
  // Not yet due (see the module comment): live, a failing end-of-session check is pending.
  if (c.at === undefined && !env.final && verdict.status === "fail" && c.kind !== "lost")
    return { ...base, status: "pending", reason: `${verdict.reason} (judged at the end)` };
  return { ...base, ...verdict };
}

type Verdict = { status: CheckStatus; reason: string };
const verdict = (ok: boolean, reason: string): Verdict => ({ status: ok ? "pass" : "fail", reason });

async function judge(c: CheckSpec, t: Nanos, env: CheckEnv): Promise<Verdict> {
  switch (c.kind) {
    case "reach":
      return withLab(env, t, (lab) => judgeReach(c, lab));
    case "path":
      return withLab(env, t, (lab) => judgePath(c, lab));
    case "route":
      return t === env.lab.clock().now
        ? judgeRoute(c, env.lab)
        : withLab(env, t, async (lab) => judgeRoute(c, lab));
    case "lost":
      return judgeLost(c, env);
    case "ran":
      return judgeRan(c, t, env);
    case "connect":
      return withLab(env, t, async (lab) => {
        const v = await judgeConnect(c, lab);
        return verdict(v.ok, v.reason);
      });
    case "ssh":
      return withLab(env, t, async (lab) => {
        const v = await judgeSsh(c, lab);
        return verdict(v.ok, v.reason);
      });
    case "captured": {
      const v = judgeCaptured(c, t, env.lab, env.record);
      return verdict(v.ok, v.reason);
    }
  }
}

async function withLab(env: CheckEnv, t: Nanos, fn: (lab: Lab) => Promise<Verdict>): Promise<Verdict> {
  const lab = await env.labAt(t);
  try {
    return await fn(lab);
  } finally {
    if (lab !== env.lab) await lab.close();
  }
}

const arrow = (path: string[]) => path.join(" → ");

function dropText(d: NonNullable<ProbeResult["drop"]>): string {
  const what = d.cls === "echo-reply" ? "the reply" : d.cls === "echo-request" ? "the request" : "a packet";
  return `${what} died at ${d.node} (${d.reason})`;
}

async function judgeReach(c: ReachCheck, lab: Lab): Promise<Verdict> {
  const p = await probe(lab, c.from, c.to);
  const died = p.drop ? `: ${dropText(p.drop)}` : "";
  const seen = p.reached
    ? `ping ${p.target} answered (${arrow(p.path)})`
    : `ping ${p.target} got no answer${died || ` (path ${arrow(p.path)})`}`;
  return verdict(p.reached !== c.negate, seen);
}

async function judgePath(c: PathCheck, lab: Lab): Promise<Verdict> {
  const p = await probe(lab, c.from, c.to);
  if (!p.reached) {
    const died = p.drop ? `; ${dropText(p.drop)}` : "";
    return verdict(false, `no answer from ${c.to}: the request went ${arrow(p.path)}${died}`);
  }
  const inner = p.path.slice(1, -1);
  let i = 0;
  for (const v of c.via) {
    const j = inner.indexOf(v, i);
    if (j < 0) return verdict(false, `path was ${arrow(p.path)}, not via ${v}`);
    i = j + 1;
  }
  const bad = c.avoid.find((a) => inner.includes(a));
  if (bad) return verdict(false, `path was ${arrow(p.path)}, through ${bad}`);
  return verdict(true, `path ${arrow(p.path)}`);
}

function gatewayMatches(lab: Lab, gateway: string, want: string): boolean {
  if (gateway === want) return true;
  const n = lab.nodes().find((x) => x.name === want);
  return !!n && n.interfaces.some((i) => i.addr === gateway);
}

async function judgeRoute(c: RouteCheck, lab: Lab): Promise<Verdict> {
  const r = lab.routes(c.node).find((x) => x.dest === c.dest);
  const has = (x: NonNullable<typeof r>) =>
    `${c.node} has ${x.dest} via ${x.gateway} metric ${x.metric} (${x.source})`;
  if (c.absent) return verdict(!r, r ? has(r) : `${c.node} has no route to ${c.dest}`);
  if (!r) return verdict(false, `${c.node} has no route to ${c.dest}`);
  if (c.metric !== undefined && r.metric !== c.metric) return verdict(false, has(r));
  if (c.gateway !== undefined && !gatewayMatches(lab, r.gateway, c.gateway)) return verdict(false, has(r));
  return verdict(true, has(r));
}

function judgeLost(c: LostCheck, env: CheckEnv): Verdict {
  const now = env.lab.clock().now;
  const from = c.after ?? 0;
  const to = c.before ?? Number.POSITIVE_INFINITY;
  if (now < from && !env.final) return { status: "pending", reason: `counting from ${formatDuration(from)}` };
  const lost = env.record.losses.filter(
    (e) => e.t >= from && e.t < to && (c.user === undefined || e.user === c.user),
  );
  const open = !env.final && now < to;
  const n = lost.length;
  const first = lost[0];
  const seen =
    n === 0
      ? "no packet lost"
      : `${n} packet${n === 1 ? "" : "s"} lost, first at ${formatDuration(first!.t)} at ${first!.node} (${first!.reason}: ${first!.summary})`;
  const want = c.op === "at-most" ? n <= c.count : c.op === "at-least" ? n >= c.count : n === c.count;
  // While the window is open a count can still grow: only "too many" is final.
  if (open && (c.op === "at-least" || c.op === "exactly") && !want && n < c.count)
    return { status: "pending", reason: seen };
  return verdict(want, seen);
}

/**
 * Words of a command match the wanted words: same program, then each wanted word in order.
 * Shell quotes are dropped first, so `vtysh -c "show ip ospf neighbor"` has the words
 * show … neighbor that `ran vtysh show ip ospf neighbor` asks for.
 */
function commandMatches(lab: Lab, command: string, want: readonly string[]): boolean {
  const words = command.replace(/["']/g, " ").trim().split(/\s+/);
  if (words[0] !== want[0]) return false;
  let i = 1;
  for (const w of want.slice(1)) {
    while (i < words.length && !gatewayMatches(lab, words[i]!, w)) i++;
    if (i >= words.length) return false;
    i++;
  }
  return true;
}

function judgeRan(c: RanCheck, t: Nanos, env: CheckEnv): Verdict {
  const mine = env.record.commands.filter(
    (x) =>
      x.t <= t &&
      x.t >= (c.after ?? 0) &&
      (c.user === undefined || x.user === c.user) &&
      (c.node === undefined || x.node === c.node),
  );
  const hit = mine.find((x) => commandMatches(env.lab, x.command, c.words));
  if (hit) return verdict(true, `${hit.user}@${hit.node} ran '${hit.command}' at ${formatDuration(hit.t)}`);
  const since = c.after !== undefined ? ` after ${formatDuration(c.after)}` : "";
  const none = c.user ? `${c.user} ran no command` : "nobody ran a command";
  if (mine.length === 0) return verdict(false, `${none}${c.node ? ` on ${c.node}` : ""}${since}`);
  const last = mine.slice(-3).map((x) => `'${x.command}' on ${x.node}`);
  return verdict(false, `${c.user ?? "they"} ran ${mine.length > 3 ? "…, " : ""}${last.join(", ")}`);
}
