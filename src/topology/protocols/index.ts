/**
 * @module topology/protocols
 * The registry of routing protocols, file-format side (docs/protocols.md): a node's `routing:`
 * names one of these or `static` (no protocol: the routes written in the file). Everything in
 * topology/ that depends on the protocol — reading, writing and summarizing its settings, `wait
 * converged`'s quiet interval, FRR configuration — asks the registry rather than a name.
 * A protocol is added by listing its spec in PROTOCOLS (and its daemon in proto/registry.ts).
 */
import type { Nanos } from "../../core/time.js";
import type { Topology } from "../model.js";
import { RIP_DEFAULTS } from "./rip.js";
import { OSPF } from "./ospf.js";
import { RIP } from "./rip.js";
import type { RoutingSpec } from "./spec.js";

export type { FrrRouting, RoutingSpec } from "./spec.js";
export { nodeRipSettings, RIP_DEFAULTS, RIP_KEYS } from "./rip.js";
export {
  nodeOspfSettings,
  OSPF_DEFAULTS,
  OSPF_KEYS,
  ospfIfaceCost,
  ospfIfacePriority,
  ospfRouterId,
} from "./ospf.js";

/** A node without a routing protocol: only connected and written (static) routes. */
export const STATIC_ROUTING = "static";

/** Every routing protocol, in the order messages list them. */
const PROTOCOLS: readonly RoutingSpec[] = [RIP, OSPF];

/** What a node runs when its file says nothing (issue 3: the seed's protocol, in every format). */
export const DEFAULT_ROUTING: string = RIP.name;

/** The default protocol's name in messages (`RIP`): what a node imported without routing runs not. */
export function defaultRoutingLabel(): string {
  return RIP.label;
}

/** Every protocol's topology-wide settings at their defaults (a fresh copy), as a Topology holds them. */
export function protocolDefaults(): Pick<Topology, "rip"> {
  return { rip: { ...RIP_DEFAULTS } };
}

/** The spec of protocol `name`, or undefined (`static`, or a name no protocol has). */
export function routingSpec(name: string): RoutingSpec | undefined {
  return PROTOCOLS.find((p) => p.name === name);
}

/** Every protocol's spec. */
export function routingSpecs(): readonly RoutingSpec[] {
  return PROTOCOLS;
}

/** The values `routing:` takes: `static` and every protocol's name. */
export function routingNames(): string[] {
  return [STATIC_ROUTING, ...PROTOCOLS.map((p) => p.name)];
}

/** Whether `name` is a value `routing:` takes. */
export function isRoutingName(name: string): boolean {
  return name === STATIC_ROUTING || routingSpec(name) !== undefined;
}

/** The protocol whose settings sit under `key` (`rip:`), if any. */
export function specBySettingsKey(key: string): RoutingSpec | undefined {
  return PROTOCOLS.find((p) => p.settingsKey === key);
}

/** The keys of every protocol's settings, as they appear in `defaults` and in a node. */
export function settingsKeys(): string[] {
  return PROTOCOLS.map((p) => p.settingsKey);
}

/**
 * How long `wait converged` needs the network quiet: the longest quiet interval of any
 * protocol (each one's own, e.g. RIP's longest update interval of any router).
 */
export function quietInterval(topo: Topology): Nanos {
  return Math.max(...PROTOCOLS.map((p) => p.quietInterval(topo)));
}
