/**
 * @module web/live
 * The live stream into the page: each batch moves the clock and the map, fills the event log
 * and the legend, and marks the routing tables to re-read; a rewind starts the picture over.
 * The RIP switch hides RIP chatter on the map, in the log, and from the server's stream; the
 * ARP switch hides link-layer traffic on the map and in the log.
 */
import { api } from "./api.js";
import type { DisplayClock } from "./clock.js";
import type { ClockControls } from "./controls.js";
import { $ } from "./dom.js";
import type { EventLog } from "./event-log.js";
import type { Legend } from "./legend.js";
import type { LessonView } from "./lesson.js";
import type { MapActions } from "./map-actions.js";
import type { MapView } from "./map-view.js";
import type { RoutesPanel } from "./routes-panel.js";
import { report, status } from "./status.js";
import { openStream, type Stream } from "./stream.js";
import { isRoutingTraffic } from "../../src/core/routing-traffic.js";

export interface LiveParts {
  map: MapView;
  actions: MapActions;
  clock: DisplayClock;
  controls: ClockControls;
  routes: RoutesPanel;
  log: EventLog;
  legend: Legend;
  lesson: LessonView | null;
}

export interface Live {
  stream: Stream;
  /** Batches handled so far. */
  batches(): number;
}

export function followStream(p: LiveParts): Live {
  const { map, clock } = p;
  let batches = 0;
  const stream = openStream(
    (b) => {
      const t0 = performance.now();
      batches++;
      // A rewind (the server sends it first in its batch): the picture starts over from its
      // moment, with what is up re-read.
      if (b.events.some((e) => e.kind === "rewind")) {
        map.scene.reset();
        clock.reset(b.clock, performance.now());
        p.routes.touch();
        p.lesson?.refresh();
        api.topology().then((t) => {
          map.scene.setStates(t);
          map.kick();
        }, report);
      }
      p.lesson?.seen(b.events);
      clock.sample(b.clock, performance.now());
      p.controls.show(b.clock);
      map.scene.ingest(b.events);
      p.log.add(b.events);
      // Route changes left out of a sample (issue 23) may be the shown router's: read it again.
      if (b.sample?.routesHidden) p.routes.touch();
      for (const e of b.events) {
        // Routing chatter and ARP (the boot announcements are "system"'s) name no person.
        if (e.kind === "hop" && !isRoutingTraffic(e.cls) && e.cls !== "arp") p.legend.seeUser(e.user);
        else if (e.kind === "route") p.routes.touch(e.node);
        else if (e.kind === "link" || e.kind === "node") {
          p.routes.touch();
          if (map.sel.node && e.kind === "node" && e.node === map.sel.node)
            p.actions.nodeActions(map.sel.node);
        }
      }
      map.kick();
      map.busy.batchMs += performance.now() - t0;
    },
    (up) => status(up ? "" : "disconnected — reconnecting…", !up),
  );
  initRipSwitch(p, stream);
  initArpSwitch(p);
  return { stream, batches: () => batches };
}

/** RIP chatter: hidden on the map, in the log, and not even sent by the server. */
function initRipSwitch(p: LiveParts, stream: Stream): void {
  const showRip = $<HTMLInputElement>("show-rip");
  showRip.checked = localStorage.getItem("routelab.hideRip") !== "1";
  const apply = () => {
    const hide = !showRip.checked;
    localStorage.setItem("routelab.hideRip", hide ? "1" : "0");
    p.map.scene.hideRouting = hide;
    p.log.hideRouting = hide;
    p.legend.hideRouting = hide;
    p.legend.render();
    p.map.scene.clearPackets();
    stream.setHideRouting(hide);
    p.map.kick();
  };
  showRip.addEventListener("change", apply);
  apply();
}

/**
 * ARP (link-layer traffic): hidden on the map, in the legend and in the log (remembered). The
 * server still sends it: a few frames per neighbour and 20 minutes, unlike routing chatter.
 */
function initArpSwitch(p: LiveParts): void {
  const showArp = $<HTMLInputElement>("show-arp");
  showArp.checked = localStorage.getItem("routelab.hideArp") !== "1";
  const apply = () => {
    const hide = !showArp.checked;
    localStorage.setItem("routelab.hideArp", hide ? "1" : "0");
    p.map.scene.hideLinkLayer = hide;
    p.log.hideLinkLayer = hide;
    p.legend.hideLinkLayer = hide;
    p.legend.render();
    p.map.scene.clearPackets();
    p.map.kick();
  };
  showArp.addEventListener("change", apply);
  apply();
}

/** Slow motion: packets crossing faster than the eye can follow are shown slower (remembered). */
export function initSlowMotion(clock: DisplayClock, legend: Legend): void {
  const slowmo = $<HTMLInputElement>("slowmo");
  slowmo.checked = localStorage.getItem("routelab.slowmo") !== "0";
  const apply = () => {
    clock.slowMotion = slowmo.checked;
    legend.slowMotion = slowmo.checked;
    legend.render();
    localStorage.setItem("routelab.slowmo", slowmo.checked ? "1" : "0");
  };
  slowmo.addEventListener("change", apply);
  apply();
}
