#!/usr/bin/env node
// Entry point of the `routelab` command: the compiled CLI lives in dist/ (built by `npm run build`,
// which `npm ci` runs through the `prepare` script). `npm run build` also bundles it into one file,
// dist/bundle/routelab.js (vite.cli.config.ts): Node loads that in a third of the time it takes
// to load ~200 modules (docs/performance.md, issue 22). The bundle is used only when it is at least
// as new as dist/cli/main.js, so a `tsc -p tsconfig.build.json` after it is never hidden behind a
// stale bundle; ROUTELAB_NO_BUNDLE=1 loads dist/ always.
import { statSync } from "node:fs";

const DIST = new URL("../dist/cli/main.js", import.meta.url);
const BUNDLE = new URL("../dist/bundle/routelab.js", import.meta.url);

function bundleIsCurrent() {
  if (process.env.ROUTELAB_NO_BUNDLE === "1") return false;
  const bundle = statSync(BUNDLE, { throwIfNoEntry: false });
  const dist = statSync(DIST, { throwIfNoEntry: false });
  return bundle !== undefined && (dist === undefined || bundle.mtimeMs >= dist.mtimeMs);
}

const { main } = await import(bundleIsCurrent() ? BUNDLE.href : DIST.href);

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`routelab: internal error: ${err?.message ?? err}\n`);
    process.exitCode = 70;
  },
);
