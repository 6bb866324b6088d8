/**
 * The simulator's vtysh (src/shell/cmd/vtysh.ts) against real FRR 8.4.4's: every case of
 * test/fixtures/vtysh/frr-8.4.4.json (captured on the netns engine by capture.mjs beside it) is
 * run on the simulator at the same point of the same scenario, and the outputs must be equal
 * byte for byte once the fields that depend on when each engine's routers spoke are masked —
 * each masked value checked to lie where it must:
 * - a route's uptime (`, HH:MM:SS` of show ip route, `Last update HH:MM:SS ago`): at most the
 *   time since the lab booted (virtual on the simulator, the wall clock's on netns, recorded);
 * - a RIP route's timer (`MM:SS` of show ip rip): at most the timeout (30 s here), and at least
 *   timeout − 2 × update (a route is refreshed every update, up to 1.5 × update late);
 * - `next due in N seconds` of show ip rip status: at most 1.5 × update; a neighbour's Last
 *   Update: at most 1.5 × update.
 * Everything else — codes, which route is selected, next hops, metrics, distances, the header,
 * the error texts and exit statuses — must be FRR's.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SECOND } from "../src/core/time.js";
import { createSimLab } from "../src/engines/sim/index.js";
import type { Lab } from "../src/lab/lab.js";
import { loadTopologyText } from "../src/topology/index.js";

const ROOT = join(import.meta.dirname, "..");
const FIXTURE = join(ROOT, "test", "fixtures", "vtysh", "frr-8.4.4.json");

interface Case {
  lab: string;
  phase?: string;
  node: string;
  lines?: string[];
  code?: number;
  stdout: string;
  stderr?: string;
  shell?: string;
  /** Seconds from the start of the real lab's boot to the end of this case's vtysh. */
  at: number;
}
const fixture = JSON.parse(readFileSync(FIXTURE, "utf8")) as { frr: string; cases: Case[] };

const UPDATE = 5;
const TIMEOUT = 30;
const SEED = readFileSync(join(ROOT, "examples", "seed.yaml"), "utf8");
/** As capture.mjs: static routes beside RIP on vm1 (one for a prefix RIP knows), vm9 static only. */
const STATICS = SEED.replace(
  "vm1: { position: [400, 80] }",
  "vm1:\n    position: [400, 80]\n    static:\n      - 192.168.7.0/24 via 10.0.10.2\n      - 10.0.90.0/24 via 10.0.10.2",
).replace(
  "vm9: { position: [650, 420] }",
  "vm9:\n    position: [650, 420]\n    routing: static\n    static:\n      - 0.0.0.0/0 via 10.0.90.1",
);

async function lab(text: string): Promise<Lab> {
  const topo = loadTopologyText(text, "seed.yaml");
  topo.rip = { ...topo.rip, update: UPDATE * SECOND, timeout: TIMEOUT * SECOND, garbage: 20 * SECOND };
  return createSimLab(topo, { seed: 1 });
}

async function run(l: Lab, node: string, line: string): Promise<{ out: string; code: number }> {
  let out = "";
  const x = l.exec(node, line, { write: (s) => (out += s) });
  await l.advanceUntil(() => x.exitCode !== undefined, 10 * SECOND);
  return { out, code: await x.done };
}

/** The shell line for vtysh with these -c lines. */
const vtyshLine = (lines: readonly string[]) => `vtysh ${lines.map((l) => `-c '${l}'`).join(" ")}`;

/**
 * Equal-cost choices: a router hears the same metric from two neighbours and keeps the first it
 * heard (RFC 2453 3.9.2; routed, ripd and the simulator alike), which depends on who spoke first
 * — on FRR from run to run (two captures chose differently). Such a next hop is masked when, and
 * only when, it is one of the tied neighbours: vm1 reaches vm2–vm3's 10.0.30.0/24 through either.
 */
const TIES: Record<string, { prefix: string; via: string[] }[]> = {
  vm1: [{ prefix: "10.0.30.0/24", via: ["10.0.10.2, epair0a", "10.0.20.2, epair1a"] }],
  vm2: [{ prefix: "10.0.20.0/24", via: ["10.0.10.1, epair0b", "10.0.30.2, epair2a"] }],
};

function maskTies(text: string, node: string): string {
  return text
    .split("\n")
    .map((line) => {
      for (const tie of TIES[node] ?? []) {
        if (!line.includes(` ${tie.prefix} `)) continue;
        for (const via of tie.via) {
          const addr = via.split(", ")[0]!;
          // show ip route: `via A, IF,`; show ip rip: the Next Hop and From columns, width kept.
          if (line.includes(` via ${via},`)) return line.replace(` via ${via},`, " via <tie>,");
          if (line.startsWith("R(n) ") && line.includes(` ${addr} `))
            return line.replaceAll(` ${addr} `, ` ${"<tie>".padEnd(addr.length)} `);
        }
      }
      return line;
    })
    .join("\n");
}

const secs = (h: string, m: string, s: string) => Number(h) * 3600 + Number(m) * 60 + Number(s);

/** Masks the times that depend on when routers spoke, checking each (see the file's comment). */
function masked(text: string, elapsed: number): string {
  return text
    .split("\n")
    .map((line) => {
      let l = line.replace(/, (\d\d):(\d\d):(\d\d)$/, (_m, h, mi, s) => {
        expect(secs(h, mi, s), line).toBeLessThanOrEqual(elapsed);
        return ", <uptime>";
      });
      l = l.replace(/^( {2}Last update )(\d\d):(\d\d):(\d\d)( ago)$/, (_m, a, h, mi, s, b) => {
        expect(secs(h, mi, s), line).toBeLessThanOrEqual(elapsed);
        return `${a}<uptime>${b}`;
      });
      if (/^[RC]\([a-z]\) /.test(l))
        l = l.replace(/ (\d\d):(\d\d)$/, (_m, mi, s) => {
          const t = secs("0", mi, s);
          expect(t, line).toBeLessThanOrEqual(TIMEOUT);
          if (line.startsWith("R(n)") && !/ 16 \d/.test(line))
            expect(t, line).toBeGreaterThanOrEqual(TIMEOUT - 2 * UPDATE);
          return " <timer>";
        });
      l = l.replace(/next due in (\d+) seconds/, (_m, n) => {
        expect(Number(n), line).toBeLessThanOrEqual(1.5 * UPDATE);
        return "next due in <n> seconds";
      });
      l = l.replace(
        /^( {4}\d+\.\d+\.\d+\.\d+ +\d+ +\d+ +120 {3})(\d\d):(\d\d):(\d\d)$/,
        (_m, a, h, mi, s) => {
          expect(secs(h, mi, s), line).toBeLessThanOrEqual(1.5 * UPDATE);
          return `${a}<ago>`;
        },
      );
      return l;
    })
    .join("\n");
}

function casesOf(labName: string, phase: string): Case[] {
  return fixture.cases.filter((c) => c.lab === labName && c.phase === phase && c.lines !== undefined);
}

/**
 * FRR commands the simulator does not answer, among the captured ones (abbreviations are taken
 * as FRR takes them, then refused with a note): the real answer is checked to be a success.
 */
const NOT_SIMULATED: Record<string, string> = {
  "show i": "show interface",
  "show ip router": "show ip router-id",
};

async function compare(l: Lab, c: Case, elapsed: number): Promise<void> {
  const sim = await run(l, c.node, vtyshLine(c.lines!));
  const gap = c.lines!.length === 1 ? NOT_SIMULATED[c.lines![0]!] : undefined;
  if (gap !== undefined) {
    expect(c.code).toBe(0);
    expect(sim).toEqual({
      out: expect.stringContaining(`vtysh: '${gap}' is FRR's, but the simulator answers only`),
      code: 1,
    });
    return;
  }
  const real = c.stdout + (c.stderr ?? "");
  const what = `${c.node}: ${vtyshLine(c.lines!)}`;
  expect(maskTies(masked(sim.out, elapsed), c.node), what).toBe(
    maskTies(masked(real, Math.ceil(c.at)), c.node),
  );
  expect(sim.code, what).toBe(c.code);
}

describe(`vtysh on the simulator answers as FRR ${fixture.frr} (test/fixtures/vtysh)`, () => {
  it("the seed converged: show ip route, show ip rip [status], detail, abbreviations and errors", async () => {
    const l = await lab(SEED);
    try {
      await l.advance(25 * SECOND);
      const cases = casesOf("seed", "converged");
      expect(cases.length).toBeGreaterThan(20);
      for (const c of cases) await compare(l, c, 25);
      // A link goes down: the connected network at metric 16 in garbage collection, routes moved.
      l.setLink("vm1", "vm3", false);
      await l.advance(6 * SECOND);
      const down = casesOf("seed", "vm1-vm3 down 6 s");
      expect(down.length).toBe(2);
      for (const c of down) await compare(l, c, 31);
    } finally {
      await l.close();
    }
  });

  it("kernel routes beside RIP's (K [0/0], the shadowed R without > and *), and a static-only router", async () => {
    const l = await lab(STATICS);
    try {
      await l.advance(25 * SECOND);
      const add = fixture.cases.find((c) => c.lab === "statics" && c.shell !== undefined)!;
      expect((await run(l, add.node, add.shell!)).out).toBe(add.stdout);
      await l.advance(2 * SECOND);
      const cases = casesOf("statics", "converged");
      expect(cases.length).toBe(4);
      for (const c of cases) await compare(l, c, 27);
    } finally {
      await l.close();
    }
  });
});
