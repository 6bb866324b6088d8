/**
 * @module shell/sim.testkit
 * Test helper: run a command line on a node of a simulated Network and advance virtual time
 * until it ends, collecting its output (both streams, in order).
 */
import { SECOND } from "../core/time.js";
import type { Network } from "../sim/network.js";
import type { CommandRegistry } from "./commands.js";
import { runCommand } from "./run.js";
import { simShellContext } from "./sim-context.js";

export interface RunResult {
  out: string;
  code: number | undefined;
  /** Virtual time the command took, ns. */
  took: number;
}

/** Runs `line` on `node`; `interruptAfter` sends Ctrl-C after that much virtual time. */
export function runOn(
  net: Network,
  node: string,
  line: string,
  o: { user?: string; max?: number; interruptAfter?: number; commands?: CommandRegistry } = {},
): RunResult {
  const n = net.byName.get(node);
  if (!n) throw new Error(`no node ${node}`);
  let out = "";
  const ctx = simShellContext(net, n, { user: o.user ?? "root", write: (t) => (out += t) });
  const s = net.scheduler;
  const start = s.now();
  const p = runCommand(ctx, line, o.commands);
  const end = start + (o.max ?? 600 * SECOND);
  const stopAt = o.interruptAfter !== undefined ? start + o.interruptAfter : Number.POSITIVE_INFINITY;
  while (p.exitCode === undefined) {
    const t = s.peekTime();
    if (t > stopAt) {
      s.runUntil(stopAt);
      p.interrupt();
      break;
    }
    if (t > end) break;
    s.step();
  }
  return { out, code: p.exitCode, took: s.now() - start };
}
