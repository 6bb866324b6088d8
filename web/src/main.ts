/**
 * @module web/main
 * The live picture: boots from /api/session and /api/topology, follows /api/events, and wires
 * the parts together — the map (map-view, map-actions), the stream (live), logins and the
 * terminal (logins-view), the lesson, the panels, projector mode, and the test hooks when the
 * address asks for them (test-hooks). Everything shown comes from the API; nothing is guessed.
 */
import "./style-nonce.js";
import "./style.css";
import { api } from "./api.js";
import { DisplayClock } from "./clock.js";
import { userColor } from "./colors.js";
import { ClockControls, initCommandBox } from "./controls.js";
import { $ } from "./dom.js";
import { EventLog } from "./event-log.js";
import { Legend } from "./legend.js";
import { LessonView } from "./lesson.js";
import { followStream, initSlowMotion } from "./live.js";
import { applySession, initLoginsView, initTokenButton } from "./logins-view.js";
import { MapActions } from "./map-actions.js";
import { MapView } from "./map-view.js";
import { PacketView } from "./packet-view.js";
import { loadUserColors, showLogin } from "./people.js";
import { initProjector } from "./projector.js";
import { RoutesPanel } from "./routes-panel.js";
import { OspfPanel } from "./ospf-panel.js";
import { report, status } from "./status.js";
import { installTestHooks, testHooksAsked } from "./test-hooks.js";

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
  const people = initLoginsView(session, topo);
  const clock = new DisplayClock();
  clock.sample(topo.clock, performance.now());
  const map = new MapView(topo, clock);
  const routes = new RoutesPanel(report);
  const ospfRouters = new Set(topo.nodes.filter((n) => n.routing === "ospf").map((n) => n.name));
  const ospf = new OspfPanel(map, (n) => ospfRouters.has(n));
  routes.followers.push(ospf);
  const log = new EventLog(topo.nodes.map((n) => n.name));
  const protocols = [...new Set(topo.nodes.map((n) => n.routing))].filter((p) => p === "rip" || p === "ospf");
  const legend = new Legend(
    { hosts: topo.nodes.some((n) => n.kind === "host"), segments: topo.segments.length > 0 },
    protocols.length > 0 ? protocols : ["rip"],
  );
  labelRoutingSwitch(protocols);
  if (session.logins)
    // Everyone's colour as in the users file; the legend lists oneself and whoever sends.
    void loadUserColors().then(() => {
      if (session.user) legend.seeUser(session.user);
      legend.render();
      people.stats?.redraw();
    }, report);
  initSlowMotion(clock, legend);
  const controls = new ClockControls(report);
  controls.show({ ...topo.clock, paced: topo.clock.speed > 0 });
  void api.clock().then((c) => controls.show(c), report);
  initUserBox(topo.nodes.map((n) => n.name));
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
  map.start();
  // Opening a packet stops the lab for whoever may stop it (the others' map keeps moving).
  const packets = new PacketView(() => session.control && controls.pause());
  log.openPacket = (ref) => void packets.open(ref);
  const actions = new MapActions(map, routes, session, packets);
  initProjector();
  const live = followStream({ map, actions, clock, controls, routes, log, legend, lesson });
  initTokenButton(session);
  if (testHooksAsked())
    installTestHooks({
      map,
      clock,
      routes,
      ...people,
      batches: live.batches,
      stream: live.stream,
    });
  document.body.dataset.ready = "1";
}

/** The command box (labs without logins): the node, the command, and the user it runs as (remembered). */
function initUserBox(nodes: string[]): void {
  const userBox = $<HTMLInputElement>("user");
  userBox.value = localStorage.getItem("routelab.user") ?? "";
  userBox.addEventListener("change", () => localStorage.setItem("routelab.user", userBox.value.trim()));
  initCommandBox(nodes, () => userBox.value.trim(), report);
}

boot().catch((e) => {
  status(`could not load the lab: ${e instanceof Error ? e.message : String(e)}`, true);
});

/** The routing switch names the protocols the lab runs (it hides all their packets). */
function labelRoutingSwitch(protocols: readonly string[]): void {
  if (protocols.length === 0) return;
  const box = $<HTMLInputElement>("show-rip");
  const label = box.parentElement!;
  label.lastChild!.textContent = ` ${protocols.map((p) => p.toUpperCase()).join(" · ")}`;
  label.title = `routing chatter: ${protocols.map((p) => (p === "rip" ? "RIP's updates" : "OSPF's Hellos and LSA floods")).join(", ")}`;
}
