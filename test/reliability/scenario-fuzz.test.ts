/**
 * Property: a scenario script made of random statements, or a valid script mutated line by
 * line, either parses into statements that name only real nodes, or fails with a LabError
 * positioned at the script and a line that exists — never another exception. A script that
 * parses then runs on the seed lab to an exit status, or stops with a LabError that names its
 * line (e.g. `link down` between two routers with no link between them: regressions.test.ts),
 * with every packet it caused accounted for (invariants.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { LabError } from "../../src/core/errors.js";
import { MINUTE, SECOND } from "../../src/core/time.js";
import { createSimLab } from "../../src/engines/sim/index.js";
import { parseScenario, runScenario, type Statement } from "../../src/lab/scenario.js";
import { loadTopologyText } from "../../src/topology/index.js";
import { drain, Ledger } from "./invariants.js";

const RUNS = Number(process.env.RELIABILITY_RUNS ?? 60);
const TOPO = loadTopologyText(
  readFileSync(join(import.meta.dirname, "..", "..", "examples", "seed.yaml"), "utf8"),
  "seed.yaml",
);
const NODES = new Set(TOPO.nodes.map((n) => n.name));

const WORDS = [
  "wait",
  "converged",
  "max",
  "link",
  "node",
  "up",
  "down",
  "--silent",
  "delay",
  "loss",
  "20ms",
  "10%",
  "-s",
  "--",
  "vm1",
  "vm2",
  "vm4",
  "vm9",
  "vm10",
  "VM1",
  "30s",
  "500ms",
  "2m",
  "0s",
  "-1s",
  "1e3s",
  "soon",
  "&",
  ":",
  "@",
  "vm1:",
  "alice@vm2:",
  "@vm3:",
  "b@d@vm4:",
  "ping",
  "-c",
  "1",
  "traceroute",
  "netstat",
  "-rn",
  "#",
  "'",
  '"',
  "\\",
  "\t",
  "\r",
  "🙂",
  "\u0000",
  "\u001b[2J",
  "\u202e",
  "x".repeat(5000),
];

const randomLine = fc.array(fc.constantFrom(...WORDS), { maxLength: 8 }).map((ws) => ws.join(" "));
const randomScript = fc.array(fc.oneof(randomLine, fc.string({ maxLength: 40 })), { maxLength: 12 });

const VALID = [
  "# a valid script",
  "wait converged max 5m",
  "vm4: ping -c 2 vm9",
  "alice@vm6: traceroute vm8 &",
  "link down vm1 vm2 --silent",
  "wait 30s",
  "node down vm3",
  "link up vm1 vm2",
  "link vm2 vm3 delay 20ms loss 10%",
  "node up vm3",
  "wait converged",
];
const mutated = fc
  .array(
    fc.record({
      line: fc.nat(),
      op: fc.constantFrom("delete", "duplicate", "cut", "insert"),
      at: fc.nat(),
      ch: fc.constantFrom(...":@&#-' \"\t5smvx0\u00e9"),
    }),
    { maxLength: 6 },
  )
  .map((ms) => {
    const lines = [...VALID];
    for (const m of ms) {
      const i = m.line % lines.length;
      const l = lines[i]!;
      const at = m.at % (l.length + 1);
      if (m.op === "delete" && lines.length > 1) lines.splice(i, 1);
      else if (m.op === "duplicate") lines.splice(i, 0, l);
      else if (m.op === "cut") lines[i] = l.slice(0, at);
      else lines[i] = l.slice(0, at) + m.ch + l.slice(at);
    }
    return lines;
  });

/** Parses; returns the statements, or checks the error is a LabError at a real line of the script. */
function parseOrPositioned(lines: string[]): Statement[] | undefined {
  const text = lines.join("\n");
  try {
    const st = parseScenario(text, "s.txt", NODES);
    for (const s of st) {
      if (s.kind === "exec") expect(NODES.has(s.node)).toBe(true);
      if (s.kind === "node") expect(NODES.has(s.node)).toBe(true);
      if (s.kind === "link") expect(NODES.has(s.a) && NODES.has(s.b)).toBe(true);
      if (s.kind === "wait" || s.kind === "converged")
        expect(Number.isFinite(s.kind === "wait" ? s.duration : s.max)).toBe(true);
    }
    stats.parsed++;
    return st;
  } catch (e) {
    stats.refused++;
    expect(e).toBeInstanceOf(LabError);
    const err = e as LabError;
    expect(err.pos.file).toBe("s.txt");
    expect(err.pos.line).toBeGreaterThanOrEqual(1);
    expect(err.pos.line).toBeLessThanOrEqual(text.split(/\r?\n/).length);
    expect(err.format()).toMatch(/^s\.txt:\d+: \S/);
    return undefined;
  }
}

/** Scripts that parsed, ran, and stopped at a positioned error (RELIABILITY_STATS=1 prints them). */
const stats = { parsed: 0, refused: 0, ran: 0, stoppedAtLine: 0 };
afterAll(() => {
  if (process.env.RELIABILITY_STATS) console.log(`scenario fuzz: ${JSON.stringify(stats)}`);
});

/** Runs a parsed script on a fresh seed lab (only short ones: waits are virtual but not free). */
async function runBounded(st: Statement[]): Promise<void> {
  const total = st.reduce(
    (t, s) => t + (s.kind === "wait" ? s.duration : s.kind === "converged" ? s.max : 0),
    0,
  );
  if (total > 60 * MINUTE) return;
  stats.ran++;
  const lab = createSimLab(TOPO, { seed: 1 });
  const ledger = new Ledger(lab);
  let out = "";
  try {
    const code = await runScenario(lab, st, "s.txt", {
      write: (s) => {
        out += s;
      },
      quietInterval: TOPO.rip.update,
      commandLimit: 30 * SECOND,
    });
    expect([0, 1]).toContain(code);
  } catch (e) {
    stats.stoppedAtLine++;
    expect(e).toBeInstanceOf(LabError);
    expect((e as LabError).format()).toMatch(/^s\.txt:\d+: /);
  }
  // Whatever the script did, every packet it caused is accounted for.
  expect(drain(lab)).toBe(true);
  expect(ledger.checkDrained()).toEqual([]);
  ledger.stop();
  await lab.close();
  expect(out).not.toMatch(/internal error/);
}

describe("scenario scripts under random and mutated input", () => {
  it("random statements: a positioned LabError or a valid parse", () => {
    fc.assert(
      fc.property(randomScript, (lines) => {
        parseOrPositioned(lines);
      }),
      { numRuns: RUNS * 10 },
    );
  });

  it("mutated valid scripts: a positioned LabError, or a parse that runs to an exit status", async () => {
    await fc.assert(
      fc.asyncProperty(mutated, async (lines) => {
        const st = parseOrPositioned(lines);
        if (st) await runBounded(st);
      }),
      { numRuns: RUNS },
    );
  });
});
