import { describe, expect, it } from "vitest";
import { getopt, strtod, strtoul } from "./getopt.js";

describe("getopt", () => {
  it("groups flags, takes attached or separate arguments, stops at the first operand or --", () => {
    const g = getopt(["-nqc3", "-i", "0.5", "vm5", "-m", "2"], "c:i:m:nq", "ping");
    expect(g).toEqual({
      ok: true,
      opts: [
        { opt: "n", arg: undefined },
        { opt: "q", arg: undefined },
        { opt: "c", arg: "3" },
        { opt: "i", arg: "0.5" },
      ],
      operands: ["vm5", "-m", "2"],
    });
    expect(getopt(["--", "-x"], "n", "p")).toEqual({ ok: true, opts: [], operands: ["-x"] });
    expect(getopt(["-"], "n", "p")).toEqual({ ok: true, opts: [], operands: ["-"] });
  });
  it("gives BSD's two diagnostics", () => {
    expect(getopt(["-x"], "n", "ping")).toEqual({ ok: false, error: "ping: illegal option -- x" });
    expect(getopt(["-c"], "c:", "ping")).toEqual({
      ok: false,
      error: "ping: option requires an argument -- c",
    });
  });
  it("strtoul/strtod accept only whole numbers in C's bases", () => {
    expect(strtoul("10")).toBe(10);
    expect(strtoul("0x1f")).toBe(31);
    expect(strtoul("010")).toBe(8);
    expect(strtoul("0")).toBe(0);
    expect(strtoul("3x")).toBeUndefined();
    expect(strtoul("-1")).toBeUndefined();
    expect(strtoul("")).toBeUndefined();
    expect(strtod("0.2")).toBe(0.2);
    expect(strtod(".5")).toBe(0.5);
    expect(strtod("1e3")).toBe(1000);
    expect(strtod("1s")).toBeUndefined();
  });
});
