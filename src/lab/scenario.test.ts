import { describe, expect, it } from "vitest";
import { LabError } from "../core/errors.js";
import { createSimLab } from "../engines/sim/index.js";
import { loadTopologyText } from "../topology/index.js";
import { MINUTE, MS, SECOND } from "../core/time.js";
import { MAX_WAIT, parseScenario, runScenario } from "./scenario.js";

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
    expect(bad("\n\nlink down vm1")).toBe(
      "s.txt:3: usage: link down A B [--silent] | link up A B | link A B [delay DURATION] [loss RATE]",
    );
    expect(bad("link up vm1 vm2 --silent")).toBe("s.txt:1: link up: unknown option '--silent'");
    expect(bad("reboot vm1")).toBe(
      "s.txt:1: unknown statement 'reboot' (expected wait, link, node, or NODE: COMMAND)",
    );
    expect(bad("vm1:   ")).toBe("s.txt:1: missing command after 'vm1:'");
    expect(bad("wait converged max")).toBe("s.txt:1: usage: wait converged [max DURATION]");
  });

  it("reads a link's delay and loss, and says what is wrong with them at their line", () => {
    expect(parseScenario("link vm1 vm2 loss 10%\nlink vm2 vm1 delay 20ms loss 0.5", "s", nodes)).toEqual([
      { line: 1, kind: "shape", a: "vm1", b: "vm2", shape: { loss: 0.1 } },
      { line: 2, kind: "shape", a: "vm2", b: "vm1", shape: { delay: 20 * MS, loss: 0.5 } },
    ]);
    expect(bad("link vm1 vm2 loss")).toBe(
      "s.txt:1: usage: link A B [delay DURATION] [loss RATE] (e.g. delay 20ms, loss 10%)",
    );
    expect(bad("\nlink vm1 vm2 delay 20")).toBe(
      "s.txt:2: link delay: '20' has no unit: write e.g. 20ms or 20s",
    );
    expect(bad("link vm1 vm9 loss 1%")).toBe("s.txt:1: unknown node 'vm9'");
    expect(bad("link vm1 vm2 up")).toBe(
      "s.txt:1: usage: link down A B [--silent] | link up A B | link A B [delay DURATION] [loss RATE]",
    );
  });

  it("bounds waits: a typo such as 100000h is refused at its line instead of running for hours", () => {
    expect(parseScenario("wait 24h", "s", nodes)[0]).toMatchObject({ duration: MAX_WAIT });
    expect(parseScenario("wait converged max 24h", "s", nodes)[0]).toMatchObject({ max: MAX_WAIT });
    expect(bad("wait 1s\nwait 100000h")).toBe(
      "s.txt:2: wait: '100000h' is longer than the longest wait, 24h",
    );
    expect(bad("wait 86401s")).toBe("s.txt:1: wait: '86401s' is longer than the longest wait, 24h");
    expect(bad("wait converged max 25h")).toBe(
      "s.txt:1: wait converged max: '25h' is longer than the longest wait, 24h",
    );
    expect(bad("wait converged max 0s")).toBe("s.txt:1: wait converged max: '0s' must be longer than 0");
    expect(bad(`wait ${"9".repeat(400)}h`)).toMatch(/^s\.txt:1: wait: '9+h' is not a duration/);
  });
});

describe("runScenario", () => {
  it("reports a long wait's progress once per simulated second, and a converged wait's too", async () => {
    const lab = createSimLab(loadTopologyText("r0 r1 10.0.1.0/24\n", "line.edges"));
    const seen: string[] = [];
    const code = await runScenario(lab, parseScenario("wait 3s\nwait converged", "s", new Set(["r0"])), "s", {
      write: () => {},
      quietInterval: lab.topology.rip.update,
      progress: (what, now) => seen.push(`${what} ${now / SECOND}`),
    });
    expect(code).toBe(0);
    expect(seen.slice(0, 3)).toEqual(["wait 3s 1", "wait 3s 2", "wait 3s 3"]);
    expect(seen.slice(3).every((x) => x.startsWith("wait converged "))).toBe(true);
    expect(seen.length).toBeGreaterThan(3);
  });

  it("stops at the line of a `wait converged` that gives up", async () => {
    // A link flapping every second never lets routing settle.
    const lab = createSimLab(loadTopologyText("r0 r1 10.0.1.0/24\nr1 r2 10.0.2.0/24\n", "line.edges"));
    for (let k = 1; k <= 40; k++)
      lab.net.scheduler.at(k * SECOND, () => lab.setLink("r1", "r2", k % 2 === 0));
    let out = "";
    const st = parseScenario("# flapping\nwait converged max 20s", "s.txt", new Set(["r0"]));
    const code = await runScenario(lab, st, "s.txt", {
      write: (s) => (out += s),
      quietInterval: 30 * SECOND,
    });
    expect(code).toBe(1);
    expect(out).toBe("s.txt:2: not converged after 20.000s\n");
  });

  it("stops at the next event once its stop signal is aborted, running no later line", async () => {
    // The CLI aborts when the reader of its output has gone (`routelab run … | head -1`).
    const lab = createSimLab(loadTopologyText("r0 r1 10.0.1.0/24\n", "line.edges"));
    const stop = new AbortController();
    let out = "";
    const st = parseScenario("r0: ping r1\nr0: hostname\nwait 1h", "s", new Set(["r0", "r1"]));
    const code = await runScenario(lab, st, "s", {
      write: (s) => {
        out += s;
        if (s.startsWith("64 bytes")) stop.abort(); // the first reply: the reader leaves
      },
      quietInterval: lab.topology.rip.update,
      stop: stop.signal,
    });
    expect(code).toBe(1);
    // The endless ping was interrupted (its summary printed), hostname and the hour never ran.
    expect(out.match(/^64 bytes/gm)).toHaveLength(1);
    expect(out).toContain("1 packets transmitted, 1 packets received");
    expect(out).not.toContain("r0# hostname");
    expect(lab.clock().now).toBeLessThan(MINUTE);
  });
});
