/**
 * @module web/map-labels
 * The map's words: routers' and segments' names, the links' addresses and subnets (the still
 * labels, drawn with the routers in the layer over the packets, map-stack.ts), and the drops'
 * reasons (drawn each frame over it, clear of the still labels). Where each goes is labels.ts's
 * LabelPlacer: a label takes the first free spot of its candidates or is left out.
 */
import { toScreen } from "./camera.js";
import { DROP_COLOR } from "./colors.js";
import { type Ctx2D, halo, LabelPlacer } from "./labels.js";
import { hostHalf, linkEnds, type StillView, segVisible, switchHalf } from "./map-layers.js";
import type { SceneLink } from "./scene.js";

const LABEL = "#f2f5f8";
const LABEL_DIM = "#b8c7d6";
const FONT = '"DejaVu Sans", "Noto Sans", system-ui, sans-serif';

/** Font size of routers' names for routers of radius r. */
export function nameSize(r: number): number {
  return Math.round(Math.min(19, r * 0.72));
}

/** Whether routers of radius r are big enough to carry labels. */
export function labelled(r: number): boolean {
  return r >= 14;
}

/** A drop's reason where it could go: its text, the cross's centre and size, and its fade. */
export type DropReason = [text: string, x: number, y: number, size: number, alpha: number];

/**
 * Places and draws the still labels for the view into `ctx`: every router's and switch's box
 * first (no label covers one), then names, segments' names and subnets, the links' addresses
 * and subnets. Returns the placer, which holds every box taken (drop reasons go clear of them).
 */
export function drawStillLabels(ctx: Ctx2D, v: StillView, record: boolean): LabelPlacer {
  const { scene, cam, r } = v;
  const placer = new LabelPlacer(ctx, v.W, v.H, record);
  if (!labelled(r)) return placer;
  for (const n of scene.nodes.values()) {
    const [x, y] = toScreen(cam, n.x, n.y);
    placer.block({ x0: x - r - 2, y0: y - r - 2, x1: x + r + 2, y1: y + r + 2 });
  }
  const [hw, hh] = switchHalf(r);
  for (const g of scene.segments.values()) {
    const [x, y] = toScreen(cam, g.x, g.y);
    placer.block({ x0: x - hw - 2, y0: y - hh - 2, x1: x + hw + 2, y1: y + hh + 2 });
  }
  const names = nodeNames(ctx, v, placer);
  segmentLabels(ctx, v, placer);
  linkLabels(ctx, v, placer);
  ctx.font = `bold ${nameSize(r)}px ${FONT}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  for (const [text, x, y, inside] of names)
    if (inside) {
      ctx.fillStyle = LABEL;
      ctx.fillText(text, x, y);
    } else halo(ctx, text, x, y, LABEL);
  return placer;
}

/**
 * Each drop's reason beside its cross: right or left, else above or below, where no label
 * is (addresses were placed first, so a reason never covers one). Nowhere free: the cross
 * alone (the events list says why).
 */
export function drawDropReasons(ctx: Ctx2D, reasons: DropReason[], placer: LabelPlacer): void {
  ctx.textBaseline = "middle";
  ctx.font = `bold 14px ${FONT}`;
  const said: [string, number, number][] = [];
  for (const [text, x, y, s, alpha] of reasons) {
    // Two packets dead of the same cause at the same spot (two people's probes): said once.
    if (said.some(([t, sx, sy]) => t === text && Math.abs(sx - x) < 12 && Math.abs(sy - y) < 12)) continue;
    said.push([text, x, y]);
    const g = s + 4;
    const sides: [number, number, CanvasTextAlign][] = [
      [x + g, y, "left"],
      [x - g, y, "right"],
      [x, y - g - 8, "center"],
      [x, y + g + 8, "center"],
      [x + g, y - 18, "left"],
      [x + g, y + 18, "left"],
    ];
    for (const [sx, sy, align] of sides)
      if (placer.place(text, "drop", 14, [[sx, sy]], align)) {
        ctx.globalAlpha = alpha;
        ctx.textAlign = align;
        halo(ctx, text, sx, sy, DROP_COLOR);
        break;
      }
  }
  ctx.globalAlpha = 1;
}

/**
 * The routers' names: inside the circle when they fit, else just below it (or above) where
 * no other label is. Returns where to draw them, after the routers.
 */
function nodeNames(ctx: Ctx2D, v: StillView, placer: LabelPlacer): [string, number, number, boolean][] {
  const { scene, cam, r } = v;
  const px = nameSize(r);
  ctx.font = `bold ${px}px ${FONT}`;
  const out: [string, number, number, boolean][] = [];
  for (const n of scene.nodes.values()) {
    const [x, y] = toScreen(cam, n.x, n.y);
    if (x < -r || y < -r || x > v.W + r || y > v.H + r) continue;
    const room = n.kind === "host" ? hostHalf(r) * 1.9 : r * 1.9;
    if (ctx.measureText(n.name).width < room) {
      out.push([n.name, x, y + 1, true]);
      continue;
    }
    const at = placer.place(n.name, "node", px, [
      [x, y + r + px / 2 + 4],
      [x, y - r - px / 2 - 4],
    ]);
    if (at) out.push([n.name, at[0], at[1], false]);
  }
  return out;
}

/** The links on screen long enough for labels, with the perpendicular pointing up the screen. */
function labelledLinks(v: StillView): [SceneLink, number, number, number, number, number, number, number][] {
  const ends: [SceneLink, number, number, number, number, number, number, number][] = [];
  for (const l of v.scene.links.values()) {
    const [x1, y1, x2, y2] = linkEnds(l, v.cam);
    if (!segVisible(x1, y1, x2, y2, v.W, v.H)) continue;
    const len = Math.hypot(x2 - x1, y2 - y1);
    // A station's line to its switch is short but has one address to show, not two.
    if (len < (l.b.kind === "segment" ? 50 : 110)) continue;
    // Perpendicular pointing up the screen: subnets above the line, addresses below.
    let nx = -(y2 - y1) / len;
    let ny = (x2 - x1) / len;
    if (ny > 0) {
      nx = -nx;
      ny = -ny;
    }
    ends.push([l, x1, y1, x2, y2, nx, ny, len]);
  }
  return ends;
}

/**
 * Subnets at the middle of each link, interface addresses near each end, each at the first
 * spot (along the link, either side) clear of routers and labels already placed. Addresses
 * go first: they are what people read off the map. One that finds no room is left out
 * rather than cut short (the routes panel and `ifconfig` have it).
 */
function linkLabels(ctx: Ctx2D, v: StillView, placer: LabelPlacer): void {
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  const ends = labelledLinks(v);
  ctx.font = `bold 15px ${FONT}`;
  for (const [l, x1, y1, x2, y2, nx, ny, len] of ends) {
    for (const [end, fromA] of [
      [l.info.a, true],
      [l.info.b, false],
    ] as const) {
      // A switch port has no address; its segment's subnet is written once, by the switch.
      if (!fromA && l.b.kind === "segment") continue;
      const port = l.b.kind === "segment";
      const base = (v.r + 40) / len;
      const spots: [number, number][] = [];
      const alongs = [base, base + 0.06, base + 0.12, base + 0.18, base + 0.24];
      if (port) alongs.push(0.5, 0.35, 0.65);
      for (const along of alongs) {
        if (along > (port ? 0.8 : 0.45)) continue;
        const frac = fromA ? along : 1 - along;
        for (const side of [-1, 1])
          for (const off of [14, 24])
            spots.push([x1 + (x2 - x1) * frac + nx * off * side, y1 + (y2 - y1) * frac + ny * off * side]);
      }
      const at = placer.place(end.addr, "address", 15, spots);
      if (at) halo(ctx, end.addr, at[0], at[1], LABEL);
    }
  }
  ctx.font = `15px ${FONT}`;
  for (const [l, x1, y1, x2, y2, nx, ny] of ends) {
    if (l.b.kind === "segment") continue;
    const spots: [number, number][] = [];
    for (const frac of [0.5, 0.4, 0.6])
      for (const side of [1, -1])
        spots.push([x1 + (x2 - x1) * frac + nx * 14 * side, y1 + (y2 - y1) * frac + ny * 14 * side]);
    const at = placer.place(l.info.subnet, "subnet", 15, spots);
    if (at) halo(ctx, l.info.subnet, at[0], at[1], LABEL_DIM);
  }
}

/** A segment's name in its box (or beside it) and its subnet under it, where there is room. */
function segmentLabels(ctx: Ctx2D, v: StillView, placer: LabelPlacer): void {
  const { scene, cam, r } = v;
  const [hw, hh] = switchHalf(r);
  const px = nameSize(r);
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  for (const g of scene.segments.values()) {
    const [x, y] = toScreen(cam, g.x, g.y);
    if (x < -hw || y < -hh || x > v.W + hw || y > v.H + hh) continue;
    ctx.font = `bold ${px}px ${FONT}`;
    if (ctx.measureText(g.name).width < hw * 1.8 && px < hh * 2.6) {
      ctx.fillStyle = LABEL;
      ctx.fillText(g.name, x, y + 1);
    } else {
      const at = placer.place(g.name, "node", px, [
        [x, y - hh - px / 2 - 4],
        [x, y + hh + px / 2 + 4],
      ]);
      if (at) halo(ctx, g.name, at[0], at[1], LABEL);
    }
    ctx.font = `15px ${FONT}`;
    const at = placer.place(g.subnet, "subnet", 15, [
      [x, y + hh + 14],
      [x, y - hh - 14],
      [x + hw + 8 + ctx.measureText(g.subnet).width / 2, y],
      [x - hw - 8 - ctx.measureText(g.subnet).width / 2, y],
    ]);
    if (at) halo(ctx, g.subnet, at[0], at[1], LABEL_DIM);
  }
}
