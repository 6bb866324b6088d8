/**
 * The timeline forgets commands once they end (issue 23: a class's hours of commands — 500 pings
 * restarted every 30 s — kept every ended command's program, shell and output path alive, ~6 KB
 * each, without bound). A running command still gets its Ctrl-C; one that ended ignores it, as
 * before, live and replayed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { SECOND } from "../../core/time.js";
import { loadTopologyText } from "../../topology/index.js";
import { createSimLab } from "./index.js";
import { type Input, Timeline } from "./timeline.js";

const SEED = join(import.meta.dirname, "..", "..", "..", "examples", "seed.yaml");
const seed = () => loadTopologyText(readFileSync(SEED, "utf8"), "seed.yaml");

it("holds only the commands still running, however many have ended", async () => {
  const line = new Timeline(createSimLab(seed(), { seed: 1 }), []);
  line.drive(5 * SECOND);
  let id = 0;
  const exec = (text: string) =>
    line.apply(line.stamp({ kind: "exec", id: ++id, node: "vm1", line: text, user: "root" }));
  const running = exec("ping 127.0.0.1");
  for (let i = 0; i < 500; i++) exec("ping -c 1 127.0.0.1");
  line.drive(line.lab.net.scheduler.now() + 5 * SECOND);
  await Promise.resolve();
  expect(line.applied.length).toBe(501);
  expect([...line.execs.keys()]).toEqual([1]);
  // Ctrl-C for an ended command does nothing; the running one ends with its statistics.
  line.apply(line.stamp({ kind: "interrupt", id: 2 }));
  line.apply(line.stamp({ kind: "interrupt", id: 1 }));
  line.drive(line.lab.net.scheduler.now() + SECOND);
  expect(await (running as { done: Promise<number> }).done).toBe(0);
  await Promise.resolve();
  expect(line.execs.size).toBe(0);
});

it("replays a journal with Ctrl-C after a command's end to the same events", async () => {
  const run = (journal: Input[]) => {
    const line = new Timeline(createSimLab(seed(), { seed: 1 }), journal);
    const events: string[] = [];
    line.lab.onEvent((e) => events.push(JSON.stringify(e)));
    return { line, events };
  };
  const first = run([]);
  first.line.drive(5 * SECOND);
  first.line.apply(
    first.line.stamp({ kind: "exec", id: 1, node: "vm1", line: "ping -c 2 vm2", user: "root" }),
  );
  first.line.drive(12 * SECOND);
  await Promise.resolve();
  first.line.apply(first.line.stamp({ kind: "interrupt", id: 1 }));
  first.line.drive(20 * SECOND);
  const again = run([...first.line.applied]);
  again.line.drive(20 * SECOND);
  expect(again.line.diverged).toBe(0);
  expect(again.events).toEqual(first.events);
});
