/**
 * @module web/map-layers
 * The map's still parts — background and healthy links under the packets, routers, hosts and
 * switches over them — each drawn on its own canvas of the stack (map-stack.ts) only when the
 * view changes: the camera, the canvas's size, the links' and nodes' states.
 *
 * Why (issue 23, measured with `npm run bench:page -- --topology kdl --phases`): without a GPU
 * Chromium rasterises the canvas's commands on the main thread at commit, and at Kdl (754
 * routers, 899 links) the links cost 5.3 ms and the routers 2.7 ms of every frame, redrawn
 * identically 60 times a second.
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
export function paintOver(ctx: Ctx, v: StillView): void {
  const { scene, cam, r } = v;
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
}
