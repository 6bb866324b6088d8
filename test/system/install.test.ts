/**
 * Installed, not only cloned (issue 16): `npm pack` after `npm start` ships no SSH key and no
 * users file (the class's state lives in its state directory, here $XDG_STATE_HOME/routelab);
 * the tarball installed into an empty folder (`npm install --prefer-offline`: npm's cache when
 * it has everything, else the registry, as CI has) runs `npx routelab up` with no argument —
 * the bundled seed — serves the page and the API, prints package.json's version, carries the
 * LICENSE, and writes nothing into node_modules. Needs npm (beside node) and dist/ and
 * web/dist built (`npm test` builds first).
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUp, type UpProcess } from "./up-process.js";

const ROOT = join(import.meta.dirname, "..", "..");
const NPM = join(dirname(process.execPath), "npm");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const STATE_NAMES = /(^|\/)(routelab-users\.yaml|routelab-hostkey[^/]*|users\.yaml|ssh_host_[^/]*_key)$/;

const work = mkdtempSync(join(tmpdir(), "routelab-install-"));
const env = { ...process.env, XDG_STATE_HOME: join(work, "state-home"), npm_config_update_notifier: "false" };
// npm 10 runs the package's `prepare` (our build) on `npm pack` even with --ignore-scripts (fixed
// in npm 11: npm/cli#7211): a build in the middle of the suite rewrites dist/ under the other
// test files' feet. npm runs scripts through its script-shell; /bin/true makes them no-ops.
const packEnv = { ...env, npm_config_script_shell: "/bin/true" };
let running: UpProcess | undefined;

/** Every file under `dir` (relative paths). */
function walk(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p, base) : [p.slice(base.length + 1)];
  });
}

/** `npm pack --json`'s answer, from its first line that opens the array (anything a script printed before it is not JSON). */
function packJson<T>(stdout: string): T {
  const start = stdout.search(/^\[/m);
  if (start < 0) throw new Error(`npm pack --json printed no JSON: ${stdout.slice(0, 400)}`);
  return JSON.parse(stdout.slice(start)) as T;
}

function packFiles(): string[] {
  const json = execFileSync(NPM, ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: ROOT,
    env: packEnv,
    encoding: "utf8",
  });
  return packJson<{ files: { path: string }[] }[]>(json)[0]!.files.map((f) => f.path);
}

beforeAll(() => {
  if (!existsSync(NPM)) throw new Error(`npm not found beside node (${NPM})`);
  if (
    !existsSync(join(ROOT, "dist", "cli", "main.js")) ||
    !existsSync(join(ROOT, "web", "dist", "index.html"))
  )
    throw new Error("dist/ or web/dist is not built: run npm run build");
});
afterAll(async () => {
  await running?.stop();
});

describe("the npm package", () => {
  it("after npm start, npm pack contains no SSH key and no users file", async () => {
    const examplesBefore = walk(join(ROOT, "examples")).sort();
    running = await startUp(
      process.execPath,
      [join(ROOT, "bin", "routelab.js"), "up", "--http", "0", "--ssh", "0"],
      {
        cwd: ROOT,
        env,
      },
    );
    expect(running.banner).toContain(`users: ${join(work, "state-home", "routelab", "users.yaml")} (1 user;`);
    expect(await running.stop()).toBe(0);
    running = undefined;
    // The state went to the state directory, nothing into examples/ …
    expect(existsSync(join(work, "state-home", "routelab", "ssh_host_ed25519_key"))).toBe(true);
    expect(walk(join(ROOT, "examples")).sort()).toEqual(examplesBefore);
    // … and the package holds no state, whatever sits in the folders it ships.
    const files = packFiles();
    expect(files).toContain("LICENSE");
    expect(files.filter((f) => STATE_NAMES.test(f))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      files: string[];
      scripts: Record<string, string>;
    };
    expect(pkg.files).toEqual(expect.arrayContaining(["!**/routelab-users.yaml", "!**/routelab-hostkey*"]));
    expect(pkg.scripts.postinstall).toBeUndefined(); // nothing patches node_modules
  }, 120_000);

  it("installs from its tarball into an empty folder; npx routelab up runs the bundled seed and serves", async () => {
    const packed = execFileSync(NPM, ["pack", "--json", "--ignore-scripts", "--pack-destination", work], {
      cwd: ROOT,
      env: packEnv,
      encoding: "utf8",
    });
    const tarball = join(work, packJson<{ filename: string }[]>(packed)[0]!.filename);
    const app = join(work, "empty-folder");
    execFileSync("mkdir", ["-p", app]);
    writeFileSync(join(app, "package.json"), '{ "name": "a-class", "version": "1.0.0", "private": true }\n');
    // Not execFileSync: the test's own timeout must be able to fire meanwhile.
    await promisify(execFile)(
      NPM,
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--omit=dev", tarball],
      { cwd: app, env, timeout: 400_000 },
    );
    const installed = join(app, "node_modules", "routelab");
    expect(readFileSync(join(installed, "LICENSE"), "utf8")).toMatch(/^MIT License/);
    const npx = join(dirname(process.execPath), "npx");
    expect(
      execFileSync(npx, ["--no-install", "routelab", "--version"], { cwd: app, env, encoding: "utf8" }),
    ).toBe(`${VERSION}\n`);
    const before = walk(installed).sort();
    running = await startUp(npx, ["--no-install", "routelab", "up", "--http", "0", "--ssh", "0"], {
      cwd: app,
      env,
    });
    expect(running.banner).toMatch(/^routelab: seed: 9 routers, 9 links, speed 1x\n/);
    const page = await fetch(running.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");
    const topo = (await (await fetch(`${running.url}api/topology`)).json()) as {
      name: string;
      nodes: unknown[];
    };
    expect(topo).toMatchObject({ name: "seed" });
    expect(topo.nodes).toHaveLength(9);
    await running.stop(); // npx's own status: it dies of the signal routelab handles
    expect(running.stdout()).toMatch(/routelab: shutting down\n$/);
    running = undefined;
    // Nothing written into the installed package.
    expect(walk(installed).sort()).toEqual(before);
  }, 480_000);
});
