/**
 * @module web/trail-layer
 * The trails drawn into a layer of their own (an OffscreenCanvas the size of the map) and
 * copied into each frame, instead of stroked again in every frame. The layer is drawn whole
 * once per step of the trails' fade (FADE_STEPS steps of TRAIL_MS: 100 ms), when the view
 * changes, or when trails were taken away; between, a frame strokes on top only the trails
 * that were made or renewed since the layer was drawn.
 *
 * Why (issue 23, docs/performance.md "Frame times, session 10"): at Kdl with 64 ping flows a
 * few hundred trails are on the map at once, and stroking them — thin, translucent, dashed
 * with their users' marks, round-capped — was 3.9 ms of the 4.4 ms each frame's canvas
 * commands took to rasterise (`npm run bench:page -- --topology kdl --phases`), on the
 * renderer's main thread with no GPU.
 *
 * What a person sees differs only within a step: a trail's fade moves on at each 100 ms step
 * of the clock rather than of its own age, a trail renewed within a step is drawn over its
 * fading self, and a new user's trail on a link moves the others' lanes, at the step's end.
 */
import type { Camera } from "./camera.js";
import type { Scene, Trail } from "./scene.js";
import { TRAIL_MS } from "./scene.js";
import { drawTrails, FADE_STEPS, type TrailBatch, trailBatches } from "./trail-paths.js";

/** Wall ms of one step of the fade: the layer is drawn whole at least this often. */
const STEP_MS = TRAIL_MS / FADE_STEPS;

/**
 * Trails on the map from which the layer is used. Fewer are stroked straight into the map:
 * copying the layer's box (most of a small network's map) costs more than a few strokes
 * (the seed's 66 packets in flight: ~0.8 ms a frame more of all Chromium's CPU with the layer).
 */
export const LAYER_FROM_TRAILS = 64;

export class TrailLayer {
  /** Times the layer was drawn whole (test hook and bench). */
  builds = 0;
  private canvas: OffscreenCanvas | null = null;
  private ctx: OffscreenCanvasRenderingContext2D | null = null;
  private key = "";
  /** Wall time the layer was last drawn to: trails that ended after it are not on it yet. */
  private drawnAt = Number.NEGATIVE_INFINITY;
  /** What the layer has anything in, device px: x0, y0, x1, y1 (empty when x1 ≤ x0). */
  private box = [0, 0, 0, 0];

  /**
   * Copies the trails at wall time `wall` into `ctx` (`pw`×`ph` device px, `dpr` a CSS px;
   * `W`×`H` CSS px, routers of radius `r`). Where OffscreenCanvas is missing they are stroked
   * into `ctx` directly.
   */
  draw(
    ctx: CanvasRenderingContext2D,
    scene: Scene,
    cam: Camera,
    wall: number,
    view: { r: number; W: number; H: number; pw: number; ph: number; dpr: number },
  ): void {
    const { r, W, H, pw, ph, dpr } = view;
    if (typeof OffscreenCanvas === "undefined" || scene.trails.size < LAYER_FROM_TRAILS) {
      drawTrails(ctx, trailBatches(scene, cam, wall, r, W, H));
      // The layer is out of date: drawn whole when next used.
      this.key = "";
      return;
    }
    const key = `${pw}x${ph}@${dpr}|${cam.scale},${cam.ox},${cam.oy}|${r}|${scene.trailsCut}|${Math.floor(wall / STEP_MS)}`;
    const layer = this.layer(pw, ph, dpr);
    let batches: TrailBatch[];
    if (key !== this.key || wall < this.drawnAt) {
      this.key = key;
      this.clear(layer, pw, ph, dpr);
      batches = trailBatches(scene, cam, wall, r, W, H);
      this.builds++;
    } else {
      const since = this.drawnAt;
      batches = trailBatches(scene, cam, wall, r, W, H, (tr: Trail) => tr.end > since);
    }
    this.drawnAt = wall;
    if (batches.length > 0) {
      drawTrails(layer, batches);
      this.grow(batches, dpr, pw, ph);
    }
    const [x0, y0, x1, y1] = this.box;
    if (x1 <= x0 || y1 <= y0) return;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.canvas!, x0, y0, x1 - x0, y1 - y0, x0, y0, x1 - x0, y1 - y0);
    ctx.restore();
  }

  /** The layer's context, `pw`×`ph` device px, drawing in CSS px. */
  private layer(pw: number, ph: number, dpr: number): OffscreenCanvasRenderingContext2D {
    if (!this.canvas || this.canvas.width !== pw || this.canvas.height !== ph) {
      this.canvas = new OffscreenCanvas(pw, ph);
      this.ctx = this.canvas.getContext("2d")!;
      this.box = [0, 0, 0, 0];
      this.key = "";
    }
    this.ctx!.setTransform(dpr, 0, 0, dpr, 0, 0);
    return this.ctx!;
  }

  /** Empties the part of the layer that had anything. */
  private clear(layer: OffscreenCanvasRenderingContext2D, pw: number, ph: number, dpr: number): void {
    const [x0, y0, x1, y1] = this.box;
    if (x1 > x0 && y1 > y0) {
      layer.setTransform(1, 0, 0, 1, 0, 0);
      layer.clearRect(x0, y0, x1 - x0, y1 - y0);
      layer.setTransform(dpr, 0, 0, dpr, 0, 0);
    }
    this.box = [pw, ph, 0, 0];
  }

  /** Grows the layer's box by the segments of `batches` (and their strokes' half width). */
  private grow(batches: TrailBatch[], dpr: number, pw: number, ph: number): void {
    const b = this.box;
    if (b[2]! <= b[0]!) [b[0], b[1], b[2], b[3]] = [pw, ph, 0, 0];
    for (const t of batches) {
      const m = t.width / 2 + 2;
      for (let i = 0; i < t.xy.length; i += 2) {
        const x = t.xy[i]!;
        const y = t.xy[i + 1]!;
        b[0] = Math.min(b[0]!, Math.max(0, Math.floor((x - m) * dpr)));
        b[1] = Math.min(b[1]!, Math.max(0, Math.floor((y - m) * dpr)));
        b[2] = Math.max(b[2]!, Math.min(pw, Math.ceil((x + m) * dpr)));
        b[3] = Math.max(b[3]!, Math.min(ph, Math.ceil((y + m) * dpr)));
      }
    }
  }
}
