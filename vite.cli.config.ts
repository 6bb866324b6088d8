/**
 * The command line in one file (issue 22): `npm run build:cli` bundles what tsc emitted
 * (dist/cli/main.js and everything it imports, with the pure-JavaScript packages it needs) into
 * dist/bundle/routelab.cjs, with what is imported on demand (`up`'s server, the netns engine) in
 * dist/bundle/chunks/. Node then reads, resolves and compiles a few files instead of ~200 modules
 * and the packages' own ~100 CommonJS files: that was most of `routelab run`'s start-up.
 * bin/routelab.js uses the bundle when it is at least as new as dist/cli/main.js (tsc alone
 * leaves it older, so a rebuild of dist/ is never hidden behind a stale bundle).
 *
 * CommonJS, not ES modules, so that bin/bundle-loader.js can compile it with `vm.Script` and
 * V8's code cache (Node 20 has no compile cache for ES modules): once the bundle is written,
 * scripts/train-code-cache.js runs `routelab run` through it and writes each file's cache
 * beside it (FILE.v8cache). docs/performance.md, "The whole process, session 9".
 *
 * `up`'s simulation worker (dist/cli/sim-worker.js) is a second entry, dist/bundle/sim-worker.cjs,
 * loaded by bin/sim-worker.js through the same loader: the code both entries run (the simulator,
 * the lab) is in a chunk they share, whose cache `run`'s training writes. Loaded as ES modules the
 * worker read and compiled ~180 files before it could boot the lab (docs/performance.md, "The
 * simulation's worker, session 10").
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";

/** Packages bundled in: plain JavaScript, loaded by `run`. The others (the server's fastify,
 * pino and its worker threads, ssh2 and its native addon, ws) stay in node_modules. */
const BUNDLED_PACKAGES = ["commander", "yaml", "graphology", "graphology-graphml", "@xmldom/xmldom"];

/** After the bundle is written: its code cache, from a training run in a fresh Node. */
function codeCache(): Plugin {
  let outDir = "";
  return {
    name: "routelab-code-cache",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const r = spawnSync(process.execPath, [resolve(import.meta.dirname, "scripts", "train-code-cache.js"), outDir], {
        encoding: "utf8",
        stdio: ["ignore", "ignore", "pipe"],
      });
      if (r.stderr) process.stderr.write(r.stderr);
      if (r.status !== 0) throw new Error(`scripts/train-code-cache.js exited ${r.status ?? r.signal}`);
    },
  };
}

export default defineConfig({
  publicDir: false,
  logLevel: "warn",
  ssr: { noExternal: BUNDLED_PACKAGES },
  plugins: [codeCache()],
  build: {
    ssr: true,
    outDir: "dist/bundle",
    emptyOutDir: true,
    target: "node20",
    minify: false,
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: {
      input: { routelab: "dist/cli/main.js", "sim-worker": "dist/cli/sim-worker.js" },
      output: {
        format: "cjs",
        entryFileNames: "[name].cjs",
        chunkFileNames: "chunks/[name]-[hash].cjs",
        comments: false,
        charset: "ascii",
      },
    },
  },
});
