/**
 * The page's journal copy asks only for what it lacks (issue 17: every page refetched the whole
 * journal every 2-5 s). Driven against the real RewindableLab's pages.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SECOND } from "../../src/core/time.js";
import { RewindableLab } from "../../src/engines/sim/rewind.js";
import { loadTopologyText } from "../../src/topology/index.js";
import { JournalCache } from "../../web/src/journal-cache.js";

const SEED = join(import.meta.dirname, "..", "..", "examples", "seed.yaml");

describe("JournalCache", () => {
  it("fetches each entry once, follows a rewind and a branch, and matches the server's journal", async () => {
    const lab = new RewindableLab(loadTopologyText(readFileSync(SEED, "utf8"), "seed.yaml"));
    let sent = 0;
    const cache = new JournalCache(async (since, gen) => {
      const p = lab.journalSince(since, gen, 7);
      sent += p.entries.length;
      return { ...p, now: lab.clock().now, horizon: lab.horizon() };
    });
    const same = async () => {
      const j = await cache.update();
      expect({ past: j.past, future: j.future }).toEqual(lab.journal());
    };
    for (let i = 0; i < 20; i++) {
      await lab.advance(SECOND);
      lab.exec("vm1", `hostname ${i}`, { user: "alice" });
    }
    await same();
    expect(sent).toBe(20);
    for (let k = 0; k < 5; k++) await same(); // polls with nothing new cost nothing
    expect(sent).toBe(20);
    lab.rewindTo(10.5 * SECOND);
    await same();
    expect(sent).toBe(20);
    lab.exec("vm2", "hostname branch", { user: "bob" });
    await same();
    expect(sent).toBe(21);
  });
});
