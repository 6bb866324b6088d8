/**
 * The header's notes of issue 23: a clock that cannot keep the asked speed says how fast it
 * really runs, and a map that shows a sample says so.
 */
import { describe, expect, it } from "vitest";
import { behindText } from "../../web/src/controls.js";
import { sampleText } from "../../web/src/sample-note.js";

describe("header notes", () => {
  it("say the speed really kept, readably", () => {
    expect(behindText(0.3)).toBe("running at 0.3× — the simulation can't keep up");
    expect(behindText(0.31)).toBe("running at 0.31× — the simulation can't keep up");
    expect(behindText(0.034)).toBe("running at 0.03× — the simulation can't keep up");
    expect(behindText(76.54)).toBe("running at 76.5× — the simulation can't keep up");
  });

  it("say the map is a sample", () => {
    expect(sampleText(16)).toBe("a sample: 1 packet in 16 drawn");
    expect(sampleText(16, 32)).toBe("a sample: 1 packet in 16 drawn");
    expect(sampleText(1, 32)).toBe("a sample: 1 router's routes in 32");
  });
});
