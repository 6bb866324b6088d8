/**
 * @module web/render
 * Draws the scene on a stack of 2D canvases (map-stack.ts), one frame per
 * requestAnimationFrame, only while something moves (sigma's scheduleRender idea): the still
 * parts (links, routers, labels) only when the view changes, the packets and trails every
 * frame, drops and the selected router's ring on top while there are any. Batched paths (all
 * up links in one stroke, all routers in one fill, packets one path per class and colour) and
 * culling keep 1,000-router topologies fluid; labels are drawn only where they have room.
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
import { clearLayer, MapStack } from "./map-stack.js";

export { hostHalf, linkEnds, SWITCH_FILL, switchHalf };
import { DROP_MS, type Flying, type Scene } from "./scene.js";
import { drawTrails } from "./trail-paths.js";
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
  /** The layers: still image under, moving (#view), still image over, top canvas. */
  readonly stack: MapStack;
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
  /** Device pixels per CSS px of the canvas, as of the last resize. */
  private dpr = 1;

  constructor(readonly canvas: HTMLCanvasElement) {
    this.stack = new MapStack(canvas);
  }

  /** The moving layer's context (#view's). */
  get ctx(): CanvasRenderingContext2D {
    return this.stack.moving.ctx;
  }

  /** Ends a draw phase when profiling (see `phases`): rasterises what `ctx` has recorded. */
  private phase(ctx: Ctx2D, name: string): void {
    const p = this.phases;
    if (!p) return;
    ctx.getImageData(0, 0, 1, 1);
    const now = performance.now();
    p[name] = (p[name] ?? 0) + now - this.phaseStart;
    this.phaseStart = now;
  }

  resize(): void {
    const dpr = window.devicePixelRatio || 1;
    const r = this.canvas.getBoundingClientRect();
    this.width = r.width;
    this.height = r.height;
    this.dpr = dpr;
    this.stack.resize(Math.max(1, Math.round(r.width * dpr)), Math.max(1, Math.round(r.height * dpr)), dpr);
  }

  /**
   * A frame. While the still images show this view, #view draws only what moves; else it
   * draws everything, in the same order as the layers (map-stack.ts).
   */
  draw(scene: Scene, cam: Camera, t: number, wall: number, sel: Selection): void {
    const t0 = performance.now();
    this.phaseStart = t0;
    const v: StillView = { scene, cam, r: nodeRadius(cam, scene.spacing), W: this.width, H: this.height };
    const key = `${v.W}x${v.H}@${this.dpr}|${cam.scale},${cam.ox},${cam.oy}|${scene.version}|${this.recordLabels}`;
    const layered = this.stack.stillFor(key, (under, over) => this.paintStill(under, over, v));
    const ctx = this.ctx;
    if (layered) clearLayer(this.stack.moving);
    else paintUnder(ctx, v);
    this.phase(ctx, "background and links");
    const dots = this.drawMoving(ctx, v, t, wall, sel);
    let still = this.stack.stillPlacer;
    if (!layered) {
      paintOver(ctx, v);
      this.phase(ctx, "nodes");
      still = drawStillLabels(ctx, v, this.recordLabels);
      this.phase(ctx, "labels");
    }
    this.drawTop(layered, v, wall, sel, still!);
    this.stats.frames++;
    this.stats.dotsDrawn = dots;
    this.stats.lastFrameMs = performance.now() - t0;
  }

  /** Times the still images were made (test hook and bench). */
  get stillBuilds(): number {
    return this.stack.builds;
  }

  /** The still parts for the images: links under the packets; routers and labels over them. */
  private paintStill(under: Ctx2D, over: Ctx2D, v: StillView): LabelPlacer {
    paintUnder(under, v);
    paintOver(over, v);
    return drawStillLabels(over, v, this.recordLabels);
  }

  /** What moves: the selected link, an SPF tree, trails, links down, packets. Returns the packets drawn. */
  private drawMoving(
    ctx: CanvasRenderingContext2D,
    v: StillView,
    t: number,
    wall: number,
    sel: Selection,
  ): number {
    const { scene, cam, r, W, H } = v;
    ctx.lineCap = "round";
    if (sel.link) strokeLinks(ctx, v, [sel.link], ACCENT, 7, 0.5);
    if (sel.tree) strokeLinks(ctx, v, sel.tree, SPF_TREE_COLOR, r >= 10 ? 7 : 5, 0.55);
    drawTrails(ctx, scene, cam, wall, r, W, H);
    this.phase(ctx, "trails");
    drawBrokenLinks(ctx, v);
    this.phase(ctx, "broken links");
    const dots = this.drawPackets(ctx, v, t);
    this.phase(ctx, "packets");
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
   * Over the routers and labels: the selected router's ring, drops' crosses and their reasons
   * (clear of the still labels) — on the top canvas when the still images are shown (left
   * alone while it has nothing on it and nothing to show), else on #view.
   */
  private drawTop(layered: boolean, v: StillView, wall: number, sel: Selection, still: LabelPlacer): void {
    const { stack } = this;
    const node = sel.node ? v.scene.nodes.get(sel.node) : undefined;
    this.labels = still.placed ?? [];
    const idle = !node && v.scene.drops.length === 0;
    if (!layered || (idle && !stack.topHasInk)) {
      if (!layered) stack.setTopInked(false);
      if (idle) return;
    }
    const ctx = layered ? stack.topLayer() : this.ctx;
    let inked = false;
    if (node) {
      const [x, y] = toScreen(v.cam, node.x, node.y);
      ctx.strokeStyle = ACCENT;
      ctx.lineWidth = 4;
      ctx.beginPath();
      ctx.arc(x, y, v.r + 6, 0, Math.PI * 2);
      ctx.stroke();
      inked = true;
    }
    const reasons: DropReason[] = [];
    if (dropMarks(ctx, v, wall, reasons)) inked = true;
    if (labelled(v.r) && reasons.length > 0) {
      const placer = still.fork(ctx, this.recordLabels);
      drawDropReasons(ctx, reasons, placer);
      this.labels = placer.placed ?? [];
    }
    if (layered) stack.setTopInked(inked);
    this.phase(ctx, "drops");
  }
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
