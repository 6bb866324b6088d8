/**
 * One limit, one number (issue 17, "limits differ between places"): a topology file accepted
 * `delay: 99999999999999999999999h` that the API refused; the shell's `clock speed` allowed
 * 1000 where the API allowed 100. Each place now reads core/limits.ts and says the limit.
 */
import { describe, expect, it } from "vitest";
import { parseShapeWords, shapeFromJson } from "../lab/link-shape.js";
import { parseScenario } from "../lab/scenario.js";
import { runControlCommand } from "../server/control.js";
import { clockBody } from "../server/http/schemas.js";
import { createSimLab } from "../engines/sim/index.js";
import { Pacer } from "../sim/index.js";
import { loadTopologyText } from "../topology/index.js";
import { MAX_DURATION, MAX_LINK_DELAY, MAX_SPEED, MIN_SPEED } from "./limits.js";

const TWO = (delay: string) => `name: t
nodes: {a: {}, b: {}}
links:
  - {endpoints: [a, b], delay: ${delay}}
`;

describe("one limit for a link's delay", () => {
  it("a topology file refuses a delay the API refuses, at its line and column", () => {
    expect(() => loadTopologyText(TWO("99999999999999999999999h"), "t.yaml")).toThrow(
      /^t\.yaml:4:32: .*'99999999999999999999999h' is longer than the longest link delay, 1m$/,
    );
    expect(() => shapeFromJson("99999999999999999999999h", undefined)).toThrow(/longest link delay, 1m/);
    expect(() => shapeFromJson(MAX_LINK_DELAY + 1, undefined)).toThrow(/longest link delay, 1m/);
    expect(parseShapeWords(["delay", "61s"])).toEqual({
      ok: false,
      error: "link delay: '61s' is longer than the longest link delay, 1m",
    });
    expect(loadTopologyText(TWO("1m"), "t.yaml").links[0]!.delay).toBe(MAX_LINK_DELAY);
  });

  it("a lesson's delay event and a scenario's wait meet the same limits", () => {
    const lesson = `${TWO("1ms")}events:\n  - {at: 1m, link: [a, b], delay: 2h}\n`;
    expect(() => loadTopologyText(lesson, "l.yaml")).toThrow(/l\.yaml:6:.*longest link delay, 1m/);
    expect(() => parseScenario("wait 25h", "s.txt", new Set())).toThrow(/longest wait, 24h/);
    expect(MAX_DURATION).toBe(24 * 3600 * 1e9);
  });
});

describe("one limit for the clock's speed", () => {
  it("the shell's clock speed takes what the API takes, and no more", async () => {
    expect(clockBody.properties.speed).toMatchObject({ minimum: MIN_SPEED, maximum: MAX_SPEED });
    const lab = createSimLab(loadTopologyText(TWO("1ms"), "t.yaml"));
    const wall = { now: () => 0, setTimer: () => 0, clearTimer: () => {} };
    Object.assign(lab, { pacer: new Pacer(lab.net.scheduler, wall) });
    expect(runControlCommand(lab, ["clock", "speed", "1000"])).toEqual({
      output: `clock: speed '1000' must be from ${MIN_SPEED} to ${MAX_SPEED}\n`,
      status: 64,
    });
    expect((await runControlCommand(lab, ["clock", "speed", "0.01"]))!.status).toBe(64);
    expect((await runControlCommand(lab, ["clock", "speed", String(MAX_SPEED)]))!.status).toBe(0);
  });
});
