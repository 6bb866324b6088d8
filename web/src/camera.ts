/**
 * @module web/camera
 * Pan and zoom: a world→screen transform `screen = world × scale + offset` in CSS pixels,
 * driven by mouse drag, wheel, and one- or two-finger touch (pointer events). A press that
 * does not move is reported as a click, so the map can tell "select this router" from "drag".
 */

export interface Camera {
  scale: number;
  ox: number;
  oy: number;
}

export function toScreen(c: Camera, x: number, y: number): [number, number] {
  return [x * c.scale + c.ox, y * c.scale + c.oy];
}

export function toWorld(c: Camera, sx: number, sy: number): [number, number] {
  return [(sx - c.ox) / c.scale, (sy - c.oy) / c.scale];
}

/** Fits the bounding box of `pts` into a w×h view with a margin. */
export function fitView(
  c: Camera,
  pts: { x: number; y: number }[],
  w: number,
  h: number,
  /** Room around the network, px (default: 7% of the width, between 40 and 80: a router's circle and more). */
  margin = Math.min(80, Math.max(40, w * 0.07)),
  /** Room kept free at the top and bottom (the legend), px. */
  top = 0,
  bottom = 40,
): void {
  h -= top + bottom;
  if (pts.length === 0) return;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of pts) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  const bw = Math.max(x1 - x0, 1);
  const bh = Math.max(y1 - y0, 1);
  c.scale = Math.min((w - 2 * margin) / bw, (h - 2 * margin) / bh);
  if (!Number.isFinite(c.scale) || c.scale <= 0) c.scale = 1;
  c.scale = Math.min(c.scale, 3);
  c.ox = w / 2 - ((x0 + x1) / 2) * c.scale;
  c.oy = top + h / 2 - ((y0 + y1) / 2) * c.scale;
}

/** Pointer travel, px, below which a press is a click rather than a drag. */
const CLICK_SLOP = 6;

function zoomAt(c: Camera, sx: number, sy: number, factor: number): void {
  const s = Math.min(Math.max(c.scale * factor, 0.005), 50);
  const f = s / c.scale;
  c.ox = sx - (sx - c.ox) * f;
  c.oy = sy - (sy - c.oy) * f;
  c.scale = s;
}

/**
 * Wires pointer and wheel input on `el` to the camera; `changed` after each move, `click` for
 * taps, `adjusted` once a press has become a drag or pinch, and on the wheel: the person has
 * moved the view themselves.
 */
export function attachCamera(
  el: HTMLElement,
  c: Camera,
  changed: () => void,
  click: (sx: number, sy: number) => void,
  adjusted: () => void = () => {},
): void {
  const pointers = new Map<number, { x: number; y: number }>();
  let moved = 0;
  let pinch = 0;
  const local = (e: PointerEvent | WheelEvent): [number, number] => {
    const r = el.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  el.addEventListener("pointerdown", (e) => {
    el.setPointerCapture(e.pointerId);
    const [x, y] = local(e);
    pointers.set(e.pointerId, { x, y });
    moved = 0;
    pinch = 0;
    el.classList.add("dragging");
  });
  el.addEventListener("pointermove", (e) => {
    const p = pointers.get(e.pointerId);
    if (!p) return;
    const [x, y] = local(e);
    if (pointers.size === 1) {
      c.ox += x - p.x;
      c.oy += y - p.y;
      moved += Math.abs(x - p.x) + Math.abs(y - p.y);
    } else if (pointers.size === 2) {
      const other = [...pointers.entries()].find(([id]) => id !== e.pointerId)![1];
      const d = Math.hypot(x - other.x, y - other.y);
      if (pinch > 0) zoomAt(c, (x + other.x) / 2, (y + other.y) / 2, d / pinch);
      pinch = d;
      moved += 10;
    }
    p.x = x;
    p.y = y;
    if (moved >= CLICK_SLOP) adjusted();
    changed();
  });
  const up = (e: PointerEvent) => {
    if (!pointers.has(e.pointerId)) return;
    pointers.delete(e.pointerId);
    if (pointers.size === 0) el.classList.remove("dragging");
    if (pointers.size === 0 && moved < CLICK_SLOP && e.type === "pointerup") {
      const [x, y] = local(e);
      click(x, y);
    }
    pinch = 0;
  };
  el.addEventListener("pointerup", up);
  el.addEventListener("pointercancel", up);
  el.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      const [x, y] = local(e);
      zoomAt(c, x, y, Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)));
      adjusted();
      changed();
    },
    { passive: false },
  );
}
