import { describe, expect, it } from "vitest";
import { nextColor, normalizeColor, PALETTE } from "./palette.js";

/** WCAG relative luminance of #RRGGBB. */
function luminance(hex: string): number {
  const c = [1, 3, 5].map((i) => {
    const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
}

describe("palette", () => {
  it("gives distinct colours that read on a dark background, far beyond the fixed list", () => {
    const used: string[] = [];
    for (let i = 0; i < 60; i++) used.push(nextColor(used));
    expect(new Set(used).size).toBe(60);
    expect(used.slice(0, PALETTE.length)).toEqual([...PALETTE]);
    // contrast against the page's #111 background at least 4.5:1 (WCAG AA for text)
    for (const c of used) expect((luminance(c) + 0.05) / (luminance("#111111") + 0.05)).toBeGreaterThan(4.5);
  });

  it("normalises colours", () => {
    expect(normalizeColor("#abc")).toBe("#AABBCC");
    expect(normalizeColor("e69f00")).toBe("#E69F00");
    expect(normalizeColor("Orange")).toBe("#E69F00");
    expect(normalizeColor("#12345")).toBeUndefined();
  });
});
