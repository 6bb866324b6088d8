/**
 * `routelab up --sim-nice N` (issue 23): the simulation's worker thread runs at nice N (default
 * 10), so the server's thread gets the CPU first; the server's other threads keep the process's
 * own value; 0 and `--sim-thread main` leave every thread alone; a bad value is refused with a
 * message naming the option. Read from the kernel: /proc/PID/task/TID/stat's field 19.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { taskNice } from "../../src/server/thread-nice.js";
import { startUp, type UpProcess } from "./up-process.js";

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "routelab.js");
const dir = mkdtempSync(join(tmpdir(), "routelab-up-nice-"));
const running: UpProcess[] = [];
afterAll(async () => {
  for (const r of running) await r.stop();
  rmSync(dir, { recursive: true, force: true });
});

let labs = 0;
function up(args: string[], env: NodeJS.ProcessEnv = {}): Promise<UpProcess> {
  const argv = [BIN, "up", join(ROOT, "examples", "seed.yaml"), "--http", "0", "--no-ssh"];
  argv.push("--state", join(dir, `lab-${++labs}`), ...args);
  return startUp(process.execPath, argv, { cwd: dir, env: { ...process.env, ...env } });
}

/** Each thread of the process's nice value, by how many threads have it. */
function niceCounts(pid: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const n = taskNice(Number(tid), `/proc/${pid}/task/${tid}/stat`);
    counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  return counts;
}

describe.runIf(process.platform === "linux")("routelab up --sim-nice", () => {
  const base = taskNice(process.pid);

  for (const [args, nice] of [
    [[], 10],
    [["--sim-nice", "15"], 15],
  ] as const)
    it(`${args.join(" ") || "by default"}: one thread, the simulation's, at nice ${nice}`, async () => {
      const r = await up([...args]);
      running.push(r);
      const counts = niceCounts(r.child.pid!);
      const want = Math.max(nice, base);
      expect(counts.get(want)).toBe(1);
      // The main thread (its tid is the pid) answers the page: it keeps the process's value.
      expect(taskNice(r.child.pid!, `/proc/${r.child.pid}/task/${r.child.pid}/stat`)).toBe(base);
      expect(r.stderr()).not.toContain("--sim-nice");
      await r.stop();
    }, 60_000);

  for (const [args, env] of [
    [["--sim-nice", "0"], {}],
    [[], { ROUTELAB_SIM_NICE: "0" }],
    [["--sim-thread", "main"], {}],
  ] as const)
    it(`${args.join(" ")}${JSON.stringify(env)}: every thread keeps the process's nice value`, async () => {
      const r = await up([...args], env);
      running.push(r);
      expect([...niceCounts(r.child.pid!).keys()]).toEqual([base]);
      await r.stop();
    }, 60_000);

  it("refuses a value that is not 0-19, naming the option", async () => {
    for (const [args, env, bad] of [
      [["--sim-nice", "abc"], {}, "abc"],
      [["--sim-nice", "20"], {}, "20"],
      [["--sim-nice", "-1"], {}, "-1"],
      [[], { ROUTELAB_SIM_NICE: "1.5" }, "1.5"],
    ] as const)
      await expect(up([...args], env)).rejects.toThrow(
        `exited (2) before its banner: routelab: --sim-nice: '${bad}' must be a whole number from 0 (off) to 19, the lowest priority (--sim-nice or ROUTELAB_SIM_NICE)`,
      );
  }, 60_000);
});
