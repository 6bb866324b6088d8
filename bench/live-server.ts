/**
 * `routelab up` as the live benches start it (bench/live-fanout.ts, bench/live-latency.ts):
 * `node bin/routelab.js up FILE --http 0 --no-ssh --log-level silent` from the repository
 * (dist/, built first), its stdout read until it says where it listens, and stopped again.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { REPO } from "./topologies.js";

export interface LiveServer {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** From the spawn to the line that says where it listens. */
  bootMs: number;
}

/**
 * Starts the server on `file` (a path, or one relative to the repository) with `env` over this
 * process's environment; `nodeArgs` go to node before the script (`--cpu-prof` …).
 */
export async function startLiveServer(
  file: string,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): Promise<LiveServer> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      join(REPO, "bin", "routelab.js"),
      "up",
      file,
      "--http",
      "0",
      "--no-ssh",
      "--log-level",
      "silent",
    ],
    { cwd: REPO, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /live picture and API: (http:\/\/[^/\s]+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`routelab up exited ${code}: ${out}`)));
  });
  return { child, url, bootMs: performance.now() - t0 };
}

export type SimThread = "main" | "worker";

/** A bench's `--sim-thread main|worker|both`: the threads to run the simulation on, in order. */
export function simThreads(v: string | undefined): SimThread[] {
  if (v === "both") return ["main", "worker"];
  if (v === "main" || v === "worker") return [v];
  throw new Error(`--sim-thread: '${v}' is not main, worker or both`);
}

/** SIGTERM, and wait until it has exited. */
export async function stopLiveServer(child: ChildProcess): Promise<void> {
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}
