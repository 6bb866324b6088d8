/**
 * @module topology/suggest
 * "did you mean 'vm1'?" for misspelt names and keys: the candidate at the smallest edit
 * distance, if it is at most two edits away.
 */

/** `; did you mean 'x'?` or the empty string. */
export function didYouMean(name: string, candidates: Iterable<string>, limit = 2000): string {
  let best: string | undefined;
  let bestD = 3;
  let n = 0;
  for (const cand of candidates) {
    if (++n > limit) break;
    const dist = editDistance(name, cand, bestD);
    if (dist < bestD) {
      bestD = dist;
      best = cand;
    }
  }
  return best ? `; did you mean '${best}'?` : "";
}

/** Levenshtein distance, giving up (returning `cap`) when the lengths alone differ by `cap`. */
export function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
