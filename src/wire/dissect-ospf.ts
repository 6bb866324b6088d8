/**
 * @module wire/dissect-ospf
 * OSPFv2 (RFC 2328 A.3) as Wireshark's detail pane shows it (packet-ospf.c, tshark 4.0): the
 * header with its checksum verified (over the packet minus the authentication field, as
 * wire/ospf.ts computes it), the Hello, Database Description, LS Request bodies, and the LSA
 * headers of LS Update and LS Acknowledge (an LSA's body is left as bytes).
 */
import { formatIpv4 } from "../core/ip.js";
import { get16, get32 } from "./bytes.js";
import { foldChecksum, onesSum } from "./checksum.js";
import { bitString, field, flagBit, hex, hexBytes, malformed, type PacketField } from "./dissect-fields.js";
import { LSA_HEADER_LEN } from "./ospf-lsa.js";
import { OSPF_HEADER_LEN, OSPF_TYPE_NAMES } from "./ospf.js";

const MSG_NAMES = ["", "Hello Packet", "DB Description", "LS Request", "LS Update", "LS Acknowledge"];
const LSA_NAMES = [
  "",
  "Router-LSA",
  "Network-LSA",
  "Summary-LSA (IP network)",
  "Summary-LSA (ASBR)",
  "AS-External-LSA (ASBR)",
];

/** The Options byte (RFC 2328 A.2, with RFC 5250's O and RFC 4576's DN). */
function options(v: number, o: number): PacketField {
  const names: string[] = [];
  if (v & 0x80) names.push("(DN)");
  if (v & 0x40) names.push("(O) Opaque");
  if (v & 0x20) names.push("(DC) Demand Circuits");
  if (v & 0x10) names.push("(L) LLS Data block");
  if (v & 0x08) names.push("(N) NSSA");
  if (v & 0x04) names.push("(MC) Multicast");
  if (v & 0x02) names.push("(E) External Routing");
  if (v & 0x01) names.push("(MT) Multi-Topology Routing");
  const bit = (n: string, label: string, m: number, yes: string, no: string) =>
    flagBit(`ospf.v2.options.${n}`, label, v, m, 8, o, 1, [no, yes]);
  return field("ospf.v2.options", `Options: ${hex(v, 2)}, ${names.join(", ")}`, o, 1, [
    bit("dn", "DN", 0x80, "Set", "Not set"),
    bit("o", "O", 0x40, "Set", "Not set"),
    bit("dc", "(DC) Demand Circuits", 0x20, "Supported", "Not supported"),
    bit("l", "(L) LLS Data block", 0x10, "Present", "Not Present"),
    bit("n", "(N) NSSA", 0x08, "Supported", "Not supported"),
    bit("mc", "(MC) Multicast", 0x04, "Capable", "Not capable"),
    bit("e", "(E) External Routing", 0x02, "Capable", "Not capable"),
    bit("mt", "(MT) Multi-Topology Routing", 0x01, "Yes", "No"),
  ]);
}

function ip(name: string, label: string, b: Uint8Array, o: number): PacketField {
  return field(name, `${label}: ${formatIpv4(get32(b, o))}`, o, 4);
}

function lsaHeader(b: Uint8Array, o: number): PacketField {
  const age = get16(b, o);
  const type = b[o + 3]!;
  const len = get16(b, o + 18);
  return field("", `LSA-type ${type} (${LSA_NAMES[type] ?? "Unknown"}), len ${len}`, o, LSA_HEADER_LEN, [
    field("ospf.lsa.age", `${bitString(age, 0x7fff, 16)} = LS Age (seconds): ${age & 0x7fff}`, o, 2),
    field("ospf.lsa.donotage", `${bitString(age, 0x8000, 16)} = Do Not Age Flag: ${age >> 15}`, o, 2),
    options(b[o + 2]!, o + 2),
    field("ospf.lsa", `LS Type: ${LSA_NAMES[type] ?? "Unknown"} (${type})`, o + 3, 1),
    ip("ospf.lsa.id", "Link State ID", b, o + 4),
    ip("ospf.advrouter", "Advertising Router", b, o + 8),
    field("ospf.lsa.seqnum", `Sequence Number: ${hex(get32(b, o + 12), 8)}`, o + 12, 4),
    field("ospf.lsa.chksum", `Checksum: ${hex(get16(b, o + 16), 4)}`, o + 16, 2),
    field("ospf.lsa.length", `Length: ${len}`, o + 18, 2),
  ]);
}

function hello(b: Uint8Array, o: number, end: number): PacketField {
  const kids = [
    ip("ospf.hello.network_mask", "Network Mask", b, o),
    field("ospf.hello.hello_interval", `Hello Interval [sec]: ${get16(b, o + 4)}`, o + 4, 2),
    options(b[o + 6]!, o + 6),
    field("ospf.hello.router_priority", `Router Priority: ${b[o + 7]}`, o + 7, 1),
    field("ospf.hello.router_dead_interval", `Router Dead Interval [sec]: ${get32(b, o + 8)}`, o + 8, 4),
    ip("ospf.hello.designated_router", "Designated Router", b, o + 12),
    ip("ospf.hello.backup_designated_router", "Backup Designated Router", b, o + 16),
  ];
  for (let p = o + 20; p + 4 <= end; p += 4)
    kids.push(ip("ospf.hello.active_neighbor", "Active Neighbor", b, p));
  return field("ospf.hello", "OSPF Hello Packet", o, end - o, kids);
}

function dbDescription(b: Uint8Array, o: number, end: number): PacketField[] {
  const f = b[o + 3]!;
  const names: string[] = [];
  if (f & 4) names.push("(I) Init");
  if (f & 2) names.push("(M) More");
  if (f & 1) names.push("(MS) Master");
  const kids = [
    field("ospf.db.interface_mtu", `Interface MTU: ${get16(b, o)}`, o, 2),
    options(b[o + 2]!, o + 2),
    field("ospf.dbd", `DB Description: ${hex(f, 2)}${names.map((n) => `, ${n}`).join("")}`, o + 3, 1, [
      flagBit("ospf.dbd.r", "(R) OOBResync", f, 0x08, 8, o + 3, 1),
      flagBit("ospf.dbd.i", "(I) Init", f, 0x04, 8, o + 3, 1),
      flagBit("ospf.dbd.m", "(M) More", f, 0x02, 8, o + 3, 1),
      flagBit("ospf.dbd.ms", "(MS) Master", f, 0x01, 8, o + 3, 1, ["No", "Yes"]),
    ]),
    field("ospf.db.dd_sequence", `DD Sequence: ${get32(b, o + 4)}`, o + 4, 4),
  ];
  const out = [field("", "OSPF DB Description", o, 8, kids)];
  for (let p = o + 8; p + LSA_HEADER_LEN <= end; p += LSA_HEADER_LEN) out.push(lsaHeader(b, p));
  return out;
}

function body(type: number, b: Uint8Array, o: number, end: number): PacketField[] {
  switch (type) {
    case 1:
      return end - o >= 20 ? [hello(b, o, end)] : [malformed("OSPF Hello", o, end - o)];
    case 2:
      return end - o >= 8 ? dbDescription(b, o, end) : [malformed("OSPF DB Description", o, end - o)];
    case 3: {
      const out: PacketField[] = [];
      for (let p = o; p + 12 <= end; p += 12) {
        const t = get32(b, p);
        out.push(
          field("", "Link State Request", p, 12, [
            field("ospf.lsa", `LS Type: ${LSA_NAMES[t] ?? "Unknown"} (${t})`, p, 4),
            ip("ospf.link_state_id", "Link State ID", b, p + 4),
            ip("ospf.advrouter", "Advertising Router", b, p + 8),
          ]),
        );
      }
      return out;
    }
    case 4: {
      if (end - o < 4) return [malformed("OSPF LS Update", o, end - o)];
      const n = get32(b, o);
      const kids = [field("ospf.ls.number_of_lsas", `Number of LSAs: ${n}`, o, 4)];
      let p = o + 4;
      for (let i = 0; i < n && p + LSA_HEADER_LEN <= end; i++) {
        const len = Math.max(get16(b, p + 18), LSA_HEADER_LEN);
        const h = lsaHeader(b, p);
        const bodyLen = Math.min(len, end - p) - LSA_HEADER_LEN;
        if (bodyLen > 0)
          h.children!.push(
            field(
              "",
              `LSA body: ${hexBytes(b, p + 20, Math.min(bodyLen, 36))}${bodyLen > 36 ? "…" : ""}`,
              p + 20,
              bodyLen,
            ),
          );
        kids.push({ ...h, length: Math.min(len, end - p) });
        p += len;
      }
      return [field("", "LS Update Packet", o, end - o, kids)];
    }
    default: {
      const out: PacketField[] = [];
      for (let p = o; p + LSA_HEADER_LEN <= end; p += LSA_HEADER_LEN) out.push(lsaHeader(b, p));
      return out;
    }
  }
}

/** The OSPF packet in `b[o, end)`. */
export function dissectOspf(b: Uint8Array, o: number, end: number): PacketField {
  if (end - o < OSPF_HEADER_LEN) return malformed("OSPF", o, end - o);
  const type = b[o + 1]!;
  const plen = get16(b, o + 2);
  const stop = Math.min(end, o + Math.max(plen, OSPF_HEADER_LEN));
  const area = get32(b, o + 8);
  const carried = get16(b, o + 12);
  // RFC 2328 D.4: the checksum covers the packet with the 64-bit authentication field left out.
  const copy = b.slice(o, stop);
  copy[12] = 0;
  copy[13] = 0;
  const computed = foldChecksum(onesSum(copy, 0, 16, onesSum(copy, 24, copy.length - 24)));
  const auth = get16(b, o + 14);
  const header = field("ospf.header", "OSPF Header", o, OSPF_HEADER_LEN, [
    field("ospf.version", `Version: ${b[o]}`, o, 1),
    field(
      "ospf.msg",
      `Message Type: ${MSG_NAMES[type] ?? OSPF_TYPE_NAMES[type] ?? "Unknown"} (${type})`,
      o + 1,
      1,
    ),
    field("ospf.packet_length", `Packet Length: ${plen}`, o + 2, 2),
    ip("ospf.srcrouter", "Source OSPF Router", b, o + 4),
    field("ospf.area_id", `Area ID: ${formatIpv4(area)}${area === 0 ? " (Backbone)" : ""}`, o + 8, 4),
    field(
      "ospf.checksum",
      carried === computed
        ? `Checksum: ${hex(carried, 4)} [correct]`
        : `Checksum: ${hex(carried, 4)} [incorrect, should be ${hex(computed, 4)}]`,
      o + 12,
      2,
    ),
    field(
      "ospf.auth.type",
      `Auth Type: ${auth === 0 ? "Null" : auth === 1 ? "Simple password" : "Cryptographic"} (${auth})`,
      o + 14,
      2,
    ),
    field("ospf.auth.none", `Auth Data (none): ${hexBytes(b, o + 16, 8)}`, o + 16, 8),
  ]);
  return field("ospf", "Open Shortest Path First", o, stop - o, [
    header,
    ...body(type, b, o + OSPF_HEADER_LEN, stop),
  ]);
}
