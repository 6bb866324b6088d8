/**
 * @module sim/ip-input
 * The input path of a simulated node's IPv4 (sim/node.ts): a packet arrives (`ipInput`), is
 * checked, goes up to the node (sim/ip-deliver.ts) or is forwarded (`ipForward`: lookup, TTL,
 * transmit, with the ICMP errors and the redirect of FreeBSD 8's ip_forward).
 *
 * The forwarding path reads header fields straight from the bytes and patches TTL with an
 * incremental checksum (RFC 1624): no parse, no allocation. Free functions taking the node, as
 * sim/ether.ts and sim/arp.ts.
 */
import { IPV4_BROADCAST, isMulticast } from "../core/ip.js";
import {
  ICMP_DEST_UNREACH,
  ICMP_REDIRECT,
  ICMP_TIME_EXCEEDED,
  ipv4DecrementTtl,
  ipv4Dst,
  ipv4HeaderChecksumOk,
  ipv4Ihl,
  ipv4Src,
  ipv4TotalLen,
  ipv4Ttl,
  ipv4Version,
  quoteOriginal,
  REDIRECT_HOST,
  UNREACH_HOST,
} from "../wire/index.js";
import { etherResolve, linkBroadcast, Resolve } from "./ether.js";
import type { Iface } from "./iface.js";
import { icmpError, ipDeliver } from "./ip-deliver.js";
import { flowNextHop } from "./multipath.js";
import type { SimNode } from "./node.js";
import type { Packet } from "./packet.js";
import { redirectGateway } from "./redirect.js";

/** A packet arrives on interface `i` of `node`. */
export function ipInput(node: SimNode, pkt: Packet, i: Iface): void {
  const net = node.net;
  if (!node.up) return net.drop(node, pkt, "node-down");
  if (!i.up) return net.drop(node, pkt, "iface-down");
  const b = pkt.bytes;
  i.ipackets++;
  i.ibytes += b.length;
  if (b.length < 20 || ipv4Version(b) !== 4 || ipv4Ihl(b) !== 5 || ipv4TotalLen(b) > b.length) {
    i.ierrors++;
    return net.drop(node, pkt, "bad-header");
  }
  if (!ipv4HeaderChecksumOk(b)) {
    i.ierrors++;
    return net.drop(node, pkt, "bad-checksum");
  }
  // Linux's PREROUTING hook (sim/netfilter.ts), before the routing decision; not for what
  // this node sent itself over loopback (that met the OUTPUT hook).
  const natNew = node.netfilter !== null && i.index !== 0 && node.netfilter.hook(b, i.name, i.addr).isNew;
  const dst = ipv4Dst(b);
  // Ours: an address of this node, a group it joined, or a broadcast on the interface it
  // came in on (FreeBSD ip_input.c: INADDR_BROADCAST, or the ifaddr's ia_broadaddr).
  if (
    node.isLocal(dst) ||
    (isMulticast(dst) && node.groups.has(dst)) ||
    dst === IPV4_BROADCAST ||
    dst === i.broadcast
  ) {
    // A subnet broadcast counts on the address it was sent to, as FreeBSD's per-address rows.
    const owner = dst === i.broadcast ? i : node.addressOwner(dst);
    if (owner !== undefined) owner.addrIpackets++;
    if (natNew) node.netfilter!.countPolicy("INPUT", b);
    return ipDeliver(node, pkt, i.index);
  }
  if (isMulticast(dst) || !node.forwarding) return net.drop(node, pkt, "not-for-us");
  ipForward(node, pkt, i, dst, natNew);
}

/**
 * Forwards a packet for `dst` that came in on `i` (FreeBSD 8's ip_forward); `natNew` says it
 * opened a connection in the nat table, counted on POSTROUTING's policy as it leaves.
 */
function ipForward(node: SimNode, pkt: Packet, i: Iface, dst: number, natNew: boolean): void {
  const net = node.net;
  const b = pkt.bytes;
  // Forward, but never a link-layer broadcast (ip_forward, sys/netinet/ip_input.c:1407).
  if (linkBroadcast(pkt)) return net.drop(node, pkt, "not-for-us");
  if (ipv4Ttl(b) <= 1) {
    net.drop(node, pkt, "ttl-expired");
    return icmpError(node, pkt, ICMP_TIME_EXCEEDED, 0);
  }
  // FreeBSD 8's ip_forward answers every failure to route with host unreachable (code 1),
  // never net unreachable: no route at all (sys/netinet/ip_input.c:1432, `ia == NULL`), and
  // ip_output's ENETUNREACH/EHOSTUNREACH/ENETDOWN (ip_input.c:1561-1566). traceroute prints
  // it as !H, ping as "Destination Host Unreachable".
  const r = node.fib.lookup(dst);
  if (r === undefined || r.iface === 0) {
    net.drop(node, pkt, "no-route");
    return icmpError(node, pkt, ICMP_DEST_UNREACH, UNREACH_HOST);
  }
  // One of a multipath route's next hops per flow (source and destination), as Linux forwards.
  const hop = r.multipath === undefined ? r : flowNextHop(r.multipath, ipv4Src(b), dst, node.multipathKey);
  const out = node.ifaces[hop.iface]!;
  if (!out.up) {
    net.drop(node, pkt, "iface-down");
    return icmpError(node, pkt, ICMP_DEST_UNREACH, UNREACH_HOST);
  }
  // A directed broadcast of the outgoing interface: ip_output refuses it without
  // IP_ALLOWBROADCAST (EACCES, ip_output.c:462-468), and ip_forward answers host unreachable.
  if (out.isBroadcast(dst)) {
    net.drop(node, pkt, "broadcast");
    return icmpError(node, pkt, ICMP_DEST_UNREACH, UNREACH_HOST);
  }
  r.use++;
  const gw = hop.gateway;
  // Back out the way it came, to a sender on that subnet: a redirect is due (sim/redirect.ts),
  // quoting the packet as it came (ip_forward's mcopy, before the TTL is decremented).
  const better = redirectGateway(node.sendRedirects, ipv4Src(b), dst, i, r, out, gw);
  const quote = better !== 0 ? quoteOriginal(b) : null;
  const res = etherResolve(node, pkt, out, gw !== 0 ? gw : dst, dst, gw !== 0);
  // ARP gave up (EHOSTDOWN/EHOSTUNREACH): host unreachable, quoting the packet as it came
  // (ip_forward's mcopy is taken before the TTL is decremented, ip_input.c:1453-1473). The
  // packet itself stays held in the ARP entry.
  const failed = res === Resolve.HostDown || res === Resolve.HostUnreach;
  if (failed) icmpError(node, pkt, ICMP_DEST_UNREACH, UNREACH_HOST);
  else node.forwarded++;
  ipv4DecrementTtl(b);
  if (natNew) node.netfilter!.countPolicy("POSTROUTING", b);
  if (res === Resolve.Ok) node.sendFrame(pkt, out);
  // ip_output took it (or ARP holds it: error 0 too): the redirect follows (ip_input.c:1553-1565).
  if (quote !== null && !failed) icmpError(node, pkt, ICMP_REDIRECT, REDIRECT_HOST, better, quote);
}
