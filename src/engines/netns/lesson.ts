/**
 * @module engines/netns/lesson
 * `routelab grade --engine netns`: a student's scripted session on real kernels, its checks
 * judged as the simulator's grader judges them (engines/sim/lesson.ts) with one difference —
 * a netns lab cannot be copied or rewound, so every probe (reach, path, connect, ssh) runs in
 * the live lab: a check with `at:` is judged when the lab's clock reaches that moment (while
 * the script goes on), the others once the session is over. The probes' packets are on the
 * wire like anyone's (the checker's own user, PROBE_USER).
 */
import { MINUTE, MS, type Nanos } from "../../core/time.js";
import { CheckRecord } from "../../lab/checks-record.js";
import { type CheckEnv, type CheckResult, evaluateChecks } from "../../lab/checks.js";
import { playSchedule } from "../../lab/lesson-schedule.js";
import { runScenario, type Statement } from "../../lab/scenario.js";
import type { Lesson } from "../../topology/lesson-model.js";
import type { Topology } from "../../topology/model.js";
import { quietInterval } from "../../topology/index.js";
import type { GradeOptions, GradeResult } from "../sim/lesson.js";
import { createNetnsLab } from "./index.js";
import type { NetnsLab, NetnsLabOptions } from "./netns-lab.js";

export async function gradeOnNetns(
  topo: Topology,
  lesson: Lesson,
  stmts: Statement[],
  scriptName: string,
  o: GradeOptions & { netns?: NetnsLabOptions } = {},
): Promise<GradeResult> {
  const write = o.write ?? (() => {});
  const lab = await createNetnsLab(topo, o.netns ?? {});
  const record = new CheckRecord().attach(lab);
  const timers: ReturnType<typeof setTimeout>[] = [];
  // The lab's clock is wall time since boot: a moment `t` is (t - now) from here.
  const timer = (t: Nanos, fn: () => void) =>
    timers.push(setTimeout(fn, Math.max(0, (t - lab.clock().now) / MS)));
  const env = (final: boolean): CheckEnv => ({ lab, record, labAt: async () => lab, final });
  const timed = new Map<string, Promise<CheckResult[]>>();
  try {
    const played = playSchedule(lab, lesson.events, timer, { write });
    for (const c of lesson.checks)
      if (c.at !== undefined) {
        const at = c.at;
        timed.set(c.id, new Promise((resolve) => timer(at, () => resolve(evaluateChecks([c], env(false))))));
      }
    const runExit = await runScenario(lab, stmts, scriptName, { write, quietInterval: quietInterval(topo) });
    const last = Math.max(0, played.end, ...lesson.checks.map((c) => c.at ?? 0));
    const now = lab.clock().now;
    if (last > now) await lab.advance(last - now);
    await lab.advanceUntil(() => played.finished(), 10 * MINUTE);
    const results: CheckResult[] = [];
    for (const c of lesson.checks) {
      const early = timed.get(c.id);
      results.push(...(early ? await early : await evaluateChecks([c], env(true))));
    }
    return { engine: lab.engine, runExit, end: lab.clock().now, results };
  } finally {
    for (const t of timers) clearTimeout(t);
    record.detach();
    await (lab as NetnsLab).close();
  }
}
