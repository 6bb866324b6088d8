/**
 * @module core/mac
 * Ethernet (IEEE 802) MAC addresses: six bytes in a Uint8Array, written as FreeBSD's ether_ntoa
 * writes them, two lower-case hex digits a byte (`02:00:00:00:01:01`, lib/libc/net/ether_addr.c
 * prints "%02x:%02x:…", line 119).
 *
 * routelab gives every simulated interface a locally administered unicast address (RFC 7042
 * §2.1: the U/L bit, 0x02 of the first byte, set; the I/G bit, 0x01, clear), made from the
 * node's and the interface's index so the same topology always has the same addresses.
 */

export const MAC_LEN = 6;
/** ff:ff:ff:ff:ff:ff. Never written to: copy it. */
export const MAC_BROADCAST: Readonly<Uint8Array> = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
/** 00:00:00:00:00:00, the target hardware address of an ARP request. */
export const MAC_ZERO: Readonly<Uint8Array> = new Uint8Array(MAC_LEN);

/** `02:NN:NN:NN:II:II`: node index (24 bits) and interface index (16 bits), locally administered. */
export function localMac(nodeIndex: number, ifaceIndex: number): Uint8Array {
  return new Uint8Array([
    0x02,
    (nodeIndex >>> 16) & 0xff,
    (nodeIndex >>> 8) & 0xff,
    nodeIndex & 0xff,
    (ifaceIndex >>> 8) & 0xff,
    ifaceIndex & 0xff,
  ]);
}

/** `aa:bb:cc:dd:ee:ff` for `b[off..off+6)`. */
export function formatMac(b: Uint8Array, off = 0): string {
  let s = "";
  for (let i = 0; i < MAC_LEN; i++) {
    const v = b[off + i]!;
    s += (i === 0 ? "" : ":") + (v < 16 ? "0" : "") + v.toString(16);
  }
  return s;
}

/** Parses `aa:bb:cc:dd:ee:ff` (one or two hex digits a byte, `:` or `-`); undefined when it is not one. */
export function parseMac(text: string): Uint8Array | undefined {
  const parts = text.split(/[:-]/);
  if (parts.length !== MAC_LEN) return undefined;
  const out = new Uint8Array(MAC_LEN);
  for (let i = 0; i < MAC_LEN; i++) {
    const p = parts[i]!;
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) return undefined;
    out[i] = Number.parseInt(p, 16);
  }
  return out;
}

/** Whether `b[off..off+6)` is a group address (I/G bit set: multicast or broadcast). */
export function macIsGroup(b: Uint8Array, off = 0): boolean {
  return (b[off]! & 1) !== 0;
}

/** Whether `b[off..off+6)` is ff:ff:ff:ff:ff:ff. */
export function macIsBroadcast(b: Uint8Array, off = 0): boolean {
  return (b[off]! & b[off + 1]! & b[off + 2]! & b[off + 3]! & b[off + 4]! & b[off + 5]!) === 0xff;
}

/** Whether `a[ao..ao+6)` equals `b[bo..bo+6)`. */
export function macEquals(a: Uint8Array, ao: number, b: Uint8Array, bo: number): boolean {
  return (
    a[ao] === b[bo] &&
    a[ao + 1] === b[bo + 1] &&
    a[ao + 2] === b[bo + 2] &&
    a[ao + 3] === b[bo + 3] &&
    a[ao + 4] === b[bo + 4] &&
    a[ao + 5] === b[bo + 5]
  );
}

/**
 * The MAC an IPv4 multicast group maps to (RFC 1112 §6.4): 01:00:5e and the group's low 23
 * bits (FreeBSD's ETHER_MAP_IP_MULTICAST), written at `b[off]`.
 */
export function putMulticastMac(b: Uint8Array, off: number, group: number): void {
  b[off] = 0x01;
  b[off + 1] = 0x00;
  b[off + 2] = 0x5e;
  b[off + 3] = (group >>> 16) & 0x7f;
  b[off + 4] = (group >>> 8) & 0xff;
  b[off + 5] = group & 0xff;
}
