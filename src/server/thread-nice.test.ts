import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_NICE, startNiced, taskNice } from "./thread-nice.js";

const dir = mkdtempSync(join(tmpdir(), "routelab-thread-nice-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A worker that says which task it is, from the kernel's side: /proc/thread-self is a link to
// <pid>/task/<its tid>.
const WHO = `const { readlinkSync } = require("node:fs");
const { parentPort } = require("node:worker_threads");
parentPort.postMessage(Number(readlinkSync("/proc/thread-self").split("/").at(-1)));`;

/** Starts a worker through startNiced; resolves with what it gave and the tid the worker reports. */
async function started(nice: number) {
  const r = startNiced(nice, () => new Worker(WHO, { eval: true }));
  const tid = await new Promise<number>((resolve) => r.started.once("message", resolve));
  // The thread must still be there to read its nice value: read it before it ends.
  const niceNow = taskNice(tid);
  await r.started.terminate();
  return { nice: r.nice, tid, niceNow };
}

describe.runIf(process.platform === "linux")("startNiced (Linux)", () => {
  const base = taskNice(process.pid);

  it("gives the worker's own thread the nice value, and no other thread of the process", async () => {
    const want = Math.max(10, base);
    const r = await started(10);
    expect(r.nice).toEqual({ tid: r.tid, nice: want });
    expect(r.niceNow).toBe(want);
    expect(taskNice(process.pid)).toBe(base);
  });

  it("0 leaves the worker's thread at the process's nice value", async () => {
    const r = await started(0);
    expect(r.nice).toEqual({ skipped: "not asked (0)" });
    expect(r.niceNow).toBe(base);
  });

  it("refuses values outside 0-19", () => {
    for (const bad of [-1, 20, 1.5, Number.NaN])
      expect(() => startNiced(bad, () => undefined)).toThrow(`from 0 to ${MAX_NICE}, not ${bad}`);
  });

  it("leaves the thread alone when the start made no thread, or more than one", () => {
    expect(startNiced(5, () => 1).nice).toEqual({
      skipped: "0 new threads, not one: which is the worker's is unknown",
    });
    const two = startNiced(5, () => [new Worker("1", { eval: true }), new Worker("1", { eval: true })]);
    expect(two.nice).toEqual({ skipped: "2 new threads, not one: which is the worker's is unknown" });
    for (const w of two.started) void w.terminate();
  });
});

describe("taskNice", () => {
  it("reads field 19 after a command name holding spaces and parentheses", () => {
    const stat = join(dir, "stat");
    // state, then fields 4–17, priority (18), nice (19): as a thread at nice 16 has them.
    const after = "S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 36 16 1";
    writeFileSync(stat, `4242 (a (b) c) ${after} 99 100\n`);
    expect(taskNice(4242, stat)).toBe(16);
  });
});
