/**
 * The bench's children run the bench child bundled as the CLI is (bench/vite.child.config.ts,
 * issues 19 and 22): a child that loaded ~180 compiled modules one by one grew V8's young
 * generation to twice 08a9092's and measured a memory configuration `routelab run` does not
 * have. Here the bundle must hold what a RIP job runs: once bundled, the compiled modules are
 * deleted, and the job must still run on the engine (bench/engine.ts finds it with
 * `import(spec)` over a list of paths, which the bundle resolves by the config's table; without
 * it the bundled child would import the deleted files and fail).
 * No timing is asserted.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Job } from "../bench/child.js";
import { bundleChild, childBundle, compile } from "../bench/compile.js";

const dir = mkdtempSync(join(tmpdir(), "routelab-bench-bundle-"));
// The packages the bundle leaves out (as the CLI's does) load from node_modules above it.
symlinkSync(join(import.meta.dirname, "..", "node_modules"), join(dir, "node_modules"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runJob(child: string, job: Job): { ok: boolean; result?: Record<string, unknown>; error?: string } {
  const r = spawnSync(process.execPath, ["--expose-gc", child, JSON.stringify(job)], { encoding: "utf8" });
  const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (!line) throw new Error(`child exited ${r.status}: ${r.stderr.slice(-400)}`);
  return JSON.parse(line.slice(7));
}

describe("bench child bundle", () => {
  it("runs a RIP job on the engine from the bundle alone", { timeout: 300_000 }, () => {
    const compiled = join(dir, "compiled");
    expect(compile(join("bench", "tsconfig.json"), compiled)).toBeNull();
    expect(bundleChild(compiled)).toBeNull();
    const child = childBundle(compiled);
    expect(child).toBe(join(compiled, "bundle", "child.js"));
    // Only the bundle is left: what the child imports must be in it.
    for (const entry of readdirSync(compiled))
      if (entry !== "bundle") rmSync(join(compiled, entry), { recursive: true });
    expect(readdirSync(compiled)).toEqual(["bundle"]);

    const topoFile = join(dir, "line.edges");
    writeFileSync(topoFile, "r1 r2 10.0.0.0/24\nr2 r3 10.0.1.0/24\nr3 r4 10.0.2.0/24\n");
    const o = runJob(child, {
      kind: "rip",
      name: "line-4",
      topoFile,
      options: { time: 60, pings: 2, interval: 1, failAt: -1, failLink: "", seed: 1 },
    });
    expect(o.error).toBeUndefined();
    expect(o.ok).toBe(true);
    expect(o.result?.engine).toBe("createSimLab");
    expect(o.result?.nodes).toBe(4);
    expect(o.result?.ripRoutes).toBeGreaterThan(0);
  });
});
