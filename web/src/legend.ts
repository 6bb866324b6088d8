/**
 * @module web/legend
 * Who is who (each user seen so far: their colour, the mark on their packets and the dash of
 * their trails), what each packet shape means, and what a link's look means.
 */
import type { PacketClass } from "../../src/core/events.js";
import { CLASS_LABEL, DROP_COLOR, drawPacket, MARKS, userColor, userMark } from "./colors.js";
import { MIN_FLIGHT_MS } from "./clock.js";
import { $, h } from "./dom.js";
import { LINK, LINK_DOWN, LINK_SILENT, SWITCH_FILL } from "./render.js";
import { isLinkLayerTraffic } from "../../src/core/link-layer-traffic.js";
import { isRoutingTraffic } from "../../src/core/routing-traffic.js";

const SHAPES: PacketClass[] = [
  "echo-request",
  "echo-reply",
  "traceroute",
  "icmp-error",
  "rip",
  "ospf",
  "arp",
];

export class Legend {
  private users: string[] = [];
  hideRouting = false;
  hideLinkLayer = false;
  /** Slow motion is on: say so, since the picture then runs behind the lab. */
  slowMotion = false;

  /**
   * `glyphs`: the topology has hosts or segments, so the legend tells them from routers.
   * `routing`: the routing protocols its routers run; a protocol's packets get a row only when
   * some router runs it (RIP's by default). The RIP switch hides all of them (live.ts).
   */
  constructor(
    private readonly glyphs: { hosts: boolean; segments: boolean } = { hosts: false, segments: false },
    private readonly routing: readonly string[] = ["rip"],
  ) {
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
      const c = sample(34, 18);
      const mark = userMark(u);
      const ctx = c.getContext("2d")!;
      // A stretch of trail in the user's dash, and a packet with their mark.
      ctx.strokeStyle = userColor(u);
      ctx.lineWidth = 3;
      ctx.lineCap = "round";
      ctx.setLineDash(MARKS[mark]!.dash.map((d) => d * 3));
      ctx.beginPath();
      ctx.moveTo(2, 9);
      ctx.lineTo(22, 9);
      ctx.stroke();
      ctx.setLineDash([]);
      drawPacket(ctx, "echo-request", 25, 9, 7, userColor(u), mark);
      const row = h("div", { className: "row user" }, c, u);
      row.dataset.mark = MARKS[mark]!.name;
      rows.push(row);
    }
    rows.push(...this.glyphRows());
    for (const cls of SHAPES) {
      if (isRoutingTraffic(cls) && (this.hideRouting || !this.routing.includes(cls))) continue;
      if (this.hideLinkLayer && isLinkLayerTraffic(cls)) continue;
      const c = sample(18, 18);
      drawPacket(c.getContext("2d")!, cls, 9, 9, 5.5, "#d0d8e0");
      rows.push(h("div", { className: "row" }, c, CLASS_LABEL[cls]));
    }
    for (const [color, text] of [
      [LINK_DOWN, "link down"],
      [LINK_SILENT, "cut silently"],
    ] as const) {
      const c = sample(26, 18);
      const ctx = c.getContext("2d")!;
      ctx.strokeStyle = color;
      ctx.lineWidth = 3;
      ctx.setLineDash([7, 5]);
      ctx.beginPath();
      ctx.moveTo(1, 9);
      ctx.lineTo(25, 9);
      ctx.stroke();
      rows.push(h("div", { className: "row" }, c, text));
    }
    const x = h("span", { className: "swatch", textContent: "✕" });
    x.style.color = DROP_COLOR;
    x.style.fontWeight = "bold";
    rows.push(h("div", { className: "row" }, x, "dropped"));
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

  /** Router, host and segment as the map draws them (only for a topology that has hosts or segments). */
  private glyphRows(): HTMLElement[] {
    const { hosts, segments } = this.glyphs;
    if (!hosts && !segments) return [];
    const glyph = (text: string, kind: string, draw: (ctx: CanvasRenderingContext2D) => void) => {
      const c = sample(kind === "segment" ? 26 : 18, 18);
      const ctx = c.getContext("2d")!;
      ctx.lineWidth = 1.5;
      ctx.fillStyle = "#1d2a38";
      ctx.strokeStyle = "#e8eef4";
      draw(ctx);
      const row = h("div", { className: "row glyph" }, c, text);
      row.dataset.glyph = kind;
      return row;
    };
    const rows = [
      glyph("router", "router", (ctx) => {
        ctx.beginPath();
        ctx.arc(9, 9, 7, 0, Math.PI * 2);
        ctx.fill();
        ctx.stroke();
      }),
    ];
    if (hosts)
      rows.push(
        glyph("host", "host", (ctx) => {
          ctx.beginPath();
          ctx.rect(4, 3, 10, 10);
          ctx.fill();
          ctx.stroke();
          ctx.beginPath();
          ctx.moveTo(6, 16);
          ctx.lineTo(12, 16);
          ctx.stroke();
        }),
      );
    if (segments)
      rows.push(
        glyph("segment (switch)", "segment", (ctx) => {
          ctx.fillStyle = SWITCH_FILL;
          ctx.strokeStyle = LINK;
          ctx.beginPath();
          ctx.rect(2, 6, 22, 6);
          ctx.fill();
          ctx.stroke();
        }),
      );
    return rows;
  }
}

/**
 * A legend picture `w`×`h` (drawing units), at twice that in pixels for sharpness; style.css
 * sizes it by its height (18 px, less on phones), the width following.
 */
function sample(w: number, h0: number): HTMLCanvasElement {
  const c = h("canvas");
  c.width = w * 2;
  c.height = h0 * 2;
  c.getContext("2d")!.scale(2, 2);
  return c;
}
