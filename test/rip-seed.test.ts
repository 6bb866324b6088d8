/**
 * Issue 3's scenario tests on the seed network, through the whole stack (topology file →
 * simulator → RIP → shell → scenario runner): the converged table of vm1 is the seed's, and
 * traceroute vm1→vm6 moves to vm3 after a link cut — at once when the interface goes down,
 * only after the 180 s timeout when the cut is silent — and comes back after `link up`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSimLab } from "../src/engines/sim/index.js";
import { parseScenario, runScenario } from "../src/lab/scenario.js";
import { loadTopologyText } from "../src/topology/index.js";

const SEED = join(import.meta.dirname, "..", "examples", "seed.yaml");

async function run(script: string, seed = 1): Promise<string> {
  const topo = loadTopologyText(readFileSync(SEED, "utf8"), "seed.yaml");
  const lab = createSimLab(topo, { seed });
  let out = "";
  const code = await runScenario(
    lab,
    parseScenario(script, "test", new Set(topo.nodes.map((n) => n.name))),
    "test",
    {
      write: (s) => {
        out += s;
      },
      quietInterval: topo.rip.update,
    },
  );
  await lab.close();
  expect(code).toBe(0);
  return out;
}

/** The hop names of the last traceroute in `out`. */
function paths(out: string): string[][] {
  return out
    .split(/^.*# traceroute.*$/m)
    .slice(1)
    .map((block) => [...block.matchAll(/^\s*\d+\s+(\S+) \(/gm)].map((m) => m[1]!));
}

describe("RIP on the seed network", () => {
  it("converges to the seed's table of vm1", async () => {
    const out = await run("wait converged\nvm1: netstat -r\n");
    const rows = out
      .split("\n")
      .filter((l) => /^(10\.|vm\d+ |localhost)/.test(l))
      .map((l) => l.split(/\s+/))
      .map((w) => `${w[0]} ${w[1]} ${w[2]} ${w[5]}`);
    expect(rows).toEqual([
      "10.0.10.0 link#2 U epair0",
      "vm1 link#2 UHS lo0",
      "10.0.20.0 link#3 U epair1",
      "vm1 link#3 UHS lo0",
      "10.0.30.0 vm2 UG epair0",
      "10.0.40.0 link#4 U epair3",
      "vm1 link#4 UHS lo0",
      "10.0.50.0 link#5 U epair4",
      "vm1 link#5 UHS lo0",
      "10.0.60.0 vm2 UG epair0",
      "10.0.70.0 vm2 UG epair0",
      "10.0.80.0 vm3 UG epair1",
      "10.0.90.0 vm3 UG epair1",
      "localhost link#1 UH lo0",
    ]);
    expect(out).toMatch(/^converged at t=\d+\.\d{3}s$/m);
  });

  it("prints vm1's converged table byte for byte as the seed's post, Refs 1 on connected routes", async () => {
    // The post's `jexec vm1 netstat -r` (FreeBSD 8.0; /work/shared/seed/000_*.txt), Internet
    // part; Refs is rt_refcnt (usr.bin/netstat/route.c:764): 1 on each interface's prefix route.
    const seed = [
      "Routing tables",
      "",
      "Internet:",
      "Destination        Gateway            Flags    Refs      Use  Netif Expire",
      "10.0.10.0          link#2             U           1        0 epair0",
      "vm1                link#2             UHS         0        0    lo0",
      "10.0.20.0          link#3             U           1        0 epair1",
      "vm1                link#3             UHS         0        0    lo0",
      "10.0.30.0          vm2                UG          0        0 epair0",
      "10.0.40.0          link#4             U           1        0 epair3",
      "vm1                link#4             UHS         0        0    lo0",
      "10.0.50.0          link#5             U           1        0 epair4",
      "vm1                link#5             UHS         0        0    lo0",
      "10.0.60.0          vm2                UG          0        0 epair0",
      "10.0.70.0          vm2                UG          0        0 epair0",
      "10.0.80.0          vm3                UG          0        0 epair1",
      "10.0.90.0          vm3                UG          0        0 epair1",
      "localhost          link#1             UH          0        0    lo0",
      "",
    ].join("\n");
    const out = await run("wait converged\nvm1: netstat -r\n");
    expect(out.slice(out.indexOf("Routing tables"))).toBe(seed);
  });

  it("reroutes vm1→vm6 through vm3 within one update interval of link down, and back after link up", async () => {
    const out = await run(
      [
        "wait converged",
        "vm1: traceroute -q 1 vm6",
        "link down vm1 vm2",
        "wait 30s",
        "vm1: traceroute -q 1 vm6",
        "link up vm1 vm2",
        "wait 40s",
        "vm1: traceroute -q 1 vm6",
      ].join("\n"),
    );
    expect(paths(out)).toEqual([
      ["vm2", "vm6"],
      ["vm3", "vm2", "vm6"],
      ["vm2", "vm6"],
    ]);
  });

  it("after a silent cut, keeps the dead path until the 180 s timeout, then reroutes", async () => {
    const out = await run(
      [
        "wait converged",
        "link down vm1 vm2 --silent",
        "wait 150s",
        "vm1: netstat -rn",
        "wait 60s",
        "vm1: traceroute -q 1 -w 1 vm6",
      ].join("\n"),
    );
    // 150 s after the cut the route via vm2 (10.0.10.2) is still held…
    expect(out).toMatch(/^10\.0\.60\.0\/24\s+10\.0\.10\.2\s+UG/m);
    // …and 210 s after it, traffic goes round through vm3.
    expect(paths(out).at(-1)).toEqual(["vm3", "vm2", "vm6"]);
  });

  it("is deterministic: same topology, script and seed give the same bytes", async () => {
    const script =
      "wait converged\nvm1: ping -c 3 vm9\nvm4: traceroute vm7\nlink down vm2 vm3\nwait 10s\nvm2: netstat -rn\n";
    const a = await run(script, 7);
    const b = await run(script, 7);
    expect(a).toBe(b);
    expect(a).toContain("3 packets transmitted, 3 packets received");
  });
});
