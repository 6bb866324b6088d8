/**
 * @module cli/run
 * `routelab run TOPOLOGY --script FILE`: boot unpaced, run the scenario, print, exit.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { LabError } from "../core/errors.js";
import { MINUTE } from "../core/time.js";
import { createSimLab } from "../engines/sim/index.js";
import { playLessonEvents } from "../engines/sim/lesson.js";
import type { Lab } from "../lab/lab.js";
import { parseScenario, runScenario } from "../lab/scenario.js";
import { quietInterval } from "../topology/index.js";
import { LINKTYPE_ETHERNET, pcapFileHeader, pcapRecord } from "../wire/index.js";
import { loadTopologyFile, readText } from "./io.js";
import { netnsOptions } from "./netns-options.js";
import { terminalProgress } from "./progress.js";
import { applyRunHeapPolicy } from "./heap-policy.js";

export interface RunArgs {
  topology: string;
  script: string;
  seed: number;
  capture?: string | undefined;
  events?: string | undefined;
  /** `sim` (default) or `netns` (Linux namespaces + FRR, root). */
  engine?: "sim" | "netns" | undefined;
  /** Namespace name prefix of a netns lab (default rl-<lab name>). */
  prefix?: string | undefined;
  out: (s: string) => void;
  err: (s: string) => void;
  /** Aborted when nobody reads the output any more: the run stops at the next event. */
  stop?: AbortSignal | undefined;
}

export async function runRun(a: RunArgs): Promise<number> {
  applyRunHeapPolicy();
  const topo = loadTopologyFile(a.topology);
  const scriptName = a.script === "-" ? "<stdin>" : a.script;
  const stmts = parseScenario(
    readText(a.script, "script"),
    scriptName,
    new Set(topo.nodes.map((n) => n.name)),
    new Set(topo.segments?.map((x) => x.id)),
  );
  if (a.engine === "netns") return runNetns(a, topo, stmts, scriptName);
  const lab = createSimLab(topo, { seed: a.seed });
  const files: number[] = [];
  try {
    if (a.capture) {
      const dir = a.capture;
      try {
        mkdirSync(dir, { recursive: true });
      } catch (e) {
        throw new LabError(
          `--capture: cannot create directory: ${(e as Error).message}`,
          { file: dir },
          "usage",
        );
      }
      const fds = new Map<string, number>();
      for (const l of lab.links()) {
        const fd = openSync(join(dir, `${l.id.replace(/[^A-Za-z0-9_.#-]/g, "_")}.pcap`), "w");
        writeSync(fd, pcapFileHeader(LINKTYPE_ETHERNET));
        fds.set(l.id, fd);
        files.push(fd);
      }
      lab.onWire((link, t, bytes) => writeSync(fds.get(link)!, pcapRecord(t, bytes)));
    }
    if (a.events) {
      const fd = openSync(a.events, "w");
      files.push(fd);
      lab.onEvent((e) => writeSync(fd, `${JSON.stringify(e)}\n`));
    }
    // A lesson's fault schedule plays on the simulator clock alongside the script; the run
    // lasts until its last change (and the commands it started) are over.
    const events = topo.lesson?.events ?? [];
    const played = events.length ? playLessonEvents(lab, events, a.out) : undefined;
    const progress = terminalProgress();
    const code = await runScenario(lab, stmts, scriptName, {
      write: progress.wrap(a.out),
      quietInterval: quietInterval(topo),
      progress: progress.update,
      stop: a.stop,
    });
    progress.done();
    if (played && !played.finished() && !a.stop?.aborted)
      await lab.advanceUntil(
        () => played.finished(),
        Math.max(0, played.end - lab.clock().now) + 10 * MINUTE,
      );
    return code;
  } finally {
    await lab.close();
    for (const fd of files) closeSync(fd);
  }
}

/** `run --engine netns`: the same scenario on real kernels (captures are the simulator's for now). */
async function runNetns(
  a: RunArgs,
  topo: ReturnType<typeof loadTopologyFile>,
  stmts: ReturnType<typeof parseScenario>,
  scriptName: string,
): Promise<number> {
  if (a.capture)
    throw new LabError("--capture works with the sim engine only", { field: "--capture" }, "usage");
  const lab: Lab = await (await import("../engines/netns/index.js")).createNetnsLab(topo, netnsOptions(a));
  const files: number[] = [];
  try {
    if (a.events) {
      const fd = openSync(a.events, "w");
      files.push(fd);
      lab.onEvent((e) => writeSync(fd, `${JSON.stringify(e)}\n`));
    }
    const progress = terminalProgress();
    try {
      return await runScenario(lab, stmts, scriptName, {
        write: progress.wrap(a.out),
        quietInterval: quietInterval(topo),
        progress: progress.update,
        stop: a.stop,
      });
    } finally {
      progress.done();
    }
  } finally {
    await lab.close();
    for (const fd of files) closeSync(fd);
  }
}
