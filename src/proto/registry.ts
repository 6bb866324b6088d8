/**
 * @module proto/registry
 * The registry of routing protocols, runtime side (docs/protocols.md): for each protocol, its
 * file-format spec (topology/protocols/), the daemon a node of it runs on the simulator, and
 * the packet class of its messages in the event stream (routing chatter: the page thins it,
 * checks do not count its drops as lost packets). Engines, the lab's checks and the server ask
 * here rather than compare a node's `routing` with a name.
 */
import type { PacketClass } from "../core/events.js";
import type { Nanos } from "../core/time.js";
import type { RoutingDaemon } from "../sim/host.js";
import type { Topology, TopoNode } from "../topology/model.js";
import type { RoutingSpec } from "../topology/protocols/index.js";
import { OSPF_PROTOCOL } from "./ospf/register.js";
import { RIP_PROTOCOL } from "./rip/register.js";

export interface RoutingProtocol {
  /** What topology files know of it (its `routing:` name is `spec.name`). */
  readonly spec: RoutingSpec;
  /** The daemon `node` runs, with its settings from `topo` (checked: throws LabError). */
  daemon(topo: Topology, node: TopoNode): RoutingDaemon;
  /** The class the stream gives its packets (wire/summary.ts classify). */
  readonly packetClass: PacketClass;
  /** The user its packets are sent as (core/routing-traffic.ts ROUTING_USERS). */
  readonly user: string;
  /**
   * Its own vtysh commands on the simulator (shell/cmd/vtysh.ts asks each daemon a node runs
   * for the words zebra does not answer itself): the text FRR's daemon prints, or undefined when
   * `words` are not its command. `words` come split on blanks, the first three written out in
   * full (`sh ip ri st` arrives as show, ip, rip, st: match the rest with proto/vty.ts
   * `keyword`); `now` is the node's clock, for timers and ages.
   */
  vtysh?: (daemon: RoutingDaemon, words: readonly string[], now: Nanos) => string | undefined;
}

/** Every routing protocol the simulator runs. */
export const PROTOCOLS: readonly RoutingProtocol[] = [RIP_PROTOCOL, OSPF_PROTOCOL];

/** The protocol a node's `routing:` names, or undefined for `static` (no daemon). */
export function routingProtocol(name: string): RoutingProtocol | undefined {
  return PROTOCOLS.find((p) => p.spec.name === name);
}

/** The daemons a node runs: its protocol's, or none for a static node. */
export function routingDaemons(topo: Topology, node: TopoNode): RoutingDaemon[] {
  const p = routingProtocol(node.routing);
  return p ? [p.daemon(topo, node)] : [];
}

/**
 * Whether packets of class `cls` are a routing protocol's own messages (routing chatter): the
 * list is core's (core/routing-traffic.ts, so the page can ask it too); registry.test.ts checks
 * that it holds every protocol's `packetClass`.
 */
export { isRoutingTraffic } from "../core/routing-traffic.js";
