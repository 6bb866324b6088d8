/**
 * @module wire/ethernet
 * Ethernet II frames (DIX; IEEE 802.3 with a type field): destination MAC, source MAC,
 * EtherType, payload. No 802.1Q tags, no FCS (captures and this simulator carry frames
 * without it, as a host's tcpdump sees them).
 *
 * Two levels, as in smoltcp's `EthernetFrame`/`EthernetRepr`: accessors over a frame at offset 0
 * of a Uint8Array (the forwarding path writes the addresses in place and allocates nothing), and
 * a plain `EthernetRepr` with `parseEthernet` (checks the length, returns a WireError) and
 * `emitEthernet` (writes the 14-byte header; the payload is the caller's).
 *
 * Layout:
 * ```
 * 0-5 destination MAC | 6-11 source MAC | 12-13 EtherType | 14… payload
 * ```
 * A frame on the wire carries at least 46 payload bytes (60 with the header): senders pad
 * shorter ones. Parsing accepts short frames, as a capture on the sending host shows them
 * unpadded; `ethernetPadded` gives the length a sender's NIC would put on the wire.
 */
import { get16, put16 } from "./bytes.js";
import { WireError } from "./error.js";

export const ETHERNET_HEADER_LEN = 14;
/** Shortest frame on the wire without FCS: 14 header + 46 payload (IEEE 802.3 §3.2.8). */
export const ETHERNET_MIN_FRAME = 60;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;

/** Field offsets (smoltcp's `mod field`). */
export const ETHERNET_FIELD = { DST: 0, SRC: 6, ETHERTYPE: 12, PAYLOAD: 14 } as const;

/** An Ethernet II header. `payload` is a view into the frame when parsed. */
export interface EthernetRepr {
  dst: Uint8Array;
  src: Uint8Array;
  ethertype: number;
}

/** EtherType of the frame at `b[0]` (no checks). */
export function ethernetType(b: Uint8Array): number {
  return (b[12]! << 8) | b[13]!;
}

/** Writes the 6 bytes of `mac` at `b[o]`, unrolled: every hop writes two MACs. */
function putMac(b: Uint8Array, o: number, mac: Uint8Array): void {
  b[o] = mac[0]!;
  b[o + 1] = mac[1]!;
  b[o + 2] = mac[2]!;
  b[o + 3] = mac[3]!;
  b[o + 4] = mac[4]!;
  b[o + 5] = mac[5]!;
}

/** Writes the destination MAC into the frame at `b[0]`. */
export function ethernetSetDst(b: Uint8Array, mac: Uint8Array): void {
  putMac(b, 0, mac);
}

/** Writes the source MAC into the frame at `b[0]`. */
export function ethernetSetSrc(b: Uint8Array, mac: Uint8Array): void {
  putMac(b, 6, mac);
}

/** Writes the EtherType into the frame at `b[0]`. */
export function ethernetSetType(b: Uint8Array, ethertype: number): void {
  put16(b, 12, ethertype);
}

/** Length of a frame with `payloadLen` payload bytes once a sender pads it to the minimum. */
export function ethernetPadded(payloadLen: number): number {
  return Math.max(ETHERNET_MIN_FRAME, ETHERNET_HEADER_LEN + payloadLen);
}

/** Checks a frame is long enough for its header (smoltcp's `new_checked`). */
export function checkEthernet(b: Uint8Array): WireError | undefined {
  if (b.length < ETHERNET_HEADER_LEN) return new WireError(`truncated Ethernet header (${b.length} bytes)`);
  return undefined;
}

/** Parses the header of the frame in `b`; the payload is `b.subarray(ETHERNET_HEADER_LEN)`. */
export function parseEthernet(b: Uint8Array): EthernetRepr | WireError {
  const bad = checkEthernet(b);
  if (bad !== undefined) return bad;
  return { dst: b.slice(0, 6), src: b.slice(6, 12), ethertype: get16(b, 12) };
}

/** Writes the 14-byte header of `r` at `b[0]` (b must hold at least the header). */
export function emitEthernet(r: EthernetRepr, b: Uint8Array): void {
  ethernetSetDst(b, r.dst);
  ethernetSetSrc(b, r.src);
  put16(b, 12, r.ethertype);
}
