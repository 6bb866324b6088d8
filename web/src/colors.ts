/**
 * @module web/colors
 * Colours, shapes and marks. Each packet class has a shape (so colour-blind viewers and
 * greyscale projectors still tell them apart): echo request ●, echo reply ◉ (ringed),
 * traceroute probe ◆, ICMP error ▲, RIP ■ (small, grey), other UDP/IP •. Each user has a colour
 * (the packet's fill) and a second cue, so colour is never the only one: a MARK inside their
 * packets (none, dot, bar, ring, cross) and the matching dash of their trails (solid, dotted,
 * dashed, dash-dot, long dashes).
 */
import type { PacketClass } from "../../src/core/events.js";
import { MIN_VIEW_DISTANCE, PALETTE as USER_PALETTE, viewDistance } from "../../src/core/palette.js";
import { isRoutingUser } from "../../src/core/routing-traffic.js";

/**
 * The users file's palette (core/palette: every pair at least 22 ΔE00 apart as sent and 12 to
 * colour-blind eyes and on a washed-out projector), for users the server gave no colour (labs
 * without logins, the browser edition).
 */
const PALETTE = USER_PALETTE;
export const RIP_COLOR = "#7f8c9b";
/** ARP frames: link-layer housekeeping, one quiet colour whoever caused them. */
export const ARP_COLOR = "#c9a35b";
/** OSPF's packets: a grey-blue apart from RIP's grey, routing chatter too. */
export const OSPF_COLOR = "#6f8fb3";
/**
 * A selected OSPF router's SPF tree, stroked under the links: teal, apart from the links' own
 * grey-blue (in OSPF's colour the tree could hardly be told from the other links at 1024 wide).
 */
export const SPF_TREE_COLOR = "#39c5bb";
export const DROP_COLOR = "#ff5252";
const SYSTEM_COLOR = "#e0e0e0";

const assigned = new Map<string, string>();

/** Colours the server knows (issue 5's users file) take precedence over the hashed ones. */
export function setUserColors(map: Record<string, string>): void {
  for (const [u, c] of Object.entries(map)) assigned.set(u, c);
  // Marks in the file's order, so every page in the room gives everyone the same.
  for (const u of Object.keys(map)) userMark(u);
}

/** A user's second cue (see the module comment). `dash` is in trail widths, for setLineDash. */
export interface Mark {
  name: "none" | "dot" | "bar" | "ring" | "cross";
  dash: readonly number[];
}
export const MARKS: readonly Mark[] = [
  { name: "none", dash: [] },
  { name: "dot", dash: [0, 2.2] },
  { name: "bar", dash: [2.5, 1.8] },
  { name: "ring", dash: [3, 1.4, 0, 1.4] },
  { name: "cross", dash: [6, 2] },
];

/**
 * Colours closer than this (ΔE00, in the view where they are closest) need different marks:
 * the palette's own floor, so colours no closer than the palette's are told apart by colour.
 */
const CONFUSABLE = MIN_VIEW_DISTANCE;
const marks = new Map<string, number>();
const distances = new Map<string, number>();

function confusable(x: string, y: string): boolean {
  const key = x < y ? `${x}${y}` : `${y}${x}`;
  let d = distances.get(key);
  if (d === undefined) {
    d = viewDistance(x.toUpperCase(), y.toUpperCase());
    distances.set(key, d);
  }
  return d < CONFUSABLE;
}

/**
 * The index in MARKS of `user`'s mark, fixed the first time it is asked: the n-th user starts
 * from mark n (so the first five all differ) and takes the first mark that no earlier user of a
 * confusable colour has (all taken, the one fewest of them wear). The routers' own packets
 * (root, RIP) have none.
 */
export function userMark(user: string): number {
  const known = marks.get(user);
  if (known !== undefined) return known;
  if (user === "" || user === "root" || user === "system" || isRoutingUser(user)) return 0;
  const color = userColor(user);
  const worn = MARKS.map(() => 0);
  for (const [u, m] of marks) if (confusable(userColor(u), color)) worn[m]!++;
  const start = marks.size % MARKS.length;
  let pick = start;
  for (let i = 1; i < MARKS.length; i++) {
    const m = (start + i) % MARKS.length;
    if (worn[m]! < worn[pick]!) pick = m;
  }
  marks.set(user, pick);
  return pick;
}

/** Adds the mark `mark` inside a packet of class `cls` at (x, y), radius r, to the current path. */
export function markPath(
  ctx: CanvasRenderingContext2D,
  mark: number,
  cls: PacketClass,
  x: number,
  y0: number,
  r: number,
): void {
  // The triangle's centre of mass is below its box's.
  const y = cls === "icmp-error" ? y0 + r * 0.17 : y0;
  const s = cls === "icmp-error" ? r * 0.8 : r;
  switch (MARKS[mark]?.name) {
    case "dot":
      ctx.moveTo(x + s * 0.38, y);
      ctx.arc(x, y, s * 0.38, 0, Math.PI * 2);
      break;
    case "bar":
      ctx.rect(x - s * 0.62, y - s * 0.2, s * 1.24, s * 0.4);
      break;
    case "ring":
      // A ring: the outer circle and the inner one wound the other way (nonzero fill).
      ctx.moveTo(x + s * 0.55, y);
      ctx.arc(x, y, s * 0.55, 0, Math.PI * 2);
      ctx.moveTo(x + s * 0.3, y);
      ctx.arc(x, y, s * 0.3, 0, Math.PI * 2, true);
      break;
    case "cross":
      ctx.rect(x - s * 0.62, y - s * 0.17, s * 1.24, s * 0.34);
      ctx.rect(x - s * 0.17, y - s * 0.62, s * 0.34, s * 0.45);
      ctx.rect(x - s * 0.17, y + s * 0.17, s * 0.34, s * 0.45);
      break;
  }
}

export function userColor(user: string): string {
  const c = assigned.get(user);
  if (c) return c;
  if (user === "" || user === "root" || user === "system") return SYSTEM_COLOR;
  if (user === "rip") return RIP_COLOR;
  if (user === "ospf") return OSPF_COLOR;
  // Stable across reloads: from the name, probing for a colour nobody visible has yet.
  let h = 0;
  for (let i = 0; i < user.length; i++) h = (Math.imul(h, 31) + user.charCodeAt(i)) >>> 0;
  const used = new Set(assigned.values());
  let pick = PALETTE[h % PALETTE.length]!;
  for (let i = 0; i < PALETTE.length && used.has(pick); i++) pick = PALETTE[(h + i) % PALETTE.length]!;
  assigned.set(user, pick);
  return pick;
}

export function knownUsers(): string[] {
  return [...assigned.keys()];
}

export const CLASS_LABEL: Record<PacketClass, string> = {
  "echo-request": "echo request",
  "echo-reply": "echo reply",
  traceroute: "traceroute probe",
  "icmp-error": "ICMP error",
  rip: "RIP update",
  udp: "UDP",
  arp: "ARP",
  tcp: "TCP segment",
  ospf: "OSPF packet",
  other: "other",
};

/** Adds the outline of one packet of class `cls` at (x, y), radius r, to the current path. */
export function packetPath(
  ctx: CanvasRenderingContext2D,
  cls: PacketClass,
  x: number,
  y: number,
  r: number,
): void {
  switch (cls) {
    case "traceroute":
      ctx.moveTo(x, y - r * 1.25);
      ctx.lineTo(x + r * 1.25, y);
      ctx.lineTo(x, y + r * 1.25);
      ctx.lineTo(x - r * 1.25, y);
      ctx.closePath();
      break;
    case "icmp-error":
      ctx.moveTo(x, y - r * 1.3);
      ctx.lineTo(x + r * 1.2, y + r * 0.9);
      ctx.lineTo(x - r * 1.2, y + r * 0.9);
      ctx.closePath();
      break;
    case "rip":
      ctx.rect(x - r * 0.6, y - r * 0.6, r * 1.2, r * 1.2);
      break;
    case "arp":
      ctx.rect(x - r * 0.9, y - r * 0.35, r * 1.8, r * 0.7);
      break;
    case "ospf":
      // A hexagon: link state, apart from RIP's square.
      for (let i = 0; i < 6; i++) {
        const a = (Math.PI / 3) * i;
        if (i === 0) ctx.moveTo(x + r * Math.cos(a), y + r * Math.sin(a));
        else ctx.lineTo(x + r * Math.cos(a), y + r * Math.sin(a));
      }
      ctx.closePath();
      break;
    case "echo-request":
    case "echo-reply":
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, Math.PI * 2);
      break;
    default:
      ctx.moveTo(x + r * 0.7, y);
      ctx.arc(x, y, r * 0.7, 0, Math.PI * 2);
  }
}

/** Fills (and rims) the current path of packets of one class and colour. */
export function paintPackets(ctx: CanvasRenderingContext2D, cls: PacketClass, fill: string): void {
  ctx.fillStyle = cls === "rip" ? RIP_COLOR : cls === "ospf" ? OSPF_COLOR : cls === "arp" ? ARP_COLOR : fill;
  ctx.fill();
  // Rims: white for replies, red for ICMP errors, dark for requests (distinct on a trail of
  // their own colour).
  const rim =
    cls === "echo-reply"
      ? "#ffffff"
      : cls === "icmp-error"
        ? DROP_COLOR
        : cls === "echo-request"
          ? "#0b0f14"
          : null;
  if (rim) {
    ctx.strokeStyle = rim;
    ctx.lineWidth = cls === "echo-reply" ? 2.5 : cls === "icmp-error" ? 2 : 1.5;
    ctx.stroke();
  }
}

/** The colour marks are drawn in: the page's background, dark on every user colour. */
export const MARK_COLOR = "#0b0f14";

/** Draws one packet of class `cls` centred at (x, y) with radius r and a mark (the legend). */
export function drawPacket(
  ctx: CanvasRenderingContext2D,
  cls: PacketClass,
  x: number,
  y: number,
  r: number,
  fill: string,
  mark = 0,
): void {
  ctx.beginPath();
  packetPath(ctx, cls, x, y, r);
  paintPackets(ctx, cls, fill);
  if (mark === 0) return;
  ctx.beginPath();
  markPath(ctx, mark, cls, x, y, r);
  ctx.fillStyle = MARK_COLOR;
  ctx.fill();
}
