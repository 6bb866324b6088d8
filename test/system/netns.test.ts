/**
 * System tests of the netns engine: real namespaces, veth pairs and FRR, checked against the
 * simulator. Needs Linux, root and FRR; skipped elsewhere, but FAILS under CI=true when they
 * are missing. RIP timers are shortened (update 5 s, timeout 30 s, garbage 20 s) on both
 * engines so the file runs in about two minutes. After every test nothing of it remains.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareLabs, formatComparison } from "../../src/cli/compare.js";
import type { LabEvent } from "../../src/core/events.js";
import { MS, SECOND } from "../../src/core/time.js";
import { listNamespaces, type NetnsLab, removeLeftovers } from "../../src/engines/netns/index.js";
import { alive, processesIn } from "../../src/engines/netns/state.js";
import { createSimLab } from "../../src/engines/sim/index.js";
import type { Lab } from "../../src/lab/lab.js";
import { loadTopologyText } from "../../src/topology/index.js";
import type { Topology } from "../../src/topology/model.js";
import { routesSettled, runToEnd as run } from "../../src/lab/drive.testkit.js";
import { netnsLabPerTest, RUN, skipNetns } from "./netns.testkit.js";

const root = join(import.meta.dirname, "..", "..");
/** Lab prefixes carry this run's tag (netns.testkit.ts RUN). */
const pfx = (name: string) => `rlt-${name}-${RUN}`;

function fast(topo: Topology): Topology {
  topo.rip = { ...topo.rip, update: 5 * SECOND, timeout: 30 * SECOND, garbage: 20 * SECOND };
  return topo;
}

function seed(): Topology {
  return fast(loadTopologyText(readFileSync(join(root, "examples/seed.yaml"), "utf8"), "seed.yaml"));
}

/** Waits until no route changed for `quiet` (route events), at most `max` (drive.testkit.ts). */
const converged = (lab: Lab, quiet = 6 * SECOND, max = 90 * SECOND) => routesSettled(lab, { quiet, max });

async function simConverged(topo: Topology) {
  const sim = createSimLab(topo, { seed: 1 });
  expect(await converged(sim)).toBe(true);
  return sim;
}

/** Hop addresses of `traceroute -n` output. */
function hops(text: string): string[] {
  return [...text.matchAll(/^\s*\d+\s+(\d+\.\d+\.\d+\.\d+)/gm)].map((m) => m[1]!);
}

/** Nothing of a lab remains: namespaces with its prefix, its state dir, its recorded processes. */
function assertGone(lab: NetnsLab, pids: readonly number[]) {
  expect(listNamespaces().filter((n) => n.startsWith(`${lab.plan.prefix}-`))).toEqual([]);
  expect(existsSync(lab.state.dir)).toBe(false);
  for (const n of lab.plan.nodes) expect(existsSync(join("/etc/netns", n.netns))).toBe(false);
  expect(pids.filter((p) => alive(p))).toEqual([]);
  const links = execFileSync("ip", ["-br", "link"], { encoding: "utf8" });
  expect(links).not.toMatch(/epair\d+[ab]@/);
}

describe.skipIf(skipNetns)("netns engine (root, FRR)", () => {
  let lab: NetnsLab | undefined;
  let pids: number[] = [];

  const boot = netnsLabPerTest({
    afterClose: (closed) => {
      if (!closed) return;
      assertGone(closed, pids);
      lab = undefined;
      pids = [];
    },
  });

  it("boots the seed network, converges, and its tables, paths and link-down reroute equal the simulator's", async () => {
    const topo = seed();
    const sim = await simConverged(topo);
    lab = await boot(topo, { prefix: pfx("seed") });
    pids = lab.state.state.pids.map((p) => p.pid);
    expect(pids.length).toBe(18); // zebra + ripd on each of 9 routers
    console.log(
      `netns boot: ${topo.nodes.length} routers in ${lab.timings.total!.toFixed(0)} ms, ${(lab.timings.total! / topo.nodes.length).toFixed(1)} ms per router`,
      lab.timings,
    );
    expect(await converged(lab)).toBe(true);
    await lab.refreshAll();
    const r = compareLabs(topo, sim, lab);
    expect(formatComparison(r)).toContain("0 differences");
    expect(r.differences).toEqual([]);
    expect(r.pathDifferences).toEqual([]);

    // netstat -rn prints the same rows on both engines, but for 10.0.30.0/24: two equal-cost
    // routes (via vm2 and vm3), and FRR keeps whichever it heard first, which varies from run to run.
    const a = await run(lab, "vm1", "netstat -rn");
    const b = await run(sim, "vm1", "netstat -rn");
    expect(a.code).toBe(0);
    const fixed = (s: string) => s.split("\n").filter((l) => !l.startsWith("10.0.30.0/24 "));
    expect(fixed(a.out)).toEqual(fixed(b.out));
    expect(a.out).toMatch(/^10\.0\.30\.0\/24 +10\.0\.(10|20)\.2 +UG +0 +0 epair[01]$/m);

    // Real traceroute over the kernels takes the simulator's path.
    const ts = await run(sim, "vm1", "traceroute -n vm9");
    const tn = await run(lab, "vm1", "traceroute -n vm9");
    expect(tn.code).toBe(0);
    expect(hops(tn.out)).toEqual(hops(ts.out));
    expect(hops(tn.out)).toEqual(["10.0.20.2", "10.0.90.2"]);

    // A real ping through two routers, and the captures turn its frames into the page's events.
    const seen: LabEvent[] = [];
    const off = lab.onEvent((e) => {
      if ((e.kind === "hop" || e.kind === "deliver") && e.cls.startsWith("echo")) seen.push(e);
    });
    const p = await run(lab, "vm4", "ping -c 2 vm9");
    expect(p.code).toBe(0);
    expect(p.out).toMatch(/2 packets transmitted, 2 received/);
    await lab.advance(200 * MS);
    off();
    const hopsTo9 = seen.filter((e) => e.kind === "hop" && e.to === "vm9");
    expect(hopsTo9.length).toBe(2);
    expect(seen.filter((e) => e.kind === "deliver" && e.node === "vm9").length).toBe(2);
    expect(seen.filter((e) => e.kind === "deliver" && e.node === "vm4").length).toBe(2);

    // Link down on both engines: both reroute vm1 → vm2's networks through vm3, and agree again.
    sim.setLink("vm1", "vm2", false);
    lab.setLink("vm1", "vm2", false);
    expect(await converged(sim)).toBe(true);
    expect(await converged(lab)).toBe(true);
    await lab.refreshAll();
    const r2 = compareLabs(topo, sim, lab);
    expect(r2.differences).toEqual([]);
    expect(r2.pathDifferences).toEqual([]);
    const via = lab.routes("vm1").find((x) => x.dest === "10.0.60.0/24");
    expect(via?.gateway).toBe("10.0.20.2");
    expect(via?.metric).toBe(3);
    const t2 = await run(lab, "vm1", "traceroute -n vm6");
    expect(hops(t2.out)).toEqual(["10.0.20.2", "10.0.30.1", "10.0.60.2"]);
    await sim.close();
  }, 150_000);

  it("converges a 50-router generated topology with the simulator's metrics", async () => {
    const edges = execFileSync(
      "python3",
      ["/work/shared/bench/gen-topology.py", "random", "50", "--degree", "3"],
      {
        encoding: "utf8",
      },
    );
    const topo = fast(loadTopologyText(edges, "random50.edges"));
    const sim = await simConverged(topo);
    lab = await boot(topo, { prefix: pfx("r50") });
    pids = lab.state.state.pids.map((p) => p.pid);
    console.log(
      `netns boot: ${topo.nodes.length} routers in ${lab.timings.total!.toFixed(0)} ms, ${(lab.timings.total! / topo.nodes.length).toFixed(1)} ms per router`,
      lab.timings,
    );
    expect(await converged(lab, 6 * SECOND, 120 * SECOND)).toBe(true);
    await lab.refreshAll();
    const r = compareLabs(topo, sim, lab);
    if (r.differences.length > 0) console.log(formatComparison(r));
    expect(r.differences).toEqual([]);
    expect(r.pathDifferences).toEqual([]);
    expect(r.routes).toBe(50 * topo.links.length);
    await sim.close();
  }, 200_000);

  it("installs static routes at boot: the static seed's tables equal the simulator's", async () => {
    const topo = loadTopologyText(
      readFileSync(join(root, "examples/seed-static.yaml"), "utf8"),
      "seed-static.yaml",
    );
    const sim = createSimLab(topo, { seed: 1 });
    lab = await boot(topo, { prefix: pfx("static") });
    await lab.refreshAll();
    const r = compareLabs(topo, sim, lab);
    expect(r.differences).toEqual([]);
    expect(r.pathDifferences).toEqual([]);
    expect(lab.routes("vm1").some((x) => x.source === "static")).toBe(true);
    await sim.close();
  }, 60_000);

  it("node down stops its daemons and flushes its learned routes; node up restarts them and it converges again", async () => {
    const topo = fast(loadTopologyText("a b 10.0.1.0/24\nb c 10.0.2.0/24\n", "chain.edges"));
    const sim = await simConverged(topo);
    lab = await boot(topo, { prefix: pfx("node") });
    expect(await converged(lab)).toBe(true);
    const daemonsOfB = () => lab!.state.state.pids.filter((p) => p.mark.endsWith("/b")).map((p) => p.pid);
    const before = daemonsOfB();
    expect(before.length).toBe(2);
    lab.setNode("b", false);
    await lab.settle();
    expect(before.filter((p) => alive(p))).toEqual([]);
    expect(daemonsOfB()).toEqual([]);
    expect(lab.routes("b").filter((r) => r.source === "rip")).toEqual([]);
    lab.setNode("b", true);
    await lab.settle();
    const after = daemonsOfB();
    expect(after.length).toBe(2);
    expect(after.every((p) => alive(p))).toBe(true);
    pids = lab.state.state.pids.map((p) => p.pid);
    expect(
      await lab.advanceUntil(() => lab!.routes("a").some((r) => r.dest === "10.0.2.0/24"), 30 * SECOND),
    ).toBe(true);
    expect(await converged(lab)).toBe(true);
    await lab.refreshAll();
    expect(compareLabs(topo, sim, lab).differences).toEqual([]);
    await sim.close();
  }, 90_000);

  it("after a real crash (SIGKILL, no clean-up ran) the next start removes the daemons and namespaces", async () => {
    const prefix = pfx("kill");
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(import.meta.dirname, "netns-crash-child.ts"),
        join(root, "examples/triangle.yaml"),
        prefix,
      ],
      { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    const booted = await new Promise<number[]>((resolve, reject) => {
      child.stdout!.setEncoding("utf8").on("data", (s: string) => {
        out += s;
        const m = /BOOTED (\[[\d,]*\])\n/.exec(out);
        if (m) resolve(JSON.parse(m[1]!) as number[]);
      });
      child.on("exit", (code) => reject(new Error(`child exited (${code}) before booting: ${out}`)));
    });
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(booted.length).toBe(6); // zebra + ripd on 3 routers
    // Nothing cleaned up: the daemons outlive their parent (their own process group), and so do
    // the per-node monitors, the sshds and the captures (orphans, each in one of the lab's namespaces).
    expect(booted.every((p) => alive(p))).toBe(true);
    const names = listNamespaces().filter((n) => n.startsWith(`${prefix}-`));
    expect(names.length).toBe(3);
    const inside = processesIn(names);
    // 6 daemons, 3 ip monitors, 3 tcpdumps (one per link), 3 sshds (one per node: the in-lab ssh)
    expect(inside.length).toBe(15);
    const left = await removeLeftovers(prefix);
    expect(left).toEqual({ namespaces: 3, pids: 6 });
    expect(inside.filter((p) => alive(p))).toEqual([]);
    expect(listNamespaces().filter((n) => n.startsWith(`${prefix}-`))).toEqual([]);
    expect(existsSync(join("/run/routelab", prefix))).toBe(false);
  }, 60_000);

  it("removes the leftovers of a crashed lab with its prefix, and nothing of another prefix", async () => {
    const other = pfx("oth");
    execFileSync("ip", ["netns", "add", other]);
    try {
      const topo = fast(
        loadTopologyText(readFileSync(join(root, "examples/triangle.yaml"), "utf8"), "triangle.yaml"),
      );
      lab = await boot(topo, { prefix: pfx("crash") });
      pids = lab.state.state.pids.map((p) => p.pid);
      expect(pids.every((p) => alive(p))).toBe(true);
      // What the next start does after a crash: state.json says what to remove.
      const left = await removeLeftovers(pfx("crash"));
      expect(left.namespaces).toBe(topo.nodes.length);
      expect(listNamespaces()).toContain(other);
      assertGone(lab, pids);
    } finally {
      execFileSync("ip", ["netns", "del", other]);
    }
  }, 60_000);
});
