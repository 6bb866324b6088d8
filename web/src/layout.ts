/**
 * @module web/layout
 * Where each router sits. Nodes with a `position` in the topology file keep it; the others get
 * a force-directed layout (Fruchterman–Reingold) that starts from positions derived from the
 * node names alone, so the same topology lays out the same way on every reload and every
 * machine. A uniform grid limits repulsion to nearby nodes, which keeps 1,000-router
 * topologies to well under a second.
 */

export interface Point {
  x: number;
  y: number;
}

/** FNV-1a hash of a name: the deterministic seed of its starting position. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function layout(
  names: string[],
  edges: [string, string][],
  fixed: Map<string, Point>,
): Map<string, Point> {
  const out = new Map<string, Point>();
  const free = names.filter((n) => !fixed.has(n));
  for (const [n, p] of fixed) out.set(n, { ...p });
  if (free.length === 0) return out;

  const n = names.length;
  const idx = new Map(names.map((nm, i) => [nm, i]));
  const k = 100; // ideal edge length in layout units
  const side = k * Math.sqrt(n) * 1.2;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const pinned = new Uint8Array(n);
  names.forEach((nm, i) => {
    const f = fixed.get(nm);
    if (f) {
      xs[i] = f.x;
      ys[i] = f.y;
      pinned[i] = 1;
    } else {
      const h = hash(nm);
      // Golden-angle spiral ordered by hash: spread out, deterministic.
      const r = side * 0.5 * Math.sqrt(((h % 1000) + 0.5) / 1000);
      const a = (h >>> 10) * 2.399963;
      xs[i] = r * Math.cos(a);
      ys[i] = r * Math.sin(a);
    }
  });
  const es = edges
    .map(([a, b]) => [idx.get(a)!, idx.get(b)!] as const)
    .filter(([a, b]) => a !== undefined && b !== undefined && a !== b);
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  const iterations = n > 500 ? 150 : 300;
  // Repulsion reaches `cell` and fades to zero there, so crossing a grid line changes nothing
  // (a hard cut-off at cell borders would pile nodes up along the grid lines).
  const cell = 2.5 * k;
  const cell2 = cell * cell;
  // Weak for big graphs: a strong pull would crush a 1,000-router tree into a disc.
  const gravity = n > 100 ? 0.002 : 0.01;
  let temp = side / 8;
  for (let it = 0; it < iterations; it++) {
    dx.fill(0);
    dy.fill(0);
    // Repulsion within neighbouring grid cells.
    const grid = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const key = Math.floor(xs[i] / cell) * 100003 + Math.floor(ys[i] / cell);
      let c = grid.get(key);
      if (!c) {
        c = [];
        grid.set(key, c);
      }
      c.push(i);
    }
    for (let i = 0; i < n; i++) {
      const gx = Math.floor(xs[i] / cell);
      const gy = Math.floor(ys[i] / cell);
      for (let ox = -1; ox <= 1; ox++)
        for (let oy = -1; oy <= 1; oy++) {
          const c = grid.get((gx + ox) * 100003 + gy + oy);
          if (!c) continue;
          for (const j of c) {
            if (j === i) continue;
            let ddx = xs[i] - xs[j];
            let ddy = ys[i] - ys[j];
            let d2 = ddx * ddx + ddy * ddy;
            if (d2 < 1e-6) {
              ddx = ((i - j) % 7) + 0.1;
              ddy = ((i * 3 - j) % 5) + 0.1;
              d2 = ddx * ddx + ddy * ddy;
            }
            if (d2 >= cell2) continue;
            const fade = 1 - Math.sqrt(d2) / cell;
            const f = ((k * k) / d2) * fade * fade;
            dx[i] += ddx * f;
            dy[i] += ddy * f;
          }
        }
    }
    // Attraction along edges.
    for (const [a, b] of es) {
      const ddx = xs[a] - xs[b];
      const ddy = ys[a] - ys[b];
      const d = Math.sqrt(ddx * ddx + ddy * ddy) + 1e-9;
      const f = d / k;
      dx[a] -= ddx * f;
      dy[a] -= ddy * f;
      dx[b] += ddx * f;
      dy[b] += ddy * f;
    }
    // Gentle pull to the centre keeps disconnected parts together.
    for (let i = 0; i < n; i++) {
      dx[i] -= xs[i] * gravity;
      dy[i] -= ys[i] * gravity;
    }
    for (let i = 0; i < n; i++) {
      if (pinned[i]) continue;
      const d = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]) + 1e-9;
      const step = Math.min(d, temp);
      xs[i] += (dx[i] / d) * step;
      ys[i] += (dy[i] / d) * step;
    }
    temp = Math.max(temp * 0.97, 1);
  }
  names.forEach((nm, i) => {
    if (!pinned[i]) out.set(nm, { x: xs[i], y: ys[i] });
  });
  return out;
}
