/**
 * @module web/test-hooks
 * Read-only views of the page's state for the browser tests and the frame-time benchmark, as
 * `window.__routelab`. Installed only when asked: the address carries `?test-hooks` (the tests
 * in test/system add it, see `withTestHooks` in test/system/browser.ts); a page opened by
 * anybody else has no such global.
 */
import type { DisplayClock } from "./clock.js";
import type { StatsPanel } from "./people.js";
import { toScreen } from "./camera.js";
import { dotPosition, linkEnds } from "./render.js";
import type { FrameLog, MapView } from "./map-view.js";
import type { RoutesPanel } from "./routes-panel.js";
import type { Stream } from "./stream.js";
import type { WebTerminal } from "./terminal.js";

/** The query parameter that asks for the hooks. */
export const TEST_HOOKS_PARAM = "test-hooks";

export interface HookedParts {
  map: MapView;
  clock: DisplayClock;
  routes: RoutesPanel;
  terminal: WebTerminal | null;
  stats: StatsPanel | null;
  batches: () => number;
  stream: Pick<Stream, "received" | "sampleEvery">;
}

export function testHooksAsked(): boolean {
  return new URLSearchParams(location.search).has(TEST_HOOKS_PARAM);
}

export function installTestHooks(p: HookedParts): void {
  (window as unknown as { __routelab: ReturnType<typeof testHooks> }).__routelab = testHooks(p);
}

/**
 * The hooks, by what they look at; one object whose getters read the page when asked
 * (their descriptors are copied, not their values).
 */
function testHooks(p: HookedParts) {
  const parts = [
    panelHooks(p),
    sceneHooks(p.map),
    geometryHooks(p.map, p.clock),
    profilingHooks(p.map, p.stream),
    cameraHooks(p.map),
  ] as const;
  const hooks = {};
  for (const part of parts) Object.defineProperties(hooks, Object.getOwnPropertyDescriptors(part));
  return hooks as (typeof parts)[0] &
    (typeof parts)[1] &
    (typeof parts)[2] &
    (typeof parts)[3] &
    (typeof parts)[4];
}

/** The panels, the clock and the stream's batches as the page shows them. */
function panelHooks({ clock, routes, terminal, stats, batches }: HookedParts) {
  return {
    /** What the terminal printed so far (logged-in pages). */
    get terminalText() {
      return terminal?.transcript ?? "";
    },
    /** Per-user counters as the panel shows them. */
    get statsShown() {
      return stats?.shown ?? {};
    },
    /** How much slower than the clock the picture ran in the last frame (slow motion). */
    get slowedBy() {
      return clock.slowedBy;
    },
    get batches() {
      return batches();
    },
    get displayTime() {
      return clock.now;
    },
    /** The lab's clock speed the picture follows (what it manages when it cannot keep up). */
    get speed() {
      return clock.currentSpeed;
    },
    get routeRenders() {
      return routes.renders;
    },
  };
}

/** What the map holds and drew: routers, links, packets, drops, labels, its own counters. */
function sceneHooks(map: MapView) {
  const { scene, renderer } = map;
  return {
    /**
     * The labels drawn in the last frame with their boxes (CSS px, canvas coordinates). The
     * first call starts keeping them, so ask once and look again after a frame.
     */
    labelBoxes() {
      if (!renderer.recordLabels) {
        renderer.recordLabels = true;
        map.kick();
      }
      return renderer.labels;
    },
    get nodes() {
      return scene.nodes.size;
    },
    get links() {
      return scene.links.size;
    },
    /** How each router and host is drawn: `router` (circle) or `host` (square). */
    nodeKinds(): Record<string, string> {
      return Object.fromEntries([...scene.nodes.values()].map((n) => [n.name, n.kind]));
    },
    /** The last hops the map took in, as "link:class" (see Scene.recentHops). */
    recentHops(): string[] {
      return scene.recentHops;
    },
    get hopsSeen() {
      return scene.hopsSeen;
    },
    get flying() {
      return scene.flying.length;
    },
    get trails() {
      return scene.trails.size;
    },
    get drops() {
      return scene.drops.length;
    },
    /** The drop marks on the map now, as "node-or-place:reason:class" (reason and class only). */
    dropMarks(): string[] {
      return scene.drops.map((d) => `${d.reason}:${d.cls}`);
    },
    get missed() {
      return scene.missed;
    },
    /** Main-thread ms spent so far in frames (advance + draw) and in handling batches. */
    get busy() {
      return { ...map.busy };
    },
    get stats() {
      return { ...renderer.stats };
    },
    /** The links of the selected router's SPF tree drawn on the map (web/ospf-panel), sorted. */
    get ospfTree(): string[] | null {
      return map.sel.tree ? [...map.sel.tree].sort() : null;
    },
  };
}

/** Where things are on the page (client coordinates), for clicks and drags. */
function geometryHooks(map: MapView, clock: DisplayClock) {
  const { scene, cam, canvas } = map;
  return {
    /**
     * The segments as drawn: each switch's page position and the line drawn to each of its
     * stations (the port link's id and its end points, station first).
     */
    segments(): {
      name: string;
      x: number;
      y: number;
      lines: { link: string; from: string; to: number[] }[];
    }[] {
      const r = canvas.getBoundingClientRect();
      return [...scene.segments.values()].map((g) => {
        const [x, y] = toScreen(cam, g.x, g.y);
        const lines = [...scene.links.values()]
          .filter((l) => l.b === g)
          .map((l) => {
            const [x1, y1, x2, y2] = linkEnds(l, cam);
            return { link: l.id, from: l.a.name, to: [x1 + r.left, y1 + r.top, x2 + r.left, y2 + r.top] };
          });
        return { name: g.name, x: x + r.left, y: y + r.top, lines };
      });
    },
    /** Page (client) coordinates of a router's centre. */
    nodePoint(name: string): [number, number] | null {
      const n = scene.nodes.get(name);
      if (!n) return null;
      const r = canvas.getBoundingClientRect();
      const [x, y] = toScreen(cam, n.x, n.y);
      return [x + r.left, y + r.top];
    },
    /** Page coordinates of a point on a link, `frac` of the way from a to b (default 0.5). */
    linkPoint(id: string, frac = 0.5): [number, number] | null {
      const l = scene.links.get(id);
      if (!l) return null;
      const r = canvas.getBoundingClientRect();
      const [x1, y1, x2, y2] = linkEnds(l, cam);
      return [x1 + (x2 - x1) * frac + r.left, y1 + (y2 - y1) * frac + r.top];
    },
    /** Positions of the packets in flight (page coordinates) as of the last frame's time. */
    dots(): { packet: number; link: string; x: number; y: number; cls: string; user: string }[] {
      const r = canvas.getBoundingClientRect();
      const t = clock.now;
      return scene.flying.map((f) => {
        const [x, y] = dotPosition(f, cam, t);
        return {
          packet: f.e.packet,
          link: f.link.id,
          x: x + r.left,
          y: y + r.top,
          cls: f.e.cls,
          user: f.e.user,
        };
      });
    },
  };
}

/** The frame-time benchmark's hooks: frames, draw phases, the stream's bytes. */
function profilingHooks(map: MapView, stream: HookedParts["stream"]) {
  const { renderer } = map;
  return {
    /**
     * The frame-time hook: the first call starts the map's frame log (see MapView.frameLog),
     * each call returns the frames drawn since the one before and starts afresh. `at` is each
     * frame's requestAnimationFrame time (their differences are the frame times), `cost` its
     * main-thread ms in advance + draw.
     */
    takeFrames(): FrameLog {
      const log = map.frameLog ?? { at: [], cost: [], flying: [], drawn: [], layered: [] };
      map.frameLog = { at: [], cost: [], flying: [], drawn: [], layered: [] };
      return log;
    },
    /**
     * Profiling: the map's draw phases, each rasterised at once (slower frames; ms summed since
     * the call before). The first call starts.
     */
    probePhases(): Record<string, number> {
      const out = renderer.phases ?? {};
      renderer.phases = {};
      return out;
    },
    /** Characters of event stream the page received so far (the stream is ASCII JSON: bytes). */
    get streamBytes() {
      return stream.received;
    },
    /** The server sends 1 packet in this many (the page asked for a sample; 1: all). */
    get sampleEvery() {
      return stream.sampleEvery;
    },
  };
}

/** Moves the camera as a person would (benchmarks of large topologies). */
function cameraHooks(map: MapView) {
  const { cam } = map;
  return {
    /** Zooms so the whole network fits (benchmarks of large topologies). */
    fit() {
      map.moved = false;
      map.fitAll();
      map.kick();
    },
    /** Moves the camera by (dx, dy) px (benchmarks: panning), as a drag does. */
    pan(dx: number, dy: number) {
      map.moved = true;
      cam.ox += dx;
      cam.oy += dy;
      map.kick();
    },
  };
}
