/**
 * @module engines/sim/lesson
 * A lesson on the simulator: the fault schedule on the lab's clock and the checks evaluated
 * against it, live (the page) or once a scripted run is over (`routelab grade`). Probes run in
 * forks of the lab (RewindableLab.fork), so evaluating checks — as often as the page likes —
 * never puts a packet into the network people are watching.
 */
import type { DropEvent } from "../../core/events.js";
import { MINUTE, type Nanos } from "../../core/time.js";
import { CheckRecord } from "../../lab/checks-record.js";
import { type CheckEnv, type CheckResult, evaluateChecks } from "../../lab/checks.js";
import { type PlayedSchedule, playSchedule } from "../../lab/lesson-schedule.js";
import type { LessonStatus, LessonView } from "../../lab/lesson-view.js";
import { runScenario, type Statement } from "../../lab/scenario.js";
import type { CheckSpec, Lesson, LessonEvent } from "../../topology/lesson-model.js";
import type { Topology } from "../../topology/model.js";
import { quietInterval } from "../../topology/index.js";
import { RewindableLab, type RewindableOptions } from "./rewind.js";
import type { SimLab } from "./sim-lab.js";

export type { LessonStatus } from "../../lab/lesson-view.js";

export class LessonSession implements LessonView {
  readonly record: CheckRecord;
  private readonly offRewind: () => void;
  /** Results of checks whose moment has passed (see evaluate). */
  private readonly settled = new Map<string, CheckResult>();

  /** Start it before the lab runs, so the record sees every event from t = 0. */
  constructor(
    readonly lab: RewindableLab,
    readonly checks: readonly CheckSpec[] = lab.topology.lesson?.checks ?? [],
  ) {
    this.record = new CheckRecord(lossCounted(checks)).attach(lab);
    this.offRewind = lab.onRewind((t) => {
      this.record.truncate(t);
      for (const c of this.checks) if (c.at !== undefined && c.at > t) this.settled.delete(c.id);
    });
  }

  env(final: boolean): CheckEnv {
    return { lab: this.lab, record: this.record, labAt: (t) => this.lab.fork(t), final };
  }

  /**
   * Every check now. `final`: the run is over (grading), so open windows are judged.
   *
   * Live, a probe or route check with an `at:` already past cannot change any more (its moment
   * is history) until the lab is rewound before it: its result is kept rather than re-probed,
   * so polling costs replays only for the checks about now.
   */
  async evaluate(final = false): Promise<CheckResult[]> {
    if (final) return evaluateChecks(this.checks, this.env(true));
    const env = this.env(false);
    const now = this.lab.clock().now;
    const out: CheckResult[] = [];
    for (const c of this.checks) {
      const kept = this.settled.get(c.id);
      if (kept) {
        out.push(kept);
        continue;
      }
      const rs = await evaluateChecks([c], env);
      const r = rs[0];
      if (
        rs.length === 1 &&
        r &&
        r.status !== "pending" &&
        c.at !== undefined &&
        c.at <= now &&
        c.kind !== "ran" &&
        c.kind !== "lost"
      )
        this.settled.set(c.id, r);
      out.push(...rs);
    }
    return out;
  }

  /** The JSON the page polls (or is pushed after each change). */
  async status(): Promise<LessonStatus> {
    const checks = await this.evaluate(false);
    return {
      now: this.lab.clock().now,
      horizon: this.lab.horizon(),
      schedule: this.lab.schedule(),
      checks,
    };
  }

  close(): void {
    this.record.detach();
    this.offRewind();
  }
}

/** Whether a lost packet is in some `lost` check's window and of its user (what judgeLost counts). */
function lossCounted(checks: readonly CheckSpec[]): (e: DropEvent) => boolean {
  const lost = checks.filter((c) => c.kind === "lost");
  return (e) =>
    lost.some(
      (c) =>
        e.t >= (c.after ?? 0) &&
        e.t < (c.before ?? Number.POSITIVE_INFINITY) &&
        (c.user === undefined || e.user === c.user),
    );
}

/**
 * Plays a fault schedule on a plain SimLab (`routelab run`), on its simulator clock; scheduled
 * commands print to `write` with a `[2m] vm4# traceroute vm9` line before their output.
 */
export function playLessonEvents(
  lab: SimLab,
  events: readonly LessonEvent[],
  write: (s: string) => void,
): PlayedSchedule {
  return playSchedule(lab, events, (t, fn) => lab.net.scheduler.at(t, fn), { write });
}

export interface GradeOptions {
  seed?: number;
  /** The run's output (the transcript); discarded when absent. */
  write?: (s: string) => void;
}

export interface GradeResult {
  /** The engine that ran the session (`sim` or `netns`). */
  engine: string;
  /** The scenario's own status (1 when a `wait converged` timed out). */
  runExit: number;
  /** When the run ended (virtual time). */
  end: Nanos;
  results: CheckResult[];
}

/**
 * Runs a student's scripted session on a lesson and judges its checks (`routelab grade`). The
 * session lasts at least until the lesson's last moment — its last scheduled change (and the
 * commands it started) and its latest `at:` check — so a short script is judged on the whole
 * lesson.
 */
export async function gradeScenario(
  topo: Topology,
  lesson: Lesson,
  stmts: Statement[],
  scriptName: string,
  o: GradeOptions = {},
): Promise<GradeResult> {
  const write = o.write ?? (() => {});
  const lab = new RewindableLab(topo, { seed: o.seed ?? 1, events: lesson.events, write });
  const session = new LessonSession(lab, lesson.checks);
  try {
    const runExit = await runScenario(lab, stmts, scriptName, {
      write,
      quietInterval: quietInterval(topo),
    });
    const last = Math.max(0, ...lesson.events.map((e) => e.at), ...lesson.checks.map((c) => c.at ?? 0));
    const now = lab.clock().now;
    if (last > now) await lab.advance(last - now);
    await lab.advanceUntil(() => lab.scheduleFinished(), 10 * MINUTE);
    const results = await session.evaluate(true);
    return { engine: lab.engine, runExit, end: lab.clock().now, results };
  } finally {
    session.close();
    await lab.close();
  }
}

/**
 * The lab `routelab up` should serve: rewindable, paced by `wallClock`, with the topology's
 * fault schedule on its clock and a LessonSession following it for live checks.
 */
export function createLessonLab(
  topo: Topology,
  opts: RewindableOptions = {},
): { lab: RewindableLab; session: LessonSession } {
  const lab = new RewindableLab(topo, opts);
  return { lab, session: new LessonSession(lab) };
}
