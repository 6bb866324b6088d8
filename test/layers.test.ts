/**
 * Layer rules of DESIGN.md, checked mechanically: browser-safe layers import no Node builtin
 * (`node:fs` or bare `fs`, also by a side-effect `import "fs";`), imports only point down the
 * layer stack, and every file the browser edition bundles (web/src, src/static and what they
 * reach: parts of src/server and src/engines/sim) is browser-safe too.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const SRC = join(ROOT, "src");
// Lower index = lower layer. A file may import its own layer or any lower one.
const ORDER = [
  "core",
  "wire",
  "topology",
  "sim",
  "proto",
  "apps",
  "shell",
  "lab",
  "engines",
  "server",
  // The browser edition's in-page server: above the server, whose browser-safe parts it reuses.
  "static",
  "cli",
];
const BROWSER_SAFE = new Set(["core", "wire", "topology", "sim", "proto", "apps", "shell", "lab", "static"]);
// What the static build (web/vite.static.config.ts) starts from: the page and the worker.
const BROWSER_ENTRIES = [join(ROOT, "web", "src"), join(SRC, "static")];

interface ImportRef {
  spec: string;
  /** `import type` / `export type`: erased, never bundled. */
  typeOnly: boolean;
}

/** Every module a file names: `import … from`, `export … from`, side-effect `import "x"`, `import("x")`, `require("x")`. */
function importsOf(text: string): ImportRef[] {
  const refs: ImportRef[] = [];
  const patterns = [
    /\b(import|export)\s+(type\s+)?[^'";]*?\sfrom\s*["']([^"']+)["']/g,
    /\bimport\s*()()["']([^"']+)["']/g,
    /\b(import|require)\s*\(\s*()["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns)
    for (const m of text.matchAll(re)) refs.push({ spec: m[3]!, typeOnly: Boolean(m[2]) });
  return refs;
}

/** A Node builtin, with or without the `node:` prefix (`fs`, `fs/promises`, `node:test`). */
function isNodeBuiltin(spec: string): boolean {
  return (
    spec.startsWith("node:") || builtinModules.includes(spec) || builtinModules.includes(spec.split("/")[0]!)
  );
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") && !p.endsWith(".d.ts") ? [p] : [];
  });
}

const notTest = (f: string) => !/\.test(kit)?\.ts$/.test(f);

function layerOf(path: string): string {
  return relative(SRC, path).split("/")[0]!;
}

/** The .ts file a relative import names (sources import `./x.js` for `./x.ts`). */
function resolveTs(from: string, spec: string): string {
  return resolve(dirname(from), spec).replace(/\.js$/, ".ts");
}

/** Files reachable by value imports from the entries: what a bundler would pull in. */
function bundled(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...entries];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    // Only code: `?raw` texts and stylesheets are bundled as strings, not run.
    for (const ref of importsOf(readFileSync(file, "utf8")))
      if (!ref.typeOnly && ref.spec.startsWith(".") && /\.[jt]s$/.test(ref.spec))
        todo.push(resolveTs(file, ref.spec));
  }
  return seen;
}

describe("the import checker", () => {
  const nodeImports = (text: string) =>
    importsOf(text)
      .filter((r) => isNodeBuiltin(r.spec))
      .map((r) => r.spec);
  it("sees side-effect imports, bare builtins, dynamic imports and re-exports", () => {
    expect(nodeImports('import "node:fs";')).toEqual(["node:fs"]);
    expect(nodeImports("import 'fs';\n")).toEqual(["fs"]);
    expect(nodeImports('import { readFile } from "fs/promises";')).toEqual(["fs/promises"]);
    expect(nodeImports('import * as os from "os";')).toEqual(["os"]);
    expect(nodeImports('const m = await import("node:child_process");')).toEqual(["node:child_process"]);
    expect(nodeImports('export { createHash } from "crypto";')).toEqual(["crypto"]);
    expect(nodeImports('import {\n  join,\n  dirname,\n} from "path";')).toEqual(["path"]);
  });
  it("leaves relative and package imports alone", () => {
    expect(nodeImports('import { a } from "./fs.js";\nimport YAML from "yaml";')).toEqual([]);
  });
  it("tells type-only imports (erased, never bundled) from value imports", () => {
    expect(importsOf('import type { A } from "./a.js";')).toEqual([{ spec: "./a.js", typeOnly: true }]);
    expect(importsOf('import { type A, b } from "./a.js";')).toEqual([{ spec: "./a.js", typeOnly: false }]);
    expect(importsOf('import "./side.js";')).toEqual([{ spec: "./side.js", typeOnly: false }]);
  });
});

describe("layers", () => {
  const all = files(SRC).filter(notTest);
  it("finds the source tree", () => expect(all.length).toBeGreaterThan(5));
  for (const file of all) {
    const layer = layerOf(file);
    if (!ORDER.includes(layer)) continue;
    it(`${relative(SRC, file)} respects the layer rules`, () => {
      for (const { spec } of importsOf(readFileSync(file, "utf8"))) {
        if (BROWSER_SAFE.has(layer)) expect(isNodeBuiltin(spec), `${spec} is a Node module`).toBe(false);
        if (spec.startsWith(".")) {
          const target = layerOf(join(file, "..", spec));
          if (ORDER.includes(target))
            expect(
              ORDER.indexOf(target) <= ORDER.indexOf(layer),
              `${layer} imports upward from ${target}`,
            ).toBe(true);
        }
      }
    });
  }
});

describe("the browser edition's bundle", () => {
  const reached = [...bundled(BROWSER_ENTRIES.flatMap(files).filter(notTest))];
  it("reaches into the server's browser-safe parts", () => {
    expect(reached.some((f) => layerOf(f) === "server")).toBe(true);
    expect(reached.some((f) => layerOf(f) === "engines")).toBe(true);
  });
  for (const file of reached)
    it(`${relative(ROOT, file)} is browser-safe`, () => {
      for (const { spec } of importsOf(readFileSync(file, "utf8")))
        expect(isNodeBuiltin(spec), `${spec} is a Node module`).toBe(false);
    });
});

// DESIGN.md: the server "talks to a Lab, never to engine internals". It may name the Lab
// interface (lab/) and what lies below it, but no engine's classes and no simulator type; and
// nothing above engines/ reaches into a simulator lab's network (`lab.net`): what it needs is a
// method of the Lab interface (e.g. `onWire` for a pcap capture).
const ENGINE_INTERNALS = new Set(["engines", "sim"]);

/** The engine-internal modules a file imports (type-only imports included: they are a dependency too). */
function engineImports(file: string): string[] {
  return importsOf(readFileSync(file, "utf8"))
    .filter((r) => r.spec.startsWith(".") && ENGINE_INTERNALS.has(layerOf(join(file, "..", r.spec))))
    .map((r) => r.spec);
}

/** Lines that reach into a lab's simulated network. */
function netReaches(text: string): string[] {
  return text.split("\n").filter((l) => /\blab\.net\b/.test(l) && !/^\s*(\*|\/\/)/.test(l));
}

describe("the boundary above the engines", () => {
  it("the checks see what they look for", () => {
    const f = join(SRC, "server", "x.ts");
    expect(layerOf(join(f, "..", "../engines/sim/lesson.js"))).toBe("engines");
    expect(netReaches("  for (const l of lab.net.links) {\n  // lab.net is the sim's\n")).toHaveLength(1);
    expect(netReaches("lab.networks(); lab.links()")).toEqual([]);
  });
  for (const file of files(join(SRC, "server")).filter(notTest))
    it(`${relative(SRC, file)} imports no engine or simulator module`, () =>
      expect(engineImports(file)).toEqual([]));
  for (const file of ["server", "static", "cli"].flatMap((d) => files(join(SRC, d))).filter(notTest))
    it(`${relative(SRC, file)} does not reach into lab.net`, () =>
      expect(netReaches(readFileSync(file, "utf8"))).toEqual([]));
});
