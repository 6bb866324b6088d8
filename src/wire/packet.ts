/**
 * @module wire/packet
 * Whole-datagram builders: one (slab) allocation, IP header and payload written in place, every
 * checksum filled. What sockets, ping and traceroute call to put a packet on the wire.
 */
import { allocBytes } from "./bytes.js";
import { emitIcmp, type IcmpRepr, icmpLen } from "./icmp.js";
import { emitIpv4, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, IPV4_HEADER_LEN, type Ipv4Repr } from "./ipv4.js";
import { emitTcp, type TcpRepr, tcpLen } from "./tcp.js";
import { ETHERNET_HEADER_LEN } from "./ethernet.js";
import { emitUdp, UDP_HEADER_LEN, type UdpRepr, udpLen } from "./udp.js";

/** The IP header fields a builder takes from its caller (protocol and length follow from the payload). */
export type Ipv4Fields = Omit<Ipv4Repr, "payloadLen" | "protocol">;

/**
 * One allocation for a datagram of `payloadLen` bytes of `protocol` after `headroom` bytes (a
 * link-layer header the caller writes; 0 for a bare datagram), its IP header written (checksum
 * included); the caller writes the payload at `headroom + IPV4_HEADER_LEN`.
 */
function datagram(ip: Ipv4Fields, protocol: number, payloadLen: number, headroom: number): Uint8Array {
  const b = allocBytes(headroom + IPV4_HEADER_LEN + payloadLen);
  emitIpv4(ipHeader(ip, protocol, payloadLen), b, headroom);
  return b;
}

function ipHeader(ip: Ipv4Fields, protocol: number, payloadLen: number): Ipv4Repr {
  return {
    tos: ip.tos,
    id: ip.id,
    dontFrag: ip.dontFrag,
    ttl: ip.ttl,
    protocol,
    src: ip.src,
    dst: ip.dst,
    payloadLen,
  };
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

/**
 * A complete IPv4 datagram carrying one UDP datagram. When `udp.payload` came from
 * `allocUdpPayload` (and was not used so before), the headers are written in the bytes left
 * before it and the payload stays where it is: no copy.
 */
export function buildUdpPacket(ip: Ipv4Fields, udp: UdpRepr, headroom = 0): Uint8Array {
  const around = claimRoomBefore(udp.payload, headroom + IPV4_HEADER_LEN + UDP_HEADER_LEN);
  if (around === null) {
    const b = datagram(ip, IPPROTO_UDP, udpLen(udp), headroom);
    emitUdp(udp, b, headroom + IPV4_HEADER_LEN, ip.src, ip.dst);
    return b;
  }
  emitIpv4(ipHeader(ip, IPPROTO_UDP, udpLen(udp)), around, headroom);
  emitUdp(udp, around, headroom + IPV4_HEADER_LEN, ip.src, ip.dst);
  return around;
}

/*
 * A UDP payload with room for its headers before it. A sender that builds its payload (RIP's
 * responses: ~36 k a random-100 run) would otherwise have it copied into the frame, and both
 * buffers cut from the packet slabs: twice the bytes, and each new slab is an off-heap
 * allocation that costs the main thread (see allocBytes). Only the last payload handed out is
 * remembered, and it is claimed once, so a payload sent twice is copied the second time, and
 * any other buffer is always copied.
 */
const ROOM_BEFORE_PAYLOAD = ETHERNET_HEADER_LEN + IPV4_HEADER_LEN + UDP_HEADER_LEN;
let roomyPayload: Uint8Array | null = null;

/** A zeroed buffer of `n` bytes for a UDP payload, with room for an Ethernet, IPv4 and UDP header before it. */
export function allocUdpPayload(n: number): Uint8Array {
  const v = allocBytes(ROOM_BEFORE_PAYLOAD + n).subarray(ROOM_BEFORE_PAYLOAD);
  roomyPayload = v;
  return v;
}

/**
 * The buffer of `room` bytes before `payload` and the payload (a view of its start or all of
 * it), when it is the last `allocUdpPayload` gave and that had the room; else null.
 */
function claimRoomBefore(payload: Uint8Array, room: number): Uint8Array | null {
  const r = roomyPayload;
  if (
    r === null ||
    room > ROOM_BEFORE_PAYLOAD ||
    payload.buffer !== r.buffer ||
    payload.byteOffset !== r.byteOffset ||
    payload.length > r.length
  )
    return null;
  roomyPayload = null;
  return new Uint8Array(payload.buffer, payload.byteOffset - room, room + payload.length);
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
