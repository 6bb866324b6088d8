/**
 * @module test/cli
 * Runs the built `routelab` command as a user would (bin/routelab.js → dist/), for tests.
 * `npm test` builds first (the `pretest` script), so dist/ is current.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..");
export const BIN = join(ROOT, "bin", "routelab.js");

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export function routelab(args: string[], input?: string): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    input,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
