/** `routelab run` plays a lesson's fault schedule on the virtual clock, alongside the script. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runRun } from "./run.js";

describe("routelab run with events:", () => {
  it("cuts the link and runs the scheduled commands at their times, and runs on until the last", async () => {
    const dir = mkdtempSync(join(tmpdir(), "run-lesson-"));
    writeFileSync(
      join(dir, "l.yaml"),
      [
        "nodes: {a: , b: , c: }",
        "links: [{endpoints: [a, b]}, {endpoints: [b, c]}]",
        "events:",
        "  - {at: 50s, link: [b, c], state: down}",
        "  - {at: 55s, run: 'alice@a: ping -c 1 c'}",
        "",
      ].join("\n"),
    );
    writeFileSync(join(dir, "s.txt"), "wait 10s\na: ping -c 1 c\n");
    let out = "";
    const code = await runRun({
      topology: join(dir, "l.yaml"),
      script: join(dir, "s.txt"),
      seed: 1,
      events: join(dir, "events.jsonl"),
      out: (s) => (out += s),
      err: (s) => (out += s),
    });
    expect(code).toBe(0);
    expect(out).toContain("1 packets transmitted, 1 packets received, 0.0% packet loss");
    expect(out).toContain(
      "[55s] alice@a$ ping -c 1 c\nPING c (10.0.1.2): 56 data bytes\nping: sendto: No route to host\n",
    );
  });
});
