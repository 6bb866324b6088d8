/**
 * @module sim/ip-output
 * The output path of a simulated node's IPv4 (sim/node.ts) for the packets it sends itself:
 * choosing the outgoing interface (`routeLocal`, ip_output's route lookup), the OUTPUT and
 * POSTROUTING hooks of a nat table, counting, loopback, and the hand-over to Ethernet
 * (`ipOutput`); and the send of a packet the stack made itself, a reply or an ICMP error
 * (`sendGenerated`). Free functions taking the node, as sim/ether.ts and sim/arp.ts: no
 * closure or object per packet beyond the packet's own.
 */
import type { PacketClass } from "../core/events.js";
import { IPV4_BROADCAST, isMulticast } from "../core/ip.js";
import { ETHERNET_HEADER_LEN, ipv4Dst } from "../wire/index.js";
import { etherResolve, Resolve } from "./ether.js";
import type { Route } from "./fib.js";
import type { SendOptions, SendResult } from "./host.js";
import { ipInput } from "./ip-input.js";
import { flowNextHop } from "./multipath.js";
import type { SimNode } from "./node.js";
import { Packet } from "./packet.js";
import { REDIRECT_SOURCE } from "./redirect.js";

/** The TTL of every packet a node makes, unless the sender set one (FreeBSD's ip_defttl). */
export const DEFAULT_TTL = 64;

export type SendError = Extract<SendResult, { ok: false }>["error"];

/** Where a locally generated packet leaves: interface, and the route and next hop that chose it. */
export interface LocalRoute {
  iface: number;
  route?: Route;
  gateway?: number;
}

/** Chooses the outgoing interface for a locally generated packet. */
export function routeLocal(node: SimNode, dst: number, opts: SendOptions): LocalRoute | SendError {
  if (!node.up) return "ENETDOWN";
  if (opts.iface !== undefined) {
    const i = node.ifaces[opts.iface];
    if (i === undefined || !i.up) return "ENETDOWN";
    return { iface: opts.iface };
  }
  if (node.isLocal(dst)) return { iface: 0 };
  if (isMulticast(dst) || dst === IPV4_BROADCAST) return "ENETUNREACH";
  const r = node.fib.lookup(dst);
  if (r === undefined) return "EHOSTUNREACH";
  // A multipath route: the flow's next hop, hashed with no source yet (Linux's output route
  // lookup runs before the source address is chosen, fl4->saddr 0).
  const hop = r.multipath === undefined ? r : flowNextHop(r.multipath, 0, dst, node.multipathKey);
  const i = node.ifaces[hop.iface]!;
  if (!i.up) return "ENETDOWN";
  return { iface: hop.iface, route: r, gateway: hop.gateway };
}

/** Sends `frame`: an IPv4 datagram at offset 14, its Ethernet header yet to be written. */
export function ipOutput(node: SimNode, frame: Uint8Array, to: LocalRoute, opts: SendOptions): SendResult {
  const net = node.net;
  const bytes = frame.subarray(ETHERNET_HEADER_LEN);
  let out = to;
  if (node.netfilter !== null) {
    // The OUTPUT hook: replies of a translated connection get their source back, a new one
    // meets the OUTPUT rules (and is routed again when its destination changed).
    const v = node.netfilter.hook(bytes, undefined, 0);
    if (v.rerouted) {
      const again = routeLocal(node, ipv4Dst(bytes), {});
      if (typeof again === "string") return { ok: false, error: again };
      out = again;
    }
    if (v.isNew) node.netfilter.countPolicy("POSTROUTING", bytes);
  }
  const pkt = Packet.ipv4Frame(
    frame,
    bytes,
    net.nextPacketId++,
    opts.user ?? "root",
    opts.cls ?? net.classify(bytes),
  );
  net.created++;
  if (out.route) {
    out.route.use++;
    if (out.route.source === REDIRECT_SOURCE) node.redirects?.touch(out.route);
  }
  if (out.iface === 0) {
    // Loopback: counted on lo0 and on the address the lo0 route stands for (its rt_ifa: the
    // destination's own interface), delivered after the current event, as netisr would.
    const lo = node.ifaces[0]!;
    lo.opackets++;
    lo.obytes += bytes.length;
    (node.addressOwner(ipv4Dst(bytes)) ?? lo).addrOpackets++;
    net.scheduler.after(0, loopback, node, pkt);
  } else {
    const i = node.ifaces[out.iface]!;
    i.addrOpackets++;
    const dst = ipv4Dst(bytes);
    const gw = out.gateway ?? (out.route === undefined ? 0 : out.route.gateway);
    const res = etherResolve(node, pkt, i, gw !== 0 ? gw : dst, dst, gw !== 0);
    if (res === Resolve.Ok) node.sendFrame(pkt, i);
    // The packet stays held; the sender is told (ether_output passes arpresolve's error up).
    else if (res === Resolve.HostDown) return { ok: false, error: "EHOSTDOWN" };
    else if (res === Resolve.HostUnreach) return { ok: false, error: "EHOSTUNREACH" };
  }
  return { ok: true, packet: pkt.id };
}

/** Sends a packet the stack made itself (reply or error), charged to the user who caused it. */
export function sendGenerated(
  node: SimNode,
  frame: Uint8Array,
  dst: number,
  user: string,
  cls: PacketClass,
): void {
  const out = routeLocal(node, dst, {});
  if (typeof out === "string") {
    const net = node.net;
    const ip = frame.subarray(ETHERNET_HEADER_LEN);
    const pkt = Packet.ipv4Frame(frame, ip, net.nextPacketId++, user, cls);
    net.created++;
    return net.drop(node, pkt, "no-route");
  }
  ipOutput(node, frame, out, { user, cls });
}

function loopback(node: SimNode, pkt: Packet): void {
  ipInput(node, pkt, node.ifaces[0]!);
}
