/**
 * The command line as a user meets it: `check`, `run`, exit codes and error messages
 * (file:line:col, never a stack trace).
 */
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { routelab } from "./cli.js";

const noStack = (s: string) => expect(s).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);

describe("routelab check", () => {
  it("summarizes a valid topology", () => {
    const r = routelab(["check", "examples/seed.yaml"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/9 nodes/);
    expect(r.out).toMatch(/10\.0\.90\.0\/24/);
  });

  for (const f of readdirSync("examples/bad")) {
    it(`rejects examples/bad/${f} with its position`, () => {
      const r = routelab(["check", `examples/bad/${f}`]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`^examples/bad/${f.replace(".", "\\.")}:\\d+:\\d+: `));
      noStack(r.err);
    });
  }

  it("names a missing file", () => {
    const r = routelab(["check", "nope.yaml"]);
    expect(r.code).toBe(1);
    expect(r.err).toBe("nope.yaml: cannot read topology: no such file\n");
  });

  it("says a binary file is not a topology, without echoing its bytes", () => {
    const dir = mkdtempSync(join(tmpdir(), "routelab-check-bin-"));
    const elf = join(dir, "node.yaml");
    // The start of an ELF executable (x86-64), named .yaml.
    writeFileSync(elf, Buffer.concat([Buffer.from("\x7fELF\x02\x01\x01\x00", "latin1"), Buffer.alloc(56)]));
    const r = routelab(["check", elf]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(
        `^${elf}:1:1: not a topology: binary data \\(byte 0x7f\\); topology files are text: .*\\.graphml\n$`,
      ),
    );
    const latin1 = join(dir, "latin1.yaml");
    writeFileSync(latin1, Buffer.from("name: x\nnodes: [caf\xe9]\n", "latin1"));
    expect(routelab(["check", latin1]).err).toBe(
      `${latin1}:2:12: not a topology: binary data (byte not UTF-8); topology files are text: .clab.yml, .clab.yaml, .yaml, .yml, .edges, .graphml\n`,
    );
  });

  it("answers bad usage with exit 2", () => {
    const r = routelab(["check"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/missing required argument 'topology'/);
    expect(routelab(["frobnicate"]).code).toBe(2);
  });
});

describe("routelab run", () => {
  it("does issue 3's scenario: the seed's table, then both paths", () => {
    const script = [
      "wait converged",
      "vm1: netstat -r",
      "vm1: traceroute vm6",
      "link down vm1 vm2",
      "wait 40s",
      "vm1: traceroute vm6",
    ].join("\n");
    const r = routelab(["run", "examples/seed.yaml", "--script", "-"], script);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^10\.0\.30\.0\s+vm2\s+UG\s+0\s+\d+\s+epair0$/m);
    expect(r.out).toMatch(/^ 1 {2}vm2 \(10\.0\.10\.2\)(?: {2}\d+\.\d{3} ms){3}\n 2 {2}vm6 \(10\.0\.60\.2\)/m);
    expect(r.out).toMatch(
      /^ 1 {2}vm3 \(10\.0\.20\.2\).*\n 2 {2}vm2 \(10\.0\.30\.1\).*\n 3 {2}vm6 \(10\.0\.60\.2\)/m,
    );
  });

  it("prints the prompt line before each command and (exit N) after a failure", () => {
    const r = routelab(
      ["run", "examples/seed.yaml", "--script", "-"],
      "alice@vm4: ping -c 1 -t 1 10.9.9.9\nvm2: hostname\n",
    );
    expect(r.out).toContain("alice@vm4$ ping -c 1 -t 1 10.9.9.9\n");
    expect(r.out).toMatch(/\(exit \d+\)\nvm2# hostname\nvm2\n$/);
  });

  it("stops on a bad script line with SCRIPT:LINE and exit 2, running nothing", () => {
    const r = routelab(["run", "examples/seed.yaml", "--script", "-"], "vm1: hostname\nwait forever\n");
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toBe("routelab: <stdin>:2: wait: 'forever' is not a duration (e.g. 500ms, 30s, 5m)\n");
  });

  it("rejects a bad --seed", () => {
    const r = routelab(["run", "--seed", "x", "--script", "-"], "");
    expect(r.code).toBe(2);
    expect(r.err).toContain("--seed: 'x' is not a non-negative integer");
  });
});
