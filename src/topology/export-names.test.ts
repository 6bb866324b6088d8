/**
 * The name mapping of exports (topology/export-names.ts): plain names stay, others are made
 * plain, long or clashing ones get a hash of the original, and the result is deterministic.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DNS1123_LABEL, mapNames, plainName } from "./export-names.js";

const dash = { dash: true, maxLen: () => 10, reserved: new Set(["host"]) };

describe("mapNames", () => {
  it("keeps names that are already plain and short", () => {
    expect([...mapNames(["vm1", "r-2"], dash).values()]).toEqual(["vm1", "r-2"]);
  });

  it("lower-cases, turns other characters into one dash, and starts with a letter", () => {
    expect(plainName("New_York", true)).toBe("new-york");
    expect(plainName("St._Louis__", true)).toBe("st-louis");
    expect(plainName("9Oaks", true)).toBe("n9oaks");
    expect(plainName("New_York", false)).toBe("newyork");
  });

  it("cuts long names with a hash of the original, so two long names stay apart", () => {
    const m = mapNames(["Washington_DC", "Washington_State"], dash);
    const [a, b] = [m.get("Washington_DC")!, m.get("Washington_State")!];
    expect(a).toMatch(/^washi-[0-9a-z]{4}$/);
    expect(b).toMatch(/^washi-[0-9a-z]{4}$/);
    expect(a).not.toBe(b);
  });

  it("gives a clash and a reserved name a hash, the first comer keeps its name", () => {
    const m = mapNames(["a_b", "a-b", "host"], dash);
    expect(m.get("a_b")).toBe("a-b");
    expect(m.get("a-b")).toMatch(/^a-b-[0-9a-z]{4}$/);
    expect(m.get("host")).toMatch(/^host-[0-9a-z]{4}$/);
  });

  it("a node's name does not depend on the others (no clash): adding nodes moves no one", () => {
    const one = mapNames(["Washington_DC"], dash).get("Washington_DC");
    const two = mapNames(["Atlanta", "Washington_DC"], dash).get("Washington_DC");
    expect(two).toBe(one);
  });

  it("always gives unique DNS-1123 labels within budget (property)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/), { maxLength: 40 }),
        fc.integer({ min: 6, max: 63 }),
        fc.boolean(),
        (names, max, withDash) => {
          const m = mapNames(names, { dash: withDash, maxLen: () => max, reserved: new Set(["shared"]) });
          const out = [...m.values()];
          expect(new Set(out).size).toBe(names.length);
          for (const n of out) {
            expect(n.length).toBeLessThanOrEqual(max);
            expect(n).toMatch(DNS1123_LABEL);
            expect(n).toMatch(/^[a-z]/);
            expect(n).not.toBe("shared");
            if (!withDash) expect(n).toMatch(/^[a-z0-9]+$/);
          }
        },
      ),
      { seed: 24, numRuns: 300 },
    );
  });
});
