/**
 * @module web/map-view
 * The map: the scene drawn on the canvas through the camera, one frame per animation frame
 * while anything moves (else on demand), following its box as the window or the layout changes.
 */
import type { TopologyView } from "./api.js";
import { type Camera, fitView, toScreen } from "./camera.js";
import type { DisplayClock } from "./clock.js";
import { userColor } from "./colors.js";
import { $, fmtTime, setText } from "./dom.js";
import { layout, type Point } from "./layout.js";
import { dotPosition, linkEnds, nodeRadius, Renderer, type Selection } from "./render.js";
import { type Flying, Scene } from "./scene.js";

/**
 * Where each node sits. Segments take part in the force layout (a station is pulled toward its
 * segment, so unplaced LANs cluster); a segment placed in the file (`position:`) keeps its place,
 * the others are then left out: the scene puts each of those switches at the centroid of its
 * stations, wherever they ended up.
 */
function positions(topo: TopologyView): Map<string, Point> {
  const fixed = new Map<string, Point>();
  for (const n of topo.nodes) if (n.position) fixed.set(n.name, n.position);
  for (const s of topo.segments) if (s.position) fixed.set(s.id, s.position);
  const placed = layout(
    [...topo.nodes.map((n) => n.name), ...topo.segments.map((s) => s.id)],
    topo.links.map((l) => [l.a.node, l.b.node]),
    fixed,
  );
  for (const s of topo.segments) if (!s.position) placed.delete(s.id);
  return placed;
}

/** What the frame-time hook keeps per frame (see MapView.frameLog). */
export interface FrameLog {
  at: number[];
  cost: number[];
  flying: number[];
  drawn: number[];
  /** 1 where the frame copied the still layers in (map-stack.ts), 0 where it drew everything. */
  layered: number[];
}

/** Wall ms between two writes of the header's clock. */
const CLOCK_TEXT_MS = 100;

/** Frames the log keeps at most (about 10 minutes at 60 fps). */
const MAX_FRAME_LOG = 36_000;

export class MapView {
  readonly scene: Scene;
  readonly canvas = $<HTMLCanvasElement>("view");
  readonly renderer = new Renderer(this.canvas);
  readonly cam: Camera = { scale: 1, ox: 0, oy: 0 };
  readonly sel: Selection = { node: null, link: null };
  /** Main-thread ms spent in frames (advance + draw) and in handling batches. */
  readonly busy = { frameMs: 0, batchMs: 0 };
  /**
   * The frame-time hook's log (test hooks, `bench:page`): each frame's animation-frame time,
   * its main-thread cost (advance + draw, ms), the packets in flight and those drawn. Kept only
   * while asked (null otherwise), and bounded.
   */
  frameLog: FrameLog | null = null;
  /** The person panned or zoomed: resizes keep their view (centred) instead of refitting. */
  moved = false;
  private frame = 0;
  /** Display time of the last frame drawn (where the dots were). */
  private shownAt = 0;
  /** Wall time the header's clock was last written. */
  private clockShownAt = Number.NEGATIVE_INFINITY;

  constructor(
    topo: TopologyView,
    private readonly clock: DisplayClock,
  ) {
    this.scene = new Scene(topo, positions(topo), userColor);
  }

  /** Starts following the canvas's box and ticking the clock display. */
  start(): void {
    new ResizeObserver(() => this.resize()).observe(this.canvas);
    // Some mobile browsers report the turn before the new layout: look again on the next frame.
    screen.orientation?.addEventListener("change", () => requestAnimationFrame(() => this.resize()));
    this.resize();
    // The clock display ticks even with no packets moving.
    setInterval(() => this.kick(), 100);
  }

  /** Asks for a frame. */
  kick(): void {
    if (!this.frame) this.frame = requestAnimationFrame((wall) => this.draw(wall));
  }

  private draw(wall: number): void {
    this.frame = 0;
    const { clock, scene } = this;
    const t0 = performance.now();
    const frameNs = 20 * (clock.currentSpeed > 0 ? clock.currentSpeed : 1) * 1e6;
    const t = clock.tick(wall, scene.flightHint(clock.now, frameNs));
    scene.advance(t, wall);
    this.shownAt = t;
    this.renderer.draw(scene, this.cam, t, wall, this.sel);
    const cost = performance.now() - t0;
    this.busy.frameMs += cost;
    const log = this.frameLog;
    if (log && log.at.length < MAX_FRAME_LOG) {
      log.at.push(wall);
      log.cost.push(cost);
      log.flying.push(scene.flying.length);
      log.drawn.push(this.renderer.stats.dotsDrawn);
      log.layered.push(this.renderer.layers.layered ? 1 : 0);
    }
    // The header's clock at most 10 times a second: a text changed every frame makes Chromium
    // lay out, paint and layerize the page every frame (~5 ms a frame at Kdl, bench:page's trace).
    if (wall - this.clockShownAt >= CLOCK_TEXT_MS || wall < this.clockShownAt) {
      this.clockShownAt = wall;
      setText($("clock"), `t=${fmtTime(t)}`);
      $("clock").classList.toggle("slowed", clock.slowedBy > 1.5);
    }
    const moving = scene.animating || (!clock.isPaused && clock.currentSpeed > 0 && scene.pending.length > 0);
    if (moving) this.kick();
  }

  /** Fits the network into the view, keeping clear of the legend (at the bottom, or on top on phones). */
  fitAll(): void {
    const c = this.canvas.getBoundingClientRect();
    const l = $("legend").getBoundingClientRect();
    const onTop = l.top + l.height / 2 < c.top + c.height / 2;
    const room = l.height + 12;
    const { renderer } = this;
    fitView(
      this.cam,
      [...this.scene.nodes.values()],
      renderer.width,
      renderer.height,
      undefined,
      onTop ? room : 0,
      onTop ? 0 : room,
    );
  }

  /**
   * The map follows its box: a window made smaller or larger, a phone turned, the header or
   * legend reflowing. Until the person pans or zooms the whole network is refitted; after that
   * their view keeps its scale and the point at its centre.
   */
  private resize(): void {
    const { renderer, cam } = this;
    const [w, h] = [renderer.width, renderer.height];
    renderer.resize();
    if (renderer.width > 0 && renderer.height > 0 && (renderer.width !== w || renderer.height !== h)) {
      if (!this.moved || w === 0 || h === 0) this.fitAll();
      else {
        cam.ox += (renderer.width - w) / 2;
        cam.oy += (renderer.height - h) / 2;
      }
    }
    this.kick();
  }

  /** The router drawn under screen point (x, y), if any. */
  nodeAt(x: number, y: number): string | null {
    const r = nodeRadius(this.cam, this.scene.spacing) + 4;
    let best: string | null = null;
    let bd = r * r;
    for (const n of this.scene.nodes.values()) {
      const [sx, sy] = toScreen(this.cam, n.x, n.y);
      const d = (sx - x) ** 2 + (sy - y) ** 2;
      if (d <= bd) {
        bd = d;
        best = n.name;
      }
    }
    return best;
  }

  /** The packet in flight drawn nearest screen point (x, y), within 12 px, if any. */
  packetAt(x: number, y: number): Flying | null {
    let best: Flying | null = null;
    let bd = 12 * 12;
    for (const f of this.scene.flying) {
      const [px, py] = dotPosition(f, this.cam, this.shownAt);
      const d = (px - x) ** 2 + (py - y) ** 2;
      if (d <= bd) {
        bd = d;
        best = f;
      }
    }
    return best;
  }

  /** The link drawn within 10 px of screen point (x, y), if any. */
  linkAt(x: number, y: number): string | null {
    let best: string | null = null;
    let bd = 10;
    for (const l of this.scene.links.values()) {
      const [x1, y1, x2, y2] = linkEnds(l, this.cam);
      const d = segDist(x, y, x1, y1, x2, y2);
      if (d < bd) {
        bd = d;
        best = l.id;
      }
    }
    return best;
  }
}

function segDist(px: number, py: number, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy || 1;
  const t = Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / len2));
  return Math.hypot(px - (x1 + dx * t), py - (y1 + dy * t));
}
