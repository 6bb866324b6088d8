/**
 * @module web/trail-paths
 * Trails: the path just taken, fading, one per user and link (scene.ts keeps them). Two users'
 * trails on one link lie side by side (each in its own lane) and each is dashed by its user's
 * mark, so they stay apart even in colours that look alike.
 *
 * Drawn in batches: every trail of one colour, width, dash and fade step is one path and one
 * stroke. Why (issue 23, `npm run bench:page -- --topology kdl --phases`): without a GPU
 * Chromium rasterises the canvas on the main thread, and one stroke per trail (each with its
 * own alpha and dash) cost 7.2 ms of every frame at Kdl with 64 ping flows — most of a frame,
 * for a few hundred short lines. The fade goes in FADE_STEPS steps (100 ms each over
 * TRAIL_MS), which the eye does not tell from a continuous fade on a line a few pixels wide.
 */
import type { Camera } from "./camera.js";
import type { Ctx2D } from "./labels.js";
import { MARKS, userMark } from "./colors.js";
import { linkEnds, segVisible } from "./map-layers.js";
import { type Scene, type SceneLink, type Trail, TRAIL_MS } from "./scene.js";
import { isRoutingTraffic } from "../../src/core/routing-traffic.js";

/** Steps of a trail's fade (its alpha is rounded up to a multiple of 1/FADE_STEPS). */
export const FADE_STEPS = 16;

/** Trails drawn with one stroke: their colour, width, dash and alpha, and their segments. */
export interface TrailBatch {
  color: string;
  width: number;
  mark: number;
  alpha: number;
  /** x1, y1, x2, y2 of each segment, CSS px. */
  xy: number[];
}

/** The alpha of a trail `age` (0…1) through its fade: routing chatter's faint, people's strong. */
export function trailAlpha(age: number, routing: boolean): number {
  const step = Math.ceil((1 - age) * FADE_STEPS) / FADE_STEPS;
  return step * (routing ? 0.3 : 0.85);
}

/**
 * The trails still fading at wall time `wall`, batched by look. Lanes: routing chatter's trail
 * on the line itself; people's side by side, ordered by name, centred on the line.
 */
export function trailBatches(
  scene: Scene,
  cam: Camera,
  wall: number,
  r: number,
  W: number,
  H: number,
  only?: (tr: Trail) => boolean,
): TrailBatch[] {
  const width = Math.max(2, r / 4);
  const byLink = new Map<SceneLink, Trail[]>();
  for (const tr of scene.trails.values()) {
    if ((wall - tr.end) / TRAIL_MS >= 1) continue;
    const list = byLink.get(tr.link);
    if (list) list.push(tr);
    else byLink.set(tr.link, [tr]);
  }
  const batches = new Map<string, TrailBatch>();
  for (const [link, list] of byLink) {
    const [x1, y1, x2, y2] = linkEnds(link, cam);
    if (!segVisible(x1, y1, x2, y2, W, H)) continue;
    const len = Math.hypot(x2 - x1, y2 - y1) || 1;
    const px = -(y2 - y1) / len;
    const py = (x2 - x1) / len;
    const people = list.filter((t) => !isRoutingTraffic(t.cls)).sort((a, b) => (a.user < b.user ? -1 : 1));
    for (const tr of list) {
      // Lanes are placed among all the link's trails, also when only some are wanted.
      if (only && !only(tr)) continue;
      const routing = isRoutingTraffic(tr.cls);
      const alpha = trailAlpha((wall - tr.end) / TRAIL_MS, routing);
      if (alpha <= 0) continue;
      const lane = routing ? 0 : people.indexOf(tr) - (people.length - 1) / 2;
      const w = routing ? 2 : width;
      const mark = routing ? 0 : userMark(tr.user);
      const o = lane * (w + 1.5);
      const key = `${tr.color}\u0000${w}\u0000${mark}\u0000${alpha}`;
      let b = batches.get(key);
      if (!b) {
        b = { color: tr.color, width: w, mark, alpha, xy: [] };
        batches.set(key, b);
      }
      b.xy.push(x1 + px * o, y1 + py * o, x2 + px * o, y2 + py * o);
    }
  }
  return [...batches.values()];
}

/** Strokes the trails of `batches` (trailBatches): one path per batch. */
export function drawTrails(ctx: Ctx2D, batches: TrailBatch[]): void {
  ctx.lineCap = "round";
  for (const b of batches) {
    ctx.lineWidth = b.width;
    ctx.globalAlpha = b.alpha;
    ctx.strokeStyle = b.color;
    ctx.setLineDash(MARKS[b.mark]!.dash.map((d) => d * b.width));
    ctx.beginPath();
    for (let i = 0; i < b.xy.length; i += 4) {
      ctx.moveTo(b.xy[i]!, b.xy[i + 1]!);
      ctx.lineTo(b.xy[i + 2]!, b.xy[i + 3]!);
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
}
