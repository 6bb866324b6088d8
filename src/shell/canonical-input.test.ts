import { describe, expect, it } from "vitest";
import { CanonicalInput } from "./canonical-input.js";

function typed(data: string, max = 10) {
  const out: string[] = [];
  const shown: string[] = [];
  new CanonicalInput(max).feed(data, {
    echo: (t) => shown.push(t),
    line: (t) => out.push(`line ${JSON.stringify(t)}`),
    end: () => out.push("end"),
  });
  return { out, shown: shown.join("") };
}

describe("CanonicalInput (ICANON line discipline)", () => {
  it("sends a line on Enter with its newline, once for CR LF", () => {
    expect(typed("hi\r\n").out).toEqual(['line "hi\\n"']);
    expect(typed("hi\r\n").shown).toBe("hi\r\n");
  });
  it("erases with DEL and BS, never past the line's start", () => {
    expect(typed("ab\x7f\bc\x7f\x7f\x7fd\r").out).toEqual(['line "d\\n"']);
  });
  it("Ctrl-D sends the partial line, and at a line's start ends the input", () => {
    expect(typed("ab\x04\x04").out).toEqual(['line "ab"', "end"]);
  });
  it("drops escape sequences and bounds a line", () => {
    expect(typed("a\x1b[1;5Cb\x1bOc\r").out).toEqual(['line "abc\\n"']);
    expect(typed("0123456789abc\r", 10).out).toEqual(['line "0123456789\\n"']);
  });
});
