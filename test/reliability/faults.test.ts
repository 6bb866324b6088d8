/**
 * Fault injection with invariants (issue 8): on the seed network and on random connected
 * topologies with per-link delay and loss, a seeded plan of faults — links down, silent cuts,
 * flapping links, router crashes and reboots, partitions and heals — runs while pings and
 * traceroutes run in the background. After every run, once the faults stop and RIP
 * reconverges, the invariants of ./invariants.ts must hold: every packet accounted for
 * exactly once with a reason, the stream, the pcap and the counters agreeing, carrier state
 * consistent, no forwarding loop, every reachable address reached.
 *
 * Bounded for CI: a handful of runs per property. `RELIABILITY_RUNS=200 npx vitest run
 * test/reliability` runs more (docs/reliability.md has the figures); a failing run prints its
 * fast-check seed and the shrunk plan, and `RELIABILITY_SEED=… ` replays it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { formatIpv4 } from "../../src/core/ip.js";
import { MINUTE } from "../../src/core/time.js";
import type { Execution } from "../../src/lab/lab.js";
import { convergedQuiet } from "../../src/lab/scenario.js";
import { createSimLab } from "../../src/engines/sim/index.js";
import type { WallClock } from "../../src/sim/index.js";
import { loadTopologyText } from "../../src/topology/index.js";
import type { Topology } from "../../src/topology/model.js";
import { checkArpCaches, checkCarrier, checkRouting, drain, Ledger, waitConverged } from "./invariants.js";

const RUNS = Number(process.env.RELIABILITY_RUNS ?? 12);
/** vitest's timeout for a property: the default minute, or half an hour for large runs. */
const TIMEOUT = RUNS > 50 ? 30 * 60_000 : 60_000;
const SEED = process.env.RELIABILITY_SEED === undefined ? undefined : Number(process.env.RELIABILITY_SEED);
const params = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns,
  ...(SEED !== undefined ? { seed: SEED } : {}),
  // Virtual minutes are cheap but not free: keep one property under a few seconds in CI.
  interruptAfterTimeLimit: RUNS > 50 ? (30 * MINUTE) / 1e6 : 20_000,
});

const SEED_YAML = readFileSync(join(import.meta.dirname, "..", "..", "examples", "seed.yaml"), "utf8");

// ---- random topologies ---------------------------------------------------------------------

interface RandomNet {
  n: number;
  splitHorizon: "poisoned" | "simple" | "off";
  links: { a: number; b: number; delayMs: number; lossPct: number }[];
}

/**
 * A connected graph: a random tree plus a few extra links, each with its own delay and loss,
 * and any of RIP's split-horizon modes (with `off`, loops count to infinity before they heal).
 */
const randomNet: fc.Arbitrary<RandomNet> = fc.integer({ min: 3, max: 12 }).chain((n) =>
  fc
    .record({
      parents: fc.array(fc.nat(), { minLength: n - 1, maxLength: n - 1 }),
      extra: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n }),
      splitHorizon: fc.constantFrom("poisoned" as const, "simple" as const, "off" as const),
      props: fc.array(fc.tuple(fc.integer({ min: 1, max: 20 }), fc.constantFrom(0, 0, 1, 5, 15)), {
        minLength: 2 * n,
        maxLength: 2 * n,
      }),
    })
    .map(({ parents, extra, props, splitHorizon }) => {
      const pairs: [number, number][] = parents.map((p, i) => [p % (i + 1), i + 1]);
      for (const [a, b] of extra)
        if (a !== b && !pairs.some(([x, y]) => (x === a && y === b) || (x === b && y === a)))
          pairs.push([a, b]);
      return {
        n,
        splitHorizon,
        links: pairs.map(([a, b], i) => ({ a, b, delayMs: props[i]![0], lossPct: props[i]![1] })),
      };
    }),
);

/** The routelab YAML of a random net, with RIP timers shortened so runs stay short. */
function yamlOf(r: RandomNet): string {
  const lines = [
    "name: random",
    "defaults:",
    `  rip: { update: 5s, timeout: 30s, garbage: 20s, triggered: 1s-2s, split-horizon: ${r.splitHorizon} }`,
    "nodes:",
    ...Array.from({ length: r.n }, (_, i) => `  r${i}: {}`),
    "links:",
  ];
  for (const l of r.links)
    lines.push(`  - endpoints: [r${l.a}, r${l.b}]`, `    delay: ${l.delayMs}ms`, `    loss: ${l.lossPct}%`);
  return `${lines.join("\n")}\n`;
}

// ---- fault plans ---------------------------------------------------------------------------

type Action =
  | { gap: number; op: "down"; link: number; silent: boolean }
  | { gap: number; op: "up"; link: number }
  | { gap: number; op: "flap"; link: number; times: number; period: number }
  | { gap: number; op: "crash" | "boot"; node: number }
  | { gap: number; op: "ifdown" | "ifup"; node: number; iface: number }
  | { gap: number; op: "partition"; mask: number }
  | { gap: number; op: "heal" }
  | { gap: number; op: "ping"; from: number; to: number; count: number }
  | { gap: number; op: "trace"; from: number; to: number };

const gap = fc.integer({ min: 0, max: 20_000 }); // ms
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ gap, op: fc.constant("down" as const), link: fc.nat(), silent: fc.boolean() }),
  fc.record({ gap, op: fc.constant("up" as const), link: fc.nat() }),
  fc.record({
    gap,
    op: fc.constant("flap" as const),
    link: fc.nat(),
    times: fc.integer({ min: 1, max: 4 }),
    period: fc.integer({ min: 50, max: 8000 }),
  }),
  fc.record({ gap, op: fc.constantFrom("crash" as const, "boot" as const), node: fc.nat() }),
  fc.record({
    gap,
    op: fc.constantFrom("ifdown" as const, "ifup" as const),
    node: fc.nat(),
    iface: fc.nat(),
  }),
  fc.record({ gap, op: fc.constant("partition" as const), mask: fc.nat() }),
  fc.record({ gap, op: fc.constant("heal" as const) }),
  fc.record({
    gap,
    op: fc.constant("ping" as const),
    from: fc.nat(),
    to: fc.nat(),
    count: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({ gap, op: fc.constant("trace" as const), from: fc.nat(), to: fc.nat() }),
);

interface Plan {
  warmup: number; // ms before the first fault (converged or not)
  /** Pings that run through the whole plan: [from node, to address] indexes. */
  traffic: [number, number][];
  actions: Action[];
  /** Bring every link and node back at the end (else faults stay and routing must route around them). */
  healAll: boolean;
}

const plan: fc.Arbitrary<Plan> = fc.record({
  warmup: fc.integer({ min: 0, max: 60_000 }),
  traffic: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }),
  actions: fc.array(action, { maxLength: 14 }),
  healAll: fc.boolean(),
});

const MS = 1_000_000;

interface RunReport {
  violations: string[];
  execs: number;
  outputs: string[];
  created: number;
  byReason: Record<string, number>;
  digest: string;
}

/** Runs `p` on a fresh lab of `topo`; returns every invariant violation (none expected). */
function runPlan(topo: Topology, p: Plan, seed: number): RunReport {
  const lab = createSimLab(topo, { seed });
  const ledger = new Ledger(lab);
  const net = lab.net;
  const s = net.scheduler;
  const advance = (ns: number) => s.runUntil(s.now() + ns);
  const addrs = net.nodes.flatMap((n) => n.ifaces.slice(1).map((i) => formatIpv4(i.addr)));
  const names = net.nodes.map((n) => n.name);
  const running: { x: Execution; line: string; out: () => string }[] = [];
  const problems: string[] = [];
  let digest = 0x811c9dc5;
  const off = lab.onEvent((e) => {
    const str = `${e.kind}${e.t}${"packet" in e ? e.packet : ""}${"reason" in e ? e.reason : ""}`;
    for (let i = 0; i < str.length; i++) digest = Math.imul(digest ^ str.charCodeAt(i), 16777619) >>> 0;
  });

  const exec = (from: number, line: string) => {
    let out = "";
    const x = lab.exec(names[from % names.length]!, line, {
      write: (t) => {
        out += t;
      },
    });
    running.push({ x, line, out: () => out });
  };

  const ifconfig = (node: string, args: string) => {
    const x = lab.exec(node, `ifconfig ${args}`);
    if (x.exitCode !== 0) problems.push(`ifconfig ${args} on ${node} ended with ${x.exitCode}`);
  };

  advance(p.warmup * MS);
  for (const [from, to] of p.traffic) exec(from, `ping -c 60 -i 0.5 ${addrs[to % addrs.length]}`);
  for (const a of p.actions) {
    advance(a.gap * MS);
    const link = "link" in a ? net.links[a.link % net.links.length]! : undefined;
    switch (a.op) {
      case "down":
        lab.setLink(link!.id, "", false, { silent: a.silent });
        break;
      case "up":
        lab.setLink(link!.id, "", true);
        break;
      case "flap":
        for (let k = 0; k < a.times; k++) {
          lab.setLink(link!.id, "", false);
          advance(a.period * MS);
          lab.setLink(link!.id, "", true);
          advance(a.period * MS);
        }
        break;
      case "crash":
      case "boot":
        lab.setNode(names[a.node % names.length]!, a.op === "boot");
        break;
      case "ifdown":
      case "ifup": {
        // The administrator's switch, apart from the carrier: it must outlive flaps and reboots
        // of the neighbour (checkCarrier).
        const n = net.nodes[a.node % net.nodes.length]!;
        const i = n.ifaces[1 + (a.iface % (n.ifaces.length - 1))]!;
        ifconfig(n.name, `${i.name} ${a.op === "ifup" ? "up" : "down"}`);
        break;
      }
      case "partition": {
        // Nodes whose bit is set form one side; every link across is cut.
        const side = (i: number) => ((a.mask >>> (i % 30)) & 1) === 1;
        const index = new Map(net.nodes.map((n, i) => [n, i]));
        for (const l of net.links)
          if (side(index.get(l.a.node)!) !== side(index.get(l.b.node)!)) lab.setLink(l.id, "", false);
        break;
      }
      case "heal":
        for (const l of net.links) if (!l.up || l.silent) lab.setLink(l.id, "", true);
        break;
      case "ping":
        exec(a.from, `ping -c ${a.count} -i 0.5 ${addrs[a.to % addrs.length]}`);
        break;
      case "trace":
        exec(a.from, `traceroute -w 1 -q 1 ${addrs[a.to % addrs.length]}`);
        break;
    }
  }

  // Faults stop: loss goes (it is a fault too), and with healAll every link and node comes back.
  for (const l of net.links) l.loss = 0;
  if (p.healAll) {
    for (const n of names) lab.setNode(n, true);
    for (const l of net.links) if (!l.up || l.silent) lab.setLink(l.id, "", true);
    for (const n of net.nodes) for (const i of n.ifaces) if (!i.adminUp) ifconfig(n.name, `${i.name} up`);
  }
  for (const r of running) r.x.interrupt();
  if (!lab.runUntil(() => running.every((r) => r.x.exitCode !== undefined), MINUTE))
    problems.push(
      `commands still running a minute after Ctrl-C: ${running.filter((r) => r.x.exitCode === undefined).map((r) => r.line)}`,
    );
  for (const r of running) {
    const out = r.out();
    if (/internal error|TypeError|undefined|NaN/.test(out))
      problems.push(`'${r.line}' printed: ${out.slice(0, 300)}`);
    if (out.length > 64 * 1024) problems.push(`'${r.line}' printed ${out.length} characters`);
  }
  // Silent cuts, and interfaces taken down at the far end only, are noticed only by RIP's
  // timeout and garbage collection.
  if (net.links.some((l) => l.silent || !l.a.adminUp || !l.b.adminUp))
    advance(topo.rip.timeout + topo.rip.garbage);
  // Quiet for the longest gap between two regular RIP updates (update ± update/6, RFC 2453
  // 3.8), as `wait converged` waits (regressions.test.ts shows why one interval is not enough).
  const quiet = convergedQuiet(topo.rip.update);
  if (!waitConverged(lab, quiet, 30 * MINUTE))
    problems.push("routing did not converge within 30 virtual minutes");
  problems.push(...checkCarrier(net), ...checkRouting(lab));
  if (!drain(lab)) problems.push("packets still in flight a minute after the end");
  problems.push(...ledger.checkDrained(), ...checkArpCaches(net));
  off();
  ledger.stop();
  const c = net.counters();
  return {
    violations: problems,
    execs: running.length,
    outputs: running.map((r) => `${r.line}\n${r.out()}`),
    created: c.created,
    byReason: c.byReason as Record<string, number>,
    digest: digest.toString(16),
  };
}

/** Totals over all runs, printed with RELIABILITY_STATS=1 (docs/reliability.md quotes them). */
const totals = { runs: 0, faults: 0, execs: 0, packets: 0, drops: {} as Record<string, number> };
function tally(r: RunReport, p: Plan): void {
  totals.runs++;
  totals.faults += p.actions.filter((a) => a.op !== "ping" && a.op !== "trace").length;
  totals.execs += r.execs;
  totals.packets += r.created;
  for (const [k, n] of Object.entries(r.byReason)) totals.drops[k] = (totals.drops[k] ?? 0) + n;
}
afterAll(() => {
  if (process.env.RELIABILITY_STATS) console.log(`fault injection totals: ${JSON.stringify(totals)}`);
});

describe("fault injection: invariants hold after every run", () => {
  it("on the seed network (RFC timers), with a seeded plan of faults and traffic", {
    timeout: TIMEOUT,
  }, () => {
    const topo = loadTopologyText(SEED_YAML, "seed.yaml");
    fc.assert(
      fc.property(plan, fc.integer({ min: 1, max: 1e6 }), (p, seed) => {
        const r = runPlan(topo, p, seed);
        tally(r, p);
        expect(r.violations, JSON.stringify(p)).toEqual([]);
      }),
      params(Math.max(3, Math.round(RUNS / 2))),
    );
  });

  it("on random connected topologies with per-link delay and loss", { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(randomNet, plan, fc.integer({ min: 1, max: 1e6 }), (rn, p, seed) => {
        const topo = loadTopologyText(yamlOf(rn), "random.yaml");
        const r = runPlan(topo, p, seed);
        tally(r, p);
        expect(r.violations, `${yamlOf(rn)}\n${JSON.stringify(p)}`).toEqual([]);
      }),
      params(RUNS),
    );
  });

  it("a run that does everything at once is accounted for, and is the same run twice", () => {
    const topo = loadTopologyText(SEED_YAML, "seed.yaml");
    const p: Plan = {
      warmup: 40_000,
      traffic: [],
      healAll: false,
      actions: [
        // vm4 → vm8 and vm9 → vm2 for 10 s, vm6 traceroutes to vm9, while: vm1–vm2 is cut
        // silently, vm2–vm3 flaps, vm3 crashes, vm2 takes its interface towards vm3 down
        // (ifconfig: it stays down through what follows), {vm1, vm2} is partitioned off and
        // healed, vm3 reboots and vm1–vm4 goes down for good.
        { gap: 0, op: "ping", from: 3, to: 16, count: 20 },
        { gap: 0, op: "trace", from: 5, to: 17 },
        { gap: 300, op: "down", link: 0, silent: true },
        { gap: 200, op: "flap", link: 2, times: 3, period: 700 },
        { gap: 0, op: "ping", from: 8, to: 6, count: 20 },
        { gap: 1000, op: "crash", node: 2 },
        { gap: 0, op: "ifdown", node: 1, iface: 1 },
        { gap: 0, op: "partition", mask: 0b11 },
        { gap: 2000, op: "heal" },
        { gap: 500, op: "boot", node: 2 },
        { gap: 0, op: "trace", from: 3, to: 17 },
        { gap: 100, op: "down", link: 3, silent: false },
      ],
    };
    const a = runPlan(topo, p, 7);
    expect(a.violations).toEqual([]);
    // The plan really did exercise the drop paths, not just happy forwarding.
    for (const reason of ["link-down", "node-down", "iface-down", "ttl-expired", "port-unreachable"])
      expect(a.byReason[reason] ?? 0, reason).toBeGreaterThan(0);
    expect(a.execs).toBe(4);
    expect(runPlan(topo, p, 7).digest).toBe(a.digest);
  });
});

/** A wall clock moved by hand: timers fire when `advance` passes them. */
class FakeWall implements WallClock {
  t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private ids = 0;
  now(): number {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): unknown {
    const id = ++this.ids;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimer(h: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== h);
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (next === undefined || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}

describe("fault injection: clock changes mid-run", () => {
  it("speed changes, pauses and steps under traffic and faults keep the clock monotonic and every packet accounted for", {
    timeout: TIMEOUT,
  }, () => {
    const topo = loadTopologyText(SEED_YAML, "seed.yaml");
    type ClockOp =
      | { op: "speed"; x: number }
      | { op: "pause" }
      | { op: "resume" }
      | { op: "step"; ms: number }
      | { op: "wall"; ms: number }
      | { op: "link"; i: number; up: boolean }
      | { op: "ping"; from: number; to: number };
    const clockOp: fc.Arbitrary<ClockOp> = fc.oneof(
      fc.record({ op: fc.constant("speed" as const), x: fc.constantFrom(0.05, 0.5, 1, 2, 10, 100) }),
      fc.record({ op: fc.constant("pause" as const) }),
      fc.record({ op: fc.constant("resume" as const) }),
      fc.record({ op: fc.constant("step" as const), ms: fc.integer({ min: 1, max: 5000 }) }),
      fc.record({ op: fc.constant("wall" as const), ms: fc.integer({ min: 1, max: 3000 }) }),
      fc.record({ op: fc.constant("link" as const), i: fc.nat(8), up: fc.boolean() }),
      fc.record({ op: fc.constant("ping" as const), from: fc.nat(8), to: fc.nat(8) }),
    );
    fc.assert(
      fc.property(fc.array(clockOp, { minLength: 1, maxLength: 30 }), (ops) => {
        const wall = new FakeWall();
        const lab = createSimLab(topo, { seed: 3, wallClock: wall });
        const ledger = new Ledger(lab);
        const pacer = lab.pacer!;
        pacer.setSpeed(20);
        wall.advance(5000); // 100 s of virtual time: RIP converged
        const execs: Execution[] = [];
        let last = lab.clock().now;
        const bad: string[] = [];
        for (const o of ops) {
          switch (o.op) {
            case "speed":
              pacer.setSpeed(o.x);
              break;
            case "pause":
              pacer.pause();
              break;
            case "resume":
              pacer.resume();
              break;
            case "step":
              pacer.step(o.ms * MS);
              break;
            case "wall":
              wall.advance(o.ms);
              break;
            case "link":
              lab.setLink(lab.net.links[o.i]!.id, "", o.up);
              break;
            case "ping":
              execs.push(lab.exec(`vm${o.from + 1}`, `ping -c 3 -i 0.2 vm${o.to + 1}`));
              break;
          }
          const now = lab.clock().now;
          if (now < last) bad.push(`clock went back from ${last} to ${now} after ${JSON.stringify(o)}`);
          last = now;
        }
        pacer.stop();
        for (const x of execs) x.interrupt();
        lab.runUntil(() => execs.every((x) => x.exitCode !== undefined), MINUTE);
        expect(drain(lab)).toBe(true);
        expect([...bad, ...ledger.checkDrained()]).toEqual([]);
        expect(execs.every((x) => x.exitCode !== undefined)).toBe(true);
      }),
      params(RUNS),
    );
  });
});
