/**
 * @module bench/compile
 * tsc on one of the repository's projects, for the benches that run compiled code, and the
 * bundles made of it: the bench child's (vite, bench/vite.child.config.ts) and the CLI's.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { REPO } from "./topologies.js";

/**
 * Runs tsc on a project: bench/tsconfig.json compiles the code the children run (incremental:
 * seconds when nothing changed); tsconfig.build.json builds dist/, what bin/routelab.js runs
 * (`npm run build`), for the CLI workloads. Null when it compiled, else the first errors.
 */
export function compile(project: string, outDir?: string): string | null {
  const tsc = join(REPO, "node_modules", "typescript", "bin", "tsc");
  const into =
    outDir === undefined ? [] : ["--outDir", outDir, "--tsBuildInfoFile", join(outDir, ".tsbuildinfo")];
  const r = spawnSync(process.execPath, [tsc, "-p", resolve(REPO, project), ...into], {
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

/** Where tsc compiles src and bench for `npm run bench` (bench/tsconfig.json's outDir). */
export const COMPILED = join(REPO, "node_modules", ".cache", "routelab-bench");

/** The bundled bench child in a directory bench/tsconfig.json was compiled into. */
export function childBundle(compiled: string): string {
  return join(compiled, "bundle", "child.js");
}

/**
 * Bundles a compiled bench child (COMPILED/bench/child.js and what it imports) into
 * COMPILED/bundle/ the way the CLI's bundle is built (bench/vite.child.config.ts), so that a
 * child loads a few files, as `routelab run` does, instead of ~180 modules. Null when it built,
 * else the first errors.
 */
export function bundleChild(compiled: string): string | null {
  const vite = join(REPO, "node_modules", "vite", "bin", "vite.js");
  const r = spawnSync(
    process.execPath,
    [vite, "build", "--config", join(REPO, "bench", "vite.child.config.ts")],
    { cwd: REPO, encoding: "utf8", env: { ...process.env, ROUTELAB_BENCH_COMPILED: compiled } },
  );
  if (r.status === 0 && existsSync(childBundle(compiled))) return null;
  return `the bench child does not bundle: ${(r.stdout + r.stderr).trim().split("\n").slice(0, 6).join("\n")}`;
}
