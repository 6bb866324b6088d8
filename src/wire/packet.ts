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
 * One allocation for a datagram of `payloadLen` bytes of `protocol`, its IP header written
 * (checksum included); the caller writes the payload at IPV4_HEADER_LEN.
 */
function datagram(ip: Ipv4Fields, protocol: number, payloadLen: number): Uint8Array {
  const b = allocBytes(IPV4_HEADER_LEN + payloadLen);
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
  );
  return b;
}

/** A complete IPv4 datagram carrying one ICMP message. */
export function buildIcmpPacket(ip: Ipv4Fields, icmp: IcmpRepr): Uint8Array {
  const b = datagram(ip, IPPROTO_ICMP, icmpLen(icmp));
  emitIcmp(icmp, b, IPV4_HEADER_LEN);
  return b;
}

/** A complete IPv4 datagram carrying one UDP datagram. */
export function buildUdpPacket(ip: Ipv4Fields, udp: UdpRepr): Uint8Array {
  const b = datagram(ip, IPPROTO_UDP, udpLen(udp));
  emitUdp(udp, b, IPV4_HEADER_LEN, ip.src, ip.dst);
  return b;
}

/** A complete IPv4 datagram of protocol `protocol` with `payload` after the header (a raw socket's send). */
export function buildIpPacket(ip: Ipv4Fields, protocol: number, payload: Uint8Array): Uint8Array {
  const b = datagram(ip, protocol, payload.length);
  b.set(payload, IPV4_HEADER_LEN);
  return b;
}

/** A complete IPv4 datagram carrying one TCP segment. */
export function buildTcpPacket(ip: Ipv4Fields, tcp: TcpRepr): Uint8Array {
  const b = datagram(ip, IPPROTO_TCP, tcpLen(tcp));
  emitTcp(tcp, b, IPV4_HEADER_LEN, ip.src, ip.dst);
  return b;
}
