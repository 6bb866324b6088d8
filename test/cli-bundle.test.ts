/**
 * The bundled command line (vite.cli.config.ts → dist/bundle/routelab.cjs, issue 22): bin/routelab.js
 * loads it when it is at least as new as dist/cli/main.js, with V8's code cache the build wrote
 * beside each file (bin/bundle-loader.js, scripts/train-code-cache.js), and it must behave as
 * dist/ does — same output byte for byte, the bundled seed and package.json found from
 * dist/bundle/, the page's files served by `up` from its chunk in dist/bundle/chunks/.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bundleLoader } from "../bin/bundle-loader.js";
import { BIN, ROOT } from "./cli.js";

const BUNDLE = join(ROOT, "dist", "bundle", "routelab.cjs");
// Lists every file module Node loads, on standard error (the hooks run in their own thread).
const LIST_MODULES = `data:text/javascript,${encodeURIComponent(
  `import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent('export async function load(u, c, n) { if (u.startsWith("file:")) process.stderr.write("loaded " + u + "\\\\n"); return n(u, c); }'));`,
)}`;

function cli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string, nodeArgs: string[] = []) {
  const r = spawnSync(process.execPath, [...nodeArgs, BIN, ...args], {
    cwd: ROOT,
    input,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  const dist = statSync(join(ROOT, "dist", "cli", "main.js"), { throwIfNoEntry: false });
  const bundle = statSync(BUNDLE, { throwIfNoEntry: false });
  if (bundle !== undefined && (dist === undefined || bundle.mtimeMs >= dist.mtimeMs)) return;
  // Built aside and moved into place, so that a CLI test running meanwhile finds either no
  // bundle (bin then loads dist/) or a whole one, never a half-written one.
  const aside = join(ROOT, "dist", `bundle-${process.pid}`);
  const vite = join(ROOT, "node_modules", "vite", "bin", "vite.js");
  const r = spawnSync(
    process.execPath,
    [vite, "build", "--config", join(ROOT, "vite.cli.config.ts"), "--outDir", aside],
    { cwd: ROOT, encoding: "utf8", timeout: 120_000 },
  );
  if (r.status !== 0) throw new Error(`npm run build:cli failed: ${r.stdout}${r.stderr}`);
  rmSync(join(ROOT, "dist", "bundle"), { recursive: true, force: true });
  renameSync(aside, join(ROOT, "dist", "bundle"));
}, 180_000);

describe("the bundled command line", () => {
  it("is what bin/routelab.js loads when current, and dist/ with ROUTELAB_NO_BUNDLE=1", () => {
    const bundled = cli(["--version"], {}, undefined, ["--import", LIST_MODULES]);
    expect(bundled.code).toBe(0);
    // The bundle is CommonJS compiled by bin/bundle-loader.js through vm.Script, which the
    // module hooks do not see: only bin's own two modules, none of dist/ (~200 modules).
    const loaded = bundled.err.split("\n").filter((l) => l.startsWith("loaded "));
    expect(loaded).toContain(`loaded file://${join(ROOT, "bin", "bundle-loader.js")}`);
    expect(loaded.some((l) => l.includes("/dist/"))).toBe(false);
    expect(loaded.length).toBeLessThan(4);
    const plain = cli(["--version"], { ROUTELAB_NO_BUNDLE: "1" }, undefined, ["--import", LIST_MODULES]);
    expect(plain.err).toContain("/dist/cli/main.js");
    expect(plain.err).not.toContain("/dist/bundle/");
    expect(bundled.out).toBe(plain.out);
    expect(bundled.out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("loads every file a run needs with the code cache the build wrote, and V8 accepts it", () => {
    const check = spawnSync(
      process.execPath,
      [join(ROOT, "scripts", "train-code-cache.js"), "--check", join(ROOT, "dist", "bundle")],
      { cwd: ROOT, encoding: "utf8", timeout: 120_000 },
    );
    expect(check.status).toBe(0);
    const verdicts = check.stderr.split("\n").filter((l) => l !== "");
    expect(verdicts).toContain(`used ${BUNDLE}`);
    // The entry, its chunks and `run`'s: a cache for each, none rejected by V8 (its flags and
    // version are the build's) and none missing.
    expect(verdicts.length).toBeGreaterThan(3);
    expect(verdicts.filter((l) => !l.startsWith("used "))).toEqual([]);
  });

  it("compiles a file from source when its cache was made from another source", () => {
    const dir = mkdtempSync(join(tmpdir(), "routelab-cache-"));
    try {
      const file = join(dir, "m.cjs");
      writeFileSync(file, "module.exports = { answer: () => 42 };\n");
      const made = bundleLoader();
      expect(made.load(file).answer()).toBe(42);
      made.writeCaches();
      expect(bundleLoader().load(file).answer()).toBe(42);
      // Same length, other text: V8 alone would take the old bytecode (it checks the length).
      writeFileSync(file, "module.exports = { answer: () => 43 };\n");
      const after = bundleLoader();
      expect(after.load(file).answer()).toBe(43);
      expect(after.caches()).toEqual([{ file, cache: "none" }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs the bundled seed (no topology argument) with the same output, byte for byte, as dist/", () => {
    const script = "wait converged\nvm1: netstat -rn\nvm1: traceroute -n vm9\nlink down vm1 vm2\nwait 40s\n";
    const bundled = cli(["run", "--script", "-"], {}, script);
    const plain = cli(["run", "--script", "-"], { ROUTELAB_NO_BUNDLE: "1" }, script);
    expect(bundled.err).toBe("");
    expect(bundled.code).toBe(0);
    expect(bundled.out).toContain("vm1# traceroute -n vm9");
    expect(bundled.out).toBe(plain.out);
    expect(bundled.code).toBe(plain.code);
  });

  it("serves the page from web/dist when `up` runs from the bundle's chunk", async () => {
    const users = join(mkdtempSync(join(tmpdir(), "routelab-bundle-")), "users.yaml");
    const p = spawn(process.execPath, [BIN, "up", "--http", "0", "--no-ssh", "--users", users], {
      cwd: ROOT,
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        p.stdout.on("data", (d) => {
          out += d;
          const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
          if (m && out.includes("stop with Ctrl-C")) resolve(m[0]);
        });
        p.on("close", (code) => reject(new Error(`up exited ${code}: ${out}`)));
      });
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<title>routelab</title>");
    } finally {
      p.kill("SIGINT");
    }
  }, 60_000);
});
