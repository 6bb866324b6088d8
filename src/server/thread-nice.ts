/**
 * @module server/thread-nice
 * A thread started here runs at a lower CPU priority than the one that started it (Linux only):
 * `routelab up` starts the simulation's worker thread through it, so that when the lab asks for
 * more than the CPU can simulate, the thread that answers the page, the API and SSH is served
 * first and the simulation's clock slows a little more instead (the header says "running at
 * 0.08×" either way).
 *
 * Linux keeps a nice value per thread: setpriority(PRIO_PROCESS, tid) — what `os.setPriority`
 * calls — applies to that one thread, and threads it starts later inherit it. Node's `Worker`
 * constructor creates its thread before it returns, and this thread runs nothing else meanwhile:
 * the one task that appears in /proc/self/task across the call is the worker's. Where that is
 * not so (no /proc, not Linux, no or several new tasks: another thread started one at the same
 * moment) nothing is changed, and the answer says why.
 *
 * On a Linux with autogroups (`/proc/sys/kernel/sched_autogroup_enabled`), a nice value weighs
 * only against the tasks of the same session: it gives this process's own threads the CPU
 * first, not programs started from other sessions (a browser on the same desktop).
 */
import { readdirSync, readFileSync } from "node:fs";
import { setPriority } from "node:os";

/** The nice values a thread can be lowered to: 0 (unchanged) to 19 (the lowest priority). */
export const MAX_NICE = 19;

/** `routelab up --sim-nice`'s default: the simulation's worker thread at nice 10. */
export const DEFAULT_SIM_NICE = 10;

/** What happened to the started thread's priority. */
export type ThreadNice = { tid: number; nice: number } | { skipped: string };

/** This process's tasks (threads) by id, or undefined where /proc/self/task cannot be read. */
function taskIds(): Set<string> | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    return new Set(readdirSync("/proc/self/task"));
  } catch {
    return undefined;
  }
}

/**
 * A task's nice value: field 19 of /proc/self/task/TID/stat (after the command's name, which
 * is in parentheses and may hold spaces).
 */
export function taskNice(tid: number, stat = `/proc/self/task/${tid}/stat`): number {
  const text = readFileSync(stat, "utf8");
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // Fields from the 3rd (state) on: the 19th is at index 16.
  return Number(fields[16]);
}

/**
 * Calls `start` (which must start exactly one thread, synchronously: `new Worker(…)`) and gives
 * the thread it started nice value `nice` (0 leaves it alone).
 */
export function startNiced<T>(nice: number, start: () => T): { started: T; nice: ThreadNice } {
  if (!Number.isInteger(nice) || nice < 0 || nice > MAX_NICE)
    throw new RangeError(`a thread's nice value is a whole number from 0 to ${MAX_NICE}, not ${nice}`);
  const before = nice > 0 ? taskIds() : undefined;
  const started = start();
  if (nice === 0) return { started, nice: { skipped: "not asked (0)" } };
  if (before === undefined) return { started, nice: { skipped: "no /proc/self/task (Linux only)" } };
  const fresh = [...(taskIds() ?? [])].filter((t) => !before.has(t));
  if (fresh.length !== 1)
    return {
      started,
      nice: { skipped: `${fresh.length} new threads, not one: which is the worker's is unknown` },
    };
  const tid = Number(fresh[0]);
  try {
    // Never raise its priority (that needs privileges): a process started at nice 15 keeps 15.
    const inherited = taskNice(tid);
    if (inherited >= nice) return { started, nice: { tid, nice: inherited } };
    setPriority(tid, nice);
    return { started, nice: { tid, nice: taskNice(tid) } };
  } catch (e) {
    return { started, nice: { skipped: `setpriority(${tid}, ${nice}): ${(e as Error).message}` } };
  }
}
