/**
 * @module cli/grade
 * `routelab grade LESSON --script SCRIPT [--seed N] [--exercise FILE] [--json] [--show-run]
 * [--engine sim|netns] [--prefix NAME]`: runs a student's scripted session on a lesson (a
 * topology with `checks:`, or any topology plus an exercise file), then prints each check ✓ or
 * ✗ with its reason. Exit 0 when every check passes, 1 otherwise — for automatic marking. On
 * netns the session runs on real kernels and the probes in the live lab (engines/netns/lesson.ts).
 */
import type { Command } from "commander";
import { Option } from "commander";
import { LabError } from "../core/errors.js";
import { gradeScenario } from "../engines/sim/lesson.js";
import { formatCheckReport, allPassed } from "../lab/lesson-report.js";
import { parseScenario } from "../lab/scenario.js";
import { parseLessonYaml } from "../topology/index.js";
import { loadTopologyFile, readText } from "./io.js";
import { netnsOptions } from "./netns-options.js";

export interface GradeArgs {
  lesson: string;
  script: string;
  seed: number;
  exercise?: string | undefined;
  json?: boolean | undefined;
  showRun?: boolean | undefined;
  /** `sim` (default) or `netns` (Linux namespaces + FRR, root). */
  engine?: "sim" | "netns" | undefined;
  /** Namespace name prefix of a netns lab (default rl-<lab name>). */
  prefix?: string | undefined;
  out: (s: string) => void;
  err: (s: string) => void;
}

export async function runGrade(a: GradeArgs): Promise<number> {
  const topo = loadTopologyFile(a.lesson);
  const lesson = a.exercise
    ? parseLessonYaml(readText(a.exercise, "exercise"), a.exercise, topo)
    : topo.lesson;
  if (!lesson || lesson.checks.length === 0)
    throw new LabError(
      "nothing to grade: the lesson has no `checks:` (add them to the file, or give --exercise FILE)",
      { file: a.exercise ?? a.lesson },
      "usage",
    );
  const scriptName = a.script === "-" ? "<stdin>" : a.script;
  const stmts = parseScenario(
    readText(a.script, "script"),
    scriptName,
    new Set(topo.nodes.map((n) => n.name)),
    new Set(topo.segments?.map((x) => x.id)),
  );
  const o = { seed: a.seed, ...(a.showRun ? { write: a.out } : {}) };
  const g =
    a.engine === "netns"
      ? await (await import("../engines/netns/lesson.js")).gradeOnNetns(topo, lesson, stmts, scriptName, {
          ...o,
          netns: netnsOptions(a),
        })
      : await gradeScenario(topo, lesson, stmts, scriptName, o);
  if (a.json)
    a.out(
      `${JSON.stringify({ engine: g.engine, end: g.end, runExit: g.runExit, checks: g.results }, null, 2)}\n`,
    );
  else {
    if (a.showRun) a.out("\n");
    a.out(formatCheckReport(g.results));
    if (g.runExit !== 0) a.out("(the script itself failed: see --show-run)\n");
  }
  return allPassed(g.results) ? 0 : 1;
}

/** Adds `grade` to the program (one line in main.ts). */
export function registerGradeCommand(
  p: Command,
  out: (s: string) => void,
  err: (s: string) => void,
  exit: (code: number) => void,
): void {
  p.command("grade")
    .description("run a student's scripted session on a lesson and mark its checks (exit 0 if all pass)")
    .argument("<lesson>", "topology file with `checks:` (or any topology with --exercise)")
    .requiredOption(
      "-s, --script <file>",
      "the student's session as a scenario script ('-' for standard input)",
    )
    .addOption(
      new Option("--seed <n>", "random seed (same seed, same marks)").default(1).argParser((v: string) => {
        if (!/^\d+$/.test(v))
          throw new LabError(`--seed: '${v}' is not a non-negative integer`, { field: "--seed" }, "usage");
        return Number(v);
      }),
    )
    .option("--exercise <file>", "a separate exercise file with `checks:` (and `events:`)")
    .option("--json", "print the results as JSON")
    .option("--show-run", "print the session's output before the report")
    .addOption(
      new Option("--engine <name>", "sim (simulator) or netns (Linux namespaces + FRR, root)")
        .choices(["sim", "netns"])
        .default("sim"),
    )
    .option("--prefix <name>", "namespace name prefix of the netns lab (default rl-<lab name>)")
    .action(
      async (
        lesson: string,
        o: {
          script: string;
          seed: number;
          exercise?: string;
          json?: boolean;
          showRun?: boolean;
          engine: "sim" | "netns";
          prefix?: string;
        },
      ) => exit(await runGrade({ lesson, ...o, out, err })),
    );
}
