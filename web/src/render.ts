/**
 * @module web/render
 * Draws the scene on a 2D canvas, one frame per requestAnimationFrame, only while something
 * moves (sigma's scheduleRender idea): the still parts (links, routers, labels) are drawn
 * into layers when the view changes and copied in each frame (map-stack.ts), what moves is
 * drawn between them. Batched paths (all up links in one stroke, all routers in one fill,
 * packets one path per class and colour) and culling keep 1,000-router topologies fluid;
 * labels are drawn only where they have room.
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
import type { Ctx2D, LabelPlacer, PlacedLabel } from "./labels.js";
import { type DropReason, drawDropReasons, drawStillLabels, labelled } from "./map-labels.js";
import {
  hostHalf,
  linkEnds,
  paintOver,
  paintUnder,
  SWITCH_FILL,
  type StillView,
  switchHalf,
} from "./map-layers.js";
import { type Box, StillLayers } from "./map-stack.js";

export { hostHalf, linkEnds, SWITCH_FILL, switchHalf };
import { DROP_MS, type Flying, type Scene } from "./scene.js";
import { TrailLayer } from "./trail-layer.js";
import { isRoutingTraffic } from "../../src/core/routing-traffic.js";

export const LINK = "#5f7a96";
export const LINK_DOWN = "#ff5252";
export const LINK_SILENT = "#ffb74d";
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
  /** The still parts (links under the packets; routers and labels over them), kept between frames. */
  readonly layers = new StillLayers();
  /** The trails, drawn whole once a fade step and copied in (trail-layer.ts). */
  readonly trails = new TrailLayer();
  /** Device pixels per CSS px of the canvas, as of the last resize. */
  private dpr = 1;

  constructor(readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext("2d", { alpha: false })!;
  }

  /** Ends a draw phase when profiling (see `phases`): rasterises what the canvas has recorded. */
  private phase(name: string): void {
    const p = this.phases;
    if (!p) return;
    this.ctx.getImageData(0, 0, 1, 1);
    const now = performance.now();
    p[name] = (p[name] ?? 0) + now - this.phaseStart;
    this.phaseStart = now;
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

  /**
   * A frame, bottom to top: background and links (the layer under, map-stack.ts), what moves,
   * routers and labels (the layer over), then the selected router's ring and the drops.
   */
  draw(scene: Scene, cam: Camera, t: number, wall: number, sel: Selection): void {
    const t0 = performance.now();
    this.phaseStart = t0;
    const ctx = this.ctx;
    const v: StillView = { scene, cam, r: nodeRadius(cam, scene.spacing), W: this.width, H: this.height };
    const key = `${cam.scale},${cam.ox},${cam.oy}|${scene.version}|${this.recordLabels}`;
    const { width: pw, height: ph } = this.canvas;
    const over = this.layers.drawUnder(ctx, key, pw, ph, this.dpr, (u, o) => this.paintStill(u, o, v));
    if (!over) paintUnder(ctx, v);
    this.phase("background and links");
    const dots = this.drawMoving(v, t, wall, sel);
    let still: LabelPlacer;
    if (over) {
      over();
      still = this.layers.stillPlacer!;
    } else {
      paintOver(ctx, v);
      still = drawStillLabels(ctx, v, this.recordLabels);
    }
    this.phase("nodes and labels");
    this.drawTop(v, wall, sel, still);
    this.stats.frames++;
    this.stats.dotsDrawn = dots;
    this.stats.lastFrameMs = performance.now() - t0;
  }

  /** Times the still layers were made (test hook and bench). */
  get stillBuilds(): number {
    return this.layers.builds;
  }

  /** The still parts for the layers: links under the packets; routers and labels over them. */
  private paintStill(under: Ctx2D, over: Ctx2D, v: StillView): { placer: LabelPlacer; box: Box } {
    paintUnder(under, v);
    paintOver(over, v);
    const placer = drawStillLabels(over, v, this.recordLabels);
    return { placer, box: stillBox(v, placer) };
  }

  /** What moves: the selected link, an SPF tree, trails, links down, packets. Returns the packets drawn. */
  private drawMoving(v: StillView, t: number, wall: number, sel: Selection): number {
    const ctx = this.ctx;
    const { scene, cam, r, W, H } = v;
    ctx.lineCap = "round";
    if (sel.link) strokeLinks(ctx, v, [sel.link], ACCENT, 7, 0.5);
    if (sel.tree) strokeLinks(ctx, v, sel.tree, SPF_TREE_COLOR, r >= 10 ? 7 : 5, 0.55);
    const { width: pw, height: ph } = this.canvas;
    this.trails.draw(ctx, scene, cam, wall, { r, W, H, pw, ph, dpr: this.dpr });
    this.phase("trails");
    drawBrokenLinks(ctx, v);
    this.phase("broken links");
    const dots = this.drawPackets(ctx, v, t);
    this.phase("packets");
    return dots;
  }

  /**
   * Packets in flight, under the routers (a packet enters a router and is gone): one path per
   * (class, colour, mark), so 500 packets cost a handful of fills, not 500. Returns how many.
   */
  private drawPackets(ctx: CanvasRenderingContext2D, v: StillView, t: number): number {
    const { W, H } = v;
    const dr = dotRadius(v.r);
    let dots = 0;
    const groups = this.groups;
    for (const g of groups.values()) g.xy.length = 0;
    for (const f of v.scene.flying) {
      const [x, y] = dotPosition(f, v.cam, t);
      if (x <= -10 || y <= -10 || x >= W + 10 || y >= H + 10) continue;
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
    return dots;
  }

  /**
   * Over the routers and labels: the selected router's ring, drops' crosses and their
   * reasons, placed clear of the still labels.
   */
  private drawTop(v: StillView, wall: number, sel: Selection, still: LabelPlacer): void {
    const ctx = this.ctx;
    const node = sel.node ? v.scene.nodes.get(sel.node) : undefined;
    this.labels = still.placed ?? [];
    if (node) {
      const [x, y] = toScreen(v.cam, node.x, node.y);
      ctx.strokeStyle = ACCENT;
      ctx.lineWidth = 4;
      ctx.beginPath();
      ctx.arc(x, y, v.r + 6, 0, Math.PI * 2);
      ctx.stroke();
    }
    const reasons: DropReason[] = [];
    dropMarks(ctx, v, wall, reasons);
    if (labelled(v.r) && reasons.length > 0) {
      const placer = still.fork(ctx, this.recordLabels);
      drawDropReasons(ctx, reasons, placer);
      this.labels = placer.placed ?? [];
    }
    this.phase("drops");
  }
}

/** Where the layer over the packets has anything: the routers and switches, and the labels. */
function stillBox(v: StillView, placer: LabelPlacer): Box {
  const [hw] = switchHalf(v.r);
  const m = Math.max(v.r * 1.5, hw) + 6;
  const box = { x0: Number.POSITIVE_INFINITY, y0: Number.POSITIVE_INFINITY, x1: -Infinity, y1: -Infinity };
  const grow = (b: Box) => {
    box.x0 = Math.min(box.x0, b.x0);
    box.y0 = Math.min(box.y0, b.y0);
    box.x1 = Math.max(box.x1, b.x1);
    box.y1 = Math.max(box.y1, b.y1);
  };
  for (const n of [...v.scene.nodes.values(), ...v.scene.segments.values()]) {
    const [x, y] = toScreen(v.cam, n.x, n.y);
    grow({ x0: x - m, y0: y - m, x1: x + m, y1: y + m });
  }
  const labels = placer.extent();
  if (labels) grow({ x0: labels.x0 - 4, y0: labels.y0 - 4, x1: labels.x1 + 4, y1: labels.y1 + 4 });
  return box;
}

/** Radius of a packet's dot for routers of radius r. */
function dotRadius(r: number): number {
  return Math.max(3, Math.min(9, r * 0.36));
}

/** Links of `ids` stroked wide and translucent under the traffic (the selected link, an OSPF router's SPF tree). */
function strokeLinks(
  ctx: CanvasRenderingContext2D,
  v: StillView,
  ids: Iterable<string>,
  color: string,
  width: number,
  alpha: number,
): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.globalAlpha = alpha;
  ctx.beginPath();
  for (const id of ids) {
    const l = v.scene.links.get(id);
    if (!l) continue;
    const [x1, y1, x2, y2] = linkEnds(l, v.cam);
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
  }
  ctx.stroke();
  ctx.globalAlpha = 1;
}

/** Links down (red) and silent (amber), dashed, over the trails: a link's state must always show. */
function drawBrokenLinks(ctx: CanvasRenderingContext2D, v: StillView): void {
  ctx.lineWidth = v.r >= 10 ? 3 : 1.5;
  ctx.setLineDash([10, 8]);
  for (const l of v.scene.links.values()) {
    if (l.up && !l.silent) continue;
    const [x1, y1, x2, y2] = linkEnds(l, v.cam);
    ctx.strokeStyle = l.silent ? LINK_SILENT : LINK_DOWN;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

/**
 * Drops: a red cross where the packet died (beside the router when inside it). Adds to
 * `reasons` where each one's reason could go; returns whether any was drawn.
 */
function dropMarks(
  ctx: CanvasRenderingContext2D,
  v: StillView,
  wall: number,
  reasons: DropReason[],
): boolean {
  const { cam, r, W, H } = v;
  const dr = dotRadius(r);
  let drawn = false;
  for (const d of v.scene.drops) {
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
    drawn = true;
    if (!isRoutingTraffic(d.cls)) reasons.push([REASON_TEXT[d.reason] ?? d.reason, x, y, s, alpha]);
  }
  ctx.globalAlpha = 1;
  return drawn;
}
