/**
 * @module engines/netns/tcp-flows
 * TCP connections as the captures see them (capture.ts), for what the simulator's sockets tell
 * directly: whose connection a segment belongs to, and the `socket` events a lesson's
 * `capture shows A connecting to B port P` reads (lab/checks-record.ts).
 *
 * - Owner: a connection belongs to the user whose mark its first SYN carried (nc -T, ssh
 *   -o IPQoS: the user's DSCP, user-marks.ts). Every later segment of it, both ways, is theirs
 *   by its addresses and ports, whatever its TOS byte (sshd sets its own IPQoS after login;
 *   the server's kernel does not copy the client's TOS).
 * - A relay's onward connection: the real xinetd's own connect() carries no mark. As on the
 *   simulator (apps/xinetd.ts charges it to the caller), an unmarked SYN leaving a node within
 *   RELAY_WINDOW of a user's SYN arriving there is charged to that user, once per arrival.
 *   This is an inference from timing (the kernel does not link the two sockets): a root
 *   connection from the same node in that second would be charged to the caller too.
 * - Socket events: a SYN is CLOSED → SYN_SENT on the node that owns its source address; the
 *   SYN-ACK arriving back is SYN_SENT → ESTABLISHED; a RST instead is SYN_SENT → CLOSED
 *   (ECONNREFUSED). Retransmitted SYNs are not new connections.
 * - Order: each link has its own tcpdump, so frames of different links reach us in any order
 *   (a SYN's second hop may come before its first). A connection is therefore opened, and an
 *   arrival noted for the node owning the destination, at the first sighting of its SYN on any
 *   link; only the relay inference depends on the caller's SYN being seen before the relay's.
 */
import type { LabEvent } from "../../core/events.js";
import { formatIpv4, type Ipv4 } from "../../core/ip.js";
import { type Nanos, SECOND } from "../../core/time.js";
import {
  IPPROTO_TCP,
  ipv4Dst,
  ipv4Ihl,
  ipv4Protocol,
  ipv4Src,
  TCP_ACK as ACK,
  TCP_RST as RST,
  TCP_SYN as SYN,
  tcpDstPort,
  tcpFlags,
  tcpSrcPort,
} from "../../wire/index.js";

/** How soon after a user's connection arrives a node's unmarked connection is taken as its relay. */
export const RELAY_WINDOW: Nanos = SECOND;
/** Connections remembered (owners and half-open handshakes); forgotten all at once past it. */
const MAX_FLOWS = 100_000;

/** A TCP segment's addresses, ports and flags, from an IPv4 packet; undefined if not TCP. */
export interface Segment {
  src: Ipv4;
  dst: Ipv4;
  sport: number;
  dport: number;
  flags: number;
}

export function tcpSegment(ip: Uint8Array): Segment | undefined {
  const ihl = ipv4Ihl(ip) * 4;
  if (ipv4Protocol(ip) !== IPPROTO_TCP || ip.length < ihl + 14) return undefined;
  // A fragment after the first carries no TCP header.
  if (((ip[6]! & 0x1f) << 8) | ip[7]!) return undefined;
  return {
    src: ipv4Src(ip),
    dst: ipv4Dst(ip),
    sport: tcpSrcPort(ip, ihl),
    dport: tcpDstPort(ip, ihl),
    flags: tcpFlags(ip, ihl),
  };
}

const end = (a: Ipv4, p: number) => `${formatIpv4(a)}:${p}`;

interface Pending {
  node: string;
  user: string;
  local: string;
  remote: string;
}

export class TcpFlows {
  /** "local>remote" (either direction) → the user the connection belongs to. */
  private readonly owners = new Map<string, string>();
  /** Handshakes under way, by "client>server". */
  private readonly pending = new Map<string, Pending>();
  /** The last user connection that arrived at a node and has not yet been relayed. */
  private readonly arrived = new Map<string, { t: Nanos; user: string }>();

  constructor(
    /** The node an address belongs to (aliases included), if any. */
    private readonly ownerOf: (addr: Ipv4) => string | undefined,
    private readonly emit: (e: LabEvent) => void,
  ) {}

  /**
   * One segment seen going `from` → `to` at `t`, its TOS byte's user `marked`: returns the user
   * it belongs to, and emits the socket events it makes.
   */
  seen(t: Nanos, s: Segment, marked: string): string {
    const fwd = `${end(s.src, s.sport)}>${end(s.dst, s.dport)}`;
    const rev = `${end(s.dst, s.dport)}>${end(s.src, s.sport)}`;
    if ((s.flags & (SYN | ACK)) === SYN && !this.pending.has(fwd)) {
      const client = this.ownerOf(s.src);
      if (client !== undefined) this.opened(t, client, s, fwd, rev, marked);
    }
    const user = this.owners.get(fwd) ?? marked;
    const server = this.ownerOf(s.dst);
    if (server !== undefined) this.answered(t, server, s, rev);
    return user;
  }

  private opened(t: Nanos, node: string, s: Segment, fwd: string, rev: string, marked: string): void {
    if (this.owners.size > MAX_FLOWS || this.pending.size > MAX_FLOWS) {
      this.owners.clear();
      this.pending.clear();
    }
    let user = this.owners.get(fwd) ?? marked;
    const came = this.arrived.get(node);
    if (user === "root" && came !== undefined && t - came.t <= RELAY_WINDOW) {
      user = came.user;
      this.arrived.delete(node);
    }
    this.owners.set(fwd, user);
    this.owners.set(rev, user);
    const server = this.ownerOf(s.dst);
    if (user !== "root" && server !== undefined) this.arrived.set(server, { t, user });
    const p: Pending = { node, user, local: end(s.src, s.sport), remote: end(s.dst, s.dport) };
    this.pending.set(fwd, p);
    this.emit({ kind: "socket", t, node, user, proto: "tcp", ...pick(p), from: "CLOSED", state: "SYN_SENT" });
  }

  /** A segment arriving at the client of a handshake under way: its answer. */
  private answered(t: Nanos, node: string, s: Segment, rev: string): void {
    const p = this.pending.get(rev);
    if (p === undefined || p.node !== node) return;
    // The SYN-ACK opens the connection; a RST refuses it (FreeBSD's connect: ECONNREFUSED).
    const opened = (s.flags & (SYN | ACK)) === (SYN | ACK);
    const refused = !opened && (s.flags & RST) !== 0;
    if (!opened && !refused) return;
    this.pending.delete(rev);
    this.emit({
      kind: "socket",
      t,
      node,
      user: p.user,
      proto: "tcp",
      ...pick(p),
      from: "SYN_SENT",
      state: refused ? "CLOSED" : "ESTABLISHED",
      ...(refused ? { error: "ECONNREFUSED" } : {}),
    });
  }
}

const pick = (p: Pending) => ({ local: p.local, remote: p.remote });
