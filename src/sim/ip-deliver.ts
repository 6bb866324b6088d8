/**
 * @module sim/ip-deliver
 * Local delivery in a simulated node's IPv4 (sim/node.ts): a packet for this node goes to its
 * ICMP listeners (answering an echo request itself, acting on a redirect), its UDP sockets,
 * its TCP stack or a raw protocol handler; what none takes is answered with an ICMP error.
 * `icmpError` is also the forwarding path's (sim/ip-input.ts). Only packets for this node are
 * parsed into values. Free functions taking the node, as sim/ether.ts and sim/arp.ts.
 */
import type { DropReason } from "../core/events.js";
import { IPV4_BROADCAST, isMulticast } from "../core/ip.js";
import {
  buildIcmpPacket,
  ETHERNET_HEADER_LEN,
  get16,
  ICMP_DEST_UNREACH,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  ICMP_REDIRECT,
  type IcmpRepr,
  icmpGateway,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  ipv4Dst,
  ipv4Protocol,
  ipv4Src,
  ipv4Tos,
  ipv4TotalLen,
  ipv4Ttl,
  parseIcmp,
  parseUdp,
  quoteOriginal,
  UNREACH_PORT,
  UNREACH_PROTOCOL,
  WireError,
} from "../wire/index.js";
import { linkBroadcast } from "./ether.js";
import type { IcmpMessage } from "./host.js";
import { DEFAULT_TTL, sendGenerated } from "./ip-output.js";
import { flowNextHop } from "./multipath.js";
import type { SimNode } from "./node.js";
import type { Packet } from "./packet.js";
import { Redirects } from "./redirect.js";
import type { TcpInputResult } from "./tcp/stack.js";

/** Local delivery of a packet that came in on interface index `iface`: by protocol. */
export function ipDeliver(node: SimNode, pkt: Packet, iface: number): void {
  const b = pkt.bytes;
  const total = ipv4TotalLen(b);
  const proto = ipv4Protocol(b);
  if (proto === IPPROTO_ICMP) return deliverIcmp(node, pkt, iface, total);
  if (proto === IPPROTO_UDP) return deliverUdp(node, pkt, iface, total);
  if (proto === IPPROTO_TCP) return deliverTcp(node, pkt, total);
  const raw = node.ipHandlers.get(proto);
  if (raw !== undefined) {
    node.net.deliver(node, pkt);
    raw({
      src: ipv4Src(b),
      dst: ipv4Dst(b),
      protocol: proto,
      ttl: ipv4Ttl(b),
      tos: ipv4Tos(b),
      iface,
      payload: b.subarray(20, total),
      packet: pkt.id,
    });
    return;
  }
  // No socket for the protocol: FreeBSD's rip_input (sys/netinet/raw_ip.c), the input of
  // every protocol without one of its own, answers protocol unreachable when no raw socket
  // took the datagram (icmp_error skips multicast and broadcast, as icmpError does).
  node.net.drop(node, pkt, "proto-unreachable");
  icmpError(node, pkt, ICMP_DEST_UNREACH, UNREACH_PROTOCOL);
}

/** Protocol 1: an echo request is answered here; the rest goes to the ICMP listeners. */
function deliverIcmp(node: SimNode, pkt: Packet, iface: number, total: number): void {
  const net = node.net;
  const b = pkt.bytes;
  const m = parseIcmp(b, 20, total - 20);
  if (m instanceof WireError) return net.drop(node, pkt, wireDrop(m));
  if (m.type === ICMP_ECHO_REQUEST) return answerEcho(node, pkt, m);
  // The kernel acts on a redirect, then hands it to raw sockets too (ip_icmp.c:570-626).
  // Only a host with drop_redirect=0 acts on it; a router drops it (RFC 1812, ip_icmp.c:590).
  if (m.type === ICMP_REDIRECT && !node.dropRedirects && !node.forwarding) {
    node.redirects ??= new Redirects(node);
    node.redirects.take(ipv4Src(b), m.code, total - 20, m.data, icmpGateway(b, 20));
  }
  if (node.icmpListeners.length === 0)
    return m.type === ICMP_REDIRECT ? net.deliver(node, pkt) : net.drop(node, pkt, "no-listener");
  net.deliver(node, pkt);
  const msg: IcmpMessage = {
    src: ipv4Src(b),
    dst: ipv4Dst(b),
    ttl: ipv4Ttl(b),
    type: m.type,
    code: m.code,
    ident: m.ident,
    seq: m.seq,
    data: m.data,
    iface,
    packet: pkt.id,
  };
  for (const l of node.icmpListeners.slice()) l(msg);
}

/** An echo request `m` for this node: the reply, from the address it was sent to. */
function answerEcho(node: SimNode, pkt: Packet, m: IcmpRepr): void {
  const net = node.net;
  // net.inet.icmp.bmcastecho=0: no answer to a link broadcast or multicast (ip_icmp.c:495).
  if (linkBroadcast(pkt)) return net.drop(node, pkt, "not-for-us");
  net.deliver(node, pkt);
  reflect(
    node,
    pkt,
    { type: ICMP_ECHO_REPLY, code: 0, ident: m.ident, seq: m.seq, data: m.data },
    "echo-reply",
  );
}

/** Protocol 17: to the socket bound to the destination port, else port unreachable. */
function deliverUdp(node: SimNode, pkt: Packet, iface: number, total: number): void {
  const net = node.net;
  const b = pkt.bytes;
  const src = ipv4Src(b);
  const dst = ipv4Dst(b);
  const u = parseUdp(b, 20, total - 20, src, dst);
  if (u instanceof WireError) return net.drop(node, pkt, wireDrop(u));
  const h = node.udpSockets.get(u.dstPort);
  if (h === undefined) {
    // No port unreachable about a broadcast (RFC 1812 4.3.2.7), the subnet's included.
    if (isMulticast(dst) || dst === IPV4_BROADCAST || dst === node.ifaces[iface]?.broadcast)
      return net.drop(node, pkt, "not-for-us");
    net.drop(node, pkt, "port-unreachable");
    return icmpError(node, pkt, ICMP_DEST_UNREACH, UNREACH_PORT);
  }
  net.deliver(node, pkt);
  h({ src, dst, srcPort: u.srcPort, dstPort: u.dstPort, ttl: ipv4Ttl(b), iface, payload: u.payload });
}

/** Protocol 6: unicast to one of our addresses goes to the TCP stack, which says what became of it. */
function deliverTcp(node: SimNode, pkt: Packet, total: number): void {
  const b = pkt.bytes;
  const dst = ipv4Dst(b);
  if (!node.isLocal(dst)) return node.net.drop(node, pkt, "not-for-us");
  node.tcp.input(b, 20, total - 20, ipv4Src(b), dst, pkt.user, (r) => tcpVerdict(node, pkt, r));
}

function tcpVerdict(node: SimNode, pkt: Packet, r: TcpInputResult): void {
  if (r === "delivered") node.net.deliver(node, pkt);
  else node.net.drop(node, pkt, r === "ignored" ? "not-for-us" : r);
}

/** Our address facing `dst` (ICMP source selection, as FreeBSD's icmp_reflect). */
function sourceFor(node: SimNode, dst: number): number {
  const r = node.fib.lookup(dst);
  // The interface a packet to dst leaves by (a multipath route's as routeLocal picks it).
  const hop = r?.multipath === undefined ? r : flowNextHop(r.multipath, 0, dst, node.multipathKey);
  if (hop !== undefined && hop.iface !== 0) return node.ifaces[hop.iface]!.addr;
  return node.ifaces[1]?.addr ?? 0x7f000001;
}

/**
 * Sends ICMP type/code about `pkt` back to its source (RFC 1812 4.3.2.7: never about an ICMP
 * error, nor a multicast/broadcast packet). The source address is the offending packet's
 * destination when it was ours, else our interface towards the sender.
 */
export function icmpError(
  node: SimNode,
  pkt: Packet,
  type: number,
  code: number,
  gateway = 0,
  quote?: Uint8Array,
): void {
  const b = pkt.bytes;
  const src = ipv4Src(b);
  const dst = ipv4Dst(b);
  if (isMulticast(dst) || dst === IPV4_BROADCAST || isMulticast(src) || src === 0) return;
  if (linkBroadcast(pkt)) return; // nor about a link broadcast (ip_icmp.c:201)
  if ((get16(b, 6) & 0x1fff) !== 0) return; // nor about a later fragment (ip_icmp.c:199)
  // About an ICMP error only a redirect is sent (ip_icmp.c:203: `type != ICMP_REDIRECT`).
  if (type !== ICMP_REDIRECT && ipv4Protocol(b) === IPPROTO_ICMP && b.length >= 21) {
    const t = b[20]!;
    if (t !== ICMP_ECHO_REQUEST && t !== ICMP_ECHO_REPLY) return;
  }
  // A redirect's bytes 4-7 are the gateway (icmp_gwaddr, ip_icmp.c:268-269).
  const data = quote ?? quoteOriginal(b);
  reflect(node, pkt, { type, code, ident: gateway >>> 16, seq: gateway & 0xffff, data }, "icmp-error");
}

/**
 * Sends ICMP message `icmp` about `pkt` back to its source, addressed as FreeBSD's icmp_reflect
 * does (ip_icmp.c): from the address the packet was sent to when it is one of ours, else from
 * our interface towards the sender. The echo reply's and every error's one IPv4 header.
 */
function reflect(node: SimNode, pkt: Packet, icmp: IcmpRepr, cls: "echo-reply" | "icmp-error"): void {
  const b = pkt.bytes;
  const src = ipv4Src(b);
  const dst = ipv4Dst(b);
  const frame = buildIcmpPacket(
    {
      tos: 0,
      id: node.nextId(),
      dontFrag: false,
      ttl: DEFAULT_TTL,
      src: node.isLocal(dst) ? dst : sourceFor(node, src),
      dst: src,
    },
    icmp,
    ETHERNET_HEADER_LEN,
  );
  sendGenerated(node, frame, src, pkt.user, cls);
}

/** Why an ICMP or UDP message the codec refused dies: a wrong sum, or too few bytes for it. */
function wireDrop(e: WireError): DropReason {
  return e.kind === "checksum" ? "bad-checksum" : "malformed";
}
