// Preload (`node --require bench/probes/thread-cpu.cjs …`): at exit, every thread of the process
// with its time on a CPU and its time waiting for one (Linux schedstat, ms) and its number of
// time slices, on standard error — the first line is the main thread, the others V8's workers
// (compiler, GC) and libuv's. Where a run's wall goes beyond its simulation thread
// (docs/performance.md, issue 22). Linux only; elsewhere it prints nothing.
"use strict";
const { readdirSync, readFileSync } = require("node:fs");

process.on("exit", () => {
  let tasks;
  try {
    tasks = readdirSync("/proc/self/task");
  } catch {
    return;
  }
  const rows = [];
  for (const t of tasks) {
    try {
      const [run, wait, slices] = readFileSync(`/proc/self/task/${t}/schedstat`, "utf8")
        .trim()
        .split(" ")
        .map(Number);
      rows.push(
        `thread ${t}: on CPU ${(run / 1e6).toFixed(0)} ms, waiting ${(wait / 1e6).toFixed(0)} ms, ${slices} slices`,
      );
    } catch {
      // a thread that ended meanwhile
    }
  }
  process.stderr.write(`${rows.join("\n")}\n`);
});
