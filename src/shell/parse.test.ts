import { describe, expect, it } from "vitest";
import { splitBackground, splitWords } from "./parse.js";

describe("splitWords", () => {
  it("splits on blanks and honours quotes and backslashes as sh does", () => {
    expect(splitWords("  ping  -c 3\tvm5 ")).toEqual({ ok: true, words: ["ping", "-c", "3", "vm5"] });
    expect(splitWords(`echo 'a b' "c d" e\\ f`)).toEqual({ ok: true, words: ["echo", "a b", "c d", "e f"] });
    expect(splitWords(`x "a\\"b\\\\c\\n"`)).toEqual({ ok: true, words: ["x", 'a"b\\c\\n'] });
    expect(splitWords(`x 'it\\'`)).toEqual({ ok: true, words: ["x", "it\\"] });
    expect(splitWords(`a""b ''`)).toEqual({ ok: true, words: ["ab", ""] });
    expect(splitWords("ping vm5 # the leaf")).toEqual({ ok: true, words: ["ping", "vm5"] });
    expect(splitWords("a#b")).toEqual({ ok: true, words: ["a#b"] });
    expect(splitWords("")).toEqual({ ok: true, words: [] });
  });
  it("explains unterminated quotes and unsupported operators in one line", () => {
    expect(splitWords(`ping 'vm5`)).toEqual({ ok: false, error: "Syntax error: Unterminated quoted string" });
    expect(splitWords(`ping "vm5`)).toEqual({ ok: false, error: "Syntax error: Unterminated quoted string" });
    const pipe = splitWords("netstat -rn | grep vm2");
    expect(pipe.ok).toBe(false);
    if (!pipe.ok) expect(pipe.error).toMatch(/^Syntax error: "\|" is not supported/);
    expect(splitWords("echo '|'")).toEqual({ ok: true, words: ["echo", "|"] });
  });
  it("takes a trailing & off for the caller", () => {
    expect(splitBackground("ping vm5 &")).toEqual({ line: "ping vm5", background: true });
    expect(splitBackground("ping vm5&  ")).toEqual({ line: "ping vm5", background: true });
    expect(splitBackground("ping vm5")).toEqual({ line: "ping vm5", background: false });
    expect(splitBackground("a \\&").background).toBe(false);
  });
});
