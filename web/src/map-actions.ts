/**
 * @module web/map-actions
 * What a click on the map does: a moving dot opens its packet (packet-view), a router shows its
 * routing table and a crash/boot button, a link its menu (down, cut silently, up — the
 * instructor's); Escape closes the menu.
 */
import { api, type Session } from "./api.js";
import { attachCamera } from "./camera.js";
import { $, h } from "./dom.js";
import type { MapView } from "./map-view.js";
import type { PacketView } from "./packet-view.js";
import type { RoutesPanel } from "./routes-panel.js";
import { report } from "./status.js";

export class MapActions {
  private readonly menu = $("link-menu");

  constructor(
    private readonly map: MapView,
    private readonly routes: RoutesPanel,
    private readonly session: Session,
    private readonly packets: PacketView,
  ) {
    routes.onClose = () => {
      map.sel.node = null;
      map.kick();
    };
    attachCamera(
      map.canvas,
      map.cam,
      () => map.kick(),
      (x, y) => this.click(x, y),
      () => {
        map.moved = true;
      },
    );
    window.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        this.hideMenu();
        map.sel.link = null;
        map.kick();
      }
    });
  }

  private click(x: number, y: number): void {
    const { map } = this;
    this.hideMenu();
    // Dots first: they fly over the links and stop short of the routers.
    const f = map.packetAt(x, y);
    if (f) {
      const e = f.e;
      void this.packets.open({
        packet: e.packet,
        link: e.link,
        t: e.t,
        title: `${e.from} → ${e.to} ${e.summary}`,
        summary: e.summary,
      });
      return;
    }
    const n = map.nodeAt(x, y);
    if (n) {
      map.sel.node = n;
      map.sel.link = null;
      this.routes.show(n);
      this.nodeActions(n);
      map.kick();
      return;
    }
    const l = map.linkAt(x, y);
    map.sel.link = l;
    if (l) this.showLinkMenu(l, x, y);
    map.kick();
  }

  /** The selected router's button, redrawn when its state changes. */
  nodeActions(name: string): void {
    const n = this.map.scene.nodes.get(name)!;
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

  private hideMenu(): void {
    this.menu.hidden = true;
  }

  private showLinkMenu(id: string, x: number, y: number): void {
    const { session, menu } = this;
    const l = this.map.scene.links.get(id)!;
    const state = l.silent ? "cut silently" : l.up ? "up" : "down";
    const items: HTMLElement[] = [
      h("div", { className: "title", textContent: `${l.a.name}–${l.b.name} ${l.info.subnet} (${state})` }),
    ];
    const act = (label: string, state: "up" | "down", silent: boolean) => {
      const b = h("button", { type: "button", textContent: label });
      b.dataset.action = silent ? "silent" : state;
      b.addEventListener("click", async () => {
        this.hideMenu();
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
    const { renderer } = this.map;
    menu.style.left = `${Math.min(x + 12, renderer.width - 220)}px`;
    menu.style.top = `${Math.min(y + 12, renderer.height - 140)}px`;
    menu.hidden = false;
  }
}
