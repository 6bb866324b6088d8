/**
 * @module bench/compile
 * tsc on one of the repository's projects, for the benches that run compiled code.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO } from "./topologies.js";

/**
 * Runs tsc on a project: bench/tsconfig.json compiles the code the children run (incremental:
 * seconds when nothing changed); tsconfig.build.json builds dist/, what bin/routelab.js runs
 * (`npm run build`), for the CLI workloads. Null when it compiled, else the first errors.
 */
export function compile(project: string): string | null {
  const tsc = join(REPO, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", join(REPO, project)], {
    cwd: REPO,
    encoding: "utf8",
  });
  if (r.status === 0) return null;
  return (
    (r.stdout + r.stderr).trim().split("\n").slice(0, 6).join("\n") || `tsc exited ${r.status ?? r.signal}`
  );
}

/**
 * What bin/routelab.js runs, as `npm run build` makes it: dist/ (tsc), then the bundled command
 * line (dist/bundle/, vite.cli.config.ts) that bin prefers when it is newer than dist/. Null when
 * both built, else the first errors.
 */
export function buildCli(): string | null {
  const notBuilt = compile("tsconfig.build.json");
  if (notBuilt !== null) return notBuilt;
  const vite = join(REPO, "node_modules", "vite", "bin", "vite.js");
  const r = spawnSync(process.execPath, [vite, "build", "--config", join(REPO, "vite.cli.config.ts")], {
    cwd: REPO,
    encoding: "utf8",
  });
  if (r.status === 0) return null;
  return `the bundle does not build: ${(r.stdout + r.stderr).trim().split("\n").slice(0, 6).join("\n")}`;
}
