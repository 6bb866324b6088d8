/**
 * @module core/mac
 * Ethernet (IEEE 802) MAC addresses: six bytes in a Uint8Array, written as FreeBSD's ether_ntoa
 * writes them, two lower-case hex digits a byte (`02:00:00:00:01:01`, lib/libc/net/ether_addr.c
 * prints "%02x:%02x:…", line 119).
 *
 * routelab gives every interface a locally administered unicast address (RFC 7042 §2.1: the
 * U/L bit, 0x02 of the first byte, set; the I/G bit, 0x01, clear) made from the node's and the
 * interface's names (`interfaceMac`), so the same topology always has the same addresses, on
 * the simulator and on netns (which sets them on its veths).
 */

export const MAC_LEN = 6;
/** ff:ff:ff:ff:ff:ff. Never written to: copy it. */
export const MAC_BROADCAST: Readonly<Uint8Array> = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
/** 00:00:00:00:00:00, the target hardware address of an ARP request. */
export const MAC_ZERO: Readonly<Uint8Array> = new Uint8Array(MAC_LEN);

/** if_index of the seed host's first epair end: the host had two interfaces before (em0, lo0). */
const FIRST_EPAIR_INDEX = 3;

/**
 * An interface's MAC, the same on every run. An epair end gets FreeBSD 8's layout
 * (sys/net/if_epair.c:697-700, 790-793): 02 (locally administered), two bytes the driver left
 * unset (whatever was on the stack: here an FNV-1a hash of node and name), the interface's
 * index as 16 bits when `ifconfig epair create` made it on the host — `epairNa` and `epairNb`
 * are made as a pair, so N·2 + 3 and N·2 + 4 after the host's em0 and lo0 — and the end's
 * letter, 0a or 0b. Other names get hash bytes.
 */
export function interfaceMac(node: string, iface: string): Uint8Array {
  let h = 0x811c9dc5;
  for (const ch of `${node}/${iface}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const last = iface.endsWith("b") ? 0x0b : 0x0a;
  const epair = /^epair(\d{1,5})([ab])$/.exec(iface);
  const index = epair ? Number(epair[1]) * 2 + FIRST_EPAIR_INDEX + (epair[2] === "b" ? 1 : 0) : -1;
  return Uint8Array.from(
    index >= 0 && index <= 0xffff
      ? [0x02, h >>> 24, (h >>> 16) & 255, index >>> 8, index & 255, last]
      : [0x02, h >>> 24, (h >>> 16) & 255, (h >>> 8) & 255, h & 255, last],
  );
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
