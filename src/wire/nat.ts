/**
 * @module wire/nat
 * Rewriting an IPv4 datagram's address and TCP/UDP port in place, as a NAT does (Linux
 * nf_nat_ipv4_manip_pkt and nf_nat_tcp/udp's manip_pkt, net/netfilter/nf_nat_proto.c): the IP
 * header checksum and the transport checksum (whose pseudo-header holds the addresses) are
 * adjusted incrementally (RFC 1624 eqn. 3, `updateChecksum16`), not recomputed, so a datagram
 * that arrived with a wrong checksum still has a wrong one after the rewrite — the receiver,
 * not the NAT, throws it away. A UDP checksum of 0 ("none computed", RFC 768) stays 0, and a
 * computed one that comes out 0 is sent as 0xffff (nf_nat_proto.c's CSUM_MANGLED_0).
 */
import { updateChecksum16 } from "./checksum.js";
import { IPPROTO_TCP, IPPROTO_UDP } from "./ipv4.js";

/** Which end of the datagram to rewrite: the source (SNAT, a reply's un-DNAT) or the destination (DNAT, REDIRECT). */
export type NatSide = "src" | "dst";

function get16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

function set16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v & 0xff;
}

/**
 * Sets the `side` address of the datagram `b` (IPv4 header at 0) to `addr` and, for TCP and UDP
 * with the transport header present, its port to `port`. Returns false (and changes nothing)
 * when the datagram is too short for the header it would change.
 */
export function natRewrite(b: Uint8Array, side: NatSide, addr: number, port: number): boolean {
  if (b.length < 20) return false;
  const ihl = (b[0]! & 0x0f) * 4;
  const proto = b[9]!;
  const aOff = side === "src" ? 12 : 16;
  // Where the transport checksum sits, if this datagram carries one we must adjust.
  let sumOff = -1;
  let portOff = -1;
  if (proto === IPPROTO_TCP && b.length >= ihl + 20) {
    sumOff = ihl + 16;
    portOff = ihl + (side === "src" ? 0 : 2);
  } else if (proto === IPPROTO_UDP && b.length >= ihl + 8) {
    sumOff = ihl + 6;
    portOff = ihl + (side === "src" ? 0 : 2);
  }
  const udpNoSum = proto === IPPROTO_UDP && sumOff >= 0 && get16(b, sumOff) === 0;
  for (let w = 0; w < 4; w += 2) {
    const oldWord = get16(b, aOff + w);
    const newWord = w === 0 ? addr >>> 16 : addr & 0xffff;
    set16(b, 10, updateChecksum16(get16(b, 10), oldWord, newWord));
    if (sumOff >= 0 && !udpNoSum) set16(b, sumOff, updateChecksum16(get16(b, sumOff), oldWord, newWord));
    set16(b, aOff + w, newWord);
  }
  if (portOff >= 0) {
    const oldPort = get16(b, portOff);
    if (!udpNoSum) set16(b, sumOff, updateChecksum16(get16(b, sumOff), oldPort, port));
    set16(b, portOff, port);
    if (proto === IPPROTO_UDP && !udpNoSum && get16(b, sumOff) === 0) set16(b, sumOff, 0xffff);
  }
  return true;
}
