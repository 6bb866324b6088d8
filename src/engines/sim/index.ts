/**
 * @module engines/sim
 * `createSimLab`: the simulator engine with everything plugged in — RIP on every node whose
 * routing is `rip`, and the shell's commands behind `exec`.
 */
import { RipDaemon, resolveRipSettings } from "../../proto/rip/index.js";
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
      return n.routing === "rip" ? [new RipDaemon(resolveRipSettings(n.rip ?? {}, t.rip))] : [];
    },
    exec: (lab, node, line, o) => {
      const user = o.user ?? "root";
      const ctx = simShellContext(lab.net, node, {
        user,
        privileged: o.privileged ?? false,
        write: o.write ?? (() => {}),
      });
      lab.emit({ kind: "command", t: lab.net.scheduler.now(), node: node.name, user, command: line });
      const prog = runCommand(ctx, line);
      const done = new Promise<number>((resolve) =>
        prog.onExit((code) => {
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
          return prog.exitCode;
        },
        interrupt: () => prog.interrupt(),
      };
    },
  });
  return lab;
}
