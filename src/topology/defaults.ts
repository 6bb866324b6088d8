/**
 * @module topology/defaults
 * The values a topology file gets for everything it leaves out, in one place so that every
 * format (routelab YAML, containerlab, edge lists, GraphML) builds the same lab from the same
 * text, and so that docs and `routelab check` can quote them.
 *
 * Links: delay 1 ms one way (a short LAN hop: visible in ping times, small against routing timers),
 * bandwidth 0 = unlimited (the seed's epair cables had no rate limit), loss 0, queue 100 packets
 * (the order of an interface's send queue; only matters when a bandwidth is set).
 *
 * Routing: DEFAULT_ROUTING on every router (issue 3: the seed's protocol is the default of every
 * format; `routing: static` opts a router out). A protocol's own settings have their defaults in
 * its spec (topology/protocols/).
 *
 * Addresses: links without a subnet take the next free /24 of 10.0.0.0/8 in file order,
 * skipping every subnet written explicitly anywhere in the file; the first endpoint gets host
 * .1, the second .2 (the seed's numbering). With no explicit subnets, link i gets
 * 10.(i >> 8).(i & 255).0/24, the numbering of ../shared/bench/gen-topology.py and GraphML
 * import, for up to 65,536 links. Interfaces without a name are `epair<i>a` on the
 * first endpoint and `epair<i>b` on the second, i the link's index in the file, as FreeBSD
 * names the two halves of `epair<i>` (the seed's names).
 */
import type { Prefix } from "../core/ip.js";
import { MS } from "../core/time.js";

/** Per-link properties that have topology-wide defaults. */
export interface LinkProps {
  delay: number;
  bandwidth: number;
  loss: number;
  queue: number;
}

export const DEFAULT_LINK: Readonly<LinkProps> = Object.freeze({
  delay: 1 * MS,
  bandwidth: 0,
  loss: 0,
  queue: 100,
});

export { DEFAULT_ROUTING } from "./protocols/index.js";

/** Where link subnets come from when a file gives none: `range` cut into /`length` blocks. */
export interface AddressPool {
  range: Prefix;
  length: number;
}

export const DEFAULT_POOL: Readonly<AddressPool> = Object.freeze({
  range: Object.freeze({ addr: 0x0a000000, len: 8 }),
  length: 24,
});

/** Default interface name of end `side` (0 = first endpoint) of link number `index`. */
export function defaultIfaceName(index: number, side: 0 | 1): string {
  return `epair${index}${side === 0 ? "a" : "b"}`;
}
