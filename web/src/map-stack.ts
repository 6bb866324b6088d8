/**
 * @module web/map-stack
 * The map's still parts kept between frames in two OffscreenCanvases: under the packets the
 * background and healthy links, over them the switches, routers, hosts, their names and the
 * links' addresses and subnets. Each frame copies them into #view around what moves (the
 * selection, trails, links down, packets) while the view holds: the canvas's size, the
 * camera, the links' and nodes' states (`Scene.version`) and whether labels are recorded for
 * the tests. When the view changes (a drag, a zoom, a link down) the frame draws everything
 * directly, and the layers are made again once the view has held still for a frame.
 *
 * Why copies into one canvas and not a stack of canvases or images (issues 22 and 23,
 * docs/performance.md "Frame times, session 9"): without a GPU Chromium copies every canvas
 * of the page for the compositor at every commit, changed or not, and its compositor (the
 * GPU process, in software here) blends every layer of the stack over the whole map each
 * frame. Measured in headless Chromium, CPU of all Chromium's processes a frame: #view alone
 * 4.8–5.3 ms, + two still layers copied into it 7.3–8.7, + two still canvases over and under
 * it 9.1, + two still images 12.3–12.7 (the images saved the renderer's main thread 2–3 ms a
 * frame and cost the compositor 6).
 */
import type { LabelPlacer } from "./labels.js";

/** Draws the still parts into `under` and `over` (CSS px); returns the still labels' placer and where `over` has anything (CSS px). */
export type PaintStill = (
  under: OffscreenCanvasRenderingContext2D,
  over: OffscreenCanvasRenderingContext2D,
) => { placer: LabelPlacer; box: Box };

/** A box in CSS px. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export class StillLayers {
  /** Times the still layers were made (test hook and bench). */
  builds = 0;
  /** The last frame copied the layers (it drew only what moves). */
  layered = false;
  /** The still labels' placer for the layers (drop reasons go clear of its boxes). */
  stillPlacer: LabelPlacer | null = null;
  private key = "";
  private built = false;
  private under: OffscreenCanvas | null = null;
  private over: OffscreenCanvas | null = null;
  /** The part of `over` with anything on it, device px (only that part is copied). */
  private overBox: [number, number, number, number] = [0, 0, 0, 0];

  /**
   * Copies the layer under the packets into `ctx` (`pw`×`ph` device px, `dpr` device px a CSS
   * px) when the layers show the view `key`, making them first if the view held still since
   * the frame before. Returns a function that copies the layer over the packets, or null:
   * then draw the still parts directly this frame.
   */
  drawUnder(
    ctx: CanvasRenderingContext2D,
    key: string,
    pw: number,
    ph: number,
    dpr: number,
    paint: PaintStill,
  ): (() => void) | null {
    this.layered = false;
    if (typeof OffscreenCanvas === "undefined") return null;
    const full = `${pw}x${ph}@${dpr}|${key}`;
    if (full !== this.key) {
      this.key = full;
      this.built = false;
      return null;
    }
    if (!this.built) this.make(pw, ph, dpr, paint);
    this.layered = true;
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

  private make(pw: number, ph: number, dpr: number, paint: PaintStill): void {
    const fresh = (c: OffscreenCanvas | null) =>
      c && c.width === pw && c.height === ph ? c : new OffscreenCanvas(pw, ph);
    this.under = fresh(this.under);
    this.over = fresh(this.over);
    const uc = this.under.getContext("2d", { alpha: false })!;
    const oc = this.over.getContext("2d")!;
    for (const c of [uc, oc]) {
      c.setTransform(1, 0, 0, 1, 0, 0);
      c.clearRect(0, 0, pw, ph);
      c.setTransform(dpr, 0, 0, dpr, 0, 0);
    }
    const { placer, box } = paint(uc, oc);
    const x0 = Math.max(0, Math.floor(box.x0 * dpr));
    const y0 = Math.max(0, Math.floor(box.y0 * dpr));
    const x1 = Math.min(pw, Math.ceil(box.x1 * dpr));
    const y1 = Math.min(ph, Math.ceil(box.y1 * dpr));
    this.overBox = [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)];
    this.stillPlacer = placer;
    this.built = true;
    this.builds++;
  }
}
