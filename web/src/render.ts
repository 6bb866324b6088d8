/**
 * @module web/render
 * Draws the scene on a 2D canvas, one frame per requestAnimationFrame, only while something
 * moves (sigma's scheduleRender idea). Batched paths (all up links in one stroke, all routers
 * in one fill) and culling keep 1,000-router topologies fluid; labels are drawn only where
 * they have room to be read.
 */
import { type Camera, toScreen } from "./camera.js";
import type { PacketClass } from "../../src/core/events.js";
import { DROP_COLOR, packetPath, paintPackets } from "./colors.js";
import { DROP_MS, type Scene, type SceneLink, type SceneNode, TRAIL_MS } from "./scene.js";

const BG = "#0b0f14";
const LINK = "#5f7a96";
const LINK_DOWN = "#ff5252";
const LINK_SILENT = "#ffb74d";
const NODE_FILL = "#1d2a38";
const NODE_STROKE = "#e8eef4";
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
}

/** Radius of a router in CSS px at this zoom: a fifth of the typical gap between routers. */
export function nodeRadius(cam: Camera, spacing = 100): number {
  return Math.max(2.5, Math.min(26, cam.scale * spacing * 0.22));
}

/** Screen end points of a link, shifted sideways for parallel links. */
export function linkEnds(l: SceneLink, cam: Camera): [number, number, number, number] {
  const [x1, y1] = toScreen(cam, l.a.x, l.a.y);
  const [x2, y2] = toScreen(cam, l.b.x, l.b.y);
  if (l.lane === 0) return [x1, y1, x2, y2];
  const len = Math.hypot(x2 - x1, y2 - y1) || 1;
  const off = (l.lane % 2 ? 1 : -1) * Math.ceil(l.lane / 2) * 12;
  const nx = (-(y2 - y1) / len) * off;
  const ny = ((x2 - x1) / len) * off;
  return [x1 + nx, y1 + ny, x2 + nx, y2 + ny];
}

export class Renderer {
  readonly ctx: CanvasRenderingContext2D;
  width = 0;
  height = 0;
  stats: RenderStats = { frames: 0, dotsDrawn: 0, lastFrameMs: 0 };
  /** Packets of one class and colour, reused from frame to frame. */
  private groups = new Map<string, { cls: PacketClass; color: string; xy: number[] }>();

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
  }

  draw(scene: Scene, cam: Camera, t: number, wall: number, sel: Selection): void {
    const t0 = performance.now();
    const ctx = this.ctx;
    const W = this.width;
    const H = this.height;
    ctx.fillStyle = BG;
    ctx.fillRect(0, 0, W, H);
    const r = nodeRadius(cam, scene.spacing);
    const labels = r >= 14;
    const visible = (x: number, y: number, m: number) => x > -m && y > -m && x < W + m && y < H + m;

    // Links: all healthy ones in one stroke, broken ones dashed on top.
    ctx.lineCap = "round";
    ctx.lineWidth = r >= 10 ? 3 : 1.5;
    ctx.strokeStyle = LINK;
    ctx.beginPath();
    const broken: SceneLink[] = [];
    for (const l of scene.links.values()) {
      if (!l.up || l.silent) {
        broken.push(l);
        continue;
      }
      const [x1, y1, x2, y2] = linkEnds(l, cam);
      if (!segVisible(x1, y1, x2, y2, W, H)) continue;
      ctx.moveTo(x1, y1);
      ctx.lineTo(x2, y2);
    }
    ctx.stroke();
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

    // Trails: the path just taken, fading.
    const trailWidth = Math.max(2, r / 4);
    for (const tr of scene.trails.values()) {
      const age = (wall - tr.end) / TRAIL_MS;
      if (age >= 1) continue;
      const [x1, y1, x2, y2] = linkEnds(tr.link, cam);
      if (!segVisible(x1, y1, x2, y2, W, H)) continue;
      const rip = tr.cls === "rip";
      ctx.lineWidth = rip ? 2 : trailWidth;
      ctx.globalAlpha = (1 - age) * (rip ? 0.3 : 0.8);
      ctx.strokeStyle = tr.color;
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.lineTo(x2, y2);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;

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

    // Packets in flight, under the labels and routers (a packet enters a router and is gone).
    const dr = Math.max(3, Math.min(9, r * 0.36));
    // One path per (class, colour): 500 packets cost a handful of fills, not 500.
    let dots = 0;
    const groups = this.groups;
    for (const g of groups.values()) g.xy.length = 0;
    for (const f of scene.flying) {
      const p = Math.min(1, Math.max(0, (t - f.e.t) / Math.max(f.e.duration, 1)));
      const [x1, y1, x2, y2] = linkEnds(f.link, cam);
      const q = f.reverse ? 1 - p : p;
      const x = x1 + (x2 - x1) * q;
      const y = y1 + (y2 - y1) * q;
      if (!visible(x, y, 10)) continue;
      const key = `${f.e.cls}\u0000${f.color}`;
      let g = groups.get(key);
      if (!g) {
        g = { cls: f.e.cls, color: f.color, xy: [] };
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
      const rr = g.cls === "rip" ? dr * 0.8 : dr;
      ctx.beginPath();
      for (let i = 0; i < g.xy.length; i += 2) packetPath(ctx, g.cls, g.xy[i]!, g.xy[i + 1]!, rr);
      paintPackets(ctx, g.cls, g.color);
    }

    if (labels) this.linkLabels(scene, cam);

    // Routers.
    ctx.lineWidth = r >= 10 ? 3 : 1;
    ctx.fillStyle = NODE_FILL;
    ctx.strokeStyle = NODE_STROKE;
    ctx.beginPath();
    const down: SceneNode[] = [];
    for (const n of scene.nodes.values()) {
      const [x, y] = toScreen(cam, n.x, n.y);
      if (!visible(x, y, r)) continue;
      if (!n.up) down.push(n);
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, Math.PI * 2);
    }
    ctx.fill();
    ctx.stroke();
    for (const n of down) {
      const [x, y] = toScreen(cam, n.x, n.y);
      ctx.fillStyle = "#3a1010";
      ctx.strokeStyle = LINK_DOWN;
      ctx.beginPath();
      ctx.arc(x, y, r, 0, Math.PI * 2);
      ctx.fill();
      ctx.stroke();
    }
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
    if (labels) {
      ctx.font = `bold ${Math.round(Math.min(19, r * 0.72))}px ${FONT}`;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillStyle = LABEL;
      for (const n of scene.nodes.values()) {
        const [x, y] = toScreen(cam, n.x, n.y);
        if (!visible(x, y, r)) continue;
        const w = ctx.measureText(n.name).width;
        if (w < r * 1.9) ctx.fillText(n.name, x, y + 1);
        else halo(ctx, n.name, x, y + r + 14, LABEL);
      }
    }

    // Drops: a red cross where the packet died (beside the router when inside it), with the reason.
    ctx.textBaseline = "middle";
    ctx.font = `bold 14px ${FONT}`;
    for (const d of scene.drops) {
      const age = (wall - d.start) / DROP_MS;
      if (age >= 1) continue;
      let [x, y] = toScreen(cam, d.x, d.y);
      if (d.atNode) {
        x += r * 0.95;
        y -= r * 0.95;
      }
      if (!visible(x, y, 60)) continue;
      ctx.globalAlpha = 1 - age * age;
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
      if (labels && d.cls !== "rip") {
        const text = REASON_TEXT[d.reason] ?? d.reason;
        const right = x + s + 4 + ctx.measureText(text).width < W - 4;
        ctx.textAlign = right ? "left" : "right";
        halo(ctx, text, right ? x + s + 4 : x - s - 4, y, DROP_COLOR);
      }
    }
    ctx.globalAlpha = 1;

    this.stats.frames++;
    this.stats.dotsDrawn = dots;
    this.stats.lastFrameMs = performance.now() - t0;
  }

  /**
   * Subnets at the middle of each link, interface addresses near each end. A greedy placer
   * tries a few spots per label (further along the link, the other side, the short `.1` form)
   * and takes the first that overlaps neither a router nor a label already placed, so the
   * busy corners of a router stay readable.
   */
  private linkLabels(scene: Scene, cam: Camera): void {
    const ctx = this.ctx;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    const r = nodeRadius(cam, scene.spacing);
    const taken: Box[] = [];
    for (const n of scene.nodes.values()) {
      const [x, y] = toScreen(cam, n.x, n.y);
      taken.push({ x0: x - r - 2, y0: y - r - 2, x1: x + r + 2, y1: y + r + 2 });
    }
    const H = 18;
    const tryPlace = (text: string, x: number, y: number): boolean => {
      const w = ctx.measureText(text).width + 6;
      const b = { x0: x - w / 2, y0: y - H / 2, x1: x + w / 2, y1: y + H / 2 };
      for (const o of taken) if (b.x0 < o.x1 && b.x1 > o.x0 && b.y0 < o.y1 && b.y1 > o.y0) return false;
      taken.push(b);
      return true;
    };
    const ends: [SceneLink, number, number, number, number, number, number, number][] = [];
    ctx.font = `15px ${FONT}`;
    for (const l of scene.links.values()) {
      const [x1, y1, x2, y2] = linkEnds(l, cam);
      if (!segVisible(x1, y1, x2, y2, this.width, this.height)) continue;
      const len = Math.hypot(x2 - x1, y2 - y1);
      if (len < 110) continue;
      // Perpendicular pointing up the screen: subnets above the line, addresses below.
      let nx = -(y2 - y1) / len;
      let ny = (x2 - x1) / len;
      if (ny > 0) {
        nx = -nx;
        ny = -ny;
      }
      const mx = (x1 + x2) / 2;
      const my = (y1 + y2) / 2;
      for (const side of [1, -1]) {
        const x = mx + nx * 14 * side;
        const y = my + ny * 14 * side;
        if (tryPlace(l.info.subnet, x, y)) {
          halo(ctx, l.info.subnet, x, y, LABEL_DIM);
          break;
        }
      }
      ends.push([l, x1, y1, x2, y2, nx, ny, len]);
    }
    ctx.font = `bold 15px ${FONT}`;
    for (const [l, x1, y1, x2, y2, nx, ny, len] of ends) {
      for (const [end, fromA] of [
        [l.info.a, true],
        [l.info.b, false],
      ] as const) {
        const short = `.${end.addr.split(".")[3]}`;
        const base = (r + 40) / len;
        let placed = false;
        for (const text of [end.addr, short]) {
          for (const along of [base, base + 0.08, base + 0.16]) {
            if (along > 0.45) continue;
            const frac = fromA ? along : 1 - along;
            for (const side of [-1, 1]) {
              const x = x1 + (x2 - x1) * frac + nx * 14 * side;
              const y = y1 + (y2 - y1) * frac + ny * 14 * side;
              if (tryPlace(text, x, y)) {
                halo(ctx, text, x, y, LABEL);
                placed = true;
                break;
              }
            }
            if (placed) break;
          }
          if (placed) break;
        }
      }
    }
  }
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function halo(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, color: string): void {
  ctx.lineWidth = 5;
  ctx.strokeStyle = BG;
  ctx.lineJoin = "round";
  ctx.strokeText(text, x, y);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
}

function segVisible(x1: number, y1: number, x2: number, y2: number, W: number, H: number): boolean {
  return !((x1 < 0 && x2 < 0) || (y1 < 0 && y2 < 0) || (x1 > W && x2 > W) || (y1 > H && y2 > H));
}
