/**
 * @module lab/packet-store
 * The bytes of the latest frames on a lab's links, found again by packet id: what the page's
 * packet view (`GET /api/packets/:id`) shows when someone clicks a dot. The event stream carries
 * no bytes (a hop is a few dozen bytes of JSON, its frame up to 1514 more), so the server keeps
 * the last frames instead, bounded in count and bytes: the oldest go first, and a packet whose
 * frames are gone answers "no longer held".
 *
 * Fed by `Lab.onWire` (the simulator; engines without it hold nothing). Browser-safe: the
 * browser edition's in-page server keeps one too.
 */
import type { Nanos } from "../core/time.js";
import type { Lab } from "./lab.js";

/** One frame of a packet, as it crossed one link. */
export interface HeldFrame {
  link: string;
  /** When it left (ns of lab time). */
  t: Nanos;
  bytes: Uint8Array;
}

export interface PacketStoreLimits {
  /** Frames kept at most. */
  frames: number;
  /** Bytes of frames kept at most. */
  bytes: number;
}

/** ~10 s of a busy classroom lab (a few hundred frames a second), ~4 MiB at most. */
export const PACKET_STORE_LIMITS: PacketStoreLimits = { frames: 16_384, bytes: 4 * 1024 * 1024 };

interface Held extends HeldFrame {
  packet: number;
}

export class PacketStore {
  private readonly ring: (Held | undefined)[];
  private head = 0;
  private count = 0;
  private bytes = 0;
  private readonly byPacket = new Map<number, Held[]>();
  private readonly off: (() => void) | undefined;

  constructor(
    lab: Lab,
    private readonly limits: PacketStoreLimits = PACKET_STORE_LIMITS,
  ) {
    this.ring = new Array(limits.frames);
    this.off = lab.onWire?.((link, t, bytes, packet) => this.add(packet, link, t, bytes));
  }

  /** Whether this lab's engine gives frames at all. */
  get available(): boolean {
    return this.off !== undefined;
  }

  /** The frames of packet `id` still held, in the order they left. */
  frames(id: number): HeldFrame[] {
    return (this.byPacket.get(id) ?? []).map(({ link, t, bytes }) => ({ link, t, bytes }));
  }

  /** Frames held now. */
  get size(): number {
    return this.count;
  }

  /** Forgets every frame (a rewind: their packet ids belong to another run). */
  clear(): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.bytes = 0;
    this.byPacket.clear();
  }

  stop(): void {
    this.off?.();
    this.clear();
  }

  private add(packet: number, link: string, t: Nanos, frame: Uint8Array): void {
    const h: Held = { packet, link, t, bytes: frame.slice() };
    while (
      this.count > 0 &&
      (this.count >= this.limits.frames || this.bytes + frame.length > this.limits.bytes)
    )
      this.evictOldest();
    const at = (this.head + this.count) % this.limits.frames;
    this.ring[at] = h;
    this.count++;
    this.bytes += frame.length;
    const list = this.byPacket.get(packet);
    if (list) list.push(h);
    else this.byPacket.set(packet, [h]);
  }

  private evictOldest(): void {
    const h = this.ring[this.head]!;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.limits.frames;
    this.count--;
    this.bytes -= h.bytes.length;
    const list = this.byPacket.get(h.packet)!;
    // The oldest frame of the whole store is the oldest of its packet.
    list.shift();
    if (list.length === 0) this.byPacket.delete(h.packet);
  }
}
