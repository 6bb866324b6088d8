/**
 * @module engines/netns
 * `createNetnsLab`: the same topology on real Linux kernels — network namespaces, veth pairs,
 * FRR zebra + ripd — behind the Lab interface. Linux and root only (a clear LabError
 * otherwise). The lab removes the leftovers of a crashed earlier run with the same prefix
 * before it starts, and everything it made on `close()`.
 */
import { LabError } from "../../core/errors.js";
import type { Topology } from "../../topology/model.js";
import { routingSpec } from "../../topology/protocols/index.js";
import { haveFrr } from "./boot.js";
import { NetnsLab, type NetnsLabOptions } from "./netns-lab.js";
import { defaultPrefix } from "./plan.js";
import { removeLeftovers } from "./state.js";
import { have } from "./sys.js";

export { NetnsLab, haveFrr, type NetnsLabOptions } from "./netns-lab.js";
export { defaultPrefix, planLab } from "./plan.js";
export { removeLeftovers, listNamespaces } from "./state.js";

/** Why this machine cannot run the netns engine, or null when it can. */
export async function netnsUnavailable(topo?: Topology): Promise<string | null> {
  if (process.platform !== "linux") return `the netns engine needs Linux (this is ${process.platform})`;
  if (typeof process.getuid !== "function" || process.getuid() !== 0)
    return "the netns engine needs root (network namespaces and veth pairs): run with sudo";
  if (!(await have("ip", ["-V"]))) return "the netns engine needs iproute2 ('ip'): apt-get install iproute2";
  const daemons = [
    ...new Set(
      (topo?.nodes ?? []).flatMap((n) => {
        const d = routingSpec(n.routing)?.frr?.daemon;
        return d ? [d] : [];
      }),
    ),
  ];
  if ((!topo || daemons.length > 0) && !haveFrr(undefined, topo ? daemons : undefined))
    return `the netns engine needs FRR (/usr/lib/frr/zebra and ${topo ? daemons.join(", ") : "its routing daemons"}): apt-get install frr`;
  return null;
}

/** Boots a topology on namespaces; resolves once every daemon runs and tables were read. */
export async function createNetnsLab(topo: Topology, opts: NetnsLabOptions = {}): Promise<NetnsLab> {
  const why = await netnsUnavailable(topo);
  if (why) throw new LabError(why, { field: "--engine" }, "unsupported");
  const prefix = opts.prefix ?? defaultPrefix(topo);
  const lab = new NetnsLab(topo, prefix, opts);
  const left = await removeLeftovers(prefix, lab.namespaceNames());
  if (left.namespaces > 0 || left.pids > 0)
    opts.log?.(
      `netns: removed leftovers of '${prefix}': ${left.namespaces} namespaces, ${left.pids} processes`,
    );
  await lab.boot();
  return lab;
}
