/**
 * The command line in one file (issue 22): `npm run build:cli` bundles what tsc emitted
 * (dist/cli/main.js and everything it imports, with the pure-JavaScript packages it needs) into
 * dist/bundle/routelab.js, with what is imported on demand (`up`'s server, the netns engine) in
 * dist/bundle/chunks/. Node then reads, resolves and compiles a few files instead of ~200 modules
 * and the packages' own ~100 CommonJS files: that was most of `routelab run`'s start-up.
 * bin/routelab.js uses the bundle when it is at least as new as dist/cli/main.js (tsc alone
 * leaves it older, so a rebuild of dist/ is never hidden behind a stale bundle).
 */
import { defineConfig } from "vite";

/** Packages bundled in: plain JavaScript, loaded by `run`. The others (the server's fastify,
 * pino and its worker threads, ssh2 and its native addon, ws) stay in node_modules. */
const BUNDLED_PACKAGES = ["commander", "yaml", "graphology", "graphology-graphml", "@xmldom/xmldom"];

export default defineConfig({
  publicDir: false,
  logLevel: "warn",
  ssr: { noExternal: BUNDLED_PACKAGES },
  build: {
    ssr: "dist/cli/main.js",
    outDir: "dist/bundle",
    emptyOutDir: true,
    target: "node20",
    minify: false,
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: {
      output: {
        format: "esm",
        entryFileNames: "routelab.js",
        chunkFileNames: "chunks/[name]-[hash].js",
        comments: false,
        charset: "ascii",
      },
    },
  },
});
