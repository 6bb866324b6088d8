/**
 * @module web/map-layers
 * The map's still parts — background and healthy links under the packets, routers, hosts and
 * switches over them — drawn once into two offscreen canvases and copied into each frame while
 * the camera, the canvas's size and the links' and nodes' states stay as they were.
 *
 * Why (issue 23, measured with `npm run bench:page -- --topology kdl --phases`): without a GPU
 * Chromium rasterises the canvas's commands on the main thread at commit, and at Kdl (754
 * routers, 899 links) the links cost 5.3 ms and the routers 2.7 ms of every frame, redrawn
 * identically 60 times a second; two copies of a full-size bitmap cost a fraction of that.
 * While the camera moves (a drag, a zoom) the layers are not rebuilt every frame: the frame is
 * drawn directly, and the layers are made again once the view has held still for a frame.
 */
import { type Camera, toScreen } from "./camera.js";
import type { Scene, SceneLink, SceneNode } from "./scene.js";

const BG = "#0b0f14";
const LINK = "#5f7a96";
const NODE_FILL = "#1d2a38";
const NODE_STROKE = "#e8eef4";
export const SWITCH_FILL = "#24384c";
const LINK_DOWN = "#ff5252";

type Ctx = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** What the still parts are drawn for: the view and the drawing's size. */
export interface StillView {
  scene: Scene;
  cam: Camera;
  /** Router radius, CSS px. */
  r: number;
  /** Canvas size, CSS px. */
  W: number;
  H: number;
}

/** Half the side of a host's square, for routers of radius r: hosts are the smaller glyph. */
export function hostHalf(r: number): number {
  return r * 0.72;
}

/** Half the width and height of a segment's switch box, for routers of radius r. */
export function switchHalf(r: number): [number, number] {
  return [Math.max(8, r * 1.5), Math.max(3, r * 0.5)];
}

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

export function segVisible(x1: number, y1: number, x2: number, y2: number, W: number, H: number): boolean {
  return !((x1 < 0 && x2 < 0) || (y1 < 0 && y2 < 0) || (x1 > W && x2 > W) || (y1 > H && y2 > H));
}

const visible = (v: StillView, x: number, y: number, m: number) =>
  x > -m && y > -m && x < v.W + m && y < v.H + m;

/** Background, then every healthy link in one stroke (broken ones are drawn on top of trails, each frame). */
export function paintUnder(ctx: Ctx, v: StillView): void {
  ctx.fillStyle = BG;
  ctx.fillRect(0, 0, v.W, v.H);
  ctx.lineCap = "round";
  ctx.lineWidth = v.r >= 10 ? 3 : 1.5;
  ctx.strokeStyle = LINK;
  ctx.beginPath();
  for (const l of v.scene.links.values()) {
    if (!l.up || l.silent) continue;
    const [x1, y1, x2, y2] = linkEnds(l, v.cam);
    if (!segVisible(x1, y1, x2, y2, v.W, v.H)) continue;
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
  }
  ctx.stroke();
}

/** Adds a node's outline to the current path: a circle for a router, a screen-like square for a host. */
function nodeOutline(ctx: Ctx, n: SceneNode, x: number, y: number, r: number): void {
  if (n.kind === "host") {
    const s = hostHalf(r);
    ctx.rect(x - s, y - s, 2 * s, 2 * s);
    return;
  }
  ctx.moveTo(x + r, y);
  ctx.arc(x, y, r, 0, Math.PI * 2);
}

/**
 * Segments' switches (a packet enters one and leaves by the ports it floods to), then routers
 * and hosts (one fill and one stroke for all that are up), the ones down in red, and each
 * host's stand.
 */
export function paintOver(ctx: Ctx, v: StillView): Box {
  const { scene, cam, r } = v;
  const box = { x0: Number.POSITIVE_INFINITY, y0: Number.POSITIVE_INFINITY, x1: -Infinity, y1: -Infinity };
  const grow = (x: number, y: number, m: number) => {
    box.x0 = Math.min(box.x0, x - m);
    box.y0 = Math.min(box.y0, y - m);
    box.x1 = Math.max(box.x1, x + m);
    box.y1 = Math.max(box.y1, y + m);
  };
  const lw = v.r >= 10 ? 3 : 1;
  if (scene.segments.size > 0) {
    const [hw, hh] = switchHalf(r);
    ctx.lineWidth = lw;
    ctx.fillStyle = SWITCH_FILL;
    ctx.strokeStyle = LINK;
    ctx.beginPath();
    for (const g of scene.segments.values()) {
      const [x, y] = toScreen(cam, g.x, g.y);
      if (!visible(v, x, y, hw)) continue;
      grow(x, y, hw + lw);
      ctx.rect(x - hw, y - hh, 2 * hw, 2 * hh);
    }
    ctx.fill();
    ctx.stroke();
  }
  ctx.lineWidth = lw;
  ctx.fillStyle = NODE_FILL;
  ctx.strokeStyle = NODE_STROKE;
  ctx.beginPath();
  const down: SceneNode[] = [];
  for (const n of scene.nodes.values()) {
    const [x, y] = toScreen(cam, n.x, n.y);
    if (!visible(v, x, y, r)) continue;
    grow(x, y, r * 1.5 + lw + 2);
    if (!n.up) down.push(n);
    nodeOutline(ctx, n, x, y, r);
  }
  ctx.fill();
  ctx.stroke();
  for (const n of down) {
    const [x, y] = toScreen(cam, n.x, n.y);
    ctx.fillStyle = "#3a1010";
    ctx.strokeStyle = LINK_DOWN;
    ctx.beginPath();
    nodeOutline(ctx, n, x, y, r);
    ctx.fill();
    ctx.stroke();
  }
  // A host's screen: a stand under the square, so it reads as a computer and not a box.
  ctx.strokeStyle = NODE_STROKE;
  ctx.lineWidth = lw;
  ctx.beginPath();
  for (const n of scene.nodes.values()) {
    if (n.kind !== "host") continue;
    const [x, y] = toScreen(cam, n.x, n.y);
    if (!visible(v, x, y, r)) continue;
    const s = hostHalf(r);
    ctx.moveTo(x - s * 0.6, y + s + Math.max(2, s * 0.35));
    ctx.lineTo(x + s * 0.6, y + s + Math.max(2, s * 0.35));
  }
  ctx.stroke();
  return box;
}

/** A box in CSS px: where the layer over the packets has anything drawn. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The two still layers, kept while their key holds. */
export class StillLayers {
  private key = "";
  private built = false;
  private under: OffscreenCanvas | null = null;
  private over: OffscreenCanvas | null = null;
  /** The part of `over` with something drawn, device px (only that part is copied). */
  private overBox: [number, number, number, number] = [0, 0, 0, 0];
  /** Times the layers were drawn (test hook and bench). */
  builds = 0;

  /**
   * Copies the layer under the packets into `ctx` (device pixels `pw`×`ph`, CSS-to-device
   * scale `dpr`) when the layers are current for this view, building them if the view held
   * still since the frame before. Returns a function that copies the layer over the packets,
   * or null: then draw the still parts directly (paintUnder, paintOver) this frame.
   */
  drawUnder(
    ctx: CanvasRenderingContext2D,
    v: StillView,
    pw: number,
    ph: number,
    dpr: number,
  ): (() => void) | null {
    if (typeof OffscreenCanvas === "undefined") return null;
    const key = `${pw}x${ph}@${dpr}|${v.cam.scale},${v.cam.ox},${v.cam.oy}|${v.r}|${v.scene.version}`;
    if (key !== this.key) {
      this.key = key;
      this.built = false;
      return null;
    }
    if (!this.built) {
      this.under = this.paint(this.under, pw, ph, dpr, false, (c) => paintUnder(c, v));
      let box: Box | null = null;
      this.over = this.paint(this.over, pw, ph, dpr, true, (c) => {
        box = paintOver(c, v);
      });
      const b = box as Box | null;
      const x0 = Math.max(0, Math.floor((b?.x0 ?? 0) * dpr));
      const y0 = Math.max(0, Math.floor((b?.y0 ?? 0) * dpr));
      const x1 = Math.min(pw, Math.ceil((b?.x1 ?? 0) * dpr));
      const y1 = Math.min(ph, Math.ceil((b?.y1 ?? 0) * dpr));
      this.overBox = [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)];
      this.built = true;
      this.builds++;
    }
    const { under, over } = this;
    const [bx, by, bw, bh] = this.overBox;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(under!, 0, 0);
    ctx.restore();
    return () => {
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      if (bw > 0 && bh > 0) ctx.drawImage(over!, bx, by, bw, bh, bx, by, bw, bh);
      ctx.restore();
    };
  }

  private paint(
    canvas: OffscreenCanvas | null,
    pw: number,
    ph: number,
    dpr: number,
    alpha: boolean,
    draw: (c: OffscreenCanvasRenderingContext2D) => void,
  ): OffscreenCanvas {
    const c = canvas && canvas.width === pw && canvas.height === ph ? canvas : new OffscreenCanvas(pw, ph);
    const ctx = c.getContext("2d", { alpha })!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, pw, ph);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    draw(ctx);
    return c;
  }
}
