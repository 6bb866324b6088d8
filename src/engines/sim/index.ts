/**
 * @module engines/sim
 * `createSimLab`: the simulator engine with everything plugged in — each node's routing protocol
 * (proto/registry.ts), and the shell's commands behind `exec`.
 */
import type { Program } from "../../apps/process.js";
import { routingDaemons } from "../../proto/registry.js";
import { runCommand, simShellContext } from "../../shell/index.js";
import type { WallClock } from "../../sim/index.js";
import type { Topology } from "../../topology/model.js";
import { SimLab } from "./sim-lab.js";

export { SimLab } from "./sim-lab.js";

export interface CreateSimLabOptions {
  seed?: number;
  /** Pace the clock in real time (server); unpaced when absent. */
  wallClock?: WallClock;
}

export function createSimLab(topo: Topology, opts: CreateSimLabOptions = {}): SimLab {
  const byName = new Map(topo.nodes.map((n) => [n.name, n]));
  const lab: SimLab = new SimLab(topo, {
    ...opts,
    daemonsFor: (t, name) => {
      const n = byName.get(name)!;
      return routingDaemons(t, n);
    },
    exec: (lab, node, line, o) => {
      const user = o.user ?? "root";
      const write = o.write ?? (() => {});
      let prog: Program | undefined;
      const ctx = simShellContext(lab.net, node, {
        user,
        privileged: o.privileged ?? false,
        // A program killed by a crash says nothing more, whatever it had pending.
        write: (s) => {
          if (prog === undefined || prog.exitCode === undefined) write(s);
        },
      });
      lab.emit({ kind: "command", t: lab.net.scheduler.now(), node: node.name, user, command: line });
      const p = runCommand(ctx, line);
      prog = p;
      // A crash of the node kills it, as a real crash kills every process.
      if (p.exitCode === undefined) p.onExit(node.addProcess(() => p.kill()));
      const done = new Promise<number>((resolve) =>
        p.onExit((code) => {
          lab.emit({
            kind: "command",
            t: lab.net.scheduler.now(),
            node: node.name,
            user,
            command: line,
            exit: code,
          });
          resolve(code);
        }),
      );
      return {
        done,
        get exitCode() {
          return p.exitCode;
        },
        interrupt: () => p.interrupt(),
        input: (text) => {
          if (p.exitCode === undefined) p.input?.(text);
        },
        endInput: () => {
          if (p.exitCode === undefined) p.endInput?.();
        },
      };
    },
  });
  return lab;
}
