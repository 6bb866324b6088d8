/**
 * @module proto/rip/rip
 * RIP version 2 (RFC 2453) protocol logic: the daemon's life, timers, triggered updates and
 * interface events. The database and route selection live in database.ts; packet parsing,
 * validation and building in packets.ts, as BIRD splits proto/rip into rip.c and packets.c.
 *
 * Timers follow BIRD rather than one event per route: one sweep timer per instance re-armed
 * at the earliest route deadline (timeout or garbage collection), one regular-update timer,
 * and one triggered-update hold-down timer. The event queue holds at most three RIP events
 * per node however large the table.
 */
import { formatIpv4 } from "../../core/ip.js";
import type { Nanos } from "../../core/time.js";
import type { Datagram, Host, HostInterface, RoutingDaemon, TimerHandle } from "../../sim/host.js";
import { RIP_GROUP, RIP_INFINITY, RIP_PORT } from "../../wire/rip.js";
import { RipOutbox } from "./outbox.js";
import { receive, sendRequest, sendUpdate, transmit } from "./packets.js";
import { RipDatabase } from "./database.js";
import type { RouteTable } from "./table.js";
import { buildStatus, formatStatus, type RipStatus } from "./status.js";
import type { RipCore, RipCounterName, RipIfaceCounters, RipNeighbour, RipRoute } from "./types.js";

function newCounters(): RipIfaceCounters {
  return {
    rxRequests: 0,
    rxResponses: 0,
    rxBadPackets: 0,
    rxBadRoutes: 0,
    txRequests: 0,
    txUpdates: 0,
    txTriggered: 0,
    txAnswers: 0,
    txErrors: 0,
  };
}

/** A RIPv2 router process for one node: `new RipDaemon(settings)`, then the node calls start(host). */
export class RipDaemon extends RipDatabase implements RoutingDaemon, RipCore {
  readonly name = "rip";
  private ifCounters: RipIfaceCounters[] = [];
  private neighbours = new Map<number, RipNeighbour>();
  private counters = new Map<RipCounterName, number>();
  private socket: { close(): void } | null = null;
  /** Outgoing messages, one event each after the first (outbox.ts). */
  readonly outbox: RipOutbox = new RipOutbox(
    () => this.host,
    (payload, dst, port, opts, ifIndex, kind): boolean =>
      transmit(this, payload, dst, port, opts, ifIndex, kind),
  );
  private ifWatch: { close(): void } | null = null;

  // Timers (BIRD style: per instance, never per route).
  private updateTimer: TimerHandle | null = null;
  private nextUpdate: Nanos = Number.POSITIVE_INFINITY;
  private sweepTimer: TimerHandle | null = null;
  private sweepAt: Nanos = Number.POSITIVE_INFINITY;
  /** A triggered update is wanted (changed routes wait to be sent). */
  private triggerPending = false;
  /** Timer of the next triggered update (at once, or at the end of the hold-back), and when it fires. */
  private triggerTimer: TimerHandle | null = null;
  private triggerAt: Nanos = Number.POSITIVE_INFINITY;
  /** Triggered updates are held back until then: the last one went out less than triggeredMin..Max ago. */
  private holdUntil: Nanos = Number.NEGATIVE_INFINITY;

  /** Whether the daemon runs (between start and stop). */
  get running(): boolean {
    return this.h !== null;
  }

  // ---- RoutingDaemon --------------------------------------------------------------------------

  start(host: Host): void {
    if (this.h !== null) this.stop();
    this.h = host;
    this.routes.clear();
    this.routes.capacityHint = () => host.labPrefixes?.() ?? 0;
    this.neighbours.clear();
    this.ifCounters = [];
    this.triggerPending = false;
    this.triggerAt = Number.POSITIVE_INFINITY;
    this.holdUntil = Number.NEGATIVE_INFINITY;
    this.socket = host.udpBind(RIP_PORT, (d) => this.onDatagram(d));
    host.joinGroup(RIP_GROUP);
    this.ifWatch = host.onInterfaceChange((i) => this.onInterfaceChange(i));
    // Our connected networks enter the database as new routes (metric 1, "redistribute
    // connected"); new routes trigger an update (RFC 2453 3.9.2). Then a whole-table request
    // on every interface (RFC 2453 3.9.1; routed(8) at start-up), answered at once.
    //
    // Determinism of equal-cost choices: the requests leave in interface order, so with equal
    // link delays the answers come back in that order and the first of two equal metrics is
    // kept (RFC 2453 3.9.2). On the seed network vm1 asks vm2 (epair0a) before vm3 (epair1a),
    // hears vm2's 10.0.30.0/24 first and keeps it — the table the seed post prints. All
    // daemons start at t=0, before any request arrives, so every request is answered.
    for (const i of host.interfaces()) if (i.isLink && i.up) this.addConnected(i, "rip start");
    for (const i of host.interfaces()) if (i.isLink && i.up) sendRequest(this, i);
    // First regular update at a random point of the first interval, never in the first
    // fifteenth (routed: random in [2 s, 30 s)), so routers do not synchronise.
    const s = this.settings;
    this.scheduleUpdate(s.update / 15 + host.rng.float() * (s.update - s.update / 15));
    // The connected networks' triggered update waits one hold-back: "Start broadcasting after
    // hearing from other routers" (routed main.c; rip_on() also keeps quiet MIN_WAITTIME), so
    // the answers to our requests, which come back in interface order, are what we learn first.
    this.holdBack();
    this.requestTriggered();
  }

  stop(): void {
    this.socket?.close();
    this.socket = null;
    this.outbox.clear();
    this.ifWatch?.close();
    this.ifWatch = null;
    this.updateTimer?.cancel();
    this.updateTimer = null;
    this.nextUpdate = Number.POSITIVE_INFINITY;
    this.sweepTimer?.cancel();
    this.sweepTimer = null;
    this.sweepAt = Number.POSITIVE_INFINITY;
    this.triggerTimer?.cancel();
    this.triggerTimer = null;
    this.triggerAt = Number.POSITIVE_INFINITY;
    this.triggerPending = false;
    // Routes stay in the FIB: the node flushes dynamic routes when it crashes (sim/host.ts).
    this.h = null;
  }

  // ---- RipCore (used by packets.ts) -----------------------------------------------------------

  ifaceCounters(iface: number): RipIfaceCounters {
    let c = this.ifCounters[iface];
    if (c === undefined) {
      c = newCounters();
      this.ifCounters[iface] = c;
    }
    return c;
  }

  count(what: RipCounterName, nb?: RipNeighbour): void {
    this.counters.set(what, (this.counters.get(what) ?? 0) + 1);
    if (nb === undefined) return;
    if (what === "bad-afi" || what === "bad-metric" || what === "bad-mask" || what === "bad-address")
      nb.badRoutes++;
    else if (what !== "reserved-nonzero" && what !== "nexthop-ignored" && what !== "classful-mask")
      nb.badPackets++;
  }

  neighbour(addr: number, iface: HostInterface): RipNeighbour {
    let n = this.neighbours.get(addr);
    if (n === undefined) {
      n = { addr, iface: iface.index, lastHeard: this.host.now(), badPackets: 0, badRoutes: 0 };
      this.neighbours.set(addr, n);
    }
    n.iface = iface.index;
    return n;
  }

  get routeTable(): RouteTable {
    return this.routes;
  }

  route(dest: number, len: number): RipRoute | undefined {
    return this.routes.get(dest, len);
  }

  sortedRoutes(): readonly RipRoute[] {
    return this.routes.sorted();
  }

  changedRoutes(): readonly RipRoute[] {
    const t = this.routes;
    return Array.from(t.changedSlots(), (slot) => t.at(slot));
  }

  isOwnAddress(a: number): boolean {
    for (const i of this.host.interfaces()) if (i.isLink && i.addr === a) return true;
    return false;
  }

  private onInterfaceChange(i: HostInterface): void {
    if (this.h === null || !i.isLink) return;
    if (!i.up) {
      // Routes through it (and its own network) become unreachable at once: metric 16, out of
      // the FIB, garbage collection, and a triggered update on the remaining interfaces.
      const reason = `interface ${i.name} down`;
      for (const r of this.routes.values())
        if (r.iface === i.index && r.metric < RIP_INFINITY) this.startDeletion(r, "garbage", reason);
      for (const [a, n] of this.neighbours) if (n.iface === i.index) this.neighbours.delete(a);
    } else {
      this.addConnected(i, `interface ${i.name} up`);
      sendRequest(this, i);
      this.requestTriggered();
    }
  }

  // ---- timers ---------------------------------------------------------------------------------

  /** Makes sure the sweep runs no later than `deadline`. */
  protected armSweep(deadline: Nanos): void {
    if (deadline >= this.sweepAt || !Number.isFinite(deadline)) return;
    this.sweepTimer?.cancel();
    this.sweepAt = deadline;
    const h = this.host;
    this.sweepTimer = h.timer(Math.max(0, deadline - h.now()), () => this.sweep());
  }

  /** Expires timed-out routes and removes garbage, then re-arms at the earliest deadline (BIRD's rip_timer). */
  private sweep(): void {
    this.sweepTimer = null;
    this.sweepAt = Number.POSITIVE_INFINITY;
    if (this.h === null) return;
    const now = this.h.now();
    let next = Number.POSITIVE_INFINITY;
    // One pass over the routes in prefix order (a snapshot: deleting does not disturb it).
    for (const r of this.routes.sorted()) {
      if (r.metric < RIP_INFINITY) {
        if (r.expires <= now) {
          const silent = Math.round(this.settings.timeout / 1e9);
          this.startDeletion(r, "timeout", `timeout (nothing from ${formatIpv4(r.from)} for ${silent}s)`);
        }
      } else if (r.gcAt <= now) {
        this.routes.delete(r);
        r.changed = false;
        continue;
      }
      const d = r.metric < RIP_INFINITY ? r.expires : r.gcAt;
      if (d < next) next = d;
    }
    // startDeletion may have armed the timer already; keep the earliest.
    if (Number.isFinite(next)) this.armSweep(next);
  }

  private scheduleUpdate(delay: Nanos): void {
    this.updateTimer?.cancel();
    const h = this.host;
    this.nextUpdate = h.now() + delay;
    this.updateTimer = h.timer(delay, () => this.regularUpdate());
  }

  /**
   * Every `update` (30 s) the whole table goes out on every interface. The interval is drawn
   * uniformly from update ± update/6 each time — RFC 2453 3.8's "30 s offset by ±0 to 5 s",
   * scaled when a class shrinks the timers.
   */
  private regularUpdate(): void {
    this.updateTimer = null;
    if (this.h === null) return;
    const h = this.h;
    sendUpdate(this, h.interfaces(), "update");
    // The regular update carried every change: a pending triggered update is moot, and the
    // next change goes out at once (FRR's rip_update() stops t_triggered_interval).
    this.clearChanged();
    this.triggerPending = false;
    this.triggerTimer?.cancel();
    this.triggerTimer = null;
    this.triggerAt = Number.POSITIVE_INFINITY;
    this.holdUntil = Number.NEGATIVE_INFINITY;
    const u = this.settings.update;
    this.scheduleUpdate(u + (h.rng.float() * 2 - 1) * (u / 6));
  }

  /**
   * Triggered updates (RFC 2453 3.10.1). The first change sends one at once — after the event
   * being handled, so every change it makes (all the entries of one message, all the routes
   * of an interface that went down) goes out in that one update, listing only changed routes.
   * Sending starts a hold-back of random triggeredMin..triggeredMax (1–5 s): changes in it
   * wait and go out together when it ends. A held-back update is suppressed when the regular
   * update is due first — it carries every route anyway. routed does the same (main.c sends
   * the flash update when `no_flash` has passed; output.c rip_bcast() sets `no_flash` to now
   * + random MIN_WAITTIME..MAX_WAITTIME after sending), and so does FRR (ripd.c
   * rip_triggered_update). Holding back the *first* one as well left neighbours' regular
   * updates time to re-teach a dead route: stale routes and loops for tens of seconds.
   */
  protected requestTriggered(): void {
    this.triggerPending = true;
    if (this.triggerTimer !== null || this.h === null) return;
    const h = this.h;
    const now = h.now();
    const at = Math.max(now, this.holdUntil);
    if (at > now && at >= this.nextUpdate) return; // suppressed: the regular update comes first
    this.triggerAt = at;
    this.triggerTimer = h.timer(at - now, () => this.triggeredUpdate());
  }

  private triggeredUpdate(): void {
    this.triggerTimer = null;
    this.triggerAt = Number.POSITIVE_INFINITY;
    if (this.h === null || !this.triggerPending) return;
    const h = this.h;
    this.triggerPending = false;
    sendUpdate(this, h.interfaces(), "triggered");
    this.clearChanged();
    this.holdBack();
  }

  /** Starts a hold-back: triggered updates wait until random triggeredMin..triggeredMax from now. */
  private holdBack(): void {
    const h = this.host;
    const s = this.settings;
    this.holdUntil = h.now() + s.triggeredMin + h.rng.float() * (s.triggeredMax - s.triggeredMin);
  }

  // ---- input ------------------------------------------------------------------------------------

  private onDatagram(d: Datagram): void {
    receive(this, d);
  }

  // ---- introspection ---------------------------------------------------------------------------

  /** The daemon's state as data: settings, timers, interfaces, neighbours, routes, counters. */
  status(): RipStatus {
    const h = this.h;
    return buildStatus({
      node: h?.name ?? "",
      now: h?.now() ?? 0,
      running: h !== null,
      settings: this.settings,
      interfaces: h?.interfaces() ?? [],
      routes: this.sortedRoutes(),
      neighbours: [...this.neighbours.values()].sort((a, b) => a.addr - b.addr),
      counters: this.counters,
      ifCounters: this.ifCounters,
      nextUpdate: this.nextUpdate,
      triggerPending: this.triggerPending,
      triggerAt: this.triggerAt,
    });
  }

  /** The status as text for people. */
  formatStatus(): string {
    return formatStatus(this.status());
  }

  /** Total of a drop/note counter (see types.ts for the reasons). */
  counter(what: RipCounterName): number {
    return this.counters.get(what) ?? 0;
  }
}
