/**
 * What the netns tests share, under src/ (test/system/netns.testkit.ts builds on it): whether
 * this machine can run the engine, which programs a test needs are missing, and the CI rule —
 * a test that cannot run is skipped here but FAILS under CI=true (its "has what it needs" test
 * fails instead).
 */
import { execFileSync } from "node:child_process";
import { netnsUnavailable } from "./index.js";

/** Why this machine cannot run the netns engine (FRR included), or null when it can. */
export const netnsWhy = await netnsUnavailable();

/** `programs` (names or paths, looked up as the shell does) that this machine lacks. */
export function missingPrograms(programs: readonly string[]): string[] {
  return programs.filter((p) => {
    try {
      execFileSync("sh", ["-c", `command -v ${p}`], { stdio: "ignore" });
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * Why this machine cannot run a netns test that also needs `programs`: the engine's reason
 * first, then the programs missing; null when it can.
 */
export function netnsWhyWith(programs: readonly string[]): string | null {
  const missing = missingPrograms(programs);
  return netnsWhy ?? (missing.length > 0 ? `missing ${missing.join(", ")}` : null);
}

/** Skip a describe for `why` (netnsWhyWith's answer) — never under CI=true, where it must fail. */
export const skipFor = (why: string | null): boolean => why !== null && process.env.CI !== "true";
