/**
 * @module wire/arp
 * ARP (RFC 826) for IPv4 over Ethernet: the only pairing routelab speaks, so hardware type 1,
 * protocol 0x0800, address lengths 6 and 4, and a 28-byte packet.
 *
 * Layout (RFC 826, "Packet format"):
 * ```
 * 0-1 ar$hrd (1) | 2-3 ar$pro (0x0800) | 4 ar$hln (6) | 5 ar$pln (4) | 6-7 ar$op (1 request, 2 reply)
 * 8-13 ar$sha    | 14-17 ar$spa         | 18-23 ar$tha                | 24-27 ar$tpa
 * ```
 * Accessors read one field in place (ARP input reads a few and allocates nothing); `ArpRepr`
 * with `parseArp`, `emitArp` and `ARP_LEN` is the plain value. A request's target hardware
 * address is zero (FreeBSD's arprequest bzero()s the packet, sys/netinet/if_ether.c:249; Linux
 * does the same, see the captured bytes in arp.test.ts).
 */
import { get16, get32, put16, put32 } from "./bytes.js";
import { WireError } from "./error.js";
import { ETHERTYPE_IPV4 } from "./ethernet.js";

export const ARP_LEN = 28;
export const ARPHRD_ETHER = 1;
export const ARPOP_REQUEST = 1;
export const ARPOP_REPLY = 2;

/** Field offsets. */
export const ARP_FIELD = {
  HRD: 0,
  PRO: 2,
  HLN: 4,
  PLN: 5,
  OP: 6,
  SHA: 8,
  SPA: 14,
  THA: 18,
  TPA: 24,
} as const;

/** An ARP packet for IPv4 over Ethernet. MACs are 6-byte arrays, addresses numbers. */
export interface ArpRepr {
  op: number;
  senderMac: Uint8Array;
  senderIp: number;
  targetMac: Uint8Array;
  targetIp: number;
}

/** Operation (1 request, 2 reply) of the ARP packet at `b[off]`. */
export function arpOp(b: Uint8Array, off = 0): number {
  return get16(b, off + ARP_FIELD.OP);
}
/** Sender protocol address. */
export function arpSenderIp(b: Uint8Array, off = 0): number {
  return get32(b, off + ARP_FIELD.SPA);
}
/** Target protocol address. */
export function arpTargetIp(b: Uint8Array, off = 0): number {
  return get32(b, off + ARP_FIELD.TPA);
}

/**
 * Checks the packet at `b[off..)` is ARP for IPv4 over Ethernet and long enough (bytes after
 * the 28 are padding). After this, the accessors and `parseArp` cannot fail.
 */
export function checkArp(b: Uint8Array, off = 0): WireError | undefined {
  if (off < 0 || b.length - off < ARP_LEN)
    return new WireError(`truncated ARP packet (${b.length - off} bytes)`);
  const hrd = get16(b, off);
  if (hrd !== ARPHRD_ETHER) return new WireError(`ARP hardware type ${hrd}, not Ethernet`);
  const pro = get16(b, off + 2);
  if (pro !== ETHERTYPE_IPV4) return new WireError(`ARP protocol 0x${pro.toString(16)}, not IPv4`);
  if (b[off + 4] !== 6 || b[off + 5] !== 4)
    return new WireError(`ARP address lengths ${b[off + 4]}/${b[off + 5]}, not 6/4`);
  return undefined;
}

/** Parses the ARP packet at `b[off..)`. */
export function parseArp(b: Uint8Array, off = 0): ArpRepr | WireError {
  const bad = checkArp(b, off);
  if (bad !== undefined) return bad;
  return {
    op: get16(b, off + ARP_FIELD.OP),
    senderMac: b.slice(off + ARP_FIELD.SHA, off + ARP_FIELD.SHA + 6),
    senderIp: get32(b, off + ARP_FIELD.SPA),
    targetMac: b.slice(off + ARP_FIELD.THA, off + ARP_FIELD.THA + 6),
    targetIp: get32(b, off + ARP_FIELD.TPA),
  };
}

/** Writes `r` as 28 bytes at `b[off]`. */
export function emitArp(r: ArpRepr, b: Uint8Array, off = 0): void {
  put16(b, off, ARPHRD_ETHER);
  put16(b, off + 2, ETHERTYPE_IPV4);
  b[off + 4] = 6;
  b[off + 5] = 4;
  put16(b, off + ARP_FIELD.OP, r.op);
  b.set(r.senderMac.subarray(0, 6), off + ARP_FIELD.SHA);
  put32(b, off + ARP_FIELD.SPA, r.senderIp);
  b.set(r.targetMac.subarray(0, 6), off + ARP_FIELD.THA);
  put32(b, off + ARP_FIELD.TPA, r.targetIp);
}
