/**
 * @module wire/dissect-fields
 * The field tree a dissection returns and the helpers that write its lines the way Wireshark's
 * packet detail pane does (epan/proto.c): `Name: value` lines, bit-field lines drawn as
 * `.... 0101 = Header Length: 20 bytes (5)` (proto.c's `decode_bits_in_field`), checksums
 * with `[correct]` or `[incorrect, should be 0x…]`.
 */
import { formatMac } from "../core/mac.js";
import { internetChecksum } from "./checksum.js";

/** One line of the detail pane: a protocol, a field, or a group of fields. */
export interface PacketField {
  /**
   * Wireshark's name for the field (what a display filter says: `ip.ttl`, `arp.opcode`); the
   * protocol's own name for a protocol line (`eth`, `ip`); "" for a line that only groups others.
   */
  name: string;
  /** The line as Wireshark's packet detail pane shows it (`Time to Live: 64`). */
  text: string;
  /** First byte of the field in the frame. */
  offset: number;
  /** Bytes it covers (0 for a line Wireshark computes, such as a checksum's status). */
  length: number;
  children?: PacketField[];
}

export function field(
  name: string,
  text: string,
  offset: number,
  length: number,
  children?: PacketField[],
): PacketField {
  return children === undefined ? { name, text, offset, length } : { name, text, offset, length, children };
}

/**
 * The bits of `value` under `mask` in a field `width` bits wide, others as dots, in groups of
 * four from the left: `0100 ....`, `...0 0000 0000 0000`.
 */
export function bitString(value: number, mask: number, width: number): string {
  let s = "";
  for (let i = width - 1; i >= 0; i--) {
    const bit = 2 ** i;
    s += Math.floor(mask / bit) % 2 === 1 ? String(Math.floor(value / bit) % 2) : ".";
    if (i % 4 === 0 && i > 0) s += " ";
  }
  return s;
}

/** A bit-field line: `bits = Label: shown`. */
export function bitField(
  name: string,
  label: string,
  shown: string,
  value: number,
  mask: number,
  width: number,
  offset: number,
  length: number,
): PacketField {
  return field(name, `${bitString(value, mask, width)} = ${label}: ${shown}`, offset, length);
}

/** A one-bit flag line: `.1.. .... = Don't fragment: Set`. */
export function flagBit(
  name: string,
  label: string,
  value: number,
  mask: number,
  width: number,
  offset: number,
  length: number,
  names: readonly [string, string] = ["Not set", "Set"],
): PacketField {
  return bitField(name, label, names[(value & mask) !== 0 ? 1 : 0]!, value, mask, width, offset, length);
}

export function hex(v: number, digits: number): string {
  return `0x${v.toString(16).padStart(digits, "0")}`;
}

/** The bytes as one hex string, as Wireshark shows FT_BYTES (`0000000000000000`). */
export function hexBytes(b: Uint8Array, off: number, len: number): string {
  let s = "";
  for (let i = off; i < off + len && i < b.length; i++) s += b[i]!.toString(16).padStart(2, "0");
  return s;
}

/** A MAC address line (`Destination: 02:93:b2:00:04:0b`). */
export function macText(b: Uint8Array, off: number): string {
  return formatMac(b, off);
}

/**
 * A checksum line and its status, as Wireshark's `proto_tree_add_checksum` writes them when it
 * verifies (ip.check_checksum and friends on): `Checksum: 0x7821 [correct]`, then `Checksum
 * Status: Good`. `computed` is the value the field should hold; undefined: not verifiable
 * (a truncated quote), shown `[unverified]`.
 */
export function checksumLines(
  prefix: string,
  label: string,
  statusLabel: string,
  carried: number,
  computed: number | undefined,
  offset: number,
  /** Where Wireshark puts its `Calculated Checksum` line (ICMP shows none). */
  calculated: "child" | "after" | "none",
): PacketField[] {
  if (computed === undefined)
    return [
      field(`${prefix}.checksum`, `${label}: ${hex(carried, 4)} [unverified]`, offset, 2),
      field(`${prefix}.checksum.status`, `${statusLabel}: Unverified`, offset, 0),
    ];
  const good = carried === computed;
  const calc = field(`${prefix}.checksum_calculated`, `Calculated Checksum: ${hex(computed, 4)}`, offset, 2);
  const shown = good
    ? `${label}: ${hex(carried, 4)} [correct]`
    : `${label}: ${hex(carried, 4)} [incorrect, should be ${hex(computed, 4)}]`;
  const status = field(`${prefix}.checksum.status`, `${statusLabel}: ${good ? "Good" : "Bad"}`, offset, 0);
  if (calculated === "child") return [field(`${prefix}.checksum`, shown, offset, 2, [calc]), status];
  const lines = [field(`${prefix}.checksum`, shown, offset, 2), status];
  if (calculated === "after") lines.push(calc);
  return lines;
}

/** Payload bytes no dissector here decodes: Wireshark's `Data (N bytes)` with `Data: …`. */
export function dataLines(b: Uint8Array, off: number, len: number): PacketField {
  const all = hexBytes(b, off, len);
  // Wireshark cuts the value at 72 characters with an ellipsis.
  const shown = all.length > 72 ? `${all.slice(0, 72)}…` : all;
  return field("data", `Data (${len} bytes)`, off, len, [
    field("data.data", `Data: ${shown}`, off, len),
    field("data.len", `Length: ${len}`, off, 0),
  ]);
}

/** A line saying the bytes ended before a header did (Wireshark's `[Malformed Packet]`). */
export function malformed(what: string, offset: number, length: number): PacketField {
  return field("_ws.malformed", `[Malformed Packet: ${what}]`, offset, length);
}

/** The ones'-complement checksum of `b[o, o+len)` taken with the 16-bit field at `at` as zero. */
export function computedWith(b: Uint8Array, o: number, len: number, at: number): number {
  const copy = b.slice(o, o + len);
  copy[at - o] = 0;
  copy[at - o + 1] = 0;
  return internetChecksum(copy, 0, len);
}

/** The tree as indented text, one line per field (`routelab dissect`, tests). */
export function formatDissection(fields: readonly PacketField[], depth = 0): string {
  let s = "";
  for (const f of fields) {
    s += `${"    ".repeat(depth)}${f.text}\n`;
    if (f.children) s += formatDissection(f.children, depth + 1);
  }
  return s;
}
