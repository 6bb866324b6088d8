import { describe, expect, it } from "vitest";
import { fixed, hex, left, leftCut, right, rightCut } from "./cfmt.js";

describe("cfmt", () => {
  it("%.Nf rounds like printf: exact ties to even, others to nearest", () => {
    expect(fixed(0.0625, 3)).toBe("0.062"); // exact tie, even digit kept
    expect(fixed(0.1875, 3)).toBe("0.188"); // exact tie, odd digit rounds up
    expect(fixed(2.5, 0)).toBe("2");
    expect(fixed(3.5, 0)).toBe("4");
    expect(fixed(0.8164965809, 3)).toBe("0.816");
    expect(fixed(1.6666666, 3)).toBe("1.667");
    expect(fixed(-0.0625, 3)).toBe("-0.062");
    expect(fixed(100, 1)).toBe("100.0");
    expect(fixed(Number.NaN, 3)).toBe("nan");
  });
  it("pads and cuts as %-*.*s / %*.*s / %0*x", () => {
    expect(left("ab", 4)).toBe("ab  ");
    expect(right("ab", 4)).toBe("  ab");
    expect(leftCut("epair0a", 6)).toBe("epair0");
    expect(rightCut("lo0", 6)).toBe("   lo0");
    expect(rightCut("epair0a", 6)).toBe("epair0");
    expect(left("toolong", 3)).toBe("toolong");
    expect(hex(0x54, 4)).toBe("0054");
    expect(hex(0xffffff00, 8)).toBe("ffffff00");
  });
});
