/**
 * docs/protocols.md stays true: every file it names exists (so a rename or a move breaks this
 * test, not the next protocol's author), and every registry it describes is where it says.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./cli.js";

const text = readFileSync(join(ROOT, "docs", "protocols.md"), "utf8");

/** Paths in backticks (`topology/protocols/rip.ts`, `src/…`), leaving out placeholders (NAME). */
function namedFiles(md: string): string[] {
  const out = new Set<string>();
  for (const m of md.matchAll(/`([a-z0-9_./-]+\.(?:ts|json|md))`/g)) {
    const p = m[1]!.replace(/^src\//, "");
    if (!p.includes("NAME")) out.add(p);
  }
  return [...out];
}

describe("docs/protocols.md", () => {
  const files = namedFiles(text);
  it("names the files a protocol touches", () => expect(files.length).toBeGreaterThan(20));
  for (const f of files)
    it(`${f} exists`, () => {
      const where = [join(ROOT, "src", f), join(ROOT, f)];
      expect(
        where.some((p) => existsSync(p)),
        `${f} is named in docs/protocols.md but is not in src/ or the root`,
      ).toBe(true);
    });
});
