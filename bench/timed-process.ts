/**
 * @module bench/timed-process
 * One process run to its end and timed as a user waits for it: wall seconds from spawn to exit,
 * and, through Debian's /usr/bin/time when it is there, its peak RSS and CPU seconds (user +
 * system). The command-line workloads and the ns-3 peers share it, so every process figure is
 * taken the same way.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export interface TimedProcess {
  r: SpawnSyncReturns<string>;
  wallSeconds: number;
  /** Peak resident set, when /usr/bin/time reported it. */
  maxRssBytes?: number;
  /** User + system CPU, when /usr/bin/time reported it. */
  cpuSeconds?: number;
}

export function runTimed(
  bin: string,
  args: readonly string[],
  o: { cwd?: string; maxBuffer: number },
): TimedProcess {
  const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
  const opts = {
    encoding: "utf8" as const,
    maxBuffer: o.maxBuffer,
    ...(o.cwd !== undefined ? { cwd: o.cwd } : {}),
  };
  const t0 = performance.now();
  const r = timeBin
    ? spawnSync(timeBin, ["-f", "maxrss-kb=%M cpu=%U+%S", bin, ...args], opts)
    : spawnSync(bin, args, opts);
  const out: TimedProcess = { r, wallSeconds: (performance.now() - t0) / 1000 };
  const rss = /maxrss-kb=(\d+)/.exec(r.stderr ?? "");
  if (rss) out.maxRssBytes = Number(rss[1]) * 1024;
  const cpu = /cpu=([\d.]+)\+([\d.]+)/.exec(r.stderr ?? "");
  if (cpu) out.cpuSeconds = Number(cpu[1]) + Number(cpu[2]);
  return out;
}
