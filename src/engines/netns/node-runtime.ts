/**
 * @module engines/netns/node-runtime
 * What the netns lab keeps of each node while it runs (up or crashed, interfaces taken down by
 * hand, the commands running there, its files and xinetd), and how the Lab's readings (nodes(),
 * routes()) are made from it: from the lab's own state, with no kernel read (the page asks often).
 */
import type { ChildProcess } from "node:child_process";
import type { Program } from "../../apps/process.js";
import { formatIpv4, formatPrefix } from "../../core/ip.js";
import type { NodeInfo, RouteInfo } from "../../lab/lab.js";
import { routeFlags, routeRefs } from "../../shell/cmd/netstat.js";
import { PidCounter } from "../../shell/context.js";
import type { Topology, TopoNode } from "../../topology/model.js";
import type { KernelRoute } from "./kernel-routes.js";
import { xinetdConfigProblem } from "./linux-native.js";
import { LinuxNode } from "./linux-node.js";
import { type NetnsFiles, nodeFiles } from "./node-files.js";
import type { LabPlan, PlannedNode } from "./plan.js";
import { run } from "./sys.js";

export interface NodeRuntime {
  plan: PlannedNode;
  up: boolean;
  /** Link interfaces taken down with `ifconfig IF down` (kernel names), until `up` or a reboot. */
  adminDown: Set<string>;
  /** Commands running on the node: a crash of the node kills them. */
  commands: Set<Program>;
  pids: PidCounter;
  /** The node's files (node-files.ts), mirrored into /etc/netns/NS for the namespace's programs. */
  files: NetnsFiles;
  /** Its aliases and xinetd (linux-node.ts). */
  linux: LinuxNode;
}

export interface NodeRuntimeDeps {
  /** Reads the node's whole kernel table again. */
  reread(node: string): Promise<void>;
  track(c: ChildProcess): void;
  stateDir: string;
  log(line: string): void;
}

/** Every planned node's runtime, by name: all up, nothing running. */
export function nodeRuntimes(
  topology: Topology,
  plan: LabPlan,
  d: NodeRuntimeDeps,
): Map<string, NodeRuntime> {
  const nodesRt = new Map<string, NodeRuntime>();
  const files = nodeFiles(topology, (name) => plan.byName.get(name)!.netns);
  for (const [k, n] of plan.nodes.entries())
    nodesRt.set(n.name, {
      files: files.get(n.name)!,
      linux: new LinuxNode({
        plan: n,
        exec: (argv) => run("ip", ["netns", "exec", n.netns, ...argv]),
        reread: () => d.reread(n.name),
        track: (c) => d.track(c),
        stateDir: d.stateDir,
        log: (s) => d.log(s),
        xinetdConfigProblem: () => xinetdConfigProblem(files.get(n.name)!),
      }),
      plan: n,
      up: true,
      adminDown: new Set(),
      commands: new Set(),
      // Each node its own start, as routers booted at different times (shell/sim-context.ts).
      pids: new PidCounter(1000 + ((k * 7919) % 20000)),
    });
  return nodesRt;
}

/** Lab.nodes()'s entry of a node: its interfaces up when the node, the interface and the link are. */
export function nodeInfo(t: TopoNode, rt: NodeRuntime, linkUp: (link: string) => boolean): NodeInfo {
  const lo = { name: "lo0", addr: "127.0.0.1", len: 8, up: true };
  const info: NodeInfo = {
    name: t.name,
    kind: t.kind ?? "router",
    up: rt.up,
    routing: t.routing,
    // From the lab's own state (no kernel read: the page asks often).
    interfaces: [
      lo,
      ...rt.plan.ifaces.map((i) => ({
        name: i.name,
        addr: formatIpv4(i.addr),
        len: i.len,
        up: rt.up && !rt.adminDown.has(i.kname) && linkUp(i.link.id),
        link: i.link.id,
      })),
    ],
  };
  if (t.position) info.position = t.position;
  return info;
}

/** Lab.routes()'s entry of a kernel route, in the shell's (netstat's) terms. */
export function routeInfo(r: KernelRoute, rt: NodeRuntime): RouteInfo {
  return {
    dest: formatPrefix({ addr: r.dest, len: r.len }),
    gateway: r.gateway !== 0 ? formatIpv4(r.gateway) : `link#${r.iface + 1}`,
    ...(r.nextHops === undefined ? {} : { nextHops: r.nextHops.map(formatIpv4) }),
    flags: routeFlags(r.flags),
    iface: r.iface === 0 ? "lo0" : (rt.plan.ifaces[r.iface - 1]?.name ?? "?"),
    metric: r.metric,
    source: r.source,
    refs: routeRefs(r),
    use: 0,
  };
}
