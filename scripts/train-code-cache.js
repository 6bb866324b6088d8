// Writes V8's code cache beside each file of the bundled command line (issue 22), as the last
// step of `npm run build:cli` (vite.cli.config.ts runs it on the directory it built):
//
//   node scripts/train-code-cache.js DIR          # train, write DIR/**/*.v8cache, then check
//
// A training run loads DIR/routelab.cjs through bin/bundle-loader.js and runs `routelab run` on
// the bundled seed (YAML and edge list) with a scenario that converges, pings, traces and prints
// tables: what a `run` compiles — the loader, the topology parsers, boot, RIP, ICMP, the shell's
// commands — is then in the cache, and a later start deserializes it instead of compiling it.
// Then a second process loads the same files and checks that V8 accepted every cache; a cache it
// rejects (another V8 version or other flags than the training's) is deleted, with a warning.
// The caches are an optimization only: without them bin/routelab.js compiles from source.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleLoader } from "../bin/bundle-loader.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SCENARIO = [
  "wait converged",
  "vm4: ping -c 3 vm9",
  "vm4: traceroute -n vm9",
  "vm1: netstat -rn",
  "vm1: ifconfig",
  "vm1: ping -q -i 1 -c 20 vm8 &",
  "wait 30s",
  "",
].join("\n");

const [mode, dirArg] = process.argv.slice(2);
const dir = resolve(dirArg ?? mode ?? "");
if (dirArg === undefined && (mode === undefined || mode.startsWith("--"))) {
  process.stderr.write("usage: node scripts/train-code-cache.js [--check] DIR\n");
  process.exit(2);
}

/** Runs the training scenario on both seed files through the bundle in DIR; the loader used. */
async function train() {
  const loader = bundleLoader();
  const { main, resetRunHeapPolicy } = loader.load(join(dir, "routelab.cjs"));
  const work = mkdtempSync(join(tmpdir(), "routelab-train-"));
  try {
    const script = join(work, "scenario.txt");
    writeFileSync(script, SCENARIO);
    for (const topo of ["seed.yaml", "seed.edges"]) {
      const code = await main(["node", "routelab", "run", join(ROOT, "examples", topo), "--script", script]);
      if (code !== 0) throw new Error(`the training run on examples/${topo} exited ${code}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { loader, resetRunHeapPolicy };
}

if (mode === "--check") {
  // Standard output is the run's; the verdicts go to standard error.
  const { loader } = await train();
  for (const { file, cache } of loader.caches()) process.stderr.write(`${cache} ${file}\n`);
} else {
  const { loader, resetRunHeapPolicy } = await train();
  resetRunHeapPolicy();
  loader.writeCaches();
  const check = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--check", dir], {
    encoding: "utf8",
  });
  const verdicts = (check.stderr ?? "").split("\n").filter((l) => /^(used|rejected|none) /.test(l));
  if (check.status !== 0 || verdicts.length === 0)
    process.stderr.write(`train-code-cache: the check did not run: ${check.stderr}\n`);
  for (const line of verdicts) {
    const [cache, file] = [line.slice(0, line.indexOf(" ")), line.slice(line.indexOf(" ") + 1)];
    if (cache === "used") continue;
    process.stderr.write(
      `train-code-cache: warning: V8 ${cache === "none" ? "found no" : "rejected the"} cache of ${file}; it compiles from source\n`,
    );
    if (cache === "rejected") unlinkSync(`${file}.v8cache`);
  }
}
