/**
 * @module cli/heap-policy
 * How V8's heap grows during a simulation (`routelab run`, and `routelab up`, whose worker thread
 * follows the same process-wide flags: issue 23's "memory under a stated bound" — Kdl with 500
 * ping flows let the worker's heap grow to 3–4× its live set). What a converging network of a
 * thousand routers needs is ~25 MiB of heap and ~125 MiB of route columns outside it, and V8's
 * defaults made 75–105 MiB of heap around them (issue 22's memory target; measured in
 * docs/performance.md, "Peak RSS at random-1000").
 *
 * - The young generation stays at the size it starts with (semi-spaces of 1 MiB). A run
 *   allocates young garbage fast (messages, events, views) and keeps a little alive across
 *   every scavenge (packets in flight, pending events); V8 doubles the young generation each
 *   time the bytes that survived since it last grew exceed its size, so over seconds it always
 *   reached its maximum, 2 × 16 MiB, for ~1 MiB in use. Not growing costs no measurable CPU:
 *   scavenges come more often and each costs about what survives it, the same small amount.
 * - The old generation may grow to 2.5× what survived the last full collection, not V8's
 *   dynamic factor of up to 4×: 39 MB less peak RSS at random-1000 for ~8 % more CPU (more
 *   full collections). Below V8's first old-generation limit (small labs) nothing changes.
 *
 * Both flags are read by V8 each time it resizes (the maxima themselves, like
 * `--max-semi-space-size`, are fixed when the heap is made and work only on node's command
 * line), so setting them here, before the run allocates, is enough.
 */
import { setFlagsFromString } from "node:v8";

/** Each flag with the value `run` sets and V8's own default. */
const RUN_HEAP_FLAGS: readonly [flag: string, run: string, v8Default: string][] = [
  ["--semi-space-growth-factor", "1", "2"],
  ["--heap-growing-percent", "150", "0"],
];

export function applyRunHeapPolicy(): void {
  for (const [flag, run] of RUN_HEAP_FLAGS) setFlagsFromString(`${flag}=${run}`);
}

/**
 * Back to V8's defaults. V8 stamps its code cache with a hash of every flag's value and rejects
 * a cache whose stamp differs from the loading process's, so the training run that writes the
 * bundle's cache (scripts/train-code-cache.js) undoes the policy before it writes.
 */
export function resetRunHeapPolicy(): void {
  for (const [flag, , v8Default] of RUN_HEAP_FLAGS) setFlagsFromString(`${flag}=${v8Default}`);
}
