/**
 * @module web/colors
 * Colours and shapes. Each user gets a colour of their own (the packet's fill), each packet
 * class a shape (so colour-blind viewers and greyscale projectors still tell them apart):
 * echo request ●, echo reply ◉ (ringed), traceroute probe ◆, ICMP error ▲, RIP ■ (small,
 * grey), other UDP/IP •.
 */
import type { PacketClass } from "../../src/core/events.js";
import { PALETTE as USER_PALETTE } from "../../src/core/palette.js";

/**
 * The users file's palette (core/palette: every pair at least 20 ΔE00 apart, readable on the
 * page), for users the server gave no colour (labs without logins, the browser edition).
 */
const PALETTE = USER_PALETTE;
export const RIP_COLOR = "#7f8c9b";
export const DROP_COLOR = "#ff5252";
const SYSTEM_COLOR = "#e0e0e0";

const assigned = new Map<string, string>();

/** Colours the server knows (issue 5's users file) take precedence over the hashed ones. */
export function setUserColors(map: Record<string, string>): void {
  for (const [u, c] of Object.entries(map)) assigned.set(u, c);
}

export function userColor(user: string): string {
  const c = assigned.get(user);
  if (c) return c;
  if (user === "" || user === "root" || user === "system") return SYSTEM_COLOR;
  if (user === "rip") return RIP_COLOR;
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
  ctx.fillStyle = cls === "rip" ? RIP_COLOR : fill;
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

/** Draws one packet of class `cls` centred at (x, y) with radius r (the legend). */
export function drawPacket(
  ctx: CanvasRenderingContext2D,
  cls: PacketClass,
  x: number,
  y: number,
  r: number,
  fill: string,
): void {
  ctx.beginPath();
  packetPath(ctx, cls, x, y, r);
  paintPackets(ctx, cls, fill);
}
