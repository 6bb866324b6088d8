/**
 * @module web/map-stack
 * The map as a stack of layers in #view's box, bottom to top:
 *
 *   under   <img>  background and healthy links          made when the view holds still
 *   moving  #view  selection, trails, links down,         cleared and drawn every frame
 *                  packets
 *   over    <img>  switches, routers, hosts, names,       made when the view holds still
 *                  the links' addresses and subnets
 *   top     canvas the selected router's ring, drops      shown only while it has anything
 *                  and their reasons
 *
 * "The view" is the canvas's size, the camera, the links' and nodes' states (`Scene.version`)
 * and whether labels are recorded for the tests. When it changes (a drag, a zoom, a link
 * down) the images are hidden and #view draws everything itself, as one canvas; once the view
 * has held still for a frame the still parts are drawn into two OffscreenCanvases, encoded,
 * and shown as images, and #view draws only what moves.
 *
 * Why images and not canvases (issues 22 and 23, docs/performance.md "Frame times, session
 * 9"): without a GPU Chromium copies every canvas of the page for the compositor at every
 * commit, changed or not (`ProduceCanvasResource`, ~0.5 ms a 1920×1080 canvas a frame here),
 * and a still canvas cost more than copying the still parts into #view each frame; an image's
 * tiles are rasterised once. Measured in headless Chromium, main-thread CPU a frame: #view
 * alone 2.2 ms, with two still images 2.5, with two still canvases 3.6–3.9.
 *
 * The layers are placed over #view, absolutely, in its parent and take no pointer events:
 * #view still receives every click, drag and wheel.
 */
import type { LabelPlacer } from "./labels.js";

/** A canvas of the stack and its context. */
export interface Layer {
  readonly canvas: HTMLCanvasElement;
  readonly ctx: CanvasRenderingContext2D;
}

/** Draws the still parts into `under` and `over` (CSS px); returns the still labels' placer. */
export type PaintStill = (
  under: OffscreenCanvasRenderingContext2D,
  over: OffscreenCanvasRenderingContext2D,
) => LabelPlacer;

/** Still images that may fail to be made before the map stops trying (draws on #view only). */
const MAX_FAILURES = 3;

/** A blob as a data: URL. */
function dataUrl(b: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result as string);
    r.onerror = () => reject(r.error);
    r.readAsDataURL(b);
  });
}

function layerElement<K extends "canvas" | "img">(tag: K, name: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = `map-layer map-${name}`;
  e.setAttribute("aria-hidden", "true");
  e.style.visibility = "hidden";
  return e;
}

export class MapStack {
  readonly under = layerElement("img", "under");
  readonly over = layerElement("img", "over");
  readonly moving: Layer;
  readonly top: Layer;
  /** Times the still images were made (test hook and bench). */
  builds = 0;
  /** The last frame had the still images shown (#view drew only what moves). */
  layered = false;
  /** The top canvas has something on it (it is cleared and shown only then). */
  private topInked = false;
  /** Called when new still images are ready (the map asks for a frame). */
  onReady: () => void = () => {};
  /** The view the images show ("" when none). */
  private shownKey = "";
  /** The view of the last frame. */
  private lastKey = "";
  /** The view whose images are being made. */
  private building = "";
  /** The still labels' placer for the images shown. */
  stillPlacer: LabelPlacer | null = null;
  /** Images that failed to be made; past MAX_FAILURES #view draws everything, always. */
  private failures = 0;
  private size: [number, number, number] = [1, 1, 1];

  constructor(readonly canvas: HTMLCanvasElement) {
    const top = layerElement("canvas", "top");
    canvas.before(this.under);
    canvas.after(this.over, top);
    this.moving = { canvas, ctx: canvas.getContext("2d")! };
    this.top = { canvas: top, ctx: top.getContext("2d")! };
  }

  /** Every layer at `pw`×`ph` device px, placed over #view's box, CSS px scaled by `dpr`. */
  resize(pw: number, ph: number, dpr: number): void {
    const view = this.canvas;
    this.size = [pw, ph, dpr];
    for (const l of [this.moving, this.top]) {
      l.canvas.width = pw;
      l.canvas.height = ph;
      l.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    }
    for (const e of [this.under, this.over, this.top.canvas]) {
      const s = e.style;
      s.left = `${view.offsetLeft}px`;
      s.top = `${view.offsetTop}px`;
      s.width = `${view.clientWidth}px`;
      s.height = `${view.clientHeight}px`;
    }
    this.topInked = false;
    this.top.canvas.style.visibility = "hidden";
    this.shownKey = "";
  }

  /**
   * Whether the still images show the view `key` (then they are shown and #view draws only
   * what moves); else they are hidden and, if the view held still since the frame before,
   * made with `paint` for the frames to come.
   */
  stillFor(key: string, paint: PaintStill): boolean {
    const current = key === this.shownKey;
    const shown = current ? "visible" : "hidden";
    if (this.under.style.visibility !== shown) {
      this.under.style.visibility = shown;
      this.over.style.visibility = shown;
    }
    if (
      !current &&
      key === this.lastKey &&
      this.building !== key &&
      this.failures < MAX_FAILURES &&
      typeof OffscreenCanvas !== "undefined"
    )
      void this.make(key, paint);
    this.lastKey = key;
    this.layered = current;
    return current;
  }

  private async make(key: string, paint: PaintStill): Promise<void> {
    this.building = key;
    const [pw, ph, dpr] = this.size;
    const under = new OffscreenCanvas(pw, ph);
    const over = new OffscreenCanvas(pw, ph);
    const uc = under.getContext("2d", { alpha: false })!;
    const oc = over.getContext("2d")!;
    uc.setTransform(dpr, 0, 0, dpr, 0, 0);
    oc.setTransform(dpr, 0, 0, dpr, 0, 0);
    const placer = paint(uc, oc);
    try {
      const blobs = await Promise.all([under.convertToBlob(), over.convertToBlob()]);
      if (this.lastKey !== key) return;
      // data: URLs: the server's Content-Security-Policy allows `img-src 'self' data:`, not blob:.
      const urls = await Promise.all(blobs.map(dataUrl));
      if (this.lastKey !== key) return;
      this.shownKey = "";
      this.under.src = urls[0]!;
      this.over.src = urls[1]!;
      await Promise.all([this.under.decode(), this.over.decode()]);
      if (this.lastKey !== key) return;
      this.shownKey = key;
      this.stillPlacer = placer;
      this.builds++;
      this.onReady();
    } catch {
      // An image that failed to encode or decode: #view keeps drawing everything itself (and
      // after a few failures stops trying).
      this.failures++;
    } finally {
      if (this.building === key) this.building = "";
    }
  }

  /**
   * The top canvas for this frame: cleared if it had anything, and shown when `inked` says
   * it has something now. Returns its context.
   */
  topLayer(): CanvasRenderingContext2D {
    if (this.topInked) clearLayer(this.top);
    return this.top.ctx;
  }

  /** Says whether the top canvas has anything on it after this frame (hidden when not). */
  setTopInked(inked: boolean): void {
    if (!inked && this.topInked) clearLayer(this.top);
    if (inked !== this.topInked) this.top.canvas.style.visibility = inked ? "visible" : "hidden";
    this.topInked = inked;
  }

  /** Whether the top canvas has anything on it. */
  get topHasInk(): boolean {
    return this.topInked;
  }
}

/** Clears a layer's whole bitmap, whatever its transform. */
export function clearLayer(l: Layer): void {
  l.ctx.save();
  l.ctx.setTransform(1, 0, 0, 1, 0, 0);
  l.ctx.clearRect(0, 0, l.canvas.width, l.canvas.height);
  l.ctx.restore();
}
