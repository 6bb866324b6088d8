/**
 * The trails' layer (issue 23, web/trail-layer.ts): drawn whole once a fade step (100 ms), when
 * the view changes or trails were taken away; between, only the trails made or renewed since
 * are stroked onto it; each frame copies the layer's box, which holds every stroke, into the
 * map. Run against a canvas that records what is asked of it (node has no OffscreenCanvas).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TRAIL_MS } from "../../web/src/scene.js";
import { LAYER_FROM_TRAILS, TrailLayer } from "../../web/src/trail-layer.js";
import { FADE_STEPS } from "../../web/src/trail-paths.js";
import { CAM, sceneWith } from "./trail-scene.js";

/** A 2D context that records its strokes' segments and its clears; a canvas around it. */
class Recording {
  strokes: number[][] = [];
  clears = 0;
  private path: number[] = [];
  lineCap = "";
  lineWidth = 1;
  globalAlpha = 1;
  strokeStyle = "";
  setTransform() {}
  setLineDash() {}
  save() {}
  restore() {}
  clearRect() {
    this.clears++;
  }
  beginPath() {
    this.path = [];
  }
  moveTo(x: number, y: number) {
    this.path.push(x, y);
  }
  lineTo(x: number, y: number) {
    this.path.push(x, y);
  }
  stroke() {
    this.strokes.push(this.path);
  }
  copies: number[][] = [];
  drawImage(_img: unknown, ...box: number[]) {
    this.copies.push(box);
  }
}
let made: Recording[] = [];
class FakeOffscreenCanvas {
  readonly ctx = new Recording();
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    made.push(this.ctx);
  }
  getContext() {
    return this.ctx;
  }
}
const g = globalThis as { OffscreenCanvas?: unknown };
beforeEach(() => {
  made = [];
  g.OffscreenCanvas = FakeOffscreenCanvas;
});
afterEach(() => {
  delete g.OffscreenCanvas;
});

const VIEW = { r: 20, W: 5000, H: 1000, pw: 5000, ph: 1000, dpr: 1 };
/** The scene with `trails`, and enough faded trails (not drawn; the sweep has not run) for the layer to be used. */
function busy(trails: { link: string; user: string; cls: string; end: number }[]) {
  const scene = sceneWith(trails);
  for (let i = 0; i < LAYER_FROM_TRAILS; i++) {
    const link = scene.links.get(`l${20 + (i % 19)}`)!;
    scene.trails.set(`x${i}`, {
      link,
      reverse: false,
      user: `u${i}`,
      color: "#888",
      cls: "rip",
      end: -10_000,
    });
  }
  return scene;
}
const STEP = TRAIL_MS / FADE_STEPS;
/** Segments stroked onto the layer so far (x1 of each). */
const stroked = (c: Recording) => c.strokes.flatMap((p) => p.filter((_, i) => i % 4 === 0));

describe("the trails' layer", () => {
  it("is drawn whole once a step; between, only trails made since are stroked on it", () => {
    const scene = busy([
      { link: "l1", user: "alice", cls: "echo-request", end: 1000 },
      { link: "l2", user: "rip", cls: "rip", end: 1000 },
    ]);
    const layer = new TrailLayer();
    const map = new Recording();
    const wall = Math.floor(1000 / STEP) * STEP + 10;
    layer.draw(map as never, scene, CAM, wall, VIEW);
    const off = made[0]!;
    expect(stroked(off).sort()).toEqual([100, 200]);
    expect(layer.builds).toBe(1);
    // A frame later, same step: bob's new trail alone is stroked; the layer is copied again.
    scene.trails.set("l5\u0000bob\u00000", {
      link: scene.links.get("l5")!,
      reverse: false,
      user: "bob",
      color: "#56b4e9",
      cls: "echo-request",
      end: wall + 16,
    });
    layer.draw(map as never, scene, CAM, wall + 16, VIEW);
    expect(stroked(off).sort()).toEqual([100, 200, 500]);
    expect(layer.builds).toBe(1);
    // Nothing new: nothing stroked.
    layer.draw(map as never, scene, CAM, wall + 32, VIEW);
    expect(stroked(off).length).toBe(3);
    // The next step: cleared and drawn whole.
    off.strokes = [];
    layer.draw(map as never, scene, CAM, wall + STEP, VIEW);
    expect(layer.builds).toBe(2);
    expect(off.clears).toBe(1);
    expect(stroked(off).sort()).toEqual([100, 200, 500]);
    // Each frame copied the box holding every stroke (5 px wide, round caps) and a pixel more.
    expect(map.copies.length).toBe(4);
    const [x, , w] = map.copies.at(-1)!;
    expect(x).toBeLessThanOrEqual(100 - 2.5 - 1);
    expect(x! + w!).toBeGreaterThanOrEqual(600 + 2.5 + 1);
  });

  it("is drawn whole when the view moves or trails are taken away", () => {
    const scene = busy([{ link: "l1", user: "alice", cls: "echo-request", end: 1000 }]);
    const layer = new TrailLayer();
    const map = new Recording();
    layer.draw(map as never, scene, CAM, 1001, VIEW);
    layer.draw(map as never, scene, { ...CAM, ox: 5 }, 1002, VIEW);
    expect(layer.builds).toBe(2);
    scene.clearPackets();
    layer.draw(map as never, scene, { ...CAM, ox: 5 }, 1003, VIEW);
    expect(layer.builds).toBe(3);
  });

  it("is not used for a few trails: they are stroked into the map", () => {
    const layer = new TrailLayer();
    const map = new Recording();
    layer.draw(
      map as never,
      sceneWith([{ link: "l1", user: "alice", cls: "echo-request", end: 1000 }]),
      CAM,
      1000,
      VIEW,
    );
    expect(made).toEqual([]);
    expect(map.copies).toEqual([]);
    expect(stroked(map)).toEqual([100]);
  });
});
