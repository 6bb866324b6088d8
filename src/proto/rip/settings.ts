/**
 * @module proto/rip/settings
 * RIP timer and split-horizon settings with the RFC 2453 defaults, and the checks that keep
 * a class's shrunken timers coherent (a timeout shorter than the update interval would make
 * every route flap, so it is refused with a message instead of producing nonsense).
 */
import { LabError } from "../../core/errors.js";
import { formatDuration } from "../../core/time.js";
import type { RipSettings } from "../../topology/model.js";
import { RIP_DEFAULTS } from "../../topology/protocols/index.js";

export type { RipSettings, RipVersion, SplitHorizon } from "../../topology/model.js";

/** RFC 2453 3.8 defaults, written once, beside the rest of RIP's settings in topology files. */
export { RIP_DEFAULTS };

/**
 * Fills missing fields from `base` (the topology's settings, then the RFC defaults) and checks
 * the result. Throws a LabError naming the field when the timers cannot work together.
 */
export function resolveRipSettings(
  partial: Partial<RipSettings> = {},
  base: RipSettings = RIP_DEFAULTS,
): RipSettings {
  const s: RipSettings = { ...base, ...stripUndefined(partial) };
  const positive = (v: number, field: keyof RipSettings) => {
    if (!Number.isFinite(v) || v <= 0)
      throw new LabError("must be a positive duration", { field: `rip.${field}` });
  };
  positive(s.update, "update");
  positive(s.timeout, "timeout");
  positive(s.garbage, "garbage");
  if (!Number.isFinite(s.triggeredMin) || s.triggeredMin < 0)
    throw new LabError("must be a duration ≥ 0", { field: "rip.triggeredMin" });
  if (!Number.isFinite(s.triggeredMax) || s.triggeredMax < s.triggeredMin)
    throw new LabError(
      `${formatDuration(s.triggeredMax)} is below triggeredMin ${formatDuration(s.triggeredMin)}`,
      { field: "rip.triggeredMax" },
    );
  // Regular updates may come up to update/6 late (jitter); a timeout at or below that would
  // expire routes between two healthy updates.
  if (s.timeout <= s.update + s.update / 6)
    throw new LabError(
      `${formatDuration(s.timeout)} must exceed the update interval ${formatDuration(s.update)} plus its jitter (RFC 2453 uses 180s vs 30s)`,
      { field: "rip.timeout" },
    );
  if (s.splitHorizon !== "simple" && s.splitHorizon !== "poisoned" && s.splitHorizon !== "off")
    throw new LabError(`'${String(s.splitHorizon)}' is not simple, poisoned or off`, {
      field: "rip.splitHorizon",
    });
  if (s.version !== 1 && s.version !== 2)
    throw new LabError(`'${String(s.version)}' is not a RIP version (1 or 2)`, { field: "rip.version" });
  return s;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
