/**
 * @module proto/rip
 * RIP version 2 (RFC 2453) for simulated routers. Create one daemon per node with
 * `new RipDaemon(settings)` and hand it to the node (`node.daemons.push(d); d.start(node)`);
 * `status()` / `formatStatus()` show its state, `rtqueryRequest` / `rtqueryFormat` are the
 * client side of FreeBSD's rtquery(8).
 *
 * Choices where RFC 2453 leaves room (each explained where it is made):
 * - Version 2 by default, which takes RIP-2 only (the RFC 5.1 "RIP-2" receive switch); a set
 *   unused header field is counted, not refused (RFC 5). `version: 1` speaks RFC 1058 as the
 *   seed's routed did: broadcasts, no masks, masks inferred as routed infers them (ripv1.ts),
 *   and it takes both versions.
 * - Connected networks of up interfaces are advertised with metric 1 (`redistribute
 *   connected`); the node's static routes are not advertised (routed and FRR need an explicit
 *   `redistribute static` too), nor are routes to our own interface addresses (no `-m`).
 * - Regular updates every `update` ± update/6 (30 s ± 5 s, RFC 3.8), the first one at a random
 *   point of the first interval. A triggered update goes out at once; the next one is held
 *   back triggeredMin..triggeredMax (1–5 s) after it, and suppressed when the regular update
 *   comes first (RFC 3.10.1; routed's no_flash, FRR's t_triggered_interval).
 * - Equal metrics: the first-learned route stays until it is halfway to its timeout (RFC
 *   3.9.2's heuristic; routed's STALE_TIME).
 * - Split horizon applies to routes learned on the interface; connected networks are
 *   advertised on their own interface too, as routed does. Queries from a port other than 520
 *   (rtquery) get the whole table without split horizon and with next hops, as routed answers.
 */
export { MESSAGES_PER_EVENT } from "./outbox.js";
export { RipDaemon } from "./rip.js";
export { RIP_DEFAULTS, resolveRipSettings } from "./settings.js";
export type { RipIfaceStatus, RipNeighbourStatus, RipRouteStatus, RipStatus } from "./status.js";
export { formatStatus } from "./status.js";
export { rtqueryFormat, rtqueryRequest, type RtqueryFormatOptions } from "./rtquery.js";
export type {
  RipCounterName,
  RipEntryDrop,
  RipIfaceCounters,
  RipNote,
  RipPacketDrop,
  RipRouteState,
} from "./types.js";
