/**
 * Property: any command line typed on a router of the (converged) seed lab — quotes, escapes,
 * huge arguments, control characters, unicode, random option soup for every command — ends
 * with an exit status (0…255) and bounded output, after at most a Ctrl-C; it never throws,
 * never reports an internal error, and leaves the simulation consistent (every packet it sent
 * accounted for, carrier state intact unless it took an interface down itself).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MINUTE } from "../../src/core/time.js";
import { createSimLab } from "../../src/engines/sim/index.js";
import { runCommand, simShellContext } from "../../src/shell/index.js";
import { loadTopologyText } from "../../src/topology/index.js";
import { drain, Ledger } from "./invariants.js";

const RUNS = Number(process.env.RELIABILITY_RUNS ?? 25);
const TOPO = loadTopologyText(
  readFileSync(join(import.meta.dirname, "..", "..", "examples", "seed.yaml"), "utf8"),
  "seed.yaml",
);

const COMMANDS = ["ping", "traceroute", "netstat", "ifconfig", "route", "hostname", "help", "sh", "PING", ""];
const OPTIONS = [
  ..."acdfiIlmnNopPqQrRsStvwWx".split("").map((c) => `-${c}`),
  "-rn",
  "-in",
  "-s",
  "-c",
  "--",
  "-",
  "--help",
  "-c1",
  "-i0",
  "-W",
  "add",
  "delete",
  "get",
  "change",
  "flush",
  "monitor",
  "show",
  "-net",
  "-host",
  "up",
  "down",
  "inet",
  "netmask",
  "epair0a",
  "epair3b",
  "lo0",
  "eth9",
  "vm1",
  "vm9",
  "vm10",
  "10.0.10.1",
  "10.0.90.2",
  "10.0.90.0/24",
  "0.0.0.0",
  "255.255.255.255",
  "224.0.0.9",
  "127.0.0.1",
  "1.2.3",
  "999.1.1.1",
  "0",
  "1",
  "-1",
  "3",
  "65535",
  "65536",
  "4294967296",
  "99999999999999999999",
  "0x10",
  "1e3",
  "0.001",
  "nan",
  "inf",
  "&",
  "|",
  ";",
  ">",
  "#",
  "'unterminated",
  '"unterminated',
  "'a b'",
  '"a\\"b"',
  "\\",
  "\\ ",
  "$HOME",
  "`id`",
  "\t",
  "\u0000",
  "\u0007",
  "\u001b[31m",
  "\u001b]0;title\u0007",
  "\r",
  "\u0085",
  "\u2028",
  "\u202e",
  "🙂",
  "ä",
  "x".repeat(10_000),
  "9".repeat(400),
];

const word = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...OPTIONS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20, unit: "binary" }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);
const commandLine = fc
  .tuple(
    fc.constantFrom(...COMMANDS),
    fc.array(word, { maxLength: 10 }),
    fc.constantFrom(" ", "  ", "\t", ""),
  )
  .map(([cmd, args, sep]) => [cmd, ...args].join(sep === "" ? " " : sep));

describe("shell command lines under hostile input", () => {
  it("end with an exit status and bounded output, never a throw", () => {
    fc.assert(
      fc.property(
        fc.array(commandLine, { minLength: 1, maxLength: 4 }),
        fc.constantFrom("root", "alice"),
        (lines, user) => {
          const lab = createSimLab(TOPO, { seed: 5 });
          const ledger = new Ledger(lab);
          lab.runUntil(() => false, 60e9); // RIP converged on the seed
          const net = lab.net;
          const node = net.byName.get("vm4")!;
          for (const line of lines) {
            let out = "";
            const ctx = simShellContext(net, node, { user, write: (t) => (out += t) });
            const p = runCommand(ctx, line);
            lab.runUntil(() => p.exitCode !== undefined, 2 * MINUTE);
            if (p.exitCode === undefined) p.interrupt();
            lab.runUntil(() => p.exitCode !== undefined, MINUTE);
            expect(p.exitCode, `${JSON.stringify(line)} never ended after Ctrl-C`).toBeDefined();
            expect(Number.isInteger(p.exitCode) && p.exitCode! >= 0 && p.exitCode! <= 255).toBe(true);
            expect(out, JSON.stringify(line)).not.toMatch(
              /internal error|TypeError|RangeError|\bundefined\b|\bNaN\b/,
            );
            expect(out.length, JSON.stringify(line)).toBeLessThan(1 << 20);
          }
          expect(drain(lab)).toBe(true);
          expect(ledger.checkDrained()).toEqual([]);
          ledger.stop();
        },
      ),
      { numRuns: RUNS },
    );
  });
});
