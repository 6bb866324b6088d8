/**
 * @module wire/tcp-sequence
 * Wireshark's relative TCP sequence numbers (its `tcp.relative_sequence_numbers`, on by
 * default): each direction of a conversation counts from its first sequence number, so a SYN
 * is `Seq: 0`, the SYN-ACK `Seq: 0, Ack: 1`, and the first data byte is 1. One frame alone
 * cannot say where its conversation started; this remembers it, as Wireshark's conversation
 * table does, from the frames it is shown in order.
 *
 * The rules are packet-tcp.c's (Wireshark 4.0, dissect_tcp): a direction's base is set by its
 * first segment seen — the sequence number itself if it is a SYN, one less otherwise (so a
 * conversation met in its middle starts at 1); a segment with ACK set and the other direction
 * not yet seen sets that direction's base to the acknowledgment number less one. Arithmetic is
 * modulo 2^32, as the numbers are.
 */
import { get16, get32 } from "./bytes.js";
import { ETHERNET_HEADER_LEN, ETHERTYPE_IPV4 } from "./ethernet.js";
import { IPPROTO_TCP, IPV4_HEADER_LEN } from "./ipv4.js";
import { TCP_ACK, TCP_HEADER_LEN, TCP_SYN, tcpAck, tcpDstPort, tcpFlags, tcpSeq, tcpSrcPort } from "./tcp.js";

/** Where one segment's relative numbers count from: its direction's base and the other's. */
export interface TcpSequenceBase {
  seq: number;
  /** The other direction's base (for the acknowledgment number); unknown until it is seen. */
  ack?: number | undefined;
}

/** Conversations remembered at most (the oldest is forgotten first): a bound, not a budget. */
export const TCP_DIRECTIONS_KEPT = 8192;

interface Segment {
  key: string;
  reverse: string;
  seq: number;
  ack: number;
  flags: number;
}

/** The TCP segment in an Ethernet II frame (first fragment, header whole), or undefined. */
function segmentOf(frame: Uint8Array): Segment | undefined {
  if (frame.length < ETHERNET_HEADER_LEN + IPV4_HEADER_LEN || get16(frame, 12) !== ETHERTYPE_IPV4)
    return undefined;
  const ip = ETHERNET_HEADER_LEN;
  const hl = (frame[ip]! & 15) * 4;
  const fragment = get16(frame, ip + 6) & 0x1fff;
  if (frame[ip + 9] !== IPPROTO_TCP || fragment !== 0 || hl < IPV4_HEADER_LEN) return undefined;
  const o = ip + hl;
  if (frame.length < o + TCP_HEADER_LEN) return undefined;
  const src = `${get32(frame, ip + 12)}:${tcpSrcPort(frame, o)}`;
  const dst = `${get32(frame, ip + 16)}:${tcpDstPort(frame, o)}`;
  return {
    key: `${src}>${dst}`,
    reverse: `${dst}>${src}`,
    seq: tcpSeq(frame, o),
    ack: tcpAck(frame, o),
    flags: tcpFlags(frame, o),
  };
}

/** The bases of each direction seen, learnt from frames in the order they crossed. */
export class TcpSequenceBases {
  private readonly base = new Map<string, number>();

  constructor(private readonly kept = TCP_DIRECTIONS_KEPT) {}

  /** Learns from `frame` (a TCP segment or not) and gives its segment's bases, if it is one. */
  observe(frame: Uint8Array): TcpSequenceBase | undefined {
    const s = segmentOf(frame);
    if (!s) return undefined;
    // Read both before remembering either: remembering one may forget the other (the bound).
    let seq = this.base.get(s.key);
    let ack = this.base.get(s.reverse);
    if (seq === undefined) {
      seq = (s.flags & TCP_SYN ? s.seq : s.seq - 1) >>> 0;
      this.remember(s.key, seq);
    }
    if (s.flags & TCP_ACK && ack === undefined) {
      ack = (s.ack - 1) >>> 0;
      this.remember(s.reverse, ack);
    }
    return { seq, ack };
  }

  /**
   * The bases for `frame` from what was learnt, without learning from it; a direction not seen
   * counts as Wireshark would count it were this frame its first.
   */
  lookup(frame: Uint8Array): TcpSequenceBase | undefined {
    const s = segmentOf(frame);
    if (!s) return undefined;
    const seq = this.base.get(s.key) ?? (s.flags & TCP_SYN ? s.seq : s.seq - 1) >>> 0;
    const ack = this.base.get(s.reverse) ?? (s.flags & TCP_ACK ? (s.ack - 1) >>> 0 : undefined);
    return { seq, ack };
  }

  private remember(key: string, base: number): void {
    if (this.base.size >= this.kept) this.base.delete(this.base.keys().next().value!);
    this.base.set(key, base);
  }
}

/** A sequence number relative to `base`, modulo 2^32. */
export function relativeSeq(value: number, base: number): number {
  return (value - base) >>> 0;
}
