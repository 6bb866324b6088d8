/**
 * @module proto/rip/rip
 * RIP version 2 (RFC 2453) protocol logic: the routing database, route selection, timers,
 * triggered updates and interface events. Packet parsing, validation and building live in
 * packets.ts, as BIRD splits proto/rip into rip.c and packets.c.
 *
 * Timers follow BIRD rather than one event per route: one sweep timer per instance re-armed
 * at the earliest route deadline (timeout or garbage collection), one regular-update timer,
 * and one triggered-update hold-down timer. The event queue holds at most three RIP events
 * per node however large the table.
 *
 * Route selection is RFC 2453 3.9.2: a lower metric from anyone replaces the route; news from
 * the router the route came from is always believed (worse metric, or 16 which starts the
 * deletion); an equal metric from another router is ignored — the first-learned route is
 * kept, as routed and FRR do, which is why the seed's vm1 keeps vm2 for 10.0.30.0 — unless
 * the current route is at least halfway to its timeout (the RFC's "highly recommended"
 * heuristic; routed's STALE_TIME does the same at 90 s).
 */
import { formatIpv4 } from "../../core/ip.js";
import type { Nanos } from "../../core/time.js";
import type { Datagram, Host, HostInterface, Reason, RoutingDaemon, TimerHandle } from "../../sim/host.js";
import type { RipSettings } from "../../topology/model.js";
import { RIP_GROUP, RIP_INFINITY, RIP_PORT } from "../../wire/rip.js";
import { RipOutbox } from "./outbox.js";
import { receive, sendRequest, sendUpdate, transmit } from "./packets.js";
import { resolveRipSettings } from "./settings.js";
import { explain, forgetHeard, heardAt, type RouteInit, RouteTable, WHY } from "./table.js";
import { buildStatus, formatStatus, type RipStatus } from "./status.js";
import type {
  RipCore,
  RipCounterName,
  RipIfaceCounters,
  RipNeighbour,
  RipRoute,
  RipRouteState,
} from "./types.js";

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
export class RipDaemon implements RoutingDaemon, RipCore {
  readonly name = "rip";
  readonly settings: RipSettings;
  private h: Host | null = null;
  /** The database, kept in prefix order (dest, then length): the order updates list routes in. */
  private routes = new RouteTable();
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

  constructor(settings: Partial<RipSettings> = {}) {
    this.settings = resolveRipSettings(settings);
  }

  get host(): Host {
    if (this.h === null) throw new Error("rip: daemon not started");
    return this.h;
  }

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

  /** RFC 2453 3.9.2, after validation; `metric` already includes the cost of the network (+1). */
  learn(
    dest: number,
    len: number,
    metric: number,
    from: number,
    nextHop: number,
    iface: number,
    tag: number,
  ): void {
    const t = this.routes;
    const slot = t.slotOf(dest, len);
    if (slot < 0) {
      if (metric < RIP_INFINITY) this.learnNew(dest, len, metric, from, nextHop, iface, tag, this.host.now());
      // (no point adding an unusable route)
      return;
    }
    // The common cases (a refresh, worse news from another router) read only the table's
    // columns; the route object is touched when something changes, in the methods below, so
    // that this path stays small (it is the one run for nearly every entry of every message).
    // The clock is read where it is used, not once into a local: V8 boxed such a local (a
    // fraction of nanoseconds is no small integer) for the calls below on every entry, ~1 M
    // heap numbers a random-100 run (the sampling heap profiler, with collected objects).
    const c = t.cols;
    const current = c.metric[slot]!;
    const same = c.connected[slot] === 0 && c.from[slot] === from;
    if (same && current < RIP_INFINITY) {
      c.expires[slot] = this.host.now() + this.settings.timeout; // reinitialise the timeout (RFC 2453 3.9.2); heard = expires - timeout
    }
    if ((same && metric !== current) || metric < current) {
      this.learnChange(t.at(slot), same, metric, from, nextHop, iface, tag, this.host.now());
      return;
    }
    if (metric >= RIP_INFINITY || metric !== current) return; // worse news from another router
    if (same) {
      // Same router, same metric: a refresh. A changed next-hop field or tag is adopted quietly.
      if (c.nextHop[slot] !== nextHop || c.tag[slot] !== tag || c.iface[slot] !== iface)
        this.learnNextHop(t.at(slot), from, nextHop, iface, tag);
      return;
    }
    // Equal metric from another router: keep the first-learned route, unless it is at least
    // halfway to its timeout (RFC 2453 3.9.2 heuristic).
    if (c.connected[slot] === 1) return;
    const timeout = this.settings.timeout;
    const heardAgo = this.host.now() - (c.expires[slot]! - timeout);
    if (heardAgo >= timeout / 2)
      this.learnSwitch(t.at(slot), heardAgo, metric, from, nextHop, iface, tag, this.host.now());
  }

  // Reasons are recipes (sim/host.ts Reason): while a network converges every router changes
  // hundreds of routes, and the text is made only for those someone looks at.

  /** A prefix heard of for the first time. */
  private learnNew(
    dest: number,
    len: number,
    metric: number,
    from: number,
    nextHop: number,
    iface: number,
    tag: number,
    now: Nanos,
  ): void {
    const nr = this.addRoute({
      dest,
      len,
      metric,
      from,
      nextHop,
      iface,
      tag,
      connected: false,
      expires: now + this.settings.timeout,
      heard: now,
    });
    explain(nr, WHY.learned, from);
    this.install(nr, () => `learned from ${formatIpv4(from)} (metric ${metric})`);
    this.armSweep(nr.expires);
    this.requestTriggered();
  }

  /** New metric from the current router, or a better one from another. */
  private learnChange(
    r: RipRoute,
    same: boolean,
    metric: number,
    from: number,
    nextHop: number,
    iface: number,
    tag: number,
    now: Nanos,
  ): void {
    if (metric >= RIP_INFINITY) {
      // From the current router: the deletion process starts (only when first set to 16).
      this.startDeletion(r, "garbage", () => `withdrawn by ${formatIpv4(from)} (metric 16)`);
      explain(r, WHY.withdrawn, from);
      return;
    }
    const was = r.metric;
    const wasFrom = r.from;
    const wasConnected = r.connected;
    let reason: () => string;
    if (was >= RIP_INFINITY) reason = () => `learned from ${formatIpv4(from)} (metric ${metric})`;
    else if (same) reason = () => `metric changed ${was} → ${metric} by ${formatIpv4(from)}`;
    else
      reason = () =>
        `better metric ${metric} via ${formatIpv4(from)} (was ${was}${wasConnected ? " connected" : ` via ${formatIpv4(wasFrom)}`})`;
    this.adopt(r, metric, from, nextHop, iface, tag, now);
    this.changedTo(r, reason);
    if (was >= RIP_INFINITY) explain(r, WHY.learnedMetric, from, 0, metric);
    else if (same) explain(r, WHY.metricChanged, from, 0, metric, was);
    else explain(r, WHY.better, from, wasConnected ? 0 : wasFrom, metric, was);
  }

  /** Same router, same metric, another next-hop field, tag or interface: adopted quietly. */
  private learnNextHop(r: RipRoute, from: number, nextHop: number, iface: number, tag: number): void {
    r.nextHop = nextHop;
    r.tag = tag;
    r.iface = iface;
    explain(r, WHY.nextHop, from, nextHop);
    this.install(r, () => `next hop ${formatIpv4(nextHop)} from ${formatIpv4(from)}`);
  }

  /** Equal metric from another router while ours has been silent half its timeout: switch. */
  private learnSwitch(
    r: RipRoute,
    heardAgo: Nanos,
    metric: number,
    from: number,
    nextHop: number,
    iface: number,
    tag: number,
    now: Nanos,
  ): void {
    if (r.state !== "active") return;
    const was = r.from;
    const reason = () =>
      `${formatIpv4(was)} silent for ${Math.round(heardAgo / 1e9)}s: switched to ${formatIpv4(from)} (metric ${metric})`;
    this.adopt(r, metric, from, nextHop, iface, tag, now);
    this.changedTo(r, reason);
    explain(r, WHY.switched, from, was, metric, 0, Math.round(heardAgo / 1e9));
  }

  /** After `adopt`: the route goes into the FIB, its timer is armed and the news goes out. */
  private changedTo(r: RipRoute, reason: Reason): void {
    this.install(r, reason);
    this.armSweep(r.expires);
    this.requestTriggered();
  }

  // ---- database changes -------------------------------------------------------------------------

  private adopt(
    r: RipRoute,
    metric: number,
    from: number,
    nextHop: number,
    iface: number,
    tag: number,
    now: Nanos,
  ): void {
    r.metric = metric;
    r.from = from;
    r.nextHop = nextHop;
    r.iface = iface;
    r.tag = tag;
    r.connected = false;
    r.expires = now + this.settings.timeout;
    r.gcAt = Number.POSITIVE_INFINITY;
    forgetHeard(r); // heard = expires - timeout (heardAt); addConnected sets it for a connected one
    r.state = "active";
    this.markChanged(r);
  }

  /** Sets the route change flag (RFC 2453 3.10.1): the route goes in the next triggered update. */
  private markChanged(r: RipRoute): void {
    r.changed = true;
  }

  /** Clears every change flag: an update carrying them went out. */
  private clearChanged(): void {
    this.routes.clearChanged();
  }

  /** A new route: into the table, at its place in prefix order, and flagged as changed. */
  private addRoute(init: RouteInit): RipRoute {
    const r = this.routes.add(init);
    this.markChanged(r);
    return r;
  }

  private install(r: RipRoute, reason: Reason): void {
    this.host.setRoute(
      "rip",
      { dest: r.dest, len: r.len, gateway: r.nextHop, iface: r.iface, metric: r.metric },
      reason,
    );
    r.installed = true;
  }

  private uninstall(r: RipRoute, reason: Reason): void {
    if (!r.installed) return;
    r.installed = false;
    this.host.deleteRoute("rip", r.dest, r.len, reason);
  }

  /** RFC 2453 3.8 deletion: metric 16, out of the FIB, change flag, garbage timer, triggered update. */
  private startDeletion(r: RipRoute, state: RipRouteState, reason: Reason): void {
    const now = this.host.now();
    r.heard = heardAt(r, this.settings.timeout); // frozen: expires is about to go
    r.metric = RIP_INFINITY;
    r.expires = Number.POSITIVE_INFINITY;
    r.gcAt = now + this.settings.garbage;
    r.state = state;
    this.markChanged(r);
    if (typeof reason === "string") r.reason = reason; // a recipe's caller explains (WHY) instead
    this.uninstall(r, reason);
    this.armSweep(r.gcAt);
    this.requestTriggered();
  }

  /** A connected network of an up interface: metric 1, replacing whatever was learned for it. */
  private addConnected(i: HostInterface, reason: string): void {
    const net = (i.addr & (i.len === 0 ? 0 : (0xffffffff << (32 - i.len)) >>> 0)) >>> 0;
    const now = this.host.now();
    const r = this.routes.get(net, i.len);
    if (r === undefined) {
      this.addRoute({
        dest: net,
        len: i.len,
        metric: 1,
        from: 0,
        nextHop: 0,
        iface: i.index,
        tag: 0,
        connected: true,
        expires: Number.POSITIVE_INFINITY,
        heard: now,
        reason,
      });
    } else {
      // A learned route for our own network gives way: the FIB has the connected route.
      this.uninstall(r, `${i.name} up: ${formatPrefixOf(r)} is connected`);
      this.adopt(r, 1, 0, 0, i.index, 0, now);
      r.connected = true;
      r.expires = Number.POSITIVE_INFINITY;
      r.heard = now;
      r.reason = reason;
    }
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
  private armSweep(deadline: Nanos): void {
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
  private requestTriggered(): void {
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

function formatPrefixOf(r: RipRoute): string {
  return `${formatIpv4(r.dest)}/${r.len}`;
}
