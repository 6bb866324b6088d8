/**
 * @module web/main
 * The live picture: boots from /api/topology, follows /api/events, and wires the map, panels
 * and controls together. Everything shown comes from the API; nothing is guessed.
 */
import "./style-nonce.js";
import "./style.css";
import { ApiFailure, api, getToken, type Session, setToken, type TopologyView } from "./api.js";
import { attachCamera, type Camera, fitView, toScreen } from "./camera.js";
import { DisplayClock } from "./clock.js";
import { userColor } from "./colors.js";
import { ClockControls, initCommandBox } from "./controls.js";
import { $, fmtTime, h } from "./dom.js";
import { EventLog } from "./event-log.js";
import { layout, type Point } from "./layout.js";
import { Legend } from "./legend.js";
import { LessonView } from "./lesson.js";
import { loadUserColors, offerLogin, StatsPanel, showLogin, showWho } from "./people.js";
import { linkEnds, nodeRadius, Renderer, type Selection } from "./render.js";
import { RoutesPanel } from "./routes-panel.js";
import { Scene } from "./scene.js";
import { openStream } from "./stream.js";
import { WebTerminal } from "./terminal.js";

let statusTimer: ReturnType<typeof setTimeout> | null = null;
function status(msg: string, sticky = false): void {
  $("status").textContent = msg;
  if (statusTimer) clearTimeout(statusTimer);
  statusTimer = sticky ? null : setTimeout(() => ($("status").textContent = ""), 6000);
}

function report(e: unknown): void {
  if (e instanceof ApiFailure && e.status === 401 && !document.body.classList.contains("logins"))
    status(`${e.message} — click “token” to enter the instructor token`);
  else status(e instanceof Error ? e.message : String(e));
}

function positions(topo: TopologyView): Map<string, Point> {
  const fixed = new Map<string, Point>();
  for (const n of topo.nodes) if (n.position) fixed.set(n.name, n.position);
  return layout(
    topo.nodes.map((n) => n.name),
    topo.links.map((l) => [l.a.node, l.b.node]),
    fixed,
  );
}

async function boot(): Promise<void> {
  const session = await api.session();
  // A private lab (`up --private`): log in first, even to watch.
  if (session.logins && !session.user && session.private) {
    showLogin();
    return;
  }
  const topo = await api.topology();
  $("title").textContent = `routelab · ${topo.name}`;
  document.title = `routelab · ${topo.name}`;
  let terminal: WebTerminal | null = null;
  let stats: StatsPanel | null = null;
  // A lab with logins: anyone may watch; logged in, the terminal replaces the command box.
  if (session.logins) {
    document.body.classList.add("logins");
    $("cmd-panel").hidden = true;
    stats = new StatsPanel(report);
  }
  if (session.logins && !session.user) offerLogin(topo.name);
  if (session.logins && session.user) {
    document.body.classList.add("has-term");
    showWho(session);
    $("term-panel").hidden = false;
    terminal = new WebTerminal(
      $("term"),
      (s) => ($("term-state").textContent = s),
      // Refused: if the session has ended (idle too long, account removed), log in again.
      () =>
        void api.session().then((s) => {
          if (!s.user) location.reload();
        }, report),
    );
  }
  const scene = new Scene(topo, positions(topo), userColor);
  const canvas = $<HTMLCanvasElement>("view");
  const renderer = new Renderer(canvas);
  const cam: Camera = { scale: 1, ox: 0, oy: 0 };
  const clock = new DisplayClock();
  clock.sample(topo.clock, performance.now());
  const sel: Selection = { node: null, link: null };
  const routes = new RoutesPanel(report);
  routes.onClose = () => {
    sel.node = null;
    kick();
  };
  const log = new EventLog(topo.nodes.map((n) => n.name));
  const legend = new Legend();
  if (session.logins)
    // Everyone's colour as in the users file; the legend lists oneself and whoever sends.
    void loadUserColors().then(() => {
      if (session.user) legend.seeUser(session.user);
      legend.render();
      stats?.redraw();
    }, report);
  const slowmo = $<HTMLInputElement>("slowmo");
  slowmo.checked = localStorage.getItem("routelab.slowmo") !== "0";
  const applySlowmo = () => {
    clock.slowMotion = slowmo.checked;
    legend.slowMotion = slowmo.checked;
    legend.render();
    localStorage.setItem("routelab.slowmo", slowmo.checked ? "1" : "0");
  };
  slowmo.addEventListener("change", applySlowmo);
  applySlowmo();
  const controls = new ClockControls(report);
  controls.show({ ...topo.clock, paced: topo.clock.speed > 0 });
  void api.clock().then((c) => controls.show(c), report);
  const userBox = $<HTMLInputElement>("user");
  userBox.value = localStorage.getItem("routelab.user") ?? "";
  userBox.addEventListener("change", () => localStorage.setItem("routelab.user", userBox.value.trim()));
  initCommandBox(
    topo.nodes.map((n) => n.name),
    () => userBox.value.trim(),
    report,
  );
  applySession(session);
  // Only a lab with a lesson timeline has one to show (asking others would log a 404).
  const lesson =
    session.lesson === false
      ? null
      : new LessonView({
          now: () => clock.serverTime(performance.now()),
          control: () => session.control,
          colorOf: userColor,
          report,
        });

  // Drawing: one frame per animation frame while anything moves, else on demand.
  let frame = 0;
  /** The person panned or zoomed: resizes keep their view (centred) instead of refitting. */
  let moved = false;
  const busy = { frameMs: 0, batchMs: 0 };
  const draw = (wall: number) => {
    frame = 0;
    const t0 = performance.now();
    const frameNs = 20 * (clock.currentSpeed > 0 ? clock.currentSpeed : 1) * 1e6;
    const t = clock.tick(wall, scene.flightHint(clock.now, frameNs));
    scene.advance(t, wall);
    renderer.draw(scene, cam, t, wall, sel);
    busy.frameMs += performance.now() - t0;
    $("clock").textContent = `t=${fmtTime(t)}`;
    $("clock").classList.toggle("slowed", clock.slowedBy > 1.5);
    const moving = scene.animating || (!clock.isPaused && clock.currentSpeed > 0 && scene.pending.length > 0);
    if (moving) kick();
  };
  function kick(): void {
    if (!frame) frame = requestAnimationFrame(draw);
  }
  /** Fits the network into the view, keeping clear of the legend (at the bottom, or on top on phones). */
  function fitAll(): void {
    const c = canvas.getBoundingClientRect();
    const l = $("legend").getBoundingClientRect();
    const onTop = l.top + l.height / 2 < c.top + c.height / 2;
    const room = l.height + 12;
    fitView(
      cam,
      [...scene.nodes.values()],
      renderer.width,
      renderer.height,
      undefined,
      onTop ? room : 0,
      onTop ? 0 : room,
    );
  }
  // The map follows its box: a window made smaller or larger, a phone turned, the header or
  // legend reflowing. Until the person pans or zooms the whole network is refitted; after that
  // their view keeps its scale and the point at its centre.
  const resize = () => {
    const [w, h] = [renderer.width, renderer.height];
    renderer.resize();
    if (renderer.width > 0 && renderer.height > 0 && (renderer.width !== w || renderer.height !== h)) {
      if (!moved || w === 0 || h === 0) fitAll();
      else {
        cam.ox += (renderer.width - w) / 2;
        cam.oy += (renderer.height - h) / 2;
      }
    }
    kick();
  };
  new ResizeObserver(resize).observe(canvas);
  // Some mobile browsers report the turn before the new layout: look again on the next frame.
  screen.orientation?.addEventListener("change", () => requestAnimationFrame(resize));
  resize();
  // The clock display ticks even with no packets moving.
  setInterval(kick, 100);

  attachCamera(
    canvas,
    cam,
    kick,
    (x, y) => click(x, y),
    () => {
      moved = true;
    },
  );

  function nodeAt(x: number, y: number): string | null {
    const r = nodeRadius(cam, scene.spacing) + 4;
    let best: string | null = null;
    let bd = r * r;
    for (const n of scene.nodes.values()) {
      const [sx, sy] = toScreen(cam, n.x, n.y);
      const d = (sx - x) ** 2 + (sy - y) ** 2;
      if (d <= bd) {
        bd = d;
        best = n.name;
      }
    }
    return best;
  }
  function linkAt(x: number, y: number): string | null {
    let best: string | null = null;
    let bd = 10;
    for (const l of scene.links.values()) {
      const [x1, y1, x2, y2] = linkEnds(l, cam);
      const d = segDist(x, y, x1, y1, x2, y2);
      if (d < bd) {
        bd = d;
        best = l.id;
      }
    }
    return best;
  }
  function click(x: number, y: number): void {
    hideMenu();
    const n = nodeAt(x, y);
    if (n) {
      sel.node = n;
      sel.link = null;
      routes.show(n);
      nodeActions(n);
      kick();
      return;
    }
    const l = linkAt(x, y);
    sel.link = l;
    if (l) showLinkMenu(l, x, y);
    kick();
  }

  function nodeActions(name: string): void {
    const n = scene.nodes.get(name)!;
    const b = h("button", { type: "button", textContent: n.up ? "crash router" : "boot router" });
    b.addEventListener("click", async () => {
      try {
        await api.setNode(name, n.up ? "down" : "up");
      } catch (e) {
        report(e);
      }
    });
    $("node-actions").replaceChildren(b);
  }

  const menu = $("link-menu");
  function hideMenu(): void {
    menu.hidden = true;
  }
  function showLinkMenu(id: string, x: number, y: number): void {
    const l = scene.links.get(id)!;
    const state = l.silent ? "cut silently" : l.up ? "up" : "down";
    const items: HTMLElement[] = [
      h("div", { className: "title", textContent: `${l.a.name}–${l.b.name} ${l.info.subnet} (${state})` }),
    ];
    const act = (label: string, state: "up" | "down", silent: boolean) => {
      const b = h("button", { type: "button", textContent: label });
      b.dataset.action = silent ? "silent" : state;
      b.addEventListener("click", async () => {
        hideMenu();
        try {
          await api.setLink(id, state, silent);
        } catch (e) {
          report(e);
        }
      });
      items.push(b);
    };
    // A logged-in student gets the link's facts only: the controls are the instructor's
    // (and the server refuses them anyway).
    if (session.logins && !session.control)
      items.push(
        h("div", { className: "title", textContent: "only an instructor can take links down or up" }),
      );
    else if (l.up && !l.silent) {
      act("⬇ take link down", "down", false);
      act("✂ cut silently (no carrier loss)", "down", true);
    } else act("⬆ bring link up", "up", false);
    if (!session.control && !session.logins)
      items.push(h("div", { className: "title", textContent: "instructor only: enter the token first" }));
    menu.replaceChildren(...items);
    menu.style.left = `${Math.min(x + 12, renderer.width - 220)}px`;
    menu.style.top = `${Math.min(y + 12, renderer.height - 140)}px`;
    menu.hidden = false;
  }
  window.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      hideMenu();
      sel.link = null;
      kick();
    }
  });
  initProjector();

  // RIP chatter: hidden on the map, in the log, and not even sent by the server.
  const showRip = $<HTMLInputElement>("show-rip");
  showRip.checked = localStorage.getItem("routelab.hideRip") !== "1";
  const applyRip = () => {
    const hide = !showRip.checked;
    localStorage.setItem("routelab.hideRip", hide ? "1" : "0");
    scene.hideRip = hide;
    log.hideRip = hide;
    legend.hideRip = hide;
    legend.render();
    scene.clearPackets();
    stream.setHideRip(hide);
    kick();
  };
  showRip.addEventListener("change", applyRip);

  let batches = 0;
  const stream = openStream(
    (b) => {
      const t0 = performance.now();
      batches++;
      // A rewind (the server sends it first in its batch): the picture starts over from its
      // moment, with what is up re-read.
      const rw = b.events.findIndex((e) => e.kind === "rewind");
      if (rw >= 0) {
        scene.reset();
        clock.reset(b.clock, performance.now());
        routes.touch();
        lesson?.refresh();
        api.topology().then((t) => {
          scene.setStates(t);
          kick();
        }, report);
      }
      lesson?.seen(b.events);
      clock.sample(b.clock, performance.now());
      controls.show(b.clock);
      scene.ingest(b.events);
      log.add(b.events);
      for (const e of b.events) {
        // Routing chatter and ARP (the boot announcements are "system"'s) name no person.
        if (e.kind === "hop" && e.cls !== "rip" && e.cls !== "arp") legend.seeUser(e.user);
        else if (e.kind === "route") routes.touch(e.node);
        else if (e.kind === "link" || e.kind === "node") {
          routes.touch();
          if (sel.node && e.kind === "node" && e.node === sel.node) nodeActions(sel.node);
        }
      }
      kick();
      busy.batchMs += performance.now() - t0;
    },
    (up) => status(up ? "" : "disconnected — reconnecting…", !up),
  );
  applyRip();

  $("token").addEventListener("click", async () => {
    const t = prompt("Instructor token (empty to forget it):", getToken());
    if (t === null) return;
    setToken(t.trim());
    try {
      const s = await api.session();
      Object.assign(session, s);
      applySession(s);
      status(s.control ? "controls enabled" : "token not accepted");
    } catch (e) {
      report(e);
    }
  });

  // Test and benchmark hooks (read-only views of the page's state).
  const hooks = {
    /** What the terminal printed so far (logged-in pages). */
    get terminalText() {
      return terminal?.transcript ?? "";
    },
    /**
     * The labels drawn in the last frame with their boxes (CSS px, canvas coordinates). The
     * first call starts keeping them, so ask once and look again after a frame.
     */
    labelBoxes() {
      if (!renderer.recordLabels) {
        renderer.recordLabels = true;
        kick();
      }
      return renderer.labels;
    },
    /** Per-user counters as the panel shows them. */
    get statsShown() {
      return stats?.shown ?? {};
    },
    /** How much slower than the clock the picture ran in the last frame (slow motion). */
    get slowedBy() {
      return clock.slowedBy;
    },
    get nodes() {
      return scene.nodes.size;
    },
    get links() {
      return scene.links.size;
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
    get missed() {
      return scene.missed;
    },
    get batches() {
      return batches;
    },
    /** Main-thread ms spent so far in frames (advance + draw) and in handling batches. */
    get busy() {
      return { ...busy };
    },
    get stats() {
      return { ...renderer.stats };
    },
    get displayTime() {
      return clock.now;
    },
    get routeRenders() {
      return routes.renders;
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
        const [x1, y1, x2, y2] = linkEnds(f.link, cam);
        const p = Math.min(1, Math.max(0, (t - f.e.t) / Math.max(f.e.duration, 1)));
        const q = f.reverse ? 1 - p : p;
        return {
          packet: f.e.packet,
          link: f.link.id,
          x: x1 + (x2 - x1) * q + r.left,
          y: y1 + (y2 - y1) * q + r.top,
          cls: f.e.cls,
          user: f.e.user,
        };
      });
    },
    /** Zooms so the whole network fits (benchmarks of large topologies). */
    fit() {
      moved = false;
      fitAll();
      kick();
    },
    /** Moves the camera by (dx, dy) px (benchmarks: panning), as a drag does. */
    pan(dx: number, dy: number) {
      moved = true;
      cam.ox += dx;
      cam.oy += dy;
      kick();
    },
  };
  (window as unknown as { __routelab: typeof hooks }).__routelab = hooks;
  document.body.dataset.ready = "1";
}

/**
 * Projector mode: the map alone, full width, for the room (the side panels hidden). The
 * button or `p` (outside text fields and the terminal) toggles it; `?projector` in the
 * address starts in it; the choice is remembered.
 */
function initProjector(): void {
  const button = $<HTMLButtonElement>("projector");
  const set = (on: boolean) => {
    document.body.classList.toggle("projector", on);
    button.setAttribute("aria-pressed", String(on));
    localStorage.setItem("routelab.projector", on ? "1" : "0");
  };
  const asked = new URLSearchParams(location.search).has("projector");
  set(asked || localStorage.getItem("routelab.projector") === "1");
  button.addEventListener("click", () => set(!document.body.classList.contains("projector")));
  window.addEventListener("keydown", (e) => {
    const t = e.target as HTMLElement | null;
    const typing = t && (t.closest("input, textarea, select, [contenteditable]") || t.closest("#term"));
    if (e.key !== "p" || typing || e.ctrlKey || e.metaKey || e.altKey) return;
    set(!document.body.classList.contains("projector"));
  });
}

function applySession(s: Session): void {
  document.body.classList.toggle("no-control", !s.control);
}

function segDist(px: number, py: number, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy || 1;
  const t = Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / len2));
  return Math.hypot(px - (x1 + dx * t), py - (y1 + dy * t));
}

boot().catch((e) => {
  status(`could not load the lab: ${e instanceof Error ? e.message : String(e)}`, true);
});
