/**
 * @module lab/checks-record
 * What checks need from a lab's history, kept small: the packets that were lost and the
 * commands people ran, in time order. Hop and delivery events (the bulk of the stream) are not
 * kept: reachability and paths are probed, not inferred from history.
 *
 * "Lost" means a packet someone sent that died on the way. Routing protocol chatter, ARP and what a
 * working traceroute is meant to produce (probes expiring, the final port-unreachable) are not
 * losses; a ping whose request met a loop (TTL expired) or a dead link is.
 */
import type { CommandEvent, DropEvent, LabEvent, SocketEvent } from "../core/events.js";
import type { Nanos } from "../core/time.js";
import type { Lab } from "./lab.js";
import { isRoutingTraffic } from "../proto/registry.js";

/** A command someone started. */
export interface RanCommand {
  t: Nanos;
  node: string;
  user: string;
  command: string;
}

/** A TCP connection a node opened (its SYN left), and whether the handshake completed. */
export interface OpenedConnection {
  t: Nanos;
  node: string;
  user: string;
  /** "192.168.30.10:61791" */
  local: string;
  /** "192.168.10.200:22" */
  remote: string;
  established: boolean;
}

/** Whether a drop is a lost packet (see the module comment). */
export function isLoss(e: DropEvent): boolean {
  if (isRoutingTraffic(e.cls) || e.cls === "arp") return false;
  if (e.reason === "no-listener" || e.reason === "not-for-us") return false;
  if (e.cls === "traceroute" && (e.reason === "ttl-expired" || e.reason === "port-unreachable")) return false;
  return true;
}

/** Connections kept for `capture shows …` checks (a class's session opens far fewer). */
const MAX_CONNECTIONS = 10_000;

export class CheckRecord {
  /** Lost packets some check counts (all of them when the record was not told which: see the constructor). */
  readonly losses: DropEvent[] = [];
  readonly commands: RanCommand[] = [];
  /** Connections opened (connect, not accept), in time order; bounded by MAX_CONNECTIONS. */
  readonly connections: OpenedConnection[] = [];
  private unsubscribe: (() => void) | null = null;

  /**
   * `counted`: whether a lost packet is one a check counts (its window, its user). Losses no
   * check reads are not kept: under overload a lab can lose packets by the million, and each
   * kept one is an event held for the lesson's life (issue 23). None: every loss is kept.
   */
  constructor(private readonly counted?: (e: DropEvent) => boolean) {}

  /** Records from `lab` from now on. */
  attach(lab: Lab): this {
    this.unsubscribe?.();
    this.unsubscribe = lab.onEvent((e) => this.add(e));
    return this;
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  add(e: LabEvent): void {
    if (e.kind === "drop") {
      if (isLoss(e) && (this.counted?.(e) ?? true)) this.losses.push(e);
    } else if (e.kind === "command") {
      if (e.exit === undefined) this.commands.push(commandOf(e));
    } else if (e.kind === "socket") this.socket(e);
  }

  private socket(e: SocketEvent): void {
    if (e.from === "CLOSED" && e.state === "SYN_SENT") {
      if (this.connections.length < MAX_CONNECTIONS)
        this.connections.push({
          t: e.t,
          node: e.node,
          user: e.user,
          local: e.local,
          remote: e.remote,
          established: false,
        });
    } else if (e.from === "SYN_SENT" && e.state === "ESTABLISHED") {
      for (let i = this.connections.length - 1; i >= 0; i--) {
        const c = this.connections[i]!;
        if (c.node === e.node && c.local === e.local && c.remote === e.remote) {
          c.established = true;
          break;
        }
      }
    }
  }

  /** Forgets everything after `t` (the lab was rewound to `t`). */
  truncate(t: Nanos): void {
    cut(this.losses, t);
    cut(this.commands, t);
    cut(this.connections, t);
  }
}

function commandOf(e: CommandEvent): RanCommand {
  return { t: e.t, node: e.node, user: e.user, command: e.command };
}

/** Drops the tail of a time-ordered list past `t`. */
function cut(list: { t: Nanos }[], t: Nanos): void {
  let n = list.length;
  while (n > 0 && list[n - 1]!.t > t) n--;
  list.length = n;
}
