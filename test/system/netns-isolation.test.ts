/**
 * Two netns labs on one machine, and the host's files (issue 17). Run under
 * `flock /tmp/routelab-netns.lock`.
 * - One lab's start must not delete another's: `removeLeftovers` took every namespace starting
 *   `PREFIX-`, so lab `rlt-a` removed lab `rlt-a-2`'s namespaces and killed what ran in them
 *   (the default prefixes `rl-seed` and `rl-seed-2` collide so). Now it takes exactly what its
 *   state file recorded and what it will create, never what another running lab recorded.
 * - vtysh kept its history in root's ~/.history_frr: a student's `vtysh -c 'sh history'` read
 *   every lab's and the admin's commands. Now vtysh runs with VTYSH_HISTFILE=/dev/null.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SECOND } from "../../src/core/time.js";
import { createNetnsLab, listNamespaces, removeLeftovers } from "../../src/engines/netns/index.js";
import { alive, STATE_ROOT } from "../../src/engines/netns/state.js";
import { loadTopologyText } from "../../src/topology/index.js";
import { RUN, skipNetns } from "./netns.testkit.js";

describe.skipIf(skipNetns)("netns labs keep to their own", () => {
  const other = `rlt-i${RUN}-2`;
  const mine = `rlt-i${RUN}`;
  const cleanup: (() => void)[] = [];
  afterAll(() => {
    for (const c of cleanup.reverse())
      try {
        c();
      } catch {} // already gone (the attack succeeded, or the lab removed it)
  });

  it("a lab whose prefix starts another running lab's leaves that lab's namespaces and processes alone", async () => {
    // The other lab: a namespace with a process in it, recorded in its state file, owned by a
    // live process (the sleeper).
    const ns = `${other}-vm1`;
    execFileSync("ip", ["netns", "add", ns]);
    cleanup.push(() => execFileSync("ip", ["netns", "del", ns], { stdio: "ignore" }));
    const sleeper = spawn("ip", ["netns", "exec", ns, "sleep", "60"], { stdio: "ignore" });
    cleanup.push(() => sleeper.kill("SIGKILL"));
    await new Promise((r) => setTimeout(r, 200));
    const dir = join(STATE_ROOT, other);
    mkdirSync(dir, { recursive: true });
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(
      join(dir, "state.json"),
      JSON.stringify({ owner: sleeper.pid, prefix: other, namespaces: [ns], pids: [] }),
    );
    // This lab (prefix `mine`, which `other` starts with) cleans up before it boots.
    await removeLeftovers(mine, [`${mine}-vm1`]);
    expect(listNamespaces()).toContain(ns);
    expect(alive(sleeper.pid!)).toBe(true);
    // A namespace this lab would create that the other lab recorded (prefix `mine`, a node
    // named `2-vm1`'s worth of name): refused, naming both, and nothing removed.
    await expect(removeLeftovers(mine, [ns])).rejects.toThrow(
      new RegExp(`namespace '${ns}' belongs to the running lab '${other}'.*choose another --prefix`),
    );
    expect(listNamespaces()).toContain(ns);
  });

  it("vtysh in a lab reads no history file: not root's ~/.history_frr", async () => {
    const home = mkdtempSync(join(tmpdir(), "routelab-home-"));
    cleanup.push(() => rmSync(home, { recursive: true, force: true }));
    writeFileSync(join(home, ".history_frr"), "show running-config admin-secret-line\n");
    const saved = process.env.HOME;
    process.env.HOME = home;
    cleanup.push(() => {
      process.env.HOME = saved;
    });
    const topo = loadTopologyText("a b 10.0.1.0/24\n", "two.edges");
    const lab = await createNetnsLab(topo, { prefix: `rlt-h${RUN}`, capture: false });
    try {
      let out = "";
      const x = lab.exec("a", "vtysh -c 'sh history'", { user: "alice", write: (s) => (out += s) });
      await lab.advanceUntil(() => x.exitCode !== undefined, 20 * SECOND);
      expect(await x.done).toBe(0);
      expect(out).not.toContain("admin-secret-line");
      let again = "";
      const y = lab.exec("b", "vtysh -c 'sh history'", { user: "bob", write: (s) => (again += s) });
      await lab.advanceUntil(() => y.exitCode !== undefined, 20 * SECOND);
      expect(again).not.toContain("sh history\n  "); // alice's command is not bob's history
      expect(execFileSync("cat", [join(home, ".history_frr")], { encoding: "utf8" })).toBe(
        "show running-config admin-secret-line\n",
      );
    } finally {
      await lab.close();
    }
  });
});
