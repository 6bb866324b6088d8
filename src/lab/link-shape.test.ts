import { describe, expect, it } from "vitest";
import { LabError } from "../core/errors.js";
import { MS, US } from "../core/time.js";
import { checkShape, describeShape, linkRequestShape, parseShapeWords, shapeFromJson } from "./link-shape.js";

/** The field and message of the LabError `fn` throws. */
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    return `${(e as LabError).pos.field}: ${(e as LabError).message}`;
  }
  throw new Error("expected a LabError");
};

describe("link shape", () => {
  it("reads delay and loss as a topology file does, in words and in JSON", () => {
    expect(parseShapeWords(["delay", "20ms"])).toEqual({ ok: true, value: { delay: 20 * MS } });
    expect(parseShapeWords(["loss", "10%", "delay", "1.5ms"])).toEqual({
      ok: true,
      value: { loss: 0.1, delay: 1500 * US },
    });
    expect(parseShapeWords(["loss", "0.25"])).toEqual({ ok: true, value: { loss: 0.25 } });
    expect(shapeFromJson("20ms", "10%")).toEqual({ delay: 20 * MS, loss: 0.1 });
    expect(shapeFromJson(2_000_000, 0)).toEqual({ delay: 2 * MS, loss: 0 });
    expect(shapeFromJson(undefined, 1)).toEqual({ loss: 1 });
    expect(describeShape({ delay: 20 * MS, loss: 0.1 })).toBe("delay 20ms loss 10%");
    expect(describeShape({ delay: 1500 * US })).toBe("delay 1500us");
    expect(describeShape({ loss: 0.005 })).toBe("loss 0.5%");
  });

  it("refuses bad values with what is wrong", () => {
    expect(parseShapeWords(["delay"])).toMatchObject({ ok: false, error: /^usage: link A B \[delay/ });
    expect(parseShapeWords(["delay", "20"])).toEqual({
      ok: false,
      error: "link delay: '20' has no unit: write e.g. 20ms or 20s",
    });
    expect(parseShapeWords(["loss", "150%"])).toEqual({
      ok: false,
      error: "link loss: loss 150% is outside 0…1 (write 0.01 or 1% for one packet in a hundred)",
    });
    expect(parseShapeWords(["loss", "1%", "loss", "2%"])).toEqual({
      ok: false,
      error: "link: expected delay or loss (once each), not 'loss'",
    });
    expect(parseShapeWords(["jitter", "1ms"])).toMatchObject({ ok: false, error: /not 'jitter'/ });
    expect(refusal(() => shapeFromJson("soon", undefined))).toBe(
      "delay: 'soon' is not a duration (e.g. 500us, 2ms, 30s, 5m)",
    );
    expect(refusal(() => shapeFromJson(-1, undefined))).toBe(
      "delay: -1 is not a whole number of nanoseconds ≥ 0",
    );
    expect(refusal(() => shapeFromJson(true, undefined))).toMatch(/^delay: expected a duration/);
    expect(refusal(() => shapeFromJson(undefined, 2))).toMatch(/^loss: loss 2 is outside 0…1/);
    expect(refusal(() => shapeFromJson(undefined, [0.1]))).toMatch(/^loss: expected 0…1/);
    expect(refusal(() => checkShape({ loss: Number.NaN }))).toBe("loss: loss NaN is outside 0…1");
    expect(refusal(() => checkShape({ delay: 0.5 }))).toBe(
      "delay: delay 0.5 is not a whole number of nanoseconds ≥ 0",
    );
    expect(refusal(() => checkShape({}))).toBe("delay: give delay or loss (or both)");
  });

  it("says what a link request lacks", () => {
    expect(linkRequestShape({ state: "down" })).toBeUndefined();
    expect(linkRequestShape({ state: "up", loss: "1%" })).toEqual({ loss: 0.01 });
    expect(refusal(() => linkRequestShape({}))).toBe("state: give state (up or down), delay or loss");
    expect(refusal(() => linkRequestShape({ silent: true, loss: 0 }))).toBe(
      "silent: silent goes with state: down",
    );
  });
});
