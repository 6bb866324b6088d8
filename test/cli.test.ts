/**
 * The command line as a user meets it: `check`, `run`, exit codes and error messages
 * (file:line:col, never a stack trace).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, ROOT, routelab } from "./cli.js";

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
      `${latin1}:2:12: not a topology: binary data (byte not UTF-8); topology files are text: .clab.yml, .clab.yaml, lab.conf, .yaml, .yml, .edges, .graphml\n`,
    );
  });

  it("answers bad usage with exit 2", () => {
    const r = routelab(["check"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/missing required argument 'topology'/);
    expect(routelab(["frobnicate"]).code).toBe(2);
  });
});

describe("routelab up", () => {
  it("refuses an admin token shorter than 16 characters before starting anything", () => {
    const r = routelab(["up", "examples/seed.yaml", "--http", "0", "--no-ssh", "--admin-token", "short"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "routelab: --admin-token: admin token too short: at least 16 characters (try: openssl rand -base64 24)\n",
    );
    expect(r.out).toBe("");
  });

  /** Starts `up` on free ports, waits for its banner, stops it with SIGINT; its standard error. */
  const upStderr = (args: string[], env: NodeJS.ProcessEnv) =>
    new Promise<string>((resolve) => {
      const users = join(mkdtempSync(join(tmpdir(), "routelab-up-")), "users.yaml");
      const p = spawn(
        process.execPath,
        [BIN, "up", "examples/seed.yaml", "--http", "0", "--no-ssh", "--users", users, ...args],
        {
          cwd: ROOT,
          env: { ...process.env, ...env },
        },
      );
      let err = "";
      p.stderr.on("data", (d) => {
        err += d;
      });
      p.stdout.on("data", (d) => {
        if (String(d).includes("stop with Ctrl-C")) p.kill("SIGINT");
      });
      p.on("close", () => resolve(err));
    });

  it("warns that --admin-token shows in ps, not the environment variable; logs as JSON lines on standard error", async () => {
    const token = "a-long-enough-admin-token";
    const argv = await upStderr(["--admin-token", token], {});
    expect(argv).toMatch(/^routelab: warning: --admin-token is visible to every user of this machine \(ps\)/);
    const env = await upStderr(["--log-level", "info"], { ROUTELAB_ADMIN_TOKEN: token });
    expect(env).not.toMatch(/warning/);
    const lines = env
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(lines.some((l) => /Server listening at http:\/\/127\.0\.0\.1:\d+/.test(l.msg))).toBe(true);
    expect(env).not.toContain(token);
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

  // Issue 25: `routelab run … | head -5` died of an unhandled EPIPE with a Node stack trace.
  // 300 routing tables make ~320 KB of output, more than a pipe holds, so the reader is gone
  // before the run could have written it all, however the two processes are scheduled.
  it("stops quietly when the reader of its output goes away (run … | head -1)", () => {
    const dir = mkdtempSync(join(tmpdir(), "routelab-head-"));
    try {
      const script = join(dir, "tables.txt");
      writeFileSync(script, `wait converged\n${"vm1: netstat -rn\n".repeat(300)}`);
      const events = join(dir, "events.jsonl");
      const r = spawnSync(
        "bash",
        [
          "-c",
          `"$0" "$1" run examples/seed.yaml --script "$2" --events "$3" | head -1; exit "\${PIPESTATUS[0]}"`,
          process.execPath,
          BIN,
          script,
          events,
        ],
        { cwd: ROOT, encoding: "utf8", timeout: 120_000 },
      );
      expect(r.stdout).toBe("converged at t=3.594s\n");
      expect(r.stderr).toBe("");
      expect(r.status).toBe(141); // 128 + SIGPIPE, what the shell reports for `git log | head`
      // The run stopped once nobody read it: not all 300 commands ran.
      const commands = readFileSync(events, "utf8").match(/"kind":"command"/g) ?? [];
      expect(commands.length).toBeLessThan(2 * 300);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("routelab check: files a topology brings in (issue 17)", () => {
  it("a bind of /etc/shadow is an error at its line, printing nothing of the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "routelab-cli-"));
    try {
      const file = join(dir, "shadow.clab.yml");
      writeFileSync(
        file,
        'name: t\ntopology:\n  nodes:\n    r1:\n      kind: linux\n      binds:\n        - /etc/shadow:/etc/frr/frr.conf\n    r2: {kind: linux}\n  links:\n    - endpoints: ["r1:eth1", "r2:eth1"]\n',
      );
      const r = routelab(["check", file]);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        `${file}:7:11: topology.nodes.r1.binds[0]: /etc/shadow is outside the lab's folder: routelab reads only files beside the topology (or below it)\n`,
      );
      expect(r.out).toBe("");
      noStack(r.err);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
