/**
 * @module wire/dissect
 * A frame's layers as Wireshark's packet detail pane shows them: `dissectFrame(bytes)` gives one
 * line per protocol (Ethernet II, ARP or IPv4, ICMP/UDP/TCP/OSPF, RIP), each with its fields,
 * their bytes (offset and length in the frame, for the hex pane) and Wireshark's own field
 * names and wording, so what the page shows reads as Wireshark reads. Checked line by line
 * against tshark's PDML for the same bytes (dissect.test.ts, test/system/dissect-tshark.test.ts).
 *
 * Pure and total: any bytes give a tree (never a throw); what is cut short ends in a
 * `[Malformed Packet: …]` line, as Wireshark marks it. The codecs' accessors read the fields;
 * checksums are verified (Wireshark with its check_checksum preferences on).
 * Transport layers and routing protocols are in dissect-transport.ts.
 */
import { formatIpv4 } from "../core/ip.js";
import { ARP_FIELD, ARP_LEN } from "./arp.js";
import { get16, get32 } from "./bytes.js";
import { ETHERNET_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4 } from "./ethernet.js";
import {
  bitField,
  bitString,
  checksumLines,
  computedWith,
  field,
  flagBit,
  hex,
  hexBytes,
  macText,
  malformed,
  type PacketField,
} from "./dissect-fields.js";
import { dissectTransport } from "./dissect-transport.js";
import { IPPROTO_ICMP, IPPROTO_OSPF, IPPROTO_TCP, IPPROTO_UDP, IPV4_HEADER_LEN } from "./ipv4.js";
import type { TcpSequenceBase } from "./tcp-sequence.js";

export type { PacketField } from "./dissect-fields.js";

const ETHERTYPE_NAMES: Record<number, string> = { [ETHERTYPE_IPV4]: "IPv4", [ETHERTYPE_ARP]: "ARP" };

/** Wireshark's names for IP protocol numbers (epan/ipproto.c), those routelab carries. */
export const IP_PROTOCOL_NAMES: Record<number, string> = {
  [IPPROTO_ICMP]: "ICMP",
  [IPPROTO_TCP]: "TCP",
  [IPPROTO_UDP]: "UDP",
  [IPPROTO_OSPF]: "OSPF IGP",
};

/**
 * The layers of an Ethernet II frame (no FCS), outermost first. `tcpBase`: where its TCP
 * segment's conversation counts from (`TcpSequenceBases`), for Wireshark's relative sequence
 * numbers; without it a segment shows its raw numbers only.
 */
export function dissectFrame(frame: Uint8Array, tcpBase?: TcpSequenceBase): PacketField[] {
  if (frame.length < ETHERNET_HEADER_LEN) return [malformed("Ethernet", 0, frame.length)];
  const type = get16(frame, 12);
  const out: PacketField[] = [];
  const eth = ethernet(frame, type);
  out.push(eth);
  let end = frame.length;
  if (type === ETHERTYPE_ARP) {
    out.push(arp(frame, ETHERNET_HEADER_LEN));
    end = Math.min(frame.length, ETHERNET_HEADER_LEN + ARP_LEN);
  } else if (type === ETHERTYPE_IPV4) {
    const r = ipv4(frame, ETHERNET_HEADER_LEN, frame.length - ETHERNET_HEADER_LEN, true, tcpBase);
    out.push(...r.layers);
    end = ETHERNET_HEADER_LEN + r.used;
  } else {
    out.push(
      field("data", `Data (${frame.length - ETHERNET_HEADER_LEN} bytes)`, 14, frame.length - 14, [
        field("data.data", `Data: ${hexBytes(frame, 14, frame.length - 14)}`, 14, frame.length - 14),
      ]),
    );
    end = frame.length;
  }
  // Bytes after the datagram: a sender's padding to the 60-byte minimum.
  if (end < frame.length)
    eth.children!.push(
      field("eth.padding", `Padding: ${hexBytes(frame, end, frame.length - end)}`, end, frame.length - end),
    );
  return out;
}

function macLine(b: Uint8Array, off: number, which: "dst" | "src", label: string): PacketField {
  const mac = macText(b, off);
  const lg = b[off]! & 0x02;
  const ig = b[off]! & 0x01;
  const word = (b[off]! << 16) | (b[off + 1]! << 8) | b[off + 2]!;
  return field(`eth.${which}`, `${label}: ${mac}`, off, 6, [
    field("eth.addr", `Address: ${mac}`, off, 6),
    bitField(
      `eth.${which}.lg`,
      "LG bit",
      lg
        ? "Locally administered address (this is NOT the factory default)"
        : "Globally unique address (factory default)",
      word,
      0x020000,
      24,
      off,
      3,
    ),
    bitField(
      `eth.${which}.ig`,
      "IG bit",
      ig ? "Group address (multicast/broadcast)" : "Individual address (unicast)",
      word,
      0x010000,
      24,
      off,
      3,
    ),
  ]);
}

function ethernet(b: Uint8Array, type: number): PacketField {
  const name = ETHERTYPE_NAMES[type] ?? "Unknown";
  return field("eth", `Ethernet II, Src: ${macText(b, 6)}, Dst: ${macText(b, 0)}`, 0, ETHERNET_HEADER_LEN, [
    macLine(b, 0, "dst", "Destination"),
    macLine(b, 6, "src", "Source"),
    field("eth.type", `Type: ${name} (${hex(type, 4)})`, 12, 2),
  ]);
}

const ARP_OPCODES: Record<number, string> = { 1: "request", 2: "reply" };

function arp(b: Uint8Array, o: number): PacketField {
  if (b.length - o < ARP_LEN) return malformed("ARP", o, b.length - o);
  const op = get16(b, o + ARP_FIELD.OP);
  const opName = ARP_OPCODES[op] ?? "unknown";
  const spa = get32(b, o + ARP_FIELD.SPA);
  const tpa = get32(b, o + ARP_FIELD.TPA);
  let thaZero = true;
  for (let i = 0; i < 6; i++) if (b[o + ARP_FIELD.THA + i] !== 0) thaZero = false;
  // packet-arp.c: sender and target address equal is gratuitous; a request so with a zero
  // target MAC announces the address (RFC 5227's ARP Announcement).
  const gratuitous = spa === tpa;
  const announcement = gratuitous && op === 1 && thaZero;
  const title = announcement
    ? "Address Resolution Protocol (ARP Announcement)"
    : gratuitous
      ? `Address Resolution Protocol (${opName}/gratuitous ARP)`
      : `Address Resolution Protocol (${opName})`;
  const hrd = get16(b, o);
  const pro = get16(b, o + 2);
  const kids = [
    field("arp.hw.type", `Hardware type: ${hrd === 1 ? "Ethernet" : "Unknown"} (${hrd})`, o, 2),
    field("arp.proto.type", `Protocol type: ${ETHERTYPE_NAMES[pro] ?? "Unknown"} (${hex(pro, 4)})`, o + 2, 2),
    field("arp.hw.size", `Hardware size: ${b[o + 4]}`, o + 4, 1),
    field("arp.proto.size", `Protocol size: ${b[o + 5]}`, o + 5, 1),
    field("arp.opcode", `Opcode: ${opName} (${op})`, o + 6, 2),
  ];
  if (gratuitous) kids.push(field("arp.isgratuitous", "Is gratuitous: True", o, 0));
  if (announcement) kids.push(field("arp.isannouncement", "Is announcement: True", o, 0));
  kids.push(
    field("arp.src.hw_mac", `Sender MAC address: ${macText(b, o + ARP_FIELD.SHA)}`, o + ARP_FIELD.SHA, 6),
    field("arp.src.proto_ipv4", `Sender IP address: ${formatIpv4(spa)}`, o + ARP_FIELD.SPA, 4),
    field("arp.dst.hw_mac", `Target MAC address: ${macText(b, o + ARP_FIELD.THA)}`, o + ARP_FIELD.THA, 6),
    field("arp.dst.proto_ipv4", `Target IP address: ${formatIpv4(tpa)}`, o + ARP_FIELD.TPA, 4),
  );
  return field("arp", title, o, ARP_LEN, kids);
}

/** Wireshark's DSCP names (epan/dissectors/packet-ip.c dscp_vals, dscp_short_vals). */
function dscpNames(d: number): [long: string, short: string] {
  if (d === 0) return ["Default", "CS0"];
  if (d === 46) return ["Expedited Forwarding", "EF"];
  if (d === 44) return ["Voice Admit", "VOICE-ADMIT"];
  if (d === 1) return ["Lower Effort", "LE"];
  if (d % 8 === 0) return [`Class Selector ${d / 8}`, `CS${d / 8}`];
  const cls = d >> 3;
  const drop = (d >> 1) & 3;
  if (cls >= 1 && cls <= 4 && (d & 1) === 0 && drop >= 1)
    return [`Assured Forwarding ${cls}${drop}`, `AF${cls}${drop}`];
  return ["Unknown", "Unknown"];
}

const ECN_NAMES: readonly [string, string][] = [
  ["Not ECN-Capable Transport", "Not-ECT"],
  ["ECN-Capable Transport codepoint '10'", "ECT(0)"],
  ["ECN-Capable Transport codepoint '01'", "ECT(1)"],
  ["Congestion Experienced", "CE"],
];

function dsField(tos: number, o: number): PacketField {
  const dscp = tos >> 2;
  const ecn = tos & 3;
  const [dl, ds] = dscpNames(dscp);
  // ECN codepoint 1 is ECT(1) and 2 is ECT(0) (RFC 3168 §5).
  const [el, es] = ECN_NAMES[ecn === 1 ? 2 : ecn === 2 ? 1 : ecn]!;
  return field(
    "ip.dsfield",
    `Differentiated Services Field: ${hex(tos, 2)} (DSCP: ${ds}, ECN: ${es})`,
    o,
    1,
    [
      bitField("ip.dsfield.dscp", "Differentiated Services Codepoint", `${dl} (${dscp})`, tos, 0xfc, 8, o, 1),
      bitField("ip.dsfield.ecn", "Explicit Congestion Notification", `${el} (${ecn})`, tos, 0x03, 8, o, 1),
    ],
  );
}

function ipFlags(b: Uint8Array, o: number): PacketField[] {
  const ff = get16(b, o);
  const flags = ff >> 13;
  let text = `Flags: ${hex(flags, 1)}`;
  if (flags & 2) text += ", Don't fragment";
  if (flags & 1) text += ", More fragments";
  if (flags & 4) text += ", Reserved bit";
  const byte = b[o]!;
  return [
    field("ip.flags", `${bitString(byte, 0xe0, 8)} = ${text}`, o, 1, [
      flagBit("ip.flags.rb", "Reserved bit", byte, 0x80, 8, o, 1),
      flagBit("ip.flags.df", "Don't fragment", byte, 0x40, 8, o, 1),
      flagBit("ip.flags.mf", "More fragments", byte, 0x20, 8, o, 1),
    ]),
    bitField("ip.frag_offset", "Fragment Offset", String((ff & 0x1fff) * 8), ff, 0x1fff, 16, o, 2),
  ];
}

export interface IpDissection {
  layers: PacketField[];
  /** Bytes of `b` from the header on that the datagram covers (the rest is padding). */
  used: number;
}

/**
 * The IPv4 header at `b[o]` and what it carries, within `avail` bytes. `whole`: the datagram is
 * all there (false for the quote in an ICMP error: its payload is cut at 8 bytes).
 */
export function ipv4(
  b: Uint8Array,
  o: number,
  avail: number,
  whole: boolean,
  tcpBase?: TcpSequenceBase,
): IpDissection {
  if (avail < IPV4_HEADER_LEN) return { layers: [malformed("IPv4", o, avail)], used: avail };
  const vihl = b[o]!;
  const hl = (vihl & 15) * 4;
  const total = get16(b, o + 2);
  const proto = b[o + 9]!;
  const src = formatIpv4(get32(b, o + 12));
  const dst = formatIpv4(get32(b, o + 16));
  const kids: PacketField[] = [
    bitField("ip.version", "Version", String(vihl >> 4), vihl, 0xf0, 8, o, 1),
    bitField("ip.hdr_len", "Header Length", `${hl} bytes (${vihl & 15})`, vihl, 0x0f, 8, o, 1),
    dsField(b[o + 1]!, o + 1),
    field("ip.len", `Total Length: ${total}`, o + 2, 2),
    field("ip.id", `Identification: ${hex(get16(b, o + 4), 4)} (${get16(b, o + 4)})`, o + 4, 2),
    ...ipFlags(b, o + 6),
    field("ip.ttl", `Time to Live: ${b[o + 8]}`, o + 8, 1),
    field("ip.proto", `Protocol: ${IP_PROTOCOL_NAMES[proto] ?? "Unknown"} (${proto})`, o + 9, 1),
  ];
  const hlOk = hl >= IPV4_HEADER_LEN && hl <= avail;
  const carried = get16(b, o + 10);
  // The checksum the header should carry: the sum with the field taken as zero.
  const computed = hlOk ? computedWith(b, o, hl, o + 10) : undefined;
  kids.push(
    ...checksumLines("ip", "Header Checksum", "Header checksum status", carried, computed, o + 10, "after"),
  );
  kids.push(
    field("ip.src", `Source Address: ${src}`, o + 12, 4),
    field("ip.dst", `Destination Address: ${dst}`, o + 16, 4),
  );
  const ip = field("ip", `Internet Protocol Version 4, Src: ${src}, Dst: ${dst}`, o, hlOk ? hl : 20, kids);
  if (!hlOk) return { layers: [ip, malformed("IPv4 header length", o, avail)], used: avail };
  // The payload ends at the total length (bytes past it are link padding), or where the bytes end.
  const end = whole ? Math.min(total, avail) : avail;
  const layers = [ip];
  if (whole && total > avail) layers.push(malformed(`IPv4 total length ${total} > ${avail} bytes`, o, avail));
  if (end > hl) layers.push(...dissectTransport(b, o, hl, proto, o + end, whole && total <= avail, tcpBase));
  return { layers, used: Math.max(end, hl) };
}
