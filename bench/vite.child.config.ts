/**
 * The bench child bundled the way the command line is (issues 19 and 22): vite.cli.config.ts's
 * settings (the same pure-JavaScript packages bundled in, node20, ESM, not minified), with the
 * compiled bench/child.js of ROUTELAB_BENCH_COMPILED (a tsc output of src and bench) as the
 * entry and ROUTELAB_BENCH_COMPILED/bundle/child.js as the output; what a job imports on demand
 * goes to bundle/chunks/, as `up`'s server does for the CLI. A child that imported ~180 modules
 * one by one left V8's young generation at 16 MB where `routelab run`, loading one bundle, has
 * ~2 MB (docs/performance.md, issue 19, helper s9f), so the figures measured a memory
 * configuration the product does not have.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { mergeConfig, type Plugin } from "vite";
import cli from "../vite.cli.config.js";

const compiled = process.env.ROUTELAB_BENCH_COMPILED;
if (!compiled) throw new Error("ROUTELAB_BENCH_COMPILED: the directory tsc compiled src and bench into");

/**
 * bench/engine.ts probes for the engine with `import(spec)` over a list of paths, which a
 * bundler cannot follow (it would leave the import to load the multi-module file beside the
 * bundle). In a module with such an import, each relative ".js" string it holds that names an
 * existing file becomes a literal import in a table the call looks up; a path not in the table
 * rejects, as a missing module does.
 */
const PROBE = /(?<![.\w$])import\(\s*[A-Za-z_$][\w$]*\s*\)/;
const PROBE_ALL = /(?<![.\w$])import\(\s*([A-Za-z_$][\w$]*)\s*\)/g;

/** This checkout: packages are found in its node_modules wherever the compiled files are. */
const REPO = fileURLToPath(new URL("..", import.meta.url));

function probedImports(): Plugin {
  return {
    name: "routelab-bench-probed-imports",
    enforce: "pre",
    /** A package imported by a compiled module resolves as from this checkout (tsc may have
     * compiled into a directory with no node_modules above it, as a test does). */
    resolveId(source, importer, options) {
      if (!importer?.startsWith(resolve(compiled!)) || /^(\.|\/|node:|\0)/.test(source)) return null;
      return this.resolve(source, join(REPO, "package.json"), { ...options, skipSelf: true });
    },
    transform(code, id) {
      if (!id.startsWith(resolve(compiled!)) || !PROBE.test(code)) return null;
      const paths = [...new Set([...code.matchAll(/["'](\.\.?\/[^"'\s]+\.js)["']/g)].map((m) => m[1]!))];
      const present = paths.filter((p) => existsSync(resolve(dirname(id), p)));
      const table = `{${present.map((p) => `${JSON.stringify(p)}: () => import(${JSON.stringify(p)})`).join(", ")}}`;
      const lookup = (v: string) =>
        `(${table}[${v}] ?? (() => Promise.reject(new Error("not in the bench bundle: " + ${v}))))()`;
      return { code: code.replace(PROBE_ALL, (_, v: string) => lookup(v)), map: null };
    },
  };
}

/**
 * The CLI's settings without what only the CLI's bundle needs: its code cache (a training run of
 * `routelab run`, bin/bundle-loader.js) and the CommonJS that cache requires. The child is an ES
 * module as bench/main.ts and bench/ab.ts spawn it; the bundling (one file, the same packages in
 * it, node20, not minified) is the CLI's.
 */
const base = {
  ...cli,
  plugins: (cli.plugins ?? []).filter((p) => (p as Plugin | undefined)?.name !== "routelab-code-cache"),
};

export default mergeConfig(base, {
  plugins: [probedImports()],
  build: {
    ssr: join(compiled, "bench", "child.js"),
    outDir: join(compiled, "bundle"),
    rollupOptions: {
      output: { format: "es", entryFileNames: "child.js", chunkFileNames: "chunks/[name]-[hash].js" },
    },
  },
});
