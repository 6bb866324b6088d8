// The worker thread of `routelab up` when the command line runs from its bundle (bin/routelab.js):
// dist/bundle/sim-worker.cjs and the chunk it shares with the command line, loaded with V8's code
// cache through bin/bundle-loader.js (vite.cli.config.ts; docs/performance.md, "The simulation's
// worker, session 10"). src/server/sim-thread/remote-lab.ts's workerEntry names this file only
// for a bundled `up`, whose bundle is current; without the bundle file, dist/'s modules load.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const BUNDLE = fileURLToPath(new URL("../dist/bundle/sim-worker.cjs", import.meta.url));

if (existsSync(BUNDLE)) (await import("./bundle-loader.js")).bundleLoader().load(BUNDLE);
else await import(new URL("../dist/cli/sim-worker.js", import.meta.url).href);
