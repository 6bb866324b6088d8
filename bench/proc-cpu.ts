/**
 * @module bench/proc-cpu
 * CPU seconds of this process's descendants whose command line names Chromium, by Chromium's
 * process type (browser, gpu-process, renderer, utility), read from /proc (Linux). The page's
 * bench needs all of them: without a GPU, Chromium's compositor runs in the GPU process, and a
 * page that saves its renderer's main thread work can cost the compositor more (session 9).
 */
import { readdirSync, readFileSync } from "node:fs";

export function chromiumCpu(): Record<string, number> {
  const procs = new Map<number, { ppid: number; cpu: number; type: string; chromium: boolean }>();
  let dirs: string[];
  try {
    dirs = readdirSync("/proc");
  } catch {
    return {};
  }
  for (const d of dirs) {
    if (!/^[0-9]+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, "utf8");
      const f = statFields(st);
      const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8");
      procs.set(Number(d), {
        ppid: Number(f[1]),
        cpu: statCpuSeconds(st),
        type: /--type=([a-z-]+)/.exec(cmd)?.[1] ?? "browser",
        chromium: /chrom/i.test(cmd.split("\0")[0] ?? ""),
      });
    } catch {
      // A process that ended while we looked.
    }
  }
  const ours = (pid: number): boolean => {
    for (let p = procs.get(pid)?.ppid ?? 0, i = 0; p > 1 && i < 64; i++, p = procs.get(p)?.ppid ?? 0)
      if (p === process.pid) return true;
    return false;
  };
  const out: Record<string, number> = {};
  for (const [pid, p] of procs) if (p.chromium && ours(pid)) out[p.type] = (out[p.type] ?? 0) + p.cpu;
  return out;
}

/** One process's resident memory now and at its peak (VmRSS, VmHWM), in MiB; NaN once it is gone. */
export function processMemoryMiB(pid: number): { rss: number; peak: number } {
  let status = "";
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return { rss: Number.NaN, peak: Number.NaN };
  }
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

/** One process's CPU seconds so far, all its threads (utime + stime); NaN once it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    return statCpuSeconds(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return Number.NaN;
  }
}

/** A /proc stat line's fields after the command's ")" (state is [0], ppid [1], utime [11]). */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** utime + stime of a /proc stat line, in seconds (clock ticks of 1/100 s, Linux's USER_HZ). */
function statCpuSeconds(stat: string): number {
  const f = statFields(stat);
  return (Number(f[11]) + Number(f[12])) / 100;
}
