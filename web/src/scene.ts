/**
 * @module web/scene
 * The picture's model, derived from the topology and the event stream (no drawing here).
 *
 * Hop events wait in `pending` (in arrival order, which is time order) until display time
 * reaches their `t`; then they fly (`flying`) until `t + duration`, and leave a trail that
 * fades over TRAIL_MS of wall time. Drops appear at display time where they happened and fade
 * over DROP_MS. Every list is capped so a flood cannot exhaust the tab's memory; what a cap
 * throws away is counted in `missed`, like the server's thinning.
 */
import type { DropReason, HopEvent, LabEvent, PacketClass } from "../../src/core/events.js";
import type { LinkInfo, NodeInfo, StreamEvent, TopologyView } from "./api.js";
import type { FlightHint } from "./clock.js";
import type { Point } from "./layout.js";
import { isLinkLayerTraffic } from "../../src/core/link-layer-traffic.js";
import { isRoutingTraffic } from "../../src/core/routing-traffic.js";

export const TRAIL_MS = 1600;
export const DROP_MS = 4000;
const MAX_PENDING = 50_000;
/** Hops kept for the test hook `recentHops`. */
const RECENT_HOPS = 256;
const MAX_FLYING = 20_000;
const MAX_DROPS = 300;

export interface SceneNode {
  name: string;
  /** A router, a host (`kind: host`), or a segment's switch (drawn as a bus, not a node). */
  kind: "router" | "host" | "segment";
  x: number;
  y: number;
  up: boolean;
}

/** A shared Ethernet segment: its switch's place on the map and the stations cabled to it. */
export interface SceneSegment extends SceneNode {
  kind: "segment";
  subnet: string;
  /** The stations, in endpoint order. */
  stations: SceneNode[];
}

export interface SceneLink {
  id: string;
  a: SceneNode;
  b: SceneNode;
  info: LinkInfo;
  up: boolean;
  silent: boolean;
  /** Parallel-link offset index (0 for the first link between two nodes). */
  lane: number;
}

export interface Flying {
  e: HopEvent;
  link: SceneLink;
  /** True when the packet travels b→a. */
  reverse: boolean;
  color: string;
}

export interface Trail {
  link: SceneLink;
  reverse: boolean;
  /** Whose packets made it (their colour and mark; two users' trails on a link are apart). */
  user: string;
  color: string;
  cls: PacketClass;
  /** Wall time (ms) the hop finished. */
  end: number;
}

export interface DropMark {
  /** World position: on the wire, or the router's centre. */
  x: number;
  y: number;
  /** Died inside a router (drawn beside it rather than on top of its name). */
  atNode: boolean;
  reason: DropReason;
  cls: PacketClass;
  user: string;
  color: string;
  /** Wall time (ms) it appeared. */
  start: number;
  summary: string;
}

export class Scene {
  readonly nodes = new Map<string, SceneNode>();
  readonly links = new Map<string, SceneLink>();
  /** Segments by name; their port links (`STATION-SEGMENT`) are in `links`, `b` the switch. */
  readonly segments = new Map<string, SceneSegment>();
  pending: HopEvent[] = [];
  private pendingHead = 0;
  flying: Flying[] = [];
  /**
   * One trail per (link, colour, routing chatter or not), refreshed by every hop that lands on it: a busy
   * link costs one stroke per frame however many packets cross it.
   */
  trails = new Map<string, Trail>();
  /** Times trails were taken away before they faded (a rewind, packets hidden): web/trail-layer.ts redraws. */
  trailsCut = 0;
  drops: DropMark[] = [];
  /** Delayed non-hop events (drops) that must wait for display time, in time order. */
  private later: LabEvent[] = [];
  private laterHead = 0;
  hideRouting = false;
  /** ARP hidden (the page's ARP switch). */
  hideLinkLayer = false;
  missed = 0;
  /** Bumped whenever a link or node goes up or down: the map's still layers are redrawn then. */
  version = 0;
  private lastSweep = 0;
  /** Hop events seen in total (test hook). */
  hopsSeen = 0;
  /**
   * The last hops taken in, as "link:class", a ring written at `hopsSeen % RECENT_HOPS` (test
   * hook): what became a dot, whether or not a frame was drawn while it flew (on a loaded
   * machine a 100 ms flight can fall between two frames).
   */
  private readonly hopRing: string[] = [];

  /** The ring's hops, oldest first. */
  get recentHops(): string[] {
    const at = this.hopsSeen % RECENT_HOPS;
    return this.hopRing.length < RECENT_HOPS
      ? [...this.hopRing]
      : [...this.hopRing.slice(at), ...this.hopRing.slice(0, at)];
  }

  constructor(
    topo: TopologyView,
    positions: Map<string, Point>,
    private readonly colorOf: (user: string) => string,
  ) {
    for (const n of topo.nodes) {
      const p = positions.get(n.name) ?? { x: 0, y: 0 };
      this.nodes.set(n.name, { name: n.name, kind: n.kind, x: p.x, y: p.y, up: n.up });
    }
    for (const s of topo.segments) {
      const stations = s.ports.flatMap((p) => this.nodes.get(p.node) ?? []);
      const p = positions.get(s.id) ?? centroid(stations);
      this.segments.set(s.id, {
        name: s.id,
        kind: "segment",
        x: p.x,
        y: p.y,
        up: true,
        subnet: s.subnet,
        stations,
      });
    }
    const lanes = new Map<string, number>();
    for (const l of topo.links) {
      const a = this.nodes.get(l.a.node);
      const b = this.nodes.get(l.b.node) ?? this.segments.get(l.b.node);
      if (!a || !b) continue;
      const key = [a.name, b.name].sort().join("\u0000");
      const lane = lanes.get(key) ?? 0;
      lanes.set(key, lane + 1);
      this.links.set(l.id, { id: l.id, a, b, info: l, up: l.up, silent: l.silent, lane });
    }
  }

  /**
   * Median distance from a router to its nearest neighbour, world units: routers are drawn in
   * proportion to it so that a dense 1,000-router layout does not turn into one blob.
   */
  get spacing(): number {
    if (this.spacing_ === 0) this.spacing_ = medianNearest([...this.nodes.values()]);
    return this.spacing_;
  }
  private spacing_ = 0;

  /** Takes a batch of events from the stream. Returns the non-animated ones for the log/panels. */
  ingest(events: StreamEvent[]): void {
    for (const e of events) {
      switch (e.kind) {
        case "hop":
          this.hopRing[this.hopsSeen % RECENT_HOPS] = `${e.link}:${e.cls}`;
          this.hopsSeen++;
          if (this.pending.length - this.pendingHead >= MAX_PENDING) {
            this.missed++;
            break;
          }
          this.pending.push(e);
          break;
        case "drop":
          this.later.push(e);
          break;
        case "link": {
          const l = this.links.get(e.link);
          if (l) {
            l.up = e.state === "up" || e.silent;
            l.silent = e.silent && e.state === "down";
            this.version++;
          }
          break;
        }
        case "node": {
          const n = this.nodes.get(e.node);
          if (n) n.up = e.state === "up";
          this.version++;
          break;
        }
        case "missed":
          this.missed += e.count;
          break;
        default:
          break;
      }
    }
  }

  /** Moves the picture to display time `t` (virtual ns) at wall time `wall` (ms). */
  advance(t: number, wall: number): void {
    // Start the hops whose time has come.
    const p = this.pending;
    let i = this.pendingHead;
    for (; i < p.length && p[i]!.t <= t; i++) {
      const e = p[i]!;
      if (this.hidden(e.cls)) continue;
      const link = this.links.get(e.link);
      if (!link) continue;
      const f: Flying = { e, link, reverse: link.a.name !== e.from, color: this.colorOf(e.user) };
      if (this.flying.length >= MAX_FLYING) {
        this.missed++;
        continue;
      }
      this.flying.push(f);
    }
    this.pendingHead = i;
    if (this.pendingHead > 4096 && this.pendingHead * 2 > p.length) {
      this.pending = p.slice(this.pendingHead);
      this.pendingHead = 0;
    }
    // Land the ones that arrived; they leave a trail.
    let w = 0;
    for (const f of this.flying) {
      if (f.e.t + Math.max(f.e.duration, 1) <= t) {
        const routing = isRoutingTraffic(f.e.cls);
        const key = `${f.link.id}\u0000${f.e.user}\u0000${routing ? 1 : 0}`;
        const tr = this.trails.get(key);
        if (tr) tr.end = wall;
        else
          this.trails.set(key, {
            link: f.link,
            reverse: f.reverse,
            user: f.e.user,
            color: f.color,
            cls: f.e.cls,
            end: wall,
          });
      } else this.flying[w++] = f;
    }
    this.flying.length = w;
    if (this.trails.size > 0 && wall - this.lastSweep > 200) {
      this.lastSweep = wall;
      for (const [k, tr] of this.trails) if (wall - tr.end >= TRAIL_MS) this.trails.delete(k);
    }
    // Drops whose time has come.
    const l = this.later;
    let j = this.laterHead;
    for (; j < l.length && l[j]!.t <= t; j++) {
      const e = l[j]!;
      if (e.kind !== "drop") continue;
      if (this.hidden(e.cls) || ignoredBroadcast(e.reason, e.cls)) continue;
      this.addDrop(e.node, e.link, e.reason, e.cls, e.user, e.summary, wall);
    }
    this.laterHead = j;
    if (this.laterHead > 1024) {
      this.later = l.slice(this.laterHead);
      this.laterHead = 0;
    }
    if (this.drops.length > MAX_DROPS) this.drops.splice(0, this.drops.length - MAX_DROPS);
    this.drops = this.drops.filter((d) => wall - d.start < DROP_MS);
  }

  private addDrop(
    node: string,
    link: string | undefined,
    reason: DropReason,
    cls: PacketClass,
    user: string,
    summary: string,
    wall: number,
  ): void {
    const n = this.nodes.get(node);
    if (!n) return;
    let x = n.x;
    let y = n.y;
    const l = link ? this.links.get(link) : undefined;
    if (l) {
      // On the wire: a third of the way from the node along its link.
      const o = l.a === n ? l.b : l.a;
      x = n.x + (o.x - n.x) * 0.35;
      y = n.y + (o.y - n.y) * 0.35;
    }
    this.drops.push({ x, y, atNode: !l, reason, cls, user, color: this.colorOf(user), start: wall, summary });
  }

  /**
   * For slow motion (DisplayClock): the shortest hop in flight or starting by `t + horizon`
   * (virtual ns), and when the next hop starts. Looks at a bounded number of waiting hops.
   */
  flightHint(t: number, horizon: number): FlightHint {
    let shortest = Infinity;
    for (const f of this.flying) if (f.e.duration < shortest) shortest = f.e.duration;
    let nextStart = Infinity;
    const p = this.pending;
    const end = Math.min(p.length, this.pendingHead + 256);
    for (let i = this.pendingHead; i < end; i++) {
      const e = p[i]!;
      if (this.hidden(e.cls)) continue;
      if (nextStart === Infinity) nextStart = e.t;
      if (e.t > t + horizon) break;
      if (e.duration < shortest) shortest = e.duration;
    }
    return { shortest, nextStart };
  }

  /** Whether anything moves or fades (the renderer keeps animating while so). */
  get animating(): boolean {
    return (
      this.flying.length > 0 ||
      this.trails.size > 0 ||
      this.drops.length > 0 ||
      this.pendingHead < this.pending.length
    );
  }

  /** The lab was rewound (issue 9): every packet and drop on the picture belongs to another run. */
  reset(): void {
    this.pending = [];
    this.pendingHead = 0;
    this.flying = [];
    this.trails.clear();
    this.trailsCut++;
    this.drops = [];
    this.later = [];
    this.laterHead = 0;
  }

  /** Which routers and links are up, as re-read from the lab (after a rewind). */
  setStates(topo: { nodes: NodeInfo[]; links: LinkInfo[] }): void {
    this.version++;
    for (const n of topo.nodes) {
      const s = this.nodes.get(n.name);
      if (s) s.up = n.up;
    }
    for (const l of topo.links) {
      const s = this.links.get(l.id);
      if (s) {
        s.up = l.up;
        s.silent = l.silent;
      }
    }
  }

  /** Whether packets of class `cls` are hidden (the RIP and ARP switches). */
  hidden(cls: string): boolean {
    return (this.hideRouting && isRoutingTraffic(cls)) || (this.hideLinkLayer && isLinkLayerTraffic(cls));
  }

  /** Forgets the packets now hidden (after hiding RIP or ARP). */
  clearPackets(): void {
    this.flying = this.flying.filter((f) => !this.hidden(f.e.cls));
    for (const [k, t] of this.trails) if (this.hidden(t.cls)) this.trails.delete(k);
    this.trailsCut++;
  }
}

/**
 * A broadcast every station on a segment hears and all but one ignore (an ARP request for
 * another address, a RIP update at a host that runs no RIP): not a failure, so not a red cross
 * on the map, which would put one on every station of a LAN at each ARP or RIP round. The
 * events list shows them with the hops (its `hops` box).
 */
export function ignoredBroadcast(reason: DropReason, cls: PacketClass): boolean {
  return reason === "not-for-us" && (isLinkLayerTraffic(cls) || isRoutingTraffic(cls));
}

/** The middle of a segment's stations: where its switch is drawn unless placed. */
export function centroid(points: { x: number; y: number }[]): { x: number; y: number } {
  if (points.length === 0) return { x: 0, y: 0 };
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p.x;
    y += p.y;
  }
  return { x: x / points.length, y: y / points.length };
}

/** Median nearest-neighbour distance, through a uniform grid (about linear in the node count). */
function medianNearest(nodes: { x: number; y: number }[]): number {
  if (nodes.length < 2) return 100;
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const n of nodes) {
    x0 = Math.min(x0, n.x);
    x1 = Math.max(x1, n.x);
    y0 = Math.min(y0, n.y);
    y1 = Math.max(y1, n.y);
  }
  const cell = Math.max(x1 - x0, y1 - y0, 1) / Math.sqrt(nodes.length);
  const grid = new Map<string, { x: number; y: number }[]>();
  const key = (gx: number, gy: number) => `${gx},${gy}`;
  for (const n of nodes) {
    const k = key(Math.floor(n.x / cell), Math.floor(n.y / cell));
    const list = grid.get(k);
    if (list) list.push(n);
    else grid.set(k, [n]);
  }
  const best: number[] = [];
  for (const n of nodes) {
    const gx = Math.floor(n.x / cell);
    const gy = Math.floor(n.y / cell);
    let d = Infinity;
    for (let ring = 1; ring <= 3 && d === Infinity; ring++)
      for (let ox = -ring; ox <= ring; ox++)
        for (let oy = -ring; oy <= ring; oy++)
          for (const m of grid.get(key(gx + ox, gy + oy)) ?? [])
            if (m !== n) d = Math.min(d, Math.hypot(m.x - n.x, m.y - n.y));
    if (d < Infinity) best.push(d);
  }
  best.sort((a, b) => a - b);
  return best[Math.floor(best.length / 2)] || 100;
}
