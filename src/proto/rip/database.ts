/**
 * @module proto/rip/database
 * The RIP routing database's changes, RFC 2453 3.9.2 and 3.8: what a received entry does to the
 * table (route selection: `learn`), and every change a route goes through — adopted, installed
 * in and removed from the FIB, deleted (metric 16 and the garbage-collection timer), replaced
 * by a connected network. The daemon (rip.ts) adds what drives these: its timers, interface
 * events and messages; it tells this part when to arm the sweep and ask for a triggered update.
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
import type { Host, HostInterface, Reason } from "../../sim/host.js";
import type { RipSettings } from "../../topology/model.js";
import { RIP_INFINITY } from "../../wire/rip.js";
import { resolveRipSettings } from "./settings.js";
import { explain, forgetHeard, heardAt, type RouteInit, RouteTable, WHY } from "./table.js";
import type { RipRoute, RipRouteState } from "./types.js";

/** The database of one daemon and the changes made to it; `RipDaemon` (rip.ts) is the daemon. */
export abstract class RipDatabase {
  readonly settings: RipSettings;
  protected h: Host | null = null;
  /** The database, kept in prefix order (dest, then length): the order updates list routes in. */
  protected routes = new RouteTable();

  constructor(settings: Partial<RipSettings> = {}) {
    this.settings = resolveRipSettings(settings);
  }

  get host(): Host {
    if (this.h === null) throw new Error("rip: daemon not started");
    return this.h;
  }

  /** Makes sure the sweep (timeouts, garbage collection) runs no later than `deadline`. */
  protected abstract armSweep(deadline: Nanos): void;
  /** Asks for a triggered update (RFC 2453 3.10.1): changed routes wait to be sent. */
  protected abstract requestTriggered(): void;

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
  protected clearChanged(): void {
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
  protected startDeletion(r: RipRoute, state: RipRouteState, reason: Reason): void {
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
  protected addConnected(i: HostInterface, reason: string): void {
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
}

function formatPrefixOf(r: RipRoute): string {
  return `${formatIpv4(r.dest)}/${r.len}`;
}
