/**
 * @module wire/dissect-transport
 * What an IPv4 datagram carries, as Wireshark's detail pane shows it: ICMP (with the datagram
 * an error quotes, dissected again), UDP and the RIP in it, TCP with its options; OSPF is in
 * dissect-ospf.ts. Wording and field names from tshark 4.0 (packet-icmp.c, packet-udp.c,
 * packet-rip.c, packet-tcp.c), checked against its PDML (dissect.test.ts).
 */
import { formatIpv4 } from "../core/ip.js";
import { get16, get32 } from "./bytes.js";
import { foldChecksum, onesSum } from "./checksum.js";
import {
  bitString,
  checksumLines,
  computedWith,
  dataLines,
  field,
  flagBit,
  hex,
  malformed,
  type PacketField,
} from "./dissect-fields.js";
import { ipv4 } from "./dissect.js";
import { dissectOspf } from "./dissect-ospf.js";
import { IPPROTO_ICMP, IPPROTO_OSPF, IPPROTO_TCP, IPPROTO_UDP } from "./ipv4.js";
import { RIP_PORT } from "./rip.js";
import { TCP_ACK, TCP_FIN, TCP_SYN } from "./tcp.js";
import { relativeSeq, type TcpSequenceBase } from "./tcp-sequence.js";
import { pseudoHeaderSum } from "./udp.js";

/**
 * The layers in `b[ip + hl, end)`, the payload of the IPv4 header at `ip`. `whole`: every
 * byte of it is there, so checksums can be verified. `tcpBase`: where a TCP segment's
 * conversation counts from (tcp-sequence.ts), for Wireshark's relative numbers; without it the
 * raw numbers only.
 */
export function dissectTransport(
  b: Uint8Array,
  ip: number,
  hl: number,
  proto: number,
  end: number,
  whole: boolean,
  tcpBase?: TcpSequenceBase,
): PacketField[] {
  const o = ip + hl;
  switch (proto) {
    case IPPROTO_ICMP:
      return icmp(b, o, end, whole);
    case IPPROTO_UDP:
      return udp(b, ip, o, end, whole);
    case IPPROTO_TCP:
      return tcp(b, ip, o, end, whole, tcpBase);
    case IPPROTO_OSPF:
      return [dissectOspf(b, o, end)];
    default:
      return [dataLines(b, o, end - o)];
  }
}

const ICMP_TYPES: Record<number, string> = {
  0: "Echo (ping) reply",
  3: "Destination unreachable",
  5: "Redirect",
  8: "Echo (ping) request",
  11: "Time-to-live exceeded",
  12: "Parameter problem",
};
const UNREACH_CODES = [
  "Network unreachable",
  "Host unreachable",
  "Protocol unreachable",
  "Port unreachable",
  "Fragmentation needed",
  "Source route failed",
  "Destination network unknown",
  "Destination host unknown",
  "Source host isolated",
  "Network administratively prohibited",
  "Host administratively prohibited",
  "Network unreachable for TOS",
  "Host unreachable for TOS",
  "Communication administratively filtered",
  "Host precedence violation",
  "Precedence cutoff in effect",
];
/** packet-icmp.c `redir_str`. */
const REDIRECT_CODES = [
  "Redirect for network",
  "Redirect for host",
  "Redirect for TOS and network",
  "Redirect for TOS and host",
];
const TIMXCEED_CODES = ["Time to live exceeded in transit", "Fragment reassembly time exceeded"];

function icmpCodeName(type: number, code: number): string | undefined {
  if (type === 3) return UNREACH_CODES[code];
  if (type === 11) return TIMXCEED_CODES[code];
  if (type === 5) return REDIRECT_CODES[code];
  return undefined;
}

function icmp(b: Uint8Array, o: number, end: number, whole: boolean): PacketField[] {
  const len = end - o;
  if (len < 8) return [malformed("ICMP", o, len)];
  const type = b[o]!;
  const code = b[o + 1]!;
  const codeName = icmpCodeName(type, code);
  const kids: PacketField[] = [
    field(
      "icmp.type",
      `Type: ${type} (${ICMP_TYPES[type] ?? "Unknown ICMP (obsolete or malformed?)"})`,
      o,
      1,
    ),
    field("icmp.code", codeName === undefined ? `Code: ${code}` : `Code: ${code} (${codeName})`, o + 1, 1),
    ...checksumLines(
      "icmp",
      "Checksum",
      "Checksum Status",
      get16(b, o + 2),
      whole ? computedWith(b, o, len, o + 2) : undefined,
      o + 2,
      "none",
    ),
  ];
  // An ICMP message quoted by an error (a redirect about an echo): packet-icmp.c says so.
  if (!whole) kids[2] = { ...kids[2]!, text: `${kids[2]!.text} [in ICMP error packet]` };
  if (type === 0 || type === 8) {
    const id = get16(b, o + 4);
    const seq = get16(b, o + 6);
    const le = (v: number) => ((v & 0xff) << 8) | (v >> 8);
    kids.push(
      field("icmp.ident", `Identifier (BE): ${id} (${hex(id, 4)})`, o + 4, 2),
      field("icmp.ident_le", `Identifier (LE): ${le(id)} (${hex(le(id), 4)})`, o + 4, 2),
      field("icmp.seq", `Sequence Number (BE): ${seq} (${hex(seq, 4)})`, o + 6, 2),
      field("icmp.seq_le", `Sequence Number (LE): ${le(seq)} (${hex(le(seq), 4)})`, o + 6, 2),
    );
    if (len > 8) kids.push(dataLines(b, o + 8, len - 8));
  } else if (type === 3 || type === 11 || type === 5) {
    if (type === 5)
      kids.push(field("icmp.redir_gw", `Gateway Address: ${formatIpv4(get32(b, o + 4))}`, o + 4, 4));
    else kids.push(field("icmp.unused", `Unused: ${hexWord(get32(b, o + 4))}`, o + 4, 4));
    // The datagram it quotes: its header and the first 8 bytes after it.
    if (len > 8) kids.push(...ipv4(b, o + 8, len - 8, false).layers);
  } else if (len > 8) kids.push(dataLines(b, o + 4, len - 4));
  return [field("icmp", "Internet Control Message Protocol", o, len, kids)];
}

function hexWord(v: number): string {
  return (v >>> 0).toString(16).padStart(8, "0");
}

function udp(b: Uint8Array, ip: number, o: number, end: number, whole: boolean): PacketField[] {
  const avail = end - o;
  if (avail < 8) return [malformed("UDP", o, avail)];
  const sport = get16(b, o);
  const dport = get16(b, o + 2);
  const ulen = get16(b, o + 4);
  const carried = get16(b, o + 6);
  const verifiable = whole && ulen >= 8 && ulen <= avail;
  let check: PacketField[];
  if (carried === 0)
    check = [
      field("udp.checksum", "Checksum: 0x0000 [zero-value ignored]", o + 6, 2),
      field("udp.checksum.status", "Checksum Status: Not present", o + 6, 0),
    ];
  else {
    let computed: number | undefined;
    if (verifiable) {
      const src = get32(b, ip + 12);
      const dst = get32(b, ip + 16);
      const copy = b.slice(o, o + ulen);
      copy[6] = 0;
      copy[7] = 0;
      const c = foldChecksum(onesSum(copy, 0, ulen, pseudoHeaderSum(src, dst, IPPROTO_UDP, ulen)));
      computed = c === 0 ? 0xffff : c;
    }
    check = checksumLines("udp", "Checksum", "Checksum Status", carried, computed, o + 6, "child");
  }
  const kids = [
    field("udp.srcport", `Source Port: ${sport}`, o, 2),
    field("udp.dstport", `Destination Port: ${dport}`, o + 2, 2),
    field("udp.length", `Length: ${ulen}`, o + 4, 2),
    ...check,
  ];
  const payloadEnd = o + Math.min(Math.max(ulen, 8), avail);
  const payload = payloadEnd - (o + 8);
  if (whole && payload > 0) kids.push(field("udp.payload", `UDP payload (${payload} bytes)`, o + 8, payload));
  const out = [field("udp", `User Datagram Protocol, Src Port: ${sport}, Dst Port: ${dport}`, o, 8, kids)];
  if (!whole || payload <= 0) return out;
  if (sport === RIP_PORT || dport === RIP_PORT) out.push(rip(b, o + 8, payloadEnd));
  else out.push(dataLines(b, o + 8, payload));
  return out;
}

const RIP_COMMANDS: Record<number, string> = { 1: "Request", 2: "Response" };

function rip(b: Uint8Array, o: number, end: number): PacketField {
  if (end - o < 4) return malformed("RIP", o, end - o);
  const cmd = b[o]!;
  const ver = b[o + 1]!;
  const kids: PacketField[] = [
    field("rip.command", `Command: ${RIP_COMMANDS[cmd] ?? "Unknown command"} (${cmd})`, o, 1),
    field("rip.version", `Version: RIPv${ver} (${ver})`, o + 1, 1),
  ];
  for (let e = o + 4; e + 20 <= end; e += 20) {
    const afi = get16(b, e);
    const metric = get32(b, e + 16);
    const addr = formatIpv4(get32(b, e + 4));
    const entry: PacketField[] = [
      field(
        "rip.family",
        `Address Family: ${afi === 2 ? "IP" : afi === 0 ? "Unspecified" : "Unknown"} (${afi})`,
        e,
        2,
      ),
      field("rip.route_tag", `Route Tag: ${get16(b, e + 2)}`, e + 2, 2),
    ];
    // packet-rip.c: an entry of family 0 (a whole-table request) names no address.
    if (afi !== 0) entry.push(field("rip.ip", `IP Address: ${addr}`, e + 4, 4));
    entry.push(
      field("rip.netmask", `Netmask: ${formatIpv4(get32(b, e + 8))}`, e + 8, 4),
      field("rip.next_hop", `Next Hop: ${formatIpv4(get32(b, e + 12))}`, e + 12, 4),
      field("rip.metric", `Metric: ${metric}`, e + 16, 4),
    );
    const title =
      afi === 0 ? `Address not specified, Metric: ${metric}` : `IP Address: ${addr}, Metric: ${metric}`;
    kids.push(field("", title, e, 20, entry));
  }
  if ((end - o - 4) % 20 !== 0)
    kids.push(malformed("RIP entry cut short", end - ((end - o - 4) % 20), (end - o - 4) % 20));
  return field("rip", "Routing Information Protocol", o, end - o, kids);
}

const TCP_FLAG_NAMES: readonly [number, string, string][] = [
  [0x80, "cwr", "Congestion Window Reduced"],
  [0x40, "ece", "ECN-Echo"],
  [0x20, "urg", "Urgent"],
  [0x10, "ack", "Acknowledgment"],
  [0x08, "push", "Push"],
  [0x04, "reset", "Reset"],
  [0x02, "syn", "Syn"],
  [0x01, "fin", "Fin"],
];
const TCP_FLAG_SHORT: Record<string, string> = {
  cwr: "CWR",
  ece: "ECE",
  urg: "URG",
  ack: "ACK",
  push: "PSH",
  reset: "RST",
  syn: "SYN",
  fin: "FIN",
};
/** packet-tcp.c's flag string: one character per flag bit, reserved first, · when clear. */
const TCP_FLAG_CHARS = "RRRACEUAPRSF";

function tcpFlags(b: Uint8Array, o: number): PacketField {
  const v = get16(b, o) & 0x0fff;
  // Named from the lowest bit up, as packet-tcp.c does: "SYN, ACK", "RST, ACK".
  const set = TCP_FLAG_NAMES.filter(([m]) => (v & m) !== 0)
    .map(([, n]) => TCP_FLAG_SHORT[n])
    .reverse();
  let str = "";
  for (let i = 11; i >= 0; i--) str += (v >> i) & 1 ? TCP_FLAG_CHARS[11 - i] : "·";
  const kids: PacketField[] = [
    field("tcp.flags.res", `${bitString(v, 0xe00, 12)} = Reserved: ${v & 0xe00 ? "Set" : "Not set"}`, o, 1),
    flagBit("tcp.flags.ae", "Accurate ECN", v, 0x100, 12, o, 1),
  ];
  for (const [m, n, label] of TCP_FLAG_NAMES) kids.push(flagBit(`tcp.flags.${n}`, label, v, m, 12, o + 1, 1));
  kids.push(field("tcp.flags.str", `TCP Flags: ${str}`, o, 2));
  return field("tcp.flags", `Flags: ${hex(v, 3)} (${set.join(", ")})`, o, 2, kids);
}

function tcpOptions(b: Uint8Array, o: number, end: number): PacketField | undefined {
  if (end <= o) return undefined;
  const kids: PacketField[] = [];
  const names: string[] = [];
  let p = o;
  while (p < end) {
    const kind = b[p]!;
    if (kind === 0 || kind === 1) {
      const n = kind === 0 ? "End of Option List (EOL)" : "No-Operation (NOP)";
      kids.push(
        field(kind === 0 ? "tcp.options.eol" : "tcp.options.nop", `TCP Option - ${n}`, p, 1, [
          field("tcp.option_kind", `Kind: ${n} (${kind})`, p, 1),
        ]),
      );
      names.push(n);
      p++;
      if (kind === 0) break;
      continue;
    }
    const len = b[p + 1];
    if (len === undefined || len < 2 || p + len > end) {
      kids.push(malformed("TCP option", p, end - p));
      break;
    }
    const head = (n: string) => [
      field("tcp.option_kind", `Kind: ${n} (${kind})`, p, 1),
      field("tcp.option_len", `Length: ${len}`, p + 1, 1),
    ];
    if (kind === 2 && len === 4) {
      const mss = get16(b, p + 2);
      kids.push(
        field("tcp.options.mss", `TCP Option - Maximum segment size: ${mss} bytes`, p, 4, [
          ...head("Maximum Segment Size"),
          field("tcp.options.mss_val", `MSS Value: ${mss}`, p + 2, 2),
        ]),
      );
      names.push("Maximum segment size");
    } else if (kind === 3 && len === 3) {
      const s = b[p + 2]!;
      kids.push(
        field("tcp.options.wscale", `TCP Option - Window scale: ${s} (multiply by ${2 ** s})`, p, 3, [
          ...head("Window Scale"),
          field("tcp.options.wscale.shift", `Shift count: ${s}`, p + 2, 1),
          field("tcp.options.wscale.multiplier", `Multiplier: ${2 ** s}`, p + 2, 1),
        ]),
      );
      names.push("Window scale");
    } else if (kind === 4 && len === 2) {
      kids.push(field("tcp.options.sack_perm", "TCP Option - SACK permitted", p, 2, head("SACK Permitted")));
      names.push("SACK permitted");
    } else if (kind === 8 && len === 10) {
      const v = get32(b, p + 2);
      const e = get32(b, p + 6);
      kids.push(
        field("tcp.options.timestamp", `TCP Option - Timestamps: TSval ${v}, TSecr ${e}`, p, 10, [
          ...head("Time Stamp Option"),
          field("tcp.options.timestamp.tsval", `Timestamp value: ${v}`, p + 2, 4),
          field("tcp.options.timestamp.tsecr", `Timestamp echo reply: ${e}`, p + 6, 4),
        ]),
      );
      names.push("Timestamps");
    } else {
      kids.push(field("tcp.options.unknown", `TCP Option - Unknown (${kind})`, p, len, head("Unknown")));
      names.push(`Unknown (${kind})`);
    }
    p += len;
  }
  return field("tcp.options", `Options: (${end - o} bytes), ${names.join(", ")}`, o, end - o, kids);
}

function tcp(
  b: Uint8Array,
  ip: number,
  o: number,
  end: number,
  whole: boolean,
  base: TcpSequenceBase | undefined,
): PacketField[] {
  const avail = end - o;
  if (avail < 20) return [malformed("TCP", o, avail)];
  const sport = get16(b, o);
  const dport = get16(b, o + 2);
  const seq = get32(b, o + 4);
  const ack = get32(b, o + 8);
  const hl = (b[o + 12]! >> 4) * 4;
  const payload = avail - hl;
  let computed: number | undefined;
  if (whole && hl >= 20 && hl <= avail) {
    const copy = b.slice(o, end);
    copy[16] = 0;
    copy[17] = 0;
    computed = foldChecksum(
      onesSum(copy, 0, avail, pseudoHeaderSum(get32(b, ip + 12), get32(b, ip + 16), IPPROTO_TCP, avail)),
    );
  }
  const kids: PacketField[] = [
    field("tcp.srcport", `Source Port: ${sport}`, o, 2),
    field("tcp.dstport", `Destination Port: ${dport}`, o + 2, 2),
    field("tcp.len", `TCP Segment Len: ${Math.max(payload, 0)}`, o, 0),
    ...sequenceLines(b, o, seq, ack, Math.max(payload, 0), base),
    field(
      "tcp.hdr_len",
      `${bitString(b[o + 12]!, 0xf0, 8)} = Header Length: ${hl} bytes (${hl / 4})`,
      o + 12,
      1,
    ),
    tcpFlags(b, o + 12),
    field("tcp.window_size_value", `Window: ${get16(b, o + 14)}`, o + 14, 2),
    ...checksumLines("tcp", "Checksum", "Checksum Status", get16(b, o + 16), computed, o + 16, "after"),
    field("tcp.urgent_pointer", `Urgent Pointer: ${get16(b, o + 18)}`, o + 18, 2),
  ];
  if (hl < 20 || hl > avail) {
    kids.push(malformed(`TCP header length ${hl}`, o + 12, 1));
    return [field("tcp", "Transmission Control Protocol", o, avail, kids)];
  }
  const opts = tcpOptions(b, o + 20, o + hl);
  if (opts) kids.push(opts);
  if (payload > 0) kids.push(field("tcp.payload", `TCP payload (${payload} bytes)`, o + hl, payload));
  const title = `Transmission Control Protocol, Src Port: ${sport}, Dst Port: ${dport}, ${sequenceTitle(b[o + 13]!, seq, ack, base)}, Len: ${payload}`;
  const out = [field("tcp", title, o, hl, kids)];
  if (payload > 0) out.push(dataLines(b, o + hl, payload));
  return out;
}

/**
 * The sequence and acknowledgment lines. With the conversation's bases, Wireshark's relative
 * numbers (packet-tcp.c: `%u    (relative sequence number)`, the generated next sequence number
 * counting SYN and FIN as one each, the acknowledgment relative only when ACK is set); without,
 * the raw numbers alone (one frame has no conversation).
 */
function sequenceLines(
  b: Uint8Array,
  o: number,
  seq: number,
  ack: number,
  len: number,
  base: TcpSequenceBase | undefined,
): PacketField[] {
  const raw = [
    field("tcp.seq_raw", `Sequence Number (raw): ${seq}`, o + 4, 4),
    field("tcp.ack_raw", `Acknowledgment number (raw): ${ack}`, o + 8, 4),
  ];
  if (!base) return raw;
  const flags = b[o + 13]!;
  const rseq = relativeSeq(seq, base.seq);
  const next = (rseq + len + (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0)) >>> 0;
  const acked = flags & TCP_ACK && base.ack !== undefined;
  return [
    field("tcp.seq", `Sequence Number: ${rseq}    (relative sequence number)`, o + 4, 4),
    raw[0]!,
    field("tcp.nxtseq", `Next Sequence Number: ${next}    (relative sequence number)`, o, 0),
    field(
      "tcp.ack",
      acked
        ? `Acknowledgment Number: ${relativeSeq(ack, base.ack!)}    (relative ack number)`
        : `Acknowledgment Number: ${ack}`,
      o + 8,
      4,
    ),
    raw[1]!,
  ];
}

/** The title's numbers: `Seq: 0, Ack: 1` relative with bases (no Ack without ACK), else raw. */
function sequenceTitle(flags: number, seq: number, ack: number, base: TcpSequenceBase | undefined): string {
  if (!base) return `Seq: ${seq}, Ack: ${ack}`;
  const rseq = relativeSeq(seq, base.seq);
  return flags & TCP_ACK && base.ack !== undefined
    ? `Seq: ${rseq}, Ack: ${relativeSeq(ack, base.ack)}`
    : `Seq: ${rseq}`;
}
