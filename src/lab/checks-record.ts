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
import type { CommandEvent, DropEvent, LabEvent } from "../core/events.js";
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

/** Whether a drop is a lost packet (see the module comment). */
export function isLoss(e: DropEvent): boolean {
  if (isRoutingTraffic(e.cls) || e.cls === "arp") return false;
  if (e.reason === "no-listener" || e.reason === "not-for-us") return false;
  if (e.cls === "traceroute" && (e.reason === "ttl-expired" || e.reason === "port-unreachable")) return false;
  return true;
}

export class CheckRecord {
  readonly losses: DropEvent[] = [];
  readonly commands: RanCommand[] = [];
  private unsubscribe: (() => void) | null = null;

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
      if (isLoss(e)) this.losses.push(e);
    } else if (e.kind === "command") {
      if (e.exit === undefined) this.commands.push(commandOf(e));
    }
  }

  /** Forgets everything after `t` (the lab was rewound to `t`). */
  truncate(t: Nanos): void {
    cut(this.losses, t);
    cut(this.commands, t);
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
