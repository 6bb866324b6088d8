/**
 * `routelab grade`: each lesson in examples/lessons marks its scripted passing session right and
 * its failing one wrong, with the reasons a student would read.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LabError } from "../core/errors.js";
import { runGrade } from "./grade.js";

const DIR = join(import.meta.dirname, "..", "..", "examples", "lessons");

async function grade(lesson: string, script: string, more: { exercise?: string; json?: boolean } = {}) {
  let out = "";
  const code = await runGrade({
    lesson: lesson.includes("/") ? lesson : join(DIR, `${lesson}.yaml`),
    script: script.includes("/") ? script : join(DIR, script),
    seed: 1,
    ...more,
    out: (s) => (out += s),
    err: (s) => (out += s),
  });
  return { code, out };
}

describe("routelab grade on examples/lessons", () => {
  for (const lesson of ["seed-class", "count-to-infinity", "static-routes", "relay", "ospf-seed"]) {
    it(`${lesson}: the passing session passes every check`, async () => {
      const r = await grade(lesson, `${lesson}.pass.txt`);
      expect(r.out).not.toMatch(/^✗/m);
      expect(r.out).toMatch(/^(\d+) of \1 checks passed$/m);
      expect(r.code).toBe(0);
    });
  }

  it("relay: without xinetd the old address refuses: connect, ssh and the relay's connection fail", async () => {
    const r = await grade("relay", "relay.fail.txt");
    expect(r.code).toBe(1);
    expect(r.out.match(/^✗.*$/gm)).toEqual([
      "✗ client connects to 192.168.10.200 port 22 on server: could not connect to 192.168.10.200 port 22",
      "✗ client ssh 192.168.10.200 lands on server: ssh: connect to host 192.168.10.200 port 22: Connection refused",
      "✗ capture shows client connecting to 192.168.10.200 port 22: client tried 1 connection(s) to 192.168.10.200 port 22; none was established",
      "✗ capture shows relay connecting to 192.168.20.200 port 22: no connection from relay to 192.168.20.200 port 22 in the run",
    ]);
    expect(r.out).toMatch(/2 of 6 checks passed\n$/);
  });

  it("ospf-seed: not looking at the adjacencies and the database after the cut fails those checks only", async () => {
    const r = await grade("ospf-seed", "ospf-seed.fail.txt");
    expect(r.code).toBe(1);
    expect(r.out.match(/^✗.*$/gm)).toEqual([
      "✗ alice ran vtysh show ip ospf neighbor on vm1 after 3m: alice ran no command on vm1 after 3m",
      "✗ alice ran vtysh show ip ospf database after 3m: alice ran no command after 3m",
    ]);
    // The failure flooded and SPF rerouted whatever alice did.
    expect(r.out).toContain("✓ vm6 -> vm9 via vm2 vm3 not via vm1 [at 3m10s]: path vm6 → vm2 → vm3 → vm9\n");
    expect(r.out).toMatch(/9 of 11 checks passed\n$/);
  });

  it("ospf-seed: the variant without the costs on vm2–vm3 (the lesson's text) fails the steering checks", async () => {
    const text = readFileSync(join(DIR, "ospf-seed.yaml"), "utf8");
    const variant = text.replace(/, ospf: \{ cost: \{ epair2[ab]: 30 \} \} \}/g, " }");
    expect(variant).not.toContain("cost: {");
    const dir = mkdtempSync(join(tmpdir(), "ospf-seed-"));
    writeFileSync(join(dir, "ospf-seed.yaml"), variant);
    const r = await grade(join(dir, "ospf-seed.yaml"), "ospf-seed.pass.txt");
    expect(r.code).toBe(1);
    expect(r.out.match(/^✗.*$/gm)).toEqual([
      "✗ vm6 has 10.0.90.0/24 via vm2 metric 40 [at 1m]: vm6 has 10.0.90.0/24 via 10.0.60.1 metric 30 (ospf)",
      "✗ vm6 -> vm9 via vm2 vm1 vm3 [at 2m]: path was vm6 → vm2 → vm3 → vm9, not via vm1",
      "✗ vm6 has 10.0.90.0/24 via vm2 metric 50 [at 3m10s]: vm6 has 10.0.90.0/24 via 10.0.60.1 metric 30 (ospf)",
      "✗ vm4 has 10.0.90.0/24 via vm1 metric 60 [at 3m10s]: vm4 has 10.0.90.0/24 via 10.0.40.1 metric 40 (ospf)",
    ]);
  });

  it("seed-class: no traceroute after the cut fails that check only, with the hint", async () => {
    const r = await grade("seed-class", "seed-class.fail.txt");
    expect(r.code).toBe(1);
    expect(r.out.match(/^✗.*$/gm)).toEqual([
      "✗ alice ran traceroute vm9 on vm6 after 3m: alice ran 'ping -c 3 vm9' on vm6",
    ]);
    expect(r.out).toContain("    hint: …and again after it, to see the reroute\n");
    expect(r.out).toContain("✓ vm6 -> vm9 via vm1 [at 4m]: path vm6 → vm2 → vm1 → vm3 → vm9\n");
    expect(r.out).toMatch(/8 of 9 checks passed\n$/);
  });

  it("count-to-infinity: looking before and after the count fails what had to be seen during it", async () => {
    const r = await grade("count-to-infinity", "count-to-infinity.fail.txt");
    expect(r.code).toBe(1);
    expect(r.out.match(/^✗.*$/gm)).toEqual([
      "✗ alice ran rtquery on vm5 after 1m: alice ran 'ping -c 3 10.0.40.2' on vm5",
      "✗ alice ran traceroute 10.0.40.2 after 1m: alice ran 'ping -c 3 10.0.40.2' on vm5",
      "✗ at least 1 packet lost by alice between 1m and 2m: no packet lost",
    ]);
    // The network itself behaved the same: the count happened whatever alice did.
    expect(r.out).toMatch(
      /^✓ vm1 has 10\.0\.40\.0\/24 \[at 1m20s\]: vm1 has 10\.0\.40\.0\/24 via \S+ metric \d+ \(rip\)$/m,
    );
  });

  it("static-routes: without routes on r3 the replies die there, and the checks say so", async () => {
    const r = await grade("static-routes", "static-routes.fail.txt");
    expect(r.code).toBe(1);
    expect(r.out.match(/^✗.*$/gm)).toEqual([
      "✗ pc1 reaches pc2: ping 10.0.3.2 got no answer: the reply died at r3 (no-route)",
      "✗ pc2 reaches pc1: ping 10.0.1.2 got no answer: the request died at r3 (no-route)",
      "✗ pc1 -> pc2 via r1 r2 r3: no answer from pc2: the request went pc1 → r1 → r2 → r3 → pc2; the reply died at r3 (no-route)",
      "✗ r1 reaches r3: ping 10.0.23.2 got no answer: the reply died at r3 (no-route)",
      "✗ anyone ran route add on r3: nobody ran a command on r3",
    ]);
  });

  it("static-routes: with no routes added at all, nothing gets through (checks fail until routes are added)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "grade-"));
    writeFileSync(join(dir, "idle.txt"), "wait 1m\n");
    const r = await grade("static-routes", join(dir, "idle.txt"));
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "✗ pc1 reaches pc2: ping 10.0.3.2 got no answer: the request died at r1 (no-route)\n",
    );
    expect(r.out).toContain("✗ r2 has 10.0.1.0/24 via r1: r2 has no route to 10.0.1.0/24\n");
  });

  it("prints JSON with --json, and takes checks from a separate exercise file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "grade-"));
    writeFileSync(join(dir, "ex.yaml"), "checks:\n  - vm4 reaches vm9\n  - bob ran ping vm1\n");
    const seed = join(DIR, "..", "seed.yaml");
    const r = await grade(seed, "seed-class.pass.txt", { exercise: join(dir, "ex.yaml"), json: true });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(
      j.checks.map((c: { id: string; status: string; user?: string }) => [c.id, c.status, c.user]),
    ).toEqual([
      ["c1", "pass", undefined],
      ["c2", "fail", "bob"],
    ]);
  });

  it("refuses a lesson without checks", async () => {
    const err = await grade(join(DIR, "..", "seed.yaml"), "seed-class.pass.txt").catch((e) => e);
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).code).toBe("usage");
    expect((err as LabError).message).toMatch(/^nothing to grade: the lesson has no `checks:`/);
  });
});
