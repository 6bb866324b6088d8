/**
 * @module topology/resolve-hosts
 * The rules resolve.ts applies to hosts (`kind: host`): end systems, as a FreeBSD machine with
 * net.inet.ip.forwarding=0. A host
 * - runs no routing daemon: its routing is `static` (writing another is an error);
 * - has a default route: `gateway:` when written (a neighbour's address on a connected subnet),
 *   else its default static route when it has one, else the only router on its links (the
 *   segment's router, or the far end of its link); none or several: an error asking for
 *   `gateway:`.
 * `gateway:` on a router is an error: a router's default is a static route.
 */
import type { SourcePos } from "../core/errors.js";
import { formatIpv4, formatPrefix, type Ipv4, type Prefix, prefixContains } from "../core/ip.js";
import type { Diagnostics } from "./diag.js";
import type { DraftNode } from "./draft.js";
import type { LinkEnd, TopoNode } from "./model.js";
import { STATIC_ROUTING } from "./protocols/index.js";

/** A subnet a node is connected to: its address there, the link or segment, every end on it. */
export interface Connected {
  subnet: Prefix;
  addr: Ipv4;
  /** Link or segment id. */
  on: string;
  peers: readonly LinkEnd[];
}

/** Completes `node` (made from `dn`) as a host, or checks a router has no host fields. */
export function resolveHost(
  dn: DraftNode,
  node: TopoNode,
  mine: readonly Connected[],
  hosts: ReadonlySet<string>,
  diag: Diagnostics,
): void {
  if (dn.kind !== "host") {
    if (dn.gateway !== undefined)
      diag.error(
        "`gateway:` is for hosts (kind: host); a router's default route is a static route (static: [default via …])",
        dn.gatewayAt ?? dn.at,
      );
    return;
  }
  node.kind = "host";
  if (dn.routing !== undefined && dn.routing !== STATIC_ROUTING)
    diag.error(
      `a host runs no routing daemon (routing: ${dn.routing}): leave out \`routing:\``,
      dn.routingAt ?? dn.at,
    );
  node.routing = STATIC_ROUTING;
  const written = node.statics.find((s) => s.len === 0);
  if (dn.gateway !== undefined) {
    checkGateway(dn.name, dn.gateway, mine, dn.gatewayAt ?? dn.at, diag);
    if (written && written.gateway !== dn.gateway)
      diag.error(
        `host ${dn.name} has both \`gateway: ${formatIpv4(dn.gateway)}\` and a default static route via ${formatIpv4(written.gateway)}: keep one`,
        dn.gatewayAt ?? dn.at,
      );
    node.gateway = dn.gateway;
  } else if (written) node.gateway = written.gateway;
  else {
    const routers = mine.flatMap((c) => c.peers.filter((p) => p.node !== dn.name && !hosts.has(p.node)));
    if (routers.length === 1) node.gateway = routers[0]!.addr;
    else if (mine.length > 0) {
      const list = routers.slice(0, 6).map((r) => `${r.node} ${formatIpv4(r.addr)}`);
      const which = routers.length ? `routers on its links: ${list.join(", ")}` : "no router on its links";
      diag.error(`host ${dn.name} needs \`gateway:\` (${which})`, dn.at);
    }
  }
  if (node.gateway !== undefined && !written) node.statics.push({ dest: 0, len: 0, gateway: node.gateway });
}

/** Checks that a static route's or a host's gateway is a neighbour's address on a connected subnet. */
export function checkGateway(
  node: string,
  gateway: Ipv4,
  mine: readonly Connected[],
  at: SourcePos,
  diag: Diagnostics,
): void {
  const gw = formatIpv4(gateway);
  if (mine.some((c) => c.addr === gateway)) {
    diag.error(`gateway ${gw} is ${node}'s own address: use a neighbour's address`, at);
  } else if (!mine.some((c) => prefixContains(c.subnet, gateway))) {
    const list = mine.slice(0, 6).map((c) => formatPrefix(c.subnet));
    const more = mine.length > 6 ? ", …" : "";
    const on = mine.length ? `connected: ${list.join(", ")}${more}` : `${node} has no links`;
    diag.error(`gateway ${gw} is not on a subnet connected to ${node} (${on})`, at);
  }
}
