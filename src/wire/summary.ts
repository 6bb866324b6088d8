/**
 * @module wire/summary
 * One-line descriptions and classes of IPv4 datagrams for the event log and the packet picture
 * ("ICMP echo request id=0x1234 seq=3", "RIPv2 response, 7 routes", "OSPFv2, Hello, length 48", "TCP 1024 > 7777: Flags [S], seq 1, win 65535, options [mss 1460], length 0"). Called for every packet
 * event, so it reads fields in place and verifies no checksums; it must never throw, whatever
 * the bytes (a dropped packet may be exactly the malformed one).
 */
import type { PacketClass } from "../core/events.js";
import { get16, get32 } from "./bytes.js";
import {
  ICMP_DEST_UNREACH,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  ICMP_REDIRECT,
  ICMP_TIME_EXCEEDED,
  UNREACH_PORT,
} from "./icmp.js";
import { IPPROTO_ICMP, IPPROTO_OSPF, IPPROTO_TCP, IPPROTO_UDP } from "./ipv4.js";
import { OSPF_HEADER_LEN, OSPF_TYPE_NAMES } from "./ospf.js";
import { ARP_LEN, ARPOP_REPLY, ARPOP_REQUEST } from "./arp.js";
import { ETHERNET_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4 } from "./ethernet.js";
import { formatIpv4 } from "../core/ip.js";
import { formatMac } from "../core/mac.js";
import { parseTcpOptions, tcpFlagsText, tcpOptionText } from "./tcp.js";
import { RIP_ENTRY_LEN, RIP_HEADER_LEN, RIP_INFINITY, RIP_PORT, RIP_REQUEST, RIP_RESPONSE } from "./rip.js";

/** First and last UDP destination port counted as a traceroute probe (base 33434, FreeBSD). */
export const TRACEROUTE_PORT_MIN = 33434;
export const TRACEROUTE_PORT_MAX = 33534;

const UNREACH_NAMES = ["net", "host", "protocol", "port"];
const REDIRECT_NAMES = ["net", "host", "tos-net", "tos-host"];

/** Offset and end of the IPv4 payload (end clamped to the bytes present), or undefined when the header is unusable. */
function payloadBounds(ip: Uint8Array): [number, number] | undefined {
  if (ip.length < 20 || ip[0]! >>> 4 !== 4) return undefined;
  const hl = (ip[0]! & 0x0f) * 4;
  if (hl < 20 || hl > ip.length) return undefined;
  let end = get16(ip, 2);
  if (end < hl) return undefined;
  if (end > ip.length) end = ip.length;
  return [hl, end];
}

function isTraceroutePort(p: number): boolean {
  return p >= TRACEROUTE_PORT_MIN && p <= TRACEROUTE_PORT_MAX;
}

/** The class of a datagram, for colours and filters. */
export function classify(ip: Uint8Array): PacketClass {
  const pb = payloadBounds(ip);
  if (pb === undefined) return "other";
  const [o, end] = pb;
  const proto = ip[9]!;
  if (proto === IPPROTO_ICMP) {
    if (end - o < 1) return "other";
    const type = ip[o]!;
    if (type === ICMP_ECHO_REQUEST) return "echo-request";
    if (type === ICMP_ECHO_REPLY) return "echo-reply";
    if (
      type === ICMP_DEST_UNREACH ||
      type === ICMP_TIME_EXCEEDED ||
      type === 4 ||
      type === 5 ||
      type === 12
    ) {
      return "icmp-error";
    }
    return "other";
  }
  if (proto === IPPROTO_UDP) {
    if (end - o < 4) return "udp";
    const sp = get16(ip, o);
    const dp = get16(ip, o + 2);
    // Named here, not asked of the protocol registry: wire/ is the bottom layer above core and
    // cannot import topology/ or proto/ (DESIGN.md), and each codec's class is its own
    // (docs/protocols.md step 2). "rip" is also the legend's user-visible class name.
    if (sp === RIP_PORT || dp === RIP_PORT) return "rip";
    if (isTraceroutePort(dp)) return "traceroute";
    return "udp";
  }
  if (proto === IPPROTO_TCP) return "tcp";
  if (proto === IPPROTO_OSPF) return "ospf";
  return "other";
}

function hex16(v: number): string {
  return `0x${v.toString(16).padStart(4, "0")}`;
}

function icmpText(ip: Uint8Array, o: number, end: number): string {
  if (end - o < 8) return "ICMP (truncated)";
  const type = ip[o]!;
  const code = ip[o + 1]!;
  switch (type) {
    case ICMP_ECHO_REQUEST:
    case ICMP_ECHO_REPLY:
      return `ICMP echo ${type === ICMP_ECHO_REQUEST ? "request" : "reply"} id=${hex16(get16(ip, o + 4))} seq=${get16(ip, o + 6)}`;
    case ICMP_TIME_EXCEEDED:
      return code === 0 ? "ICMP time exceeded" : `ICMP time exceeded code ${code}`;
    case ICMP_DEST_UNREACH:
      if (code <= UNREACH_PORT) return `ICMP ${UNREACH_NAMES[code]} unreachable`;
      return `ICMP unreachable code ${code}`;
    case ICMP_REDIRECT: {
      // tcpdump's words (print-icmp.c): the quoted datagram's destination, then the new gateway.
      const to = REDIRECT_NAMES[code] ?? `code ${code}`;
      const dst = end - o >= 28 ? formatIpv4(get32(ip, o + 24)) : "?";
      return `ICMP redirect ${dst} to ${to} ${formatIpv4(get32(ip, o + 4))}`;
    }
    default:
      return `ICMP type ${type} code ${code}`;
  }
}

function ripText(ip: Uint8Array, o: number, end: number): string | undefined {
  const len = end - o;
  if (len < RIP_HEADER_LEN + RIP_ENTRY_LEN || (len - RIP_HEADER_LEN) % RIP_ENTRY_LEN !== 0) return undefined;
  const cmd = ip[o]!;
  const ver = ip[o + 1]!;
  const n = (len - RIP_HEADER_LEN) / RIP_ENTRY_LEN;
  if (cmd === RIP_RESPONSE) return `RIPv${ver} response, ${n} route${n === 1 ? "" : "s"}`;
  if (cmd === RIP_REQUEST) {
    const e = o + RIP_HEADER_LEN;
    const whole =
      n === 1 && get16(ip, e) === 0 && get16(ip, e + 16) === 0 && get16(ip, e + 18) === RIP_INFINITY;
    return whole ? `RIPv${ver} request (whole table)` : `RIPv${ver} request, ${n} route${n === 1 ? "" : "s"}`;
  }
  return `RIPv${ver} command ${cmd}`;
}

function udpText(ip: Uint8Array, o: number, end: number): string {
  if (end - o < 8) return "UDP (truncated)";
  const sp = get16(ip, o);
  const dp = get16(ip, o + 2);
  if (sp === RIP_PORT || dp === RIP_PORT) {
    const rip = ripText(ip, o + 8, Math.min(end, o + Math.max(8, get16(ip, o + 4))));
    if (rip !== undefined) return rip;
    return `UDP ${sp} > ${dp} (malformed RIP)`;
  }
  if (isTraceroutePort(dp)) return `UDP ${sp} > ${dp} (traceroute probe)`;
  return `UDP ${sp} > ${dp}`;
}

/**
 * A TCP segment as tcpdump -S prints it after the addresses (print-tcp.c): ports, then
 * `Flags [S.], seq 1:7, ack 9, win 65535, options [mss 1460], length 6`. The sequence range is
 * printed when the segment carries data, SYN, FIN or RST; `ack` when the ACK flag is set.
 */
function tcpText(ip: Uint8Array, o: number, end: number): string {
  if (end - o < 20) return "TCP (truncated)";
  const hl = (ip[o + 12]! >>> 4) * 4;
  if (hl < 20 || o + hl > end) return `TCP ${get16(ip, o)} > ${get16(ip, o + 2)} (bad header length)`;
  const flags = ip[o + 13]!;
  const seq = get32(ip, o + 4);
  const len = end - o - hl;
  let s = `TCP ${get16(ip, o)} > ${get16(ip, o + 2)}: Flags [${tcpFlagsText(flags)}]`;
  if (len > 0 || flags & 0x07) s += len > 0 ? `, seq ${seq}:${(seq + len) >>> 0}` : `, seq ${seq}`;
  if (flags & 0x10) s += `, ack ${get32(ip, o + 8)}`;
  s += `, win ${get16(ip, o + 14)}`;
  if (hl > 20) {
    const opts = parseTcpOptions(ip, o + 20, o + hl);
    s += Array.isArray(opts) ? `, options [${opts.map(tcpOptionText).join(",")}]` : ", options [bad opts]";
  }
  return `${s}, length ${len}`;
}

/**
 * An OSPF packet as tcpdump prints it without -v (print-ospf.c `ospf_print`): version, type
 * name and the IP payload length, "OSPFv2, Hello, length 48".
 */
function ospfText(ip: Uint8Array, o: number, end: number): string {
  if (end - o < OSPF_HEADER_LEN) return "OSPF (truncated)";
  const type = ip[o + 1]!;
  const name = OSPF_TYPE_NAMES[type] || `type ${type}`;
  return `OSPFv${ip[o]!}, ${name}, length ${end - o}`;
}

/** A short human description of a datagram; "malformed" when the IPv4 header is unusable. */
export function summarize(ip: Uint8Array): string {
  const pb = payloadBounds(ip);
  if (pb === undefined) return "malformed";
  const [o, end] = pb;
  const proto = ip[9]!;
  if (proto === IPPROTO_ICMP) return icmpText(ip, o, end);
  if (proto === IPPROTO_UDP) return udpText(ip, o, end);
  if (proto === IPPROTO_TCP) return tcpText(ip, o, end);
  if (proto === IPPROTO_OSPF) return ospfText(ip, o, end);
  return `IPv4 proto ${proto}`;
}

/**
 * A short description of an ARP packet (the 28 bytes after the Ethernet header), in tcpdump's
 * words: "ARP who-has 10.0.30.5 tell 10.0.30.1", "ARP reply 10.0.30.2 is-at 02:…", and a
 * request for the sender's own address (gratuitous, RFC 5227's announcement) as "ARP announce".
 */
export function summarizeArp(arp: Uint8Array): string {
  if (arp.length < ARP_LEN || get16(arp, 0) !== 1 || get16(arp, 2) !== ETHERTYPE_IPV4)
    return "ARP (malformed)";
  const op = get16(arp, 6);
  const spa = formatIpv4(((arp[14]! << 24) | (arp[15]! << 16) | (arp[16]! << 8) | arp[17]!) >>> 0);
  const tpa = formatIpv4(((arp[24]! << 24) | (arp[25]! << 16) | (arp[26]! << 8) | arp[27]!) >>> 0);
  if (op === ARPOP_REQUEST) return spa === tpa ? `ARP announce ${spa}` : `ARP who-has ${tpa} tell ${spa}`;
  if (op === ARPOP_REPLY) return `ARP reply ${spa} is-at ${formatMac(arp, 8)}`;
  return `ARP op ${op}`;
}

/** A short description of an Ethernet II frame: its IPv4 datagram's or ARP packet's. */
export function summarizeFrame(frame: Uint8Array): string {
  if (frame.length < ETHERNET_HEADER_LEN) return "malformed";
  const type = get16(frame, 12);
  const payload = frame.subarray(ETHERNET_HEADER_LEN);
  if (type === ETHERTYPE_IPV4) return summarize(payload);
  if (type === ETHERTYPE_ARP) return summarizeArp(payload);
  return `EtherType 0x${type.toString(16).padStart(4, "0")}`;
}
