/**
 * @module sim/tcp/tcp.testkit
 * A three-router chain (r1 - r2 - r3, static routes) with every TCP segment put on a wire
 * recorded, for the conformance tests: `segs` in time order with the link they crossed.
 */
import type { LabEvent } from "../../core/events.js";
import { formatIpv4 } from "../../core/ip.js";
import {
  ETHERNET_HEADER_LEN,
  ETHERTYPE_IPV4,
  ethernetType,
  ipv4Dst,
  ipv4Src,
  parseTcp,
  type TcpRepr,
  tcpFlagsText,
  WireError,
} from "../../wire/index.js";
import { buildNetwork } from "../build.js";
import type { Network } from "../network.js";
import type { SimNode } from "../node.js";
import { chainTopology, withChainStatics } from "../test-topology.js";
import type { TcpSocket } from "./socket.js";

export const ip = (s: string): number => s.split(".").reduce((a, o) => a * 256 + Number(o), 0);

export interface Seg extends TcpRepr {
  t: number;
  link: string;
  src: string;
  dst: string;
}

export interface Bench {
  net: Network;
  node: (name: string) => SimNode;
  segs: Seg[];
  events: LabEvent[];
  /** Raw IPv4 bytes of every segment, for pcap. */
  /** The Ethernet frames that carried `segs`, in step with them (for pcap files). */
  frames: { t: number; bytes: Uint8Array }[];
}

/** r1 - r2 - r3 on 10.0.0.0/24 and 10.0.1.0/24, 1 ms links; r3 is 10.0.1.2. */
export function bench(seed = 1, opts: { delay?: number } = {}): Bench {
  const net = buildNetwork(withChainStatics(chainTopology(3, opts)), seed);
  const segs: Seg[] = [];
  const frames: { t: number; bytes: Uint8Array }[] = [];
  const events: LabEvent[] = [];
  net.trace = (e) => events.push(e);
  net.capture = (link, t, frame) => {
    // Links carry Ethernet frames: the IPv4 datagrams among them, TCP's only.
    if (ethernetType(frame) !== ETHERTYPE_IPV4) return;
    const bytes = frame.subarray(ETHERNET_HEADER_LEN);
    if (bytes[9] !== 6) return;
    frames.push({ t, bytes: frame.slice() });
    const total = (bytes[2]! << 8) | bytes[3]!;
    const r = parseTcp(bytes, 20, total - 20, ipv4Src(bytes), ipv4Dst(bytes));
    if (r instanceof WireError) throw new Error(`bad segment on the wire: ${r.reason}`);
    segs.push({
      ...r,
      payload: r.payload.slice(),
      t,
      link: link.id,
      src: formatIpv4(ipv4Src(bytes)),
      dst: formatIpv4(ipv4Dst(bytes)),
    });
  };
  return { net, node: (name) => net.byName.get(name)!, segs, events, frames };
}

/** tcpdump-like one-liners of the segments on one link, sequence numbers relative to each side's ISN. */
export function trace(segs: readonly Seg[], link = "r1-r2"): string[] {
  const isn = new Map<string, number>();
  const out: string[] = [];
  for (const s of segs) {
    if (s.link !== link) continue;
    const from = `${s.src}.${s.srcPort}`;
    const to = `${s.dst}.${s.dstPort}`;
    if (s.flags & 2 && !isn.has(from)) isn.set(from, s.seq);
    const mine = isn.get(from) ?? s.seq;
    const theirs = isn.get(to);
    let line = `${from} > ${to} [${tcpFlagsText(s.flags)}] seq ${(s.seq - mine) >>> 0}`;
    if (s.flags & 0x10) line += ` ack ${theirs === undefined ? s.ack : (s.ack - theirs) >>> 0}`;
    if (s.payload.length > 0) line += ` len ${s.payload.length}`;
    out.push(line);
  }
  return out;
}

/** Collects everything a socket reads into a string, and its close reason. */
export function collect(s: TcpSocket): {
  text: () => string;
  closed: () => string | undefined;
  ended: () => boolean;
} {
  const chunks: Uint8Array[] = [];
  let closed: string | undefined;
  let ended = false;
  s.handlers.data = () => chunks.push(s.read());
  s.handlers.end = () => {
    chunks.push(s.read());
    ended = true;
  };
  s.handlers.closed = (e) => {
    closed = e ?? "closed";
  };
  return {
    text: () => chunks.map((c) => new TextDecoder().decode(c)).join(""),
    closed: () => closed,
    ended: () => ended,
  };
}
