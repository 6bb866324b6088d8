import { describe, expect, it } from "vitest";
import { LabError } from "../../core/errors.js";
import { SECOND } from "../../core/time.js";
import { RipDaemon } from "./rip.js";
import { RIP_DEFAULTS, resolveRipSettings } from "./settings.js";

describe("RIP settings", () => {
  it("defaults to RFC 2453's timers and poisoned reverse", () => {
    expect(resolveRipSettings()).toEqual({
      update: 30 * SECOND,
      version: 2,
      timeout: 180 * SECOND,
      garbage: 120 * SECOND,
      triggeredMin: 1 * SECOND,
      triggeredMax: 5 * SECOND,
      splitHorizon: "poisoned",
    });
    expect(new RipDaemon().settings).toEqual(RIP_DEFAULTS);
  });

  it("fills a class's partial settings, over a topology's base", () => {
    const base = resolveRipSettings({ update: 5 * SECOND, timeout: 30 * SECOND });
    expect(resolveRipSettings({ splitHorizon: "off", garbage: undefined }, base)).toMatchObject({
      update: 5 * SECOND,
      timeout: 30 * SECOND,
      garbage: 120 * SECOND,
      splitHorizon: "off",
    });
  });

  it("refuses timers that cannot work, naming the field", () => {
    const err = (p: Parameters<typeof resolveRipSettings>[0]) => {
      try {
        resolveRipSettings(p);
      } catch (e) {
        expect(e).toBeInstanceOf(LabError);
        return (e as LabError).format();
      }
      throw new Error("accepted");
    };
    expect(err({ update: 0 })).toBe("rip.update: must be a positive duration");
    expect(err({ timeout: 30 * SECOND })).toBe(
      "rip.timeout: 30s must exceed the update interval 30s plus its jitter (RFC 2453 uses 180s vs 30s)",
    );
    expect(err({ triggeredMin: 6 * SECOND })).toBe("rip.triggeredMax: 5s is below triggeredMin 6s");
    expect(err({ splitHorizon: "sometimes" as never })).toBe(
      "rip.splitHorizon: 'sometimes' is not simple, poisoned or off",
    );
  });
});
