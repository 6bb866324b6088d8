/**
 * @module proto/rip
 * RIP version 2 (RFC 2453) for simulated routers. Create one daemon per node with
 * `new RipDaemon(settings)` and hand it to the node (`node.daemons.push(d); d.start(node)`);
 * `status()` / `formatStatus()` show its state, `rtqueryRequest` / `rtqueryFormat` are the
 * client side of FreeBSD's rtquery(8).
 */
export { RipDaemon } from "./rip.js";
export { checkEntry, tableEntries } from "./packets.js";
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
