/**
 * @module wire/packet
 * Whole-datagram builders: one (slab) allocation, IP header and payload written in place, every
 * checksum filled. What sockets, ping and traceroute call to put a packet on the wire.
 */
import { allocBytes } from "./bytes.js";
import { emitIcmp, type IcmpRepr, icmpLen } from "./icmp.js";
import { emitIpv4, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, IPV4_HEADER_LEN, type Ipv4Repr } from "./ipv4.js";
import { emitTcp, type TcpRepr, tcpLen } from "./tcp.js";
import { emitUdp, type UdpRepr, udpLen } from "./udp.js";

/** The IP header fields a builder takes from its caller (protocol and length follow from the payload). */
export type Ipv4Fields = Omit<Ipv4Repr, "payloadLen" | "protocol">;

/**
 * One allocation for a datagram of `payloadLen` bytes of `protocol` after `headroom` bytes (a
 * link-layer header the caller writes; 0 for a bare datagram), its IP header written (checksum
 * included); the caller writes the payload at `headroom + IPV4_HEADER_LEN`.
 */
function datagram(ip: Ipv4Fields, protocol: number, payloadLen: number, headroom: number): Uint8Array {
  const b = allocBytes(headroom + IPV4_HEADER_LEN + payloadLen);
  emitIpv4(
    {
      tos: ip.tos,
      id: ip.id,
      dontFrag: ip.dontFrag,
      ttl: ip.ttl,
      protocol,
      src: ip.src,
      dst: ip.dst,
      payloadLen,
    },
    b,
    headroom,
  );
  return b;
}

/*
 * Each builder returns the datagram, or with `headroom` the whole buffer: `headroom` bytes left
 * zero for a link header, then the datagram — so the simulator's Ethernet frame is made in one
 * allocation, with no copy of the datagram behind a header.
 */

/** A complete IPv4 datagram carrying one ICMP message. */
export function buildIcmpPacket(ip: Ipv4Fields, icmp: IcmpRepr, headroom = 0): Uint8Array {
  const b = datagram(ip, IPPROTO_ICMP, icmpLen(icmp), headroom);
  emitIcmp(icmp, b, headroom + IPV4_HEADER_LEN);
  return b;
}

/** A complete IPv4 datagram carrying one UDP datagram. */
export function buildUdpPacket(ip: Ipv4Fields, udp: UdpRepr, headroom = 0): Uint8Array {
  const b = datagram(ip, IPPROTO_UDP, udpLen(udp), headroom);
  emitUdp(udp, b, headroom + IPV4_HEADER_LEN, ip.src, ip.dst);
  return b;
}

/** A complete IPv4 datagram of protocol `protocol` with `payload` after the header (a raw socket's send). */
export function buildIpPacket(
  ip: Ipv4Fields,
  protocol: number,
  payload: Uint8Array,
  headroom = 0,
): Uint8Array {
  const b = datagram(ip, protocol, payload.length, headroom);
  b.set(payload, headroom + IPV4_HEADER_LEN);
  return b;
}

/** A complete IPv4 datagram carrying one TCP segment. */
export function buildTcpPacket(ip: Ipv4Fields, tcp: TcpRepr, headroom = 0): Uint8Array {
  const b = datagram(ip, IPPROTO_TCP, tcpLen(tcp), headroom);
  emitTcp(tcp, b, headroom + IPV4_HEADER_LEN, ip.src, ip.dst);
  return b;
}
