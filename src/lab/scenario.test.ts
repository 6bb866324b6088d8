import { describe, expect, it } from "vitest";
import { LabError } from "../core/errors.js";
import { MINUTE, MS, SECOND } from "../core/time.js";
import { parseScenario } from "./scenario.js";

const nodes = new Set(["vm1", "vm2", "vm6"]);
const bad = (text: string) => {
  try {
    parseScenario(text, "s.txt", nodes);
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    return (e as LabError).format();
  }
  throw new Error("expected a LabError");
};

describe("parseScenario", () => {
  it("reads every statement kind", () => {
    const s = parseScenario(
      [
        "# comment",
        "",
        "wait 500ms",
        "wait converged",
        "wait converged max 2m",
        "link down vm1 vm2 --silent",
        "link up vm1 vm2",
        "node down vm6",
        "vm1: traceroute vm6",
        "alice@vm2: ping -c 3 vm1 &",
      ].join("\n"),
      "s.txt",
      nodes,
    );
    expect(s).toEqual([
      { line: 3, kind: "wait", duration: 500 * MS },
      { line: 4, kind: "converged", max: 10 * MINUTE },
      { line: 5, kind: "converged", max: 2 * MINUTE },
      { line: 6, kind: "link", a: "vm1", b: "vm2", up: false, silent: true },
      { line: 7, kind: "link", a: "vm1", b: "vm2", up: true, silent: false },
      { line: 8, kind: "node", node: "vm6", up: false },
      { line: 9, kind: "exec", user: "root", node: "vm1", command: "traceroute vm6", background: false },
      { line: 10, kind: "exec", user: "alice", node: "vm2", command: "ping -c 3 vm1", background: true },
    ]);
    expect(parseScenario("wait 30s", "s", nodes)[0]).toMatchObject({ duration: 30 * SECOND });
  });

  it("names the script and line of a bad statement", () => {
    expect(bad("wait 30s\nwait soon")).toBe("s.txt:2: wait: 'soon' is not a duration (e.g. 500ms, 30s, 5m)");
    expect(bad("vm9: ping vm1")).toBe("s.txt:1: unknown node 'vm9'");
    expect(bad("\n\nlink down vm1")).toBe("s.txt:3: usage: link down A B [--silent] | link up A B");
    expect(bad("link up vm1 vm2 --silent")).toBe("s.txt:1: link up: unknown option '--silent'");
    expect(bad("reboot vm1")).toBe(
      "s.txt:1: unknown statement 'reboot' (expected wait, link, node, or NODE: COMMAND)",
    );
    expect(bad("vm1:   ")).toBe("s.txt:1: missing command after 'vm1:'");
    expect(bad("wait converged max")).toBe("s.txt:1: usage: wait converged [max DURATION]");
  });
});
