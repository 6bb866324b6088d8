// Loads the bundled command line (dist/bundle/routelab.cjs and the chunks it requires) with V8's
// code cache (issue 22). Node 20 compiles an ES module or a require()d file from its source on
// every start — parsing ~1.2 MB, then compiling each function the first time it runs — and has
// no on-disk compile cache (`module.enableCompileCache` is Node 22). `vm.Script` takes
// `cachedData`: the bytecode of every function a training run compiled (`npm run build:cli` →
// scripts/train-code-cache.js writes it beside each file, FILE.v8cache), which V8 deserializes
// instead of parsing and compiling. docs/performance.md, "The whole process, session 9".
//
// A cache file is the SHA-256 of the source it was made from, then V8's data. V8 checks its own
// version and flags and rejects data that does not match (then the file compiles from source, as
// without a cache); it checks the source only by its length, so the digest is what ties a cache
// to its file. The bundle is CommonJS (vite.cli.config.ts), run in this module's context with
// the arguments Node's own CommonJS wrapper passes; `require` of a relative path (the bundle's
// chunks) loads through here too, anything else (node:, the server's packages) through Node.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { constants, Script } from "node:vm";

const DIGEST_BYTES = 32;

function digestOf(source) {
  return createHash("sha256").update(source).digest();
}

/** The cache made from exactly this source, or undefined. */
function readCache(file, digest) {
  let data;
  try {
    data = readFileSync(`${file}.v8cache`);
  } catch {
    return undefined;
  }
  if (data.length <= DIGEST_BYTES || !data.subarray(0, DIGEST_BYTES).equals(digest)) return undefined;
  return data.subarray(DIGEST_BYTES);
}

/**
 * A loader for one bundle. `load(entry)` returns the entry's exports; `caches()` says, for every
 * file loaded, whether its cache was used, rejected by V8 or absent; `writeCaches()` writes each
 * file's cache from what this process has compiled so far (the training run).
 */
export function bundleLoader() {
  const files = new Map();

  function load(file) {
    const known = files.get(file);
    if (known !== undefined) return known.module.exports;
    const source = readFileSync(file, "utf8");
    const digest = digestOf(source);
    const cachedData = readCache(file, digest);
    // On one line with the source's first, so that only line 1's columns shift in a stack trace.
    const script = new Script(
      `(function (exports, require, module, __filename, __dirname) {"use strict";${source}\n})`,
      { filename: file, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER },
    );
    const cache = cachedData === undefined ? "none" : script.cachedDataRejected ? "rejected" : "used";
    const module = { exports: {}, filename: file };
    files.set(file, { script, digest, module, cache });
    const nodeRequire = createRequire(file);
    const require = (id) =>
      id.startsWith("./") || id.startsWith("../") ? load(resolve(dirname(file), id)) : nodeRequire(id);
    require.resolve = nodeRequire.resolve;
    script.runInThisContext()(module.exports, require, module, file, dirname(file));
    return module.exports;
  }

  return {
    load,
    caches: () => [...files].map(([file, f]) => ({ file, cache: f.cache })),
    writeCaches() {
      for (const [file, f] of files)
        writeFileSync(`${file}.v8cache`, Buffer.concat([f.digest, f.script.createCachedData()]));
    },
  };
}
