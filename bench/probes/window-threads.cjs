// Preload (`node --expose-gc --require ./bench/probes/window-threads.cjs BUILD/bundle/child.js
// JOB`): each thread's time on a CPU (Linux schedstat) inside the windows a workload times with
// `c = process.cpuUsage(); …; process.cpuUsage(c)` — the RIP workload's `runUntil` slices, whose
// sum is the bench's "process CPU" — printed at exit on standard error as one line
// `THREADS {"window": {…}, "first": {…}, "total": {…}}`: ms per thread, keyed "main" or the
// thread's name, then its id; "first" is the first window alone (the RIP workload's first 10
// simulated seconds), "total" the whole process. Works on any saved build (node_modules/.cache/
// routelab-ab/NAME) without rebuilding it: where the process CPU beyond the simulation's thread
// goes — V8's compiler and GC threads (docs/performance.md, issue 19, helper s10f).
// With WINDOW_MARK=1 it also writes `WINDOW-OPEN` on standard output when the first window opens
// and `WINDOW-FIRST-END` when it closes, so that `--trace-opt` / `--trace-gc` lines can be split
// into before, first window, and after. Reading /proc costs the main thread ~2 ms a window, inside
// this probe's own "main" row but outside the child's figures; its functions add a few compiles
// (the same in every build). Linux only; elsewhere it prints nothing.
"use strict";
const { readdirSync, readFileSync, writeSync } = require("node:fs");

function threads() {
  const out = new Map();
  let tasks;
  try {
    tasks = readdirSync("/proc/self/task");
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      const ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      const name =
        tid === String(process.pid) ? "main" : readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim();
      out.set(tid, { ns, name });
    } catch {
      // a thread that ended meanwhile
    }
  }
  return out;
}

const cpuUsage = process.cpuUsage.bind(process);
const inWindow = new Map();
/** The first window alone (the RIP workload's first 10 simulated seconds: convergence, most compiles). */
const firstWindow = new Map();
let open = null;
let marked = false;
let closedOne = false;
process.cpuUsage = (previous) => {
  if (previous === undefined) {
    if (!marked && process.env.WINDOW_MARK) writeSync(1, "WINDOW-OPEN\n");
    marked = true;
    open = threads();
    return cpuUsage();
  }
  const usage = cpuUsage(previous);
  if (open !== null) {
    for (const [tid, now] of threads()) {
      const before = open.get(tid)?.ns ?? 0;
      const key = `${now.name}:${tid}`;
      inWindow.set(key, (inWindow.get(key) ?? 0) + now.ns - before);
      if (!closedOne) firstWindow.set(key, now.ns - before);
    }
    if (!closedOne && process.env.WINDOW_MARK) writeSync(1, "WINDOW-FIRST-END\n");
    closedOne = true;
    open = null;
  }
  return usage;
};

process.on("exit", () => {
  const ms = (ns) => Math.round(ns / 1e6);
  const window = Object.fromEntries([...inWindow].map(([k, ns]) => [k, ms(ns)]));
  const first = Object.fromEntries([...firstWindow].map(([k, ns]) => [k, ms(ns)]));
  const total = Object.fromEntries([...threads()].map(([tid, t]) => [`${t.name}:${tid}`, ms(t.ns)]));
  if (Object.keys(total).length > 0)
    process.stderr.write(`THREADS ${JSON.stringify({ window, first, total })}\n`);
});
