/**
 * @module server/http/user-stats
 * Per-user packet counters for the page ("alice: 12 sent, 10 delivered, 2 lost"), computed
 * from the lab's event stream on the server, so every viewer sees the same numbers however
 * much of the stream their browser was sent.
 *
 * A packet is counted once however many links it crosses, in one of three outcomes:
 * - `sent` when its id is first seen (its first hop, or a delivery or drop without a hop, as on
 *   a router's own address);
 * - `delivered` when it reaches the node it was addressed to. One that got there and found
 *   nobody (`port-unreachable`, as traceroute's last probes do; `proto-unreachable`;
 *   `no-listener`; a TCP segment answered by a RST, `tcp-reset`, or a SYN a full listener dropped) was delivered by the network too: its refusal goes under `refusedBy`;
 * - `answered` when a router on the way stopped it and said so: TTL expired (ICMP time
 *   exceeded, each of traceroute's probes but the last) or no route (ICMP unreachable). A
 *   router sends those about every packet it was forwarding except an ICMP error (RFC 1812
 *   4.3.2.7; sim/ip-input.ts's `ipForward` and sim/ip-deliver.ts's `icmpError`): so a packet that took a hop first and was
 *   not itself an ICMP error. By reason under `answeredBy`;
 * - `lost` when it vanished with no answer (a link down or cut, random loss, a full queue, a
 *   router down, or an answer that could not be sent), by reason under `lostBy`.
 * A clean traceroute is then all delivered or answered, and lost 0. ARP frames are not counted:
 * they are the link layer's, not anyone's traffic (a packet ARP could not deliver is `lost`,
 * reason `unresolved`).
 *
 * On a lab that can be rewound the counters follow its timeline (`Lab.followTimeline`): after
 * a rewind they are what the lab had counted at the moment rewound to. Memory is bounded: the
 * packets remembered to avoid double counting are the most recent MAX_TRACKED.
 */
import type { DropReason, LabEvent } from "../../core/events.js";
import type { Lab } from "../../lab/lab.js";

export interface UserCounters {
  sent: number;
  delivered: number;
  /** Stopped on the way by a router that answered (ICMP time exceeded or unreachable). */
  answered: number;
  lost: number;
  /** Answered packets by reason. */
  answeredBy: Partial<Record<DropReason, number>>;
  /** Losses by reason. */
  lostBy: Partial<Record<DropReason, number>>;
  /** Delivered packets the node refused (nobody listening), by reason. */
  refusedBy: Partial<Record<DropReason, number>>;
}

/** Drop reasons that mean the packet arrived where it was sent and nobody took it. */
const ARRIVED: ReadonlySet<DropReason> = new Set([
  "port-unreachable",
  "proto-unreachable",
  "no-listener",
  "tcp-reset",
  "listen-queue-full",
]);
/** Drop reasons a forwarding router answers with an ICMP error (sim/ip-input.ts `ipForward`). */
const ANSWERED: ReadonlySet<DropReason> = new Set(["ttl-expired", "no-route", "broadcast"]);

const MAX_TRACKED = 100_000;
/** Users counted one by one; any more (scripts inventing names) share one row. */
const MAX_USERS = 1000;
export const OTHER_USERS = "(others)";
const SEEN = 1;
const DELIVERED = 2;
const DROPPED = 4;
const HOPPED = 8;

export class UserStats {
  private readonly counters = new Map<string, UserCounters>();
  /** Packet id → flags; Map order is insertion order, so the oldest go first when full. */
  private readonly packets = new Map<number, number>();
  private unsubscribe: (() => void) | null = null;

  /** Starts counting the events of `lab` (its timeline's, when it can be rewound). */
  attach(lab: Lab): this {
    this.unsubscribe?.();
    this.unsubscribe = lab.followTimeline
      ? lab.followTimeline({ restart: () => this.reset(), event: (e) => this.add(e) })
      : lab.onEvent((e) => this.add(e));
    return this;
  }

  /** Forgets every count (the lab is being replayed from its start). */
  reset(): void {
    this.counters.clear();
    this.packets.clear();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Counts one event (hop, deliver and drop count; the rest are ignored). */
  add(e: LabEvent): void {
    if (e.kind !== "hop" && e.kind !== "deliver" && e.kind !== "drop") return;
    // ARP frames are the link layer's housekeeping, not packets anyone sent.
    if (e.cls === "arp") return;
    let flags = this.packets.get(e.packet);
    const c = this.of(e.user);
    if (flags === undefined) {
      if (this.packets.size >= MAX_TRACKED) this.forgetOldest();
      flags = SEEN;
      c.sent++;
    }
    if (e.kind === "deliver" && !(flags & DELIVERED)) {
      flags |= DELIVERED;
      c.delivered++;
    } else if (e.kind === "drop" && ARRIVED.has(e.reason)) {
      if (!(flags & DELIVERED)) c.delivered++;
      if (!(flags & DROPPED)) c.refusedBy[e.reason] = (c.refusedBy[e.reason] ?? 0) + 1;
      flags |= DELIVERED | DROPPED;
    } else if (e.kind === "drop" && !(flags & DROPPED)) {
      flags |= DROPPED;
      if (ANSWERED.has(e.reason) && flags & HOPPED && e.cls !== "icmp-error") {
        c.answered++;
        c.answeredBy[e.reason] = (c.answeredBy[e.reason] ?? 0) + 1;
      } else {
        c.lost++;
        c.lostBy[e.reason] = (c.lostBy[e.reason] ?? 0) + 1;
      }
    }
    if (e.kind === "hop") flags |= HOPPED;
    this.packets.set(e.packet, flags);
  }

  /** A copy of every user's counters, by user name. */
  snapshot(): Record<string, UserCounters> {
    const out: Record<string, UserCounters> = {};
    for (const [u, c] of [...this.counters].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
      out[u] = {
        sent: c.sent,
        delivered: c.delivered,
        answered: c.answered,
        lost: c.lost,
        answeredBy: { ...c.answeredBy },
        lostBy: { ...c.lostBy },
        refusedBy: { ...c.refusedBy },
      };
    return out;
  }

  private of(user: string): UserCounters {
    let c = this.counters.get(user);
    if (!c && this.counters.size >= MAX_USERS && user !== OTHER_USERS) return this.of(OTHER_USERS);
    if (!c) {
      c = { sent: 0, delivered: 0, answered: 0, lost: 0, answeredBy: {}, lostBy: {}, refusedBy: {} };
      this.counters.set(user, c);
    }
    return c;
  }

  private forgetOldest(): void {
    let n = MAX_TRACKED / 10;
    for (const k of this.packets.keys()) {
      if (n-- <= 0) break;
      this.packets.delete(k);
    }
  }
}
