/**
 * @module web/render
 * Draws the scene on a 2D canvas, one frame per requestAnimationFrame, only while something
 * moves (sigma's scheduleRender idea). Batched paths (all up links in one stroke, all routers
 * in one fill) and culling keep 1,000-router topologies fluid; labels are drawn only where
 * they have room to be read.
 */
import { type Camera, toScreen } from "./camera.js";
import type { PacketClass } from "../../src/core/events.js";
import {
  DROP_COLOR,
  MARK_COLOR,
  markPath,
  SPF_TREE_COLOR,
  packetPath,
  paintPackets,
  userMark,
} from "./colors.js";
import { halo, LabelPlacer, type PlacedLabel } from "./labels.js";
import {
  hostHalf,
  linkEnds,
  paintOver,
  paintUnder,
  SWITCH_FILL,
  segVisible,
  StillLayers,
  type StillView,
  switchHalf,
} from "./map-layers.js";

export { hostHalf, linkEnds, SWITCH_FILL, switchHalf };
import { DROP_MS, type Flying, type Scene, type SceneLink } from "./scene.js";
import { drawTrails } from "./trail-paths.js";
import { isRoutingTraffic } from "../../src/core/routing-traffic.js";

export const LINK = "#5f7a96";
export const LINK_DOWN = "#ff5252";
export const LINK_SILENT = "#ffb74d";
const LABEL = "#f2f5f8";
const LABEL_DIM = "#b8c7d6";
const ACCENT = "#4fc3f7";
/** Drop reasons as people say them. */
const REASON_TEXT: Record<string, string> = {
  "ttl-expired": "TTL expired",
  "no-route": "no route",
  "link-down": "link down",
  "iface-down": "interface down",
  "node-down": "router down",
  "queue-full": "queue full",
  loss: "lost on the wire",
  "bad-checksum": "bad checksum",
  "bad-header": "bad header",
  malformed: "malformed",
  "port-unreachable": "port unreachable",
  "proto-unreachable": "protocol unreachable",
  "not-for-us": "not for us",
  filtered: "filtered",
  "no-listener": "nobody listening",
  unresolved: "no ARP reply",
  broadcast: "broadcast not forwarded",
};
const FONT = '"DejaVu Sans", "Noto Sans", system-ui, sans-serif';

export interface RenderStats {
  frames: number;
  dotsDrawn: number;
  lastFrameMs: number;
}

export interface Selection {
  node: string | null;
  link: string | null;
  /** The selected router's OSPF shortest-path tree: the links it runs over (web/ospf-panel). */
  tree?: ReadonlySet<string> | null;
}

/** Radius of a router in CSS px at this zoom: a fifth of the typical gap between routers. */
export function nodeRadius(cam: Camera, spacing = 100): number {
  return Math.max(2.5, Math.min(26, cam.scale * spacing * 0.22));
}

/** Where a packet in flight is drawn at display time `t` (screen px): its share of the way along its link. */
export function dotPosition(f: Flying, cam: Camera, t: number): [number, number] {
  const p = Math.min(1, Math.max(0, (t - f.e.t) / Math.max(f.e.duration, 1)));
  const [x1, y1, x2, y2] = linkEnds(f.link, cam);
  const q = f.reverse ? 1 - p : p;
  return [x1 + (x2 - x1) * q, y1 + (y2 - y1) * q];
}

export class Renderer {
  readonly ctx: CanvasRenderingContext2D;
  width = 0;
  height = 0;
  stats: RenderStats = { frames: 0, dotsDrawn: 0, lastFrameMs: 0 };
  /** Packets of one class, colour and mark, reused from frame to frame. */
  private groups = new Map<string, { cls: PacketClass; color: string; mark: number; xy: number[] }>();
  /** Keep the label boxes of each frame (test hook: `labels`). */
  recordLabels = false;
  /** The labels of the last frame, when recording. */
  labels: PlacedLabel[] = [];
  /**
   * Profiling (test hook `probePhases`): ms per phase of draw, rasterised at once (a one-pixel
   * read makes the canvas run the commands recorded so far), summed over frames. Null: off.
   */
  phases: Record<string, number> | null = null;
  private phaseStart = 0;
  /** The still parts (links under the packets, routers over them), kept between frames. */
  readonly layers = new StillLayers();
  /** Device pixels per CSS px of the canvas, as of the last resize. */
  private dpr = 1;

  /** Ends a draw phase when profiling (see `phases`). */
  private phase(name: string): void {
    const p = this.phases;
    if (!p) return;
    this.ctx.getImageData(0, 0, 1, 1);
    const now = performance.now();
    p[name] = (p[name] ?? 0) + now - this.phaseStart;
    this.phaseStart = now;
  }

  constructor(readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext("2d", { alpha: false })!;
  }

  resize(): void {
    const dpr = window.devicePixelRatio || 1;
    const r = this.canvas.getBoundingClientRect();
    this.width = r.width;
    this.height = r.height;
    this.canvas.width = Math.max(1, Math.round(r.width * dpr));
    this.canvas.height = Math.max(1, Math.round(r.height * dpr));
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.dpr = dpr;
  }

  draw(scene: Scene, cam: Camera, t: number, wall: number, sel: Selection): void {
    const t0 = performance.now();
    this.phaseStart = t0;
    const ctx = this.ctx;
    const W = this.width;
    const H = this.height;
    const r = nodeRadius(cam, scene.spacing);
    const labels = r >= 14;
    const visible = (x: number, y: number, m: number) => x > -m && y > -m && x < W + m && y < H + m;
    const still: StillView = { scene, cam, r, W, H };
    // The still parts from the layers when the view held still (map-layers.ts), else drawn.
    const paintOverLayer = this.layers.drawUnder(ctx, still, this.canvas.width, this.canvas.height, this.dpr);
    if (!paintOverLayer) paintUnder(ctx, still);
    this.phase("background and links");
    const broken: SceneLink[] = [];
    for (const l of scene.links.values()) if (!l.up || l.silent) broken.push(l);
    if (sel.link) {
      const l = scene.links.get(sel.link);
      if (l) {
        const [x1, y1, x2, y2] = linkEnds(l, cam);
        ctx.strokeStyle = ACCENT;
        ctx.lineWidth = 7;
        ctx.globalAlpha = 0.5;
        ctx.beginPath();
        ctx.moveTo(x1, y1);
        ctx.lineTo(x2, y2);
        ctx.stroke();
        ctx.globalAlpha = 1;
      }
    }

    if (sel.tree) this.strokeLinks(scene, cam, sel.tree, SPF_TREE_COLOR, r >= 10 ? 7 : 5);
    drawTrails(ctx, scene, cam, wall, r, W, H);
    this.phase("trails");

    // Broken links on top of trails: a link's state must always show.
    ctx.lineWidth = r >= 10 ? 3 : 1.5;
    ctx.setLineDash([10, 8]);
    for (const l of broken) {
      const [x1, y1, x2, y2] = linkEnds(l, cam);
      ctx.strokeStyle = l.silent ? LINK_SILENT : LINK_DOWN;
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.lineTo(x2, y2);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    this.phase("broken links");

    // Packets in flight, under the labels and routers (a packet enters a router and is gone).
    const dr = Math.max(3, Math.min(9, r * 0.36));
    // One path per (class, colour): 500 packets cost a handful of fills, not 500.
    let dots = 0;
    const groups = this.groups;
    for (const g of groups.values()) g.xy.length = 0;
    for (const f of scene.flying) {
      const [x, y] = dotPosition(f, cam, t);
      if (!visible(x, y, 10)) continue;
      const mark = isRoutingTraffic(f.e.cls) ? 0 : userMark(f.e.user);
      const key = `${f.e.cls}\u0000${f.color}\u0000${mark}`;
      let g = groups.get(key);
      if (!g) {
        g = { cls: f.e.cls, color: f.color, mark, xy: [] };
        groups.set(key, g);
      }
      g.xy.push(x, y);
      dots++;
    }
    for (const [key, g] of groups) {
      if (g.xy.length === 0) {
        groups.delete(key);
        continue;
      }
      const rr = isRoutingTraffic(g.cls) ? dr * 0.8 : dr;
      ctx.beginPath();
      for (let i = 0; i < g.xy.length; i += 2) packetPath(ctx, g.cls, g.xy[i]!, g.xy[i + 1]!, rr);
      paintPackets(ctx, g.cls, g.color);
      if (g.mark === 0 || rr < 4) continue;
      ctx.beginPath();
      for (let i = 0; i < g.xy.length; i += 2) markPath(ctx, g.mark, g.cls, g.xy[i]!, g.xy[i + 1]!, rr);
      ctx.fillStyle = MARK_COLOR;
      ctx.fill();
    }

    this.phase("packets");
    if (paintOverLayer) paintOverLayer();
    else paintOver(ctx, still);
    this.phase("nodes");
    if (sel.node) {
      const n = scene.nodes.get(sel.node);
      if (n) {
        const [x, y] = toScreen(cam, n.x, n.y);
        ctx.strokeStyle = ACCENT;
        ctx.lineWidth = 4;
        ctx.beginPath();
        ctx.arc(x, y, r + 6, 0, Math.PI * 2);
        ctx.stroke();
      }
    }
    // Drops: a red cross where the packet died (beside the router when inside it), over the
    // routers and under the labels; its reason beside it where there is room (below).
    const reasons = this.dropMarks(scene, cam, wall, r, dr, W, H);
    this.phase("drops");

    // Labels: every router's box first, then names, addresses, subnets; drop reasons last.
    const placer = new LabelPlacer(ctx, W, H, this.recordLabels);
    if (labels) {
      for (const n of scene.nodes.values()) {
        const [x, y] = toScreen(cam, n.x, n.y);
        placer.block({ x0: x - r - 2, y0: y - r - 2, x1: x + r + 2, y1: y + r + 2 });
      }
      const [hw, hh] = switchHalf(r);
      for (const g of scene.segments.values()) {
        const [x, y] = toScreen(cam, g.x, g.y);
        placer.block({ x0: x - hw - 2, y0: y - hh - 2, x1: x + hw + 2, y1: y + hh + 2 });
      }
    }
    const names = labels ? this.nodeNames(scene, cam, placer) : [];
    if (labels) this.segmentLabels(scene, cam, placer, r);
    if (labels) this.linkLabels(scene, cam, placer);
    if (labels) {
      ctx.font = `bold ${nameSize(r)}px ${FONT}`;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      for (const [text, x, y, inside] of names)
        if (inside) {
          ctx.fillStyle = LABEL;
          ctx.fillText(text, x, y);
        } else halo(ctx, text, x, y, LABEL);
    }

    if (labels) this.dropReasons(reasons, placer);
    this.labels = placer.placed ?? [];
    this.phase("labels");

    this.stats.frames++;
    this.stats.dotsDrawn = dots;
    this.stats.lastFrameMs = performance.now() - t0;
  }

  /** Draws the drops' crosses; returns where each one's reason could go, and its fade. */
  private dropMarks(
    scene: Scene,
    cam: Camera,
    wall: number,
    r: number,
    dr: number,
    W: number,
    H: number,
  ): [string, number, number, number, number][] {
    const ctx = this.ctx;
    const out: [string, number, number, number, number][] = [];
    for (const d of scene.drops) {
      const age = (wall - d.start) / DROP_MS;
      if (age >= 1) continue;
      let [x, y] = toScreen(cam, d.x, d.y);
      if (d.atNode) {
        x += r * 0.95;
        y -= r * 0.95;
      }
      if (x < -60 || y < -60 || x > W + 60 || y > H + 60) continue;
      const alpha = 1 - age * age;
      ctx.globalAlpha = alpha;
      const s = Math.max(5, dr * 1.3);
      ctx.strokeStyle = DROP_COLOR;
      ctx.lineWidth = 4;
      ctx.beginPath();
      ctx.moveTo(x - s, y - s);
      ctx.lineTo(x + s, y + s);
      ctx.moveTo(x + s, y - s);
      ctx.lineTo(x - s, y + s);
      ctx.stroke();
      ctx.fillStyle = d.color;
      ctx.beginPath();
      ctx.arc(x, y, s * 0.45, 0, Math.PI * 2);
      ctx.fill();
      if (!isRoutingTraffic(d.cls)) out.push([REASON_TEXT[d.reason] ?? d.reason, x, y, s, alpha]);
    }
    ctx.globalAlpha = 1;
    return out;
  }

  /**
   * Each drop's reason beside its cross: right or left, else above or below, where no label
   * is (addresses were placed first, so a reason never covers one). Nowhere free: the cross
   * alone (the events list says why).
   */
  private dropReasons(reasons: [string, number, number, number, number][], placer: LabelPlacer): void {
    const ctx = this.ctx;
    ctx.textBaseline = "middle";
    ctx.font = `bold 14px ${FONT}`;
    const said: [string, number, number][] = [];
    for (const [text, x, y, s, alpha] of reasons) {
      // Two packets dead of the same cause at the same spot (two people's probes): said once.
      if (said.some(([t, sx, sy]) => t === text && Math.abs(sx - x) < 12 && Math.abs(sy - y) < 12)) continue;
      said.push([text, x, y]);
      const g = s + 4;
      const sides: [number, number, CanvasTextAlign][] = [
        [x + g, y, "left"],
        [x - g, y, "right"],
        [x, y - g - 8, "center"],
        [x, y + g + 8, "center"],
        [x + g, y - 18, "left"],
        [x + g, y + 18, "left"],
      ];
      for (const [sx, sy, align] of sides)
        if (placer.place(text, "drop", 14, [[sx, sy]], align)) {
          ctx.globalAlpha = alpha;
          ctx.textAlign = align;
          halo(ctx, text, sx, sy, DROP_COLOR);
          break;
        }
    }
    ctx.globalAlpha = 1;
  }

  /**
   * The routers' names: inside the circle when they fit, else just below it (or above) where
   * no other label is. Returns where to draw them, after the routers.
   */
  private nodeNames(scene: Scene, cam: Camera, placer: LabelPlacer): [string, number, number, boolean][] {
    const ctx = this.ctx;
    const r = nodeRadius(cam, scene.spacing);
    const px = nameSize(r);
    ctx.font = `bold ${px}px ${FONT}`;
    const out: [string, number, number, boolean][] = [];
    for (const n of scene.nodes.values()) {
      const [x, y] = toScreen(cam, n.x, n.y);
      if (x < -r || y < -r || x > this.width + r || y > this.height + r) continue;
      const room = n.kind === "host" ? hostHalf(r) * 1.9 : r * 1.9;
      if (ctx.measureText(n.name).width < room) {
        out.push([n.name, x, y + 1, true]);
        continue;
      }
      const at = placer.place(n.name, "node", px, [
        [x, y + r + px / 2 + 4],
        [x, y - r - px / 2 - 4],
      ]);
      if (at) out.push([n.name, at[0], at[1], false]);
    }
    return out;
  }

  /**
   * Subnets at the middle of each link, interface addresses near each end, each at the first
   * spot (along the link, either side) clear of routers and labels already placed. Addresses
   * go first: they are what people read off the map. One that finds no room is left out
   * rather than cut short (the routes panel and `ifconfig` have it).
   */
  private linkLabels(scene: Scene, cam: Camera, placer: LabelPlacer): void {
    const ctx = this.ctx;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    const r = nodeRadius(cam, scene.spacing);
    const ends: [SceneLink, number, number, number, number, number, number, number][] = [];
    for (const l of scene.links.values()) {
      const [x1, y1, x2, y2] = linkEnds(l, cam);
      if (!segVisible(x1, y1, x2, y2, this.width, this.height)) continue;
      const len = Math.hypot(x2 - x1, y2 - y1);
      // A station's line to its switch is short but has one address to show, not two.
      if (len < (l.b.kind === "segment" ? 50 : 110)) continue;
      // Perpendicular pointing up the screen: subnets above the line, addresses below.
      let nx = -(y2 - y1) / len;
      let ny = (x2 - x1) / len;
      if (ny > 0) {
        nx = -nx;
        ny = -ny;
      }
      ends.push([l, x1, y1, x2, y2, nx, ny, len]);
    }
    ctx.font = `bold 15px ${FONT}`;
    for (const [l, x1, y1, x2, y2, nx, ny, len] of ends) {
      for (const [end, fromA] of [
        [l.info.a, true],
        [l.info.b, false],
      ] as const) {
        // A switch port has no address; its segment's subnet is written once, by the switch.
        if (!fromA && l.b.kind === "segment") continue;
        const port = l.b.kind === "segment";
        const base = (r + 40) / len;
        const spots: [number, number][] = [];
        const alongs = [base, base + 0.06, base + 0.12, base + 0.18, base + 0.24];
        if (port) alongs.push(0.5, 0.35, 0.65);
        for (const along of alongs) {
          if (along > (port ? 0.8 : 0.45)) continue;
          const frac = fromA ? along : 1 - along;
          for (const side of [-1, 1])
            for (const off of [14, 24])
              spots.push([x1 + (x2 - x1) * frac + nx * off * side, y1 + (y2 - y1) * frac + ny * off * side]);
        }
        const at = placer.place(end.addr, "address", 15, spots);
        if (at) halo(ctx, end.addr, at[0], at[1], LABEL);
      }
    }
    ctx.font = `15px ${FONT}`;
    for (const [l, x1, y1, x2, y2, nx, ny] of ends) {
      if (l.b.kind === "segment") continue;
      const spots: [number, number][] = [];
      for (const frac of [0.5, 0.4, 0.6])
        for (const side of [1, -1])
          spots.push([x1 + (x2 - x1) * frac + nx * 14 * side, y1 + (y2 - y1) * frac + ny * 14 * side]);
      const at = placer.place(l.info.subnet, "subnet", 15, spots);
      if (at) halo(ctx, l.info.subnet, at[0], at[1], LABEL_DIM);
    }
  }

  /** A segment's name in its box (or beside it) and its subnet under it, where there is room. */
  private segmentLabels(scene: Scene, cam: Camera, placer: LabelPlacer, r: number): void {
    const ctx = this.ctx;
    const [hw, hh] = switchHalf(r);
    const px = nameSize(r);
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (const g of scene.segments.values()) {
      const [x, y] = toScreen(cam, g.x, g.y);
      if (x < -hw || y < -hh || x > this.width + hw || y > this.height + hh) continue;
      ctx.font = `bold ${px}px ${FONT}`;
      if (ctx.measureText(g.name).width < hw * 1.8 && px < hh * 2.6) {
        ctx.fillStyle = LABEL;
        ctx.fillText(g.name, x, y + 1);
      } else {
        const at = placer.place(g.name, "node", px, [
          [x, y - hh - px / 2 - 4],
          [x, y + hh + px / 2 + 4],
        ]);
        if (at) halo(ctx, g.name, at[0], at[1], LABEL);
      }
      ctx.font = `15px ${FONT}`;
      const at = placer.place(g.subnet, "subnet", 15, [
        [x, y + hh + 14],
        [x, y - hh - 14],
        [x + hw + 8 + ctx.measureText(g.subnet).width / 2, y],
        [x - hw - 8 - ctx.measureText(g.subnet).width / 2, y],
      ]);
      if (at) halo(ctx, g.subnet, at[0], at[1], LABEL_DIM);
    }
  }

  /** Links of `ids` stroked wide and translucent under the traffic (an OSPF router's SPF tree). */
  private strokeLinks(
    scene: Scene,
    cam: Camera,
    ids: ReadonlySet<string>,
    color: string,
    width: number,
  ): void {
    const ctx = this.ctx;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.globalAlpha = 0.55;
    ctx.beginPath();
    for (const id of ids) {
      const l = scene.links.get(id);
      if (!l) continue;
      const [x1, y1, x2, y2] = linkEnds(l, cam);
      ctx.moveTo(x1, y1);
      ctx.lineTo(x2, y2);
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
  }
}

/** Font size of routers' names for routers of radius r. */
function nameSize(r: number): number {
  return Math.round(Math.min(19, r * 0.72));
}
