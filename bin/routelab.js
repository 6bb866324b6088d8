#!/usr/bin/env node
// Entry point of the `routelab` command: the compiled CLI lives in dist/ (built by `npm run build`,
// which `npm ci` runs through the `prepare` script). `npm run build` also bundles it into
// dist/bundle/routelab.cjs and its chunks (vite.cli.config.ts), with V8's code cache beside each
// file: Node loads that in a fraction of the time it takes to load ~200 modules and compile them
// (docs/performance.md, issue 22; bin/bundle-loader.js). The bundle is used only when it is at
// least as new as dist/cli/main.js, so a `tsc -p tsconfig.build.json` after it is never hidden
// behind a stale bundle; ROUTELAB_NO_BUNDLE=1 loads dist/ always.
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const DIST = new URL("../dist/cli/main.js", import.meta.url);
const BUNDLE = fileURLToPath(new URL("../dist/bundle/routelab.cjs", import.meta.url));

function bundleIsCurrent() {
  if (process.env.ROUTELAB_NO_BUNDLE === "1") return false;
  const bundle = statSync(BUNDLE, { throwIfNoEntry: false });
  const dist = statSync(DIST, { throwIfNoEntry: false });
  return bundle !== undefined && (dist === undefined || bundle.mtimeMs >= dist.mtimeMs);
}

const { main } = bundleIsCurrent()
  ? (await import("./bundle-loader.js")).bundleLoader().load(BUNDLE)
  : await import(DIST.href);

main(process.argv).then(
  (code) => {
    process.exitCode = code;
    // `run` is over when its output is out: exit then, rather than wait for the compile jobs V8
    // still has queued and for the heap's teardown (~50 ms of wall at load 15; docs/performance.md,
    // "The whole process, session 9"). Its files are closed by then; the empty writes make sure
    // what is buffered for a pipe is written first.
    if (process.argv[2] === "run")
      process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
  },
  (err) => {
    process.stderr.write(`routelab: internal error: ${err?.message ?? err}\n`);
    process.exitCode = 70;
  },
);
