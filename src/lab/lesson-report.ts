/**
 * @module lab/lesson-report
 * The text report `routelab grade` prints: one line per check, ✓ or ✗ (… for pending) with the
 * reason, the hint under a failed check, and a count at the end.
 */
import { formatDuration } from "../core/time.js";
import type { CheckResult } from "./checks.js";

const MARK = { pass: "✓", fail: "✗", pending: "…" } as const;

export function formatCheckReport(results: readonly CheckResult[]): string {
  let s = "";
  for (const r of results) {
    const when = r.at !== undefined ? ` [at ${formatDuration(r.at)}]` : "";
    s += `${MARK[r.status]} ${r.text}${when}: ${r.reason}\n`;
    if (r.status === "fail" && r.hint) s += `    hint: ${r.hint}\n`;
  }
  const passed = results.filter((r) => r.status === "pass").length;
  s += `${passed} of ${results.length} check${results.length === 1 ? "" : "s"} passed\n`;
  return s;
}

/** All checks passed (an empty exercise passes). */
export function allPassed(results: readonly CheckResult[]): boolean {
  return results.every((r) => r.status === "pass");
}
