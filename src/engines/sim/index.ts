/**
 * @module engines/sim
 * `createSimLab`: the simulator engine with everything plugged in — RIP on every node whose
 * routing is `rip`, and the shell's commands behind `exec`.
 */
import { RipDaemon, resolveRipSettings } from "../../proto/rip/index.js";
import { HostsTable, PidCounter, runCommand, type ShellContext } from "../../shell/index.js";
import type { WallClock } from "../../sim/index.js";
import type { Topology } from "../../topology/model.js";
import { SimLab } from "./sim-lab.js";
import { UserHost } from "./user-host.js";

export { SimLab } from "./sim-lab.js";

export interface CreateSimLabOptions {
  seed?: number;
  /** Pace the clock in real time (server); unpaced when absent. */
  wallClock?: WallClock;
}

export function createSimLab(topo: Topology, opts: CreateSimLabOptions = {}): SimLab {
  let hosts: HostsTable | undefined;
  const pids = new Map<string, PidCounter>();
  const lab: SimLab = new SimLab(topo, {
    ...opts,
    daemonsFor: (t, name) => {
      const n = t.nodes.find((x) => x.name === name)!;
      return n.routing === "rip" ? [new RipDaemon(resolveRipSettings(n.rip ?? {}, t.rip))] : [];
    },
    exec: (lab, node, line, o) => {
      hosts ??= new HostsTable(
        lab.net.nodes.map((n) => ({ name: n.name, addrs: n.ifaces.map((i) => i.addr) })),
      );
      let pid = pids.get(node.name);
      if (!pid) {
        pid = new PidCounter(1000 + node.index * 37);
        pids.set(node.name, pid);
      }
      const p = pid;
      const h = hosts;
      const user = o.user ?? "root";
      const write = o.write ?? (() => {});
      const ctx: ShellContext = {
        node: node.name,
        user,
        host: new UserHost(node, user),
        routes: () => node.fib.all(),
        interfaces: () => node.ifaces,
        resolve: (name) => h.resolve(name),
        reverse: (a) => h.reverse(a),
        write,
        nextPid: () => p.take(),
        setInterfaceUp: (i, up) =>
          node.setInterface(node.ifaces[i]!, up, `ifconfig ${node.ifaces[i]!.name} ${up ? "up" : "down"}`),
      };
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
