/**
 * @module proto/ospf/ospf
 * OSPFv2 (RFC 2328), area 0, protocol logic: the interface state machine (§9.3) with the
 * DR/BDR election (§9.4), origination of the Router-LSA (§12.4.1) and of the Network-LSA when
 * DR (§12.4.2) held to MinLSInterval, the LSDB's ageing and refresh (§14, §12.4: LSRefreshTime),
 * SPF (spf.ts) and the routes it gives, in the FIB under source `ospf`. The neighbour state
 * machine is nsm.ts, flooding flood.ts, packets packets.ts (BIRD splits ospf.c, neighbor.c,
 * iface.c, lsupd.c, packet.c likewise).
 *
 * Timers are explicit, BIRD style: per interface a Hello and a Wait timer; per neighbour an
 * inactivity and a retransmission timer; per router one SPF timer, one ageing timer armed at
 * the database's next deadline (a refresh of its own LSAs, another's reaching MaxAge) and one
 * per LSA waiting out MinLSInterval. Randomness (the first Hello's offset, DD sequence numbers)
 * comes from the node's seeded stream, so runs repeat.
 */
import { formatIpv4, type Ipv4, maskOf } from "../../core/ip.js";
import { MS, type Nanos, SECOND } from "../../core/time.js";
import type { Host, HostInterface, IpDatagram, RoutingDaemon, TimerHandle } from "../../sim/host.js";
import { sameHops } from "../../sim/multipath.js";
import type { OspfNetworkType } from "../../topology/model.js";
import { IPPROTO_OSPF } from "../../wire/ipv4.js";
import { OSPF_ALL_D_ROUTERS, OSPF_ALL_SPF_ROUTERS, OSPF_OPT_E } from "../../wire/ospf.js";
import {
  LINK_P2P,
  LINK_STUB,
  LINK_TRANSIT,
  LSA_INITIAL_SEQ,
  LSA_MAX_AGE,
  LSA_NETWORK,
  LSA_ROUTER,
  type LsaBody,
  type RouterLink,
} from "../../wire/ospf-lsa.js";
import { flood, removeFromRetransmitLists, sweepMaxAge } from "./flood.js";
import { ageOf, LS_REFRESH_TIME, Lsdb, lsaKey, makeEntry } from "./lsdb.js";
import { adjacencyWanted, killNeighbor, onPacket, toTwoWayOrExStart } from "./nsm.js";
import { acceptPacket, sendHello } from "./packets.js";
import { runSpf } from "./spf.js";
import type { LsaEntry, OspfIface, OspfRoute } from "./types.js";

/** MinLSInterval (RFC 2328 Appendix B; FRR's min-ls-interval 5000 ms). */
export const MIN_LS_INTERVAL = 5 * SECOND;
/** MinLSArrival (Appendix B; FRR's min-arrival 1000 ms). */
export const MIN_LS_ARRIVAL = 1 * SECOND;
/** SPF hold-down after a change (FRR `timers throttle spf 0 50 5000`: 50 ms initial hold). */
export const SPF_HOLD = 50 * MS;

/** What a router runs with: its router ID, timers and each interface's cost and priority. */
export interface OspfConfig {
  routerId: Ipv4;
  hello: Nanos;
  dead: Nanos;
  retransmit: Nanos;
  network: OspfNetworkType;
  /** Cost and priority by interface name. */
  ifaces: ReadonlyMap<string, { cost: number; priority: number }>;
}

/** An OSPF router process for one node. */
export class OspfDaemon implements RoutingDaemon {
  readonly name = "ospf";
  readonly routerId: Ipv4;
  ifaces: OspfIface[] = [];
  readonly db = new Lsdb();
  routes: OspfRoute[] = [];
  badPackets = 0;
  spfRuns = 0;
  lastSpfAt: Nanos = Number.NEGATIVE_INFINITY;
  startedAt: Nanos = 0;
  private h: Host | null = null;
  private socket: { close(): void } | null = null;
  private ifWatch: { close(): void } | null = null;
  private spfTimer: TimerHandle | null = null;
  private ageTimer: TimerHandle | null = null;
  private ageAt: Nanos = Number.POSITIVE_INFINITY;
  /** When each own LSA was last originated, and a pending re-origination held by MinLSInterval. */
  private originatedAt = new Map<string, Nanos>();
  private held = new Map<string, TimerHandle>();

  constructor(readonly config: OspfConfig) {
    this.routerId = config.routerId;
  }

  get host(): Host {
    if (!this.h) throw new Error("ospf: not started");
    return this.h;
  }

  get now(): Nanos {
    return this.host.now();
  }

  start(host: Host): void {
    this.h = host;
    this.startedAt = host.now();
    host.joinGroup(OSPF_ALL_SPF_ROUTERS);
    host.joinGroup(OSPF_ALL_D_ROUTERS);
    this.socket = host.ipBind(IPPROTO_OSPF, (dg) => this.receive(dg));
    for (const i of host.interfaces()) if (i.isLink) this.ifaces.push(this.newIface(i));
    for (const oi of this.ifaces) if (host.interfaces()[oi.index]?.up) this.interfaceUp(oi);
    this.originateRouterLsa();
    this.ifWatch = host.onInterfaceChange((i) => this.interfaceChanged(i));
  }

  stop(): void {
    for (const oi of this.ifaces) this.interfaceDown(oi, false);
    for (const t of [this.spfTimer, this.ageTimer, ...this.held.values()]) t?.cancel();
    this.socket?.close();
    this.ifWatch?.close();
    this.socket = this.ifWatch = this.spfTimer = this.ageTimer = null;
    this.held.clear();
  }

  private newIface(i: HostInterface): OspfIface {
    const own = this.config.ifaces.get(i.name) ?? { cost: 10, priority: 1 };
    return {
      index: i.index,
      name: i.name,
      addr: i.addr,
      len: i.len,
      type: this.config.network,
      cost: own.cost,
      priority: own.priority,
      state: "Down",
      dr: 0,
      bdr: 0,
      neighbors: new Map(),
      hello: null,
      helloAt: 0,
      wait: null,
      acks: [],
      ackTimer: null,
      ...{ helloIn: 0, helloOut: 0, ddIn: 0, ddOut: 0, lsrIn: 0, lsrOut: 0, lsuIn: 0, lsuOut: 0 },
      ...{ lsAckIn: 0, lsAckOut: 0 },
    };
  }

  private receive(dg: IpDatagram): void {
    const got = acceptPacket(this, dg);
    if (got) onPacket(this, got.oi, dg.src, got.p);
  }

  private interfaceChanged(i: HostInterface): void {
    const oi = this.ifaces.find((x) => x.index === i.index);
    if (!oi) return;
    if (i.up && oi.state === "Down") this.interfaceUp(oi);
    else if (!i.up && oi.state !== "Down") this.interfaceDown(oi, true);
    else return;
    this.originateRouterLsa();
  }

  /** InterfaceUp (§9.3): Point-to-Point, or Waiting for the DR election (DROther at priority 0). */
  private interfaceUp(oi: OspfIface): void {
    if (oi.type === "point-to-point") oi.state = "Point-To-Point";
    else if (oi.priority === 0) oi.state = "DROther";
    else {
      oi.state = "Waiting";
      oi.wait = this.host.timer(this.config.dead, () => {
        oi.wait = null;
        if (oi.state === "Waiting") this.electDr(oi);
      });
    }
    // The first Hello within a second (FRR: ospf_hello_timer 1 s after up), offset by the seeded stream.
    this.scheduleHello(oi, this.host.rng.int(0, SECOND));
  }

  private scheduleHello(oi: OspfIface, delay: Nanos): void {
    oi.helloAt = this.now + delay;
    oi.hello = this.host.timer(delay, () => {
      sendHello(this, oi);
      this.scheduleHello(oi, this.config.hello);
    });
  }

  /** InterfaceDown (§9.3): every neighbour killed, timers stopped. */
  private interfaceDown(oi: OspfIface, reoriginate: boolean): void {
    const wasDr = oi.state === "DR";
    for (const n of [...oi.neighbors.values()]) killNeighbor(this, oi, n, false);
    for (const t of [oi.hello, oi.wait, oi.ackTimer]) t?.cancel();
    oi.hello = oi.wait = oi.ackTimer = null;
    oi.state = "Down";
    oi.dr = oi.bdr = 0;
    oi.acks = [];
    if (reoriginate && wasDr) this.originateNetworkLsa(oi);
  }

  /** The DR/BDR election of RFC 2328 §9.4, then adjacencies and LSAs brought in line. */
  electDr(oi: OspfIface): void {
    if (oi.state === "Down" || oi.type !== "broadcast") return;
    const me = { id: this.routerId, addr: oi.addr, prio: oi.priority, dr: oi.dr, bdr: oi.bdr };
    const others = [...oi.neighbors.values()]
      .filter((n) => n.state !== "Down" && n.state !== "Init" && n.priority > 0)
      .map((n) => ({ id: n.routerId, addr: n.addr, prio: n.priority, dr: n.dr, bdr: n.bdr }));
    const cands = me.prio > 0 ? [me, ...others] : others;
    let [dr, bdr] = elect(cands);
    const changedRole =
      (dr === oi.addr) !== (oi.dr === oi.addr) || (bdr === oi.addr) !== (oi.bdr === oi.addr);
    if (changedRole && me.prio > 0) {
      me.dr = dr;
      me.bdr = bdr;
      [dr, bdr] = elect(cands);
    }
    const before = { dr: oi.dr, bdr: oi.bdr, state: oi.state };
    oi.dr = dr;
    oi.bdr = bdr;
    oi.state = dr === oi.addr ? "DR" : bdr === oi.addr ? "Backup" : "DROther";
    if (before.dr === dr && before.bdr === bdr && before.state === oi.state) return;
    for (const n of oi.neighbors.values())
      if (n.state !== "Down" && n.state !== "Init") toTwoWayOrExStart(this, oi, n, adjacencyWanted(oi, n));
    this.originateRouterLsa();
    this.originateNetworkLsa(oi);
  }

  /** The links of the Router-LSA (§12.4.1), interface by interface. */
  private routerLinks(): RouterLink[] {
    const links: RouterLink[] = [];
    const stub = (oi: OspfIface) =>
      links.push({
        id: (oi.addr & maskOf(oi.len)) >>> 0,
        data: maskOf(oi.len),
        type: LINK_STUB,
        metric: oi.cost,
        tos: [],
      });
    for (const oi of this.ifaces) {
      if (oi.state === "Down") continue;
      if (oi.type === "point-to-point") {
        for (const n of oi.neighbors.values())
          if (n.state === "Full")
            links.push({ id: n.routerId, data: oi.addr, type: LINK_P2P, metric: oi.cost, tos: [] });
        stub(oi); // FRR: lsa_link_ptop_set adds the subnet as a stub (RFC 2328 §12.4.1.1 option 2)
        continue;
      }
      const drFull =
        oi.state === "DR"
          ? [...oi.neighbors.values()].some((n) => n.state === "Full")
          : [...oi.neighbors.values()].some((n) => n.addr === oi.dr && n.state === "Full");
      if (oi.state !== "Waiting" && oi.dr !== 0 && drFull)
        links.push({ id: oi.dr, data: oi.addr, type: LINK_TRANSIT, metric: oi.cost, tos: [] });
      else stub(oi);
    }
    return links;
  }

  originateRouterLsa(): void {
    this.originate(LSA_ROUTER, this.routerId, { kind: "router", flags: 0, links: this.routerLinks() });
  }

  /** The Network-LSA of `oi` when DR with a Full neighbour (§12.4.2); flushed otherwise. */
  originateNetworkLsa(oi: OspfIface): void {
    const full = [...oi.neighbors.values()].filter((n) => n.state === "Full").map((n) => n.routerId);
    const key = lsaKey(LSA_NETWORK, oi.addr, this.routerId);
    if (oi.state === "DR" && full.length > 0)
      this.originate(LSA_NETWORK, oi.addr, {
        kind: "network",
        mask: maskOf(oi.len),
        routers: [this.routerId, ...full],
      });
    else if (this.db.get(key) && ageOf(this.db.get(key)!, this.now) < LSA_MAX_AGE) this.flush(key);
  }

  /**
   * A new instance of an own LSA (§12.4): the next sequence number, age 0, flooded, SPF
   * scheduled — unless its body is unchanged (and not due for refresh), or it was originated
   * less than MinLSInterval ago (then once that has passed).
   */
  originate(type: number, id: Ipv4, body: LsaBody, refresh = false): void {
    const key = lsaKey(type, id, this.routerId);
    const cur = this.db.get(key);
    if (!refresh && cur && ageOf(cur, this.now) < LSA_MAX_AGE && sameBody(cur.lsa.body, body)) return;
    const last = this.originatedAt.get(key);
    if (last !== undefined && this.now - last < MIN_LS_INTERVAL) {
      if (!this.held.has(key))
        this.held.set(
          key,
          this.host.timer(last + MIN_LS_INTERVAL - this.now, () => {
            this.held.delete(key);
            if (type === LSA_ROUTER) this.originateRouterLsa();
            else {
              const oi = this.ifaces.find((i) => i.addr === id);
              if (oi) this.originateNetworkLsa(oi);
            }
          }),
        );
      return;
    }
    this.originateNow(type, id, body, cur ? cur.lsa.header.seq + 1 : LSA_INITIAL_SEQ);
  }

  /** Installs and floods an own LSA with sequence number `seq`. */
  originateNow(type: number, id: Ipv4, body: LsaBody, seq: number): void {
    const key = lsaKey(type, id, this.routerId);
    const header = {
      age: 0,
      options: OSPF_OPT_E,
      type,
      id,
      advRouter: this.routerId,
      seq,
      checksum: 0,
      length: 0,
    };
    const entry = makeEntry({ header, body }, this.now);
    this.originatedAt.set(key, this.now);
    this.install(entry);
    flood(this, entry, undefined, undefined);
  }

  /** Premature ageing (§14.1): the own LSA set to MaxAge and flooded, to be removed once acknowledged. */
  flush(key: string): void {
    const cur = this.db.get(key);
    if (!cur) return;
    const header = { ...cur.lsa.header, age: LSA_MAX_AGE };
    const entry = makeEntry({ header, body: cur.lsa.body }, this.now);
    this.install(entry);
    flood(this, entry, undefined, undefined);
  }

  /** Puts `entry` in the database in place of any older instance; SPF follows. */
  install(entry: LsaEntry): void {
    removeFromRetransmitLists(this, entry);
    this.db.install(entry);
    this.scheduleSpf();
    this.armAgeing();
  }

  /** Whether an LSA is ours (§13.4): advertised by us, or a Network-LSA for one of our addresses. */
  isSelfOriginated(type: number, id: Ipv4, adv: Ipv4): boolean {
    return adv === this.routerId || (type === LSA_NETWORK && this.ifaces.some((i) => i.addr === id));
  }

  scheduleSpf(): void {
    if (this.spfTimer) return;
    const delay = Math.max(0, this.lastSpfAt + SPF_HOLD - this.now);
    this.spfTimer = this.host.timer(delay, () => {
      this.spfTimer = null;
      this.runSpf();
    });
  }

  /** SPF, then the FIB brought in line with its routes (only what changed is touched). */
  private runSpf(): void {
    this.spfRuns++;
    this.lastSpfAt = this.now;
    const old = new Map(this.routes.map((r) => [`${r.dest}/${r.len}`, r]));
    this.routes = runSpf(this.db, this.routerId, this.ifaces);
    for (const r of this.routes) {
      const k = `${r.dest}/${r.len}`;
      const before = old.get(k);
      old.delete(k);
      const hop = r.nextHops[0];
      if (!hop || hop.gateway === 0 || this.isConnected(r)) {
        if (before?.nextHops[0]?.gateway)
          this.host.deleteRoute("ospf", r.dest, r.len, "ospf: now directly attached");
        continue;
      }
      if (before && before.cost === r.cost && sameHops(before.nextHops, r.nextHops)) continue;
      const cost = r.cost;
      const hops = r.nextHops;
      // Every equal-cost next hop goes to the FIB (as ospfd hands zebra the whole set).
      this.host.setRoute(
        "ospf",
        { dest: r.dest, len: r.len, gateway: hop.gateway, iface: hop.iface, metric: cost, nextHops: hops },
        () => `ospf: SPF, cost ${cost} via ${hops.map((h) => formatIpv4(h.gateway)).join(", ")}`,
      );
    }
    for (const r of old.values())
      if (r.nextHops[0]?.gateway) this.host.deleteRoute("ospf", r.dest, r.len, "ospf: SPF, unreachable");
  }

  private isConnected(r: OspfRoute): boolean {
    return this.ifaces.some(
      (i) => i.state !== "Down" && i.len === r.len && (i.addr & maskOf(i.len)) >>> 0 === r.dest,
    );
  }

  /** The ageing timer at the database's next deadline: an own LSA's refresh, another's MaxAge. */
  armAgeing(): void {
    let next = Number.POSITIVE_INFINITY;
    for (const e of this.db.entries()) {
      const h = e.lsa.header;
      if (e.ageAtInstall >= LSA_MAX_AGE) continue;
      const left =
        (this.isSelfOriginated(h.type, h.id, h.advRouter) ? LS_REFRESH_TIME : LSA_MAX_AGE) - e.ageAtInstall;
      next = Math.min(next, e.installedAt + left * SECOND);
    }
    if (next === this.ageAt && this.ageTimer) return;
    this.ageTimer?.cancel();
    this.ageAt = next;
    this.ageTimer = Number.isFinite(next)
      ? this.host.timer(Math.max(0, next - this.now), () => this.age())
      : null;
  }

  /** §14: own LSAs at LSRefreshTime are re-originated; others reaching MaxAge are flushed. */
  private age(): void {
    this.ageTimer = null;
    this.ageAt = Number.POSITIVE_INFINITY;
    for (const e of this.db.entries()) {
      const h = e.lsa.header;
      const age = ageOf(e, this.now);
      if (e.ageAtInstall >= LSA_MAX_AGE) continue;
      if (this.isSelfOriginated(h.type, h.id, h.advRouter)) {
        if (age >= LS_REFRESH_TIME) this.originateNow(h.type, h.id, e.lsa.body, h.seq + 1);
      } else if (age >= LSA_MAX_AGE) {
        const entry = makeEntry({ header: { ...h, age: LSA_MAX_AGE }, body: e.lsa.body }, this.now);
        this.install(entry);
        flood(this, entry, undefined, undefined);
      }
    }
    sweepMaxAge(this);
    this.armAgeing();
  }
}

/** Highest priority, then highest router ID. */
function best<T extends { id: number; prio: number }>(c: T[]): T | undefined {
  return c.reduce<T | undefined>(
    (b, x) => (!b || x.prio > b.prio || (x.prio === b.prio && x.id > b.id) ? x : b),
    undefined,
  );
}

/** Steps 2 and 3 of §9.4 (interface addresses out): the BDR among those not declaring DR, then the DR (the BDR if none declares). */
export function elect(
  c: { id: number; addr: number; prio: number; dr: number; bdr: number }[],
): [Ipv4, Ipv4] {
  const notDr = c.filter((x) => x.dr !== x.addr);
  const declaredBdr = notDr.filter((x) => x.bdr === x.addr);
  const bdr = best(declaredBdr.length ? declaredBdr : notDr);
  const declaredDr = c.filter((x) => x.dr === x.addr);
  const dr = best(declaredDr) ?? bdr;
  return [dr?.addr ?? 0, bdr && bdr !== dr ? bdr.addr : 0];
}

function sameBody(a: LsaBody, b: LsaBody): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
