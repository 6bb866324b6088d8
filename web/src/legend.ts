/**
 * @module web/legend
 * Who is who (one colour per user seen so far) and what each packet shape means.
 */
import type { PacketClass } from "../../src/core/events.js";
import { CLASS_LABEL, DROP_COLOR, drawPacket, userColor } from "./colors.js";
import { MIN_FLIGHT_MS } from "./clock.js";
import { $, h } from "./dom.js";

const SHAPES: PacketClass[] = ["echo-request", "echo-reply", "traceroute", "icmp-error", "rip"];

export class Legend {
  private users: string[] = [];
  hideRip = false;
  /** Slow motion is on: say so, since the picture then runs behind the lab. */
  slowMotion = false;

  constructor() {
    this.render();
  }

  /** Adds a user the first time one of their packets shows up. */
  seeUser(user: string): void {
    if (!user || this.users.includes(user)) return;
    this.users.push(user);
    this.users.sort();
    this.render();
  }

  render(): void {
    const rows: HTMLElement[] = [];
    for (const u of this.users) {
      const sw = h("span", { className: "swatch" });
      sw.style.background = userColor(u);
      rows.push(h("div", { className: "row user" }, sw, u));
    }
    for (const cls of SHAPES) {
      if (cls === "rip" && this.hideRip) continue;
      const c = h("canvas");
      c.width = 36;
      c.height = 36;
      const ctx = c.getContext("2d")!;
      ctx.scale(2, 2);
      drawPacket(ctx, cls, 9, 9, 5.5, "#d0d8e0");
      rows.push(h("div", { className: "row" }, c, CLASS_LABEL[cls]));
    }
    const x = h("span", { className: "swatch", textContent: "✕" });
    x.style.color = DROP_COLOR;
    x.style.fontWeight = "bold";
    rows.push(h("div", { className: "row" }, x, "dropped (with reason)"));
    if (this.slowMotion)
      rows.push(
        h(
          "div",
          { className: "row note", title: "the picture slows down while they fly, then catches up" },
          `slow-mo: hops under ${MIN_FLIGHT_MS / 1000} s shown at ${MIN_FLIGHT_MS / 1000} s`,
        ),
      );
    $("legend").replaceChildren(...rows);
  }
}
