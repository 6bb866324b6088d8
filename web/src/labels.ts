/**
 * @module web/labels
 * Where the map's words go. One placer per frame holds every box already used (routers, then
 * each label placed): a label takes the first of its candidate spots that overlaps none of
 * them, or is left out, never drawn on top of another. Addresses are placed before subnets and
 * drop reasons, so a packet's `TTL expired` never covers one. The boxes of a frame can be
 * kept for the page's tests (`record`).
 */

/** A 2D context: a page canvas's or an OffscreenCanvas's (the map's still layers, map-stack.ts). */
export type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A label as drawn: its text, what it names, and the box its letters fill. */
export interface PlacedLabel extends Box {
  text: string;
  kind: "node" | "subnet" | "address" | "drop";
}

/** Height of a label's box for a font of `px` pixels (the halo included). */
const boxHeight = (px: number) => px + 4;

export class LabelPlacer {
  private readonly taken: Box[] = [];
  /** The labels placed this frame, when recording (test hook). */
  readonly placed: PlacedLabel[] | null;

  constructor(
    private readonly ctx: Ctx2D,
    private readonly width: number,
    private readonly height: number,
    record: boolean,
  ) {
    this.placed = record ? [] : null;
  }

  /**
   * A placer for `ctx` that starts with every box this one holds (the still labels, drawn on
   * the layer over the packets; a frame's drop reasons are placed clear of them, map-stack.ts).
   */
  fork(ctx: Ctx2D, record: boolean): LabelPlacer {
    const p = new LabelPlacer(ctx, this.width, this.height, record);
    p.taken.push(...this.taken);
    if (record && this.placed) p.placed!.push(...this.placed);
    return p;
  }

  /** The box around every box taken (routers blocked and labels placed), or null if none. */
  extent(): Box | null {
    if (this.taken.length === 0) return null;
    const e = { ...this.taken[0]! };
    for (const b of this.taken) {
      e.x0 = Math.min(e.x0, b.x0);
      e.y0 = Math.min(e.y0, b.y0);
      e.x1 = Math.max(e.x1, b.x1);
      e.y1 = Math.max(e.y1, b.y1);
    }
    return e;
  }

  /** Keeps `b` clear of labels (a router). */
  block(b: Box): void {
    this.taken.push(b);
  }

  /**
   * The first of `spots` where `text` (in the context's current font, centred there, or
   * starting or ending there for `align` left/right) fits on screen clear of everything
   * placed; marks it taken and returns it, or null.
   */
  place(
    text: string,
    kind: PlacedLabel["kind"],
    px: number,
    spots: Iterable<readonly [number, number]>,
    align: CanvasTextAlign = "center",
  ): [number, number] | null {
    const w = this.ctx.measureText(text).width;
    const h = boxHeight(px);
    for (const [x, y] of spots) {
      const x0 = align === "left" ? x : align === "right" ? x - w : x - w / 2;
      const b = { x0: x0 - 2, y0: y - h / 2, x1: x0 + w + 2, y1: y + h / 2 };
      if (b.x0 < 0 || b.y0 < 0 || b.x1 > this.width || b.y1 > this.height) continue;
      if (this.taken.some((o) => b.x0 < o.x1 && b.x1 > o.x0 && b.y0 < o.y1 && b.y1 > o.y0)) continue;
      this.taken.push(b);
      this.placed?.push({ text, kind, ...b });
      return [x, y];
    }
    return null;
  }
}

/** Text with a dark halo, readable over lines and packets. */
export function halo(ctx: Ctx2D, text: string, x: number, y: number, color: string): void {
  ctx.lineWidth = 5;
  ctx.strokeStyle = "#0b0f14";
  ctx.lineJoin = "round";
  ctx.strokeText(text, x, y);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
}
