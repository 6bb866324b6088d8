/**
 * docs/lessons.md runs: its lesson, scripts and reports are what `routelab grade` does, its
 * JSON is what the code returns, and every check sentence in its table parses.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SECOND } from "../core/time.js";
import { LessonSession } from "../engines/sim/lesson.js";
import { RewindableLab } from "../engines/sim/rewind.js";
import { loadTopologyText, parseCheckText, parseLessonYaml } from "../topology/index.js";
import { runGrade } from "./grade.js";

const DOC = readFileSync(join(import.meta.dirname, "..", "..", "docs", "lessons.md"), "utf8");

/** The code block after `<!-- NAME -->`. */
function block(name: string): string {
  const m = new RegExp(`<!-- ${name.replace(/\./g, "\\.")} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(DOC);
  if (!m) throw new Error(`docs/lessons.md has no block '${name}'`);
  return m[1]!;
}

/** The JSON block that contains `marker`. */
function json(marker: string): unknown {
  const m = [...DOC.matchAll(/```json\n([\s\S]*?)```/g)].find((x) => x[1]!.includes(marker));
  if (!m) throw new Error(`no JSON block with ${marker}`);
  return JSON.parse(m[1]!);
}

const dir = mkdtempSync(join(tmpdir(), "lessons-doc-"));
for (const f of ["lesson.yaml", "good.txt", "bad.txt"]) writeFileSync(join(dir, f), block(f));

async function grade(script: string, jsonOut = false) {
  let out = "";
  const code = await runGrade({
    lesson: join(dir, "lesson.yaml"),
    script: join(dir, script),
    seed: 1,
    json: jsonOut,
    out: (s) => (out += s),
    err: (s) => (out += s),
  });
  return { code, out };
}

describe("docs/lessons.md", () => {
  for (const [script, code] of [
    ["good.txt", 0],
    ["bad.txt", 1],
  ] as const) {
    it(`grades ${script} as shown`, async () => {
      const shown = block(`grade ${script}`).split("\n").slice(1).join("\n");
      const r = await grade(script);
      expect(r.out).toBe(shown);
      expect(r.code).toBe(code);
    });
  }

  it("shows a check result as --json gives it", async () => {
    const r = await grade("good.txt", true);
    const c2 = JSON.parse(r.out).checks.find((c: { id: string }) => c.id === "c2");
    expect(c2).toEqual(json('"id": "c2"'));
  });

  it("shows LessonSession.status() as it is", async () => {
    const lab = new RewindableLab(loadTopologyText(block("lesson.yaml"), "lesson.yaml"), { seed: 1 });
    const s = new LessonSession(lab);
    await lab.advance(90 * SECOND);
    lab.rewindTo(65 * SECOND);
    const st = await s.status();
    const shown = json('"horizon"') as typeof st;
    expect({ ...st, schedule: st.schedule.slice(0, 1), checks: st.checks.slice(0, 1) }).toEqual(shown);
    await lab.close();
  });

  it("its exercise file reads against the seed", () => {
    const seed = loadTopologyText(
      readFileSync(join(import.meta.dirname, "..", "..", "examples", "seed.yaml"), "utf8"),
      "seed.yaml",
    );
    expect(parseLessonYaml(block("ex.yaml"), "ex.yaml", seed).checks).toHaveLength(2);
  });

  it("every sentence of its table of checks parses", () => {
    const table = DOC.slice(DOC.indexOf("| sentence | passes when |"), DOC.indexOf("How each is judged"));
    const sentences = [...table.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]!);
    expect(sentences.length).toBeGreaterThan(10);
    for (const s of sentences) expect(parseCheckText(s), s).toMatchObject({ ok: true });
  });
});
