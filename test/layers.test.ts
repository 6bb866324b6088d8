/**
 * Layer rules of DESIGN.md, checked mechanically: browser-safe layers import no `node:` module
 * (nor a Node builtin by bare name), and imports only point down the layer stack.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "..", "src");
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
const NODE_BUILTINS =
  /^(node:|fs$|path$|os$|child_process$|net$|http$|https$|crypto$|url$|util$|events$|stream$|zlib$|dgram$|tty$|readline$|worker_threads$)/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

function layerOf(path: string): string {
  return relative(SRC, path).split("/")[0]!;
}

describe("layers", () => {
  const all = files(SRC).filter((f) => !f.endsWith(".test.ts"));
  it("finds the source tree", () => expect(all.length).toBeGreaterThan(5));
  for (const file of all) {
    const layer = layerOf(file);
    if (!ORDER.includes(layer)) continue;
    it(`${relative(SRC, file)} respects the layer rules`, () => {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(
        /(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g,
      )) {
        const spec = (m[1] ?? m[2])!;
        if (BROWSER_SAFE.has(layer)) expect(NODE_BUILTINS.test(spec), `${spec} is a Node module`).toBe(false);
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
