/**
 * @module engines/netns/fake-node.testkit
 * Test helper: a netns node's ShellContext (shell-context.ts) without root or namespaces. The
 * kernel is a fake that records every program started and every `ip` run, and answers from a
 * given table and interfaces, so the shell front end over the netns engine can be driven by any
 * line typed (the argv property test, the unit tests).
 */
import type { Program } from "../../apps/process.js";
import { exited } from "../../apps/process.js";
import { HostsTable, PidCounter, type ShellInterface, type ShellRoute } from "../../shell/context.js";
import { runCommand } from "../../shell/run.js";
import { loadTopologyText } from "../../topology/index.js";
import { netnsCommandRegistry } from "./native-programs.js";
import { neighbourListing, parseProcArp } from "./neighbours.js";
import { NamespaceHost } from "./ns-host.js";
import { planLab } from "./plan.js";
import { netnsShellContext } from "./shell-context.js";
import type { RunResult } from "./sys.js";

const TOPO = `
name: fake
nodes: { vm1: {}, vm2: {} }
links:
  - endpoints: ["vm1:epair0a", "vm2:epair0b"]
    subnet: 10.0.10.0/24
`;

export interface FakeRun {
  out: string;
  code: number | undefined;
  /** Programs started in the namespace (argv each). */
  spawned: string[][];
  /** `ip -n NS …` arguments run. */
  ip: string[][];
  /** Argv run to completion (vtysh). */
  execs: string[][];
}

export interface FakeKernel {
  routes?: ShellRoute[];
  interfaces?: ShellInterface[];
  /** The answer to an `ip` call (default: exit 0, no output). */
  ip?: (args: readonly string[]) => RunResult;
  /** The answer to a program run to completion (vtysh). */
  exec?: (argv: readonly string[]) => RunResult;
  /** vtysh's socket directory (null: no FRR on the node). */
  vty?: string | null;
  /** The namespace's /proc/net/arp (default: the header alone, no neighbours). */
  procArp?: string;
}

/** Runs `line` on vm1 of a two-node lab whose kernel is `k`; resolves when the command ended. */
export async function runOnFakeNode(line: string, k: FakeKernel = {}, user = "root"): Promise<FakeRun> {
  const plan = planLab(loadTopologyText(TOPO, "fake.yaml"), "rl-fake");
  const node = plan.byName.get("vm1")!;
  const hosts = new HostsTable(plan.nodes.map((n) => ({ name: n.name, addrs: n.ifaces.map((i) => i.addr) })));
  const r: FakeRun = { out: "", code: undefined, spawned: [], ip: [], execs: [] };
  const ok = (): RunResult => ({ code: 0, stdout: "", stderr: "" });
  const routes = () => k.routes ?? [];
  const ifaces = () =>
    k.interfaces ?? [
      { index: 0, name: "lo0", addr: 0x7f000001, len: 8, up: true, isLink: false },
      { index: 1, name: "epair0a", addr: 0x0a000a01, len: 24, up: true, isLink: true },
    ];
  const spawn = (argv: readonly string[]): Program => {
    r.spawned.push([...argv]);
    return exited(0);
  };
  const vty = k.vty === undefined ? "/run/frr/vm1" : k.vty;
  const host = new NamespaceHost({
    name: "vm1",
    netns: node.netns,
    interfaces: ifaces,
    routes,
    ip: async () => "",
    track: () => {},
    log: () => {},
  });
  const ctx = netnsShellContext(
    {
      plan: node,
      hosts,
      pids: new PidCounter(),
      host,
      routes,
      interfaces: ifaces,
      neighbours: () => neighbourListing(node, parseProcArp(k.procArp ?? "")),
      spawn,
      ip: async (args) => {
        r.ip.push([...args]);
        return k.ip?.(args) ?? ok();
      },
      exec: async (argv) => {
        r.execs.push([...argv]);
        return k.exec?.(argv) ?? ok();
      },
      reread: async () => {},
      setAdmin: async () => {},
      vtyDir: () => vty,
    },
    { user, privileged: false, tos: user === "root" ? 0 : 4, write: (s) => (r.out += s) },
  );
  const commands = netnsCommandRegistry((_n, argv) => spawn(argv));
  const p = runCommand(ctx, line, commands);
  r.code = await new Promise<number>((res) => p.onExit(res));
  return r;
}
