/**
 * @module engines/netns/lab-boot
 * The order of a netns lab's boot, timed phase by phase (NetnsLab.timings): namespaces and their
 * files, then each node's setup batch beside the link captures and the netem probe, then link
 * shaping, then the routing daemons beside the sshds. boot.ts does each step; this says when.
 */
import type { ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";
import type { Topology } from "../../topology/model.js";
import { createNamespaces, type Daemons, pool, type Shaping, startNodeBatch } from "./boot.js";
import type { LabClock } from "./lab-clock.js";
import type { Links } from "./links.js";
import type { NetnsFiles } from "./node-files.js";
import type { LabPlan, PlannedNode } from "./plan.js";
import type { RouteTables } from "./route-table.js";
import type { NetnsSsh } from "./sshd.js";
import type { StateFile } from "./state.js";

export interface LabBootDeps {
  plan: LabPlan;
  topology: Topology;
  state: StateFile;
  /** Every node's files, mirrored into /etc/netns/NS once the namespaces exist. */
  files: Iterable<NetnsFiles>;
  shaping: Shaping;
  links: Links;
  tables: RouteTables;
  daemons: Daemons;
  sshs: NetnsSsh;
  clock: LabClock;
  /** Boot phases in ms (written here). */
  timings: Record<string, number>;
  /** Starts the link captures (undefined: no captures). */
  startCaptures?: () => Promise<void>;
  /** Whether this kernel has sch_netem, once known. */
  setNetem(ok: boolean): void;
  track(c: ChildProcess): void;
  log(line: string): void;
}

/** Boots the planned lab; the caller removes what was made if it throws. */
export async function bootLab(d: LabBootDeps): Promise<void> {
  const phase = async (name: string, fn: () => Promise<void>): Promise<void> => {
    const t = performance.now();
    await fn();
    d.timings[name] = performance.now() - t;
  };
  const nodes = d.plan.nodes;
  d.clock.t0 = performance.now();
  // Recorded before creation, so a crash half-way is still cleaned up by the next start.
  d.state.state.namespaces = [...nodes, ...d.plan.bridges].map((n) => n.netns);
  d.state.save();
  await phase("namespaces", () => createNamespaces(d.plan, d.topology));
  // After createNamespaces made /etc/netns/NS; a failed boot's close() removes it with the namespace.
  for (const files of d.files) files.mirrorAll();
  const wantsShaping = d.plan.links.some((l) => l.delay > 0 || l.loss > 0);
  // Asked once, alongside the rest of the boot: setLinkShape must know synchronously whether
  // delay and loss can be changed later, even when the file sets none.
  let hasNetem = false;
  const netem = d.shaping.hasNetem().then((ok) => {
    hasNetem = ok;
    d.setNetem(ok);
    if (!ok && wantsShaping)
      d.log("netns: this kernel has no sch_netem: link delay and loss are not emulated");
  });
  // The first end of every veth is created up (ip can raise only that end at creation), and
  // that is the end each capture listens on: captures start while the nodes are set up.
  const startCaptures = d.startCaptures;
  const captures = startCaptures ? phase("captures", startCaptures) : Promise.resolve();
  const startNode = (n: PlannedNode) => {
    const p = startNodeBatch(n, d.topology);
    d.track(p);
    return d.tables.follow(n.name, p);
  };
  await Promise.all([phase("interfaces", () => pool(nodes, 8, startNode)), captures, netem]);
  if (wantsShaping && hasNetem)
    await phase("shaping", () =>
      pool(nodes, 4, async (n) => {
        for (const i of n.ifaces)
          if (i.link.delay > 0 || i.link.loss > 0) await d.links.shapeEnd(n, i.kname, i.link.id, false);
      }),
    ).then(() => shapeBridgePorts(d.plan, d.links));
  // The sshds (the in-lab ssh, sshd.ts) start beside the routing daemons: neither waits for the other.
  await Promise.all([
    phase("daemons", () => pool(nodes, 8, (n) => d.daemons.start(n))),
    phase("sshd", async () => {
      await d.sshs.prepare();
      await pool(nodes, 8, (n) => d.sshs.start(n.name));
    }),
  ]);
  d.timings.total = performance.now() - d.clock.t0;
}

/** A segment's delay and loss on its bridge's ports too: a frame crosses two cables, as on the simulator. */
async function shapeBridgePorts(plan: LabPlan, links: Links): Promise<void> {
  for (const b of plan.bridges)
    for (const l of b.ports) if (l.delay > 0 || l.loss > 0) await links.shapeEnd(b, l.b.iface, l.id, false);
}
