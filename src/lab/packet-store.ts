/**
 * @module lab/packet-store
 * The bytes of the latest frames on a lab's links, found again by packet id: what the page's
 * packet view (`GET /api/packets/:id`) shows when someone clicks a dot. The event stream carries
 * no bytes (a hop is a few dozen bytes of JSON, its frame up to 1514 more), so the server keeps
 * the last frames instead, bounded in count and bytes: the oldest go first, and a packet whose
 * frames are gone answers "no longer held".
 *
 * Fed by `Lab.onWire` (the simulator; netns: the IPv4 frames its event captures see, cut at
 * 256 bytes; engines without it hold nothing). Browser-safe: the
 * browser edition's in-page server keeps one too.
 */
import type { Nanos } from "../core/time.js";
import { type TcpSequenceBase, TcpSequenceBases } from "../wire/index.js";
import type { Lab } from "./lab.js";

/** One frame of a packet, as it crossed one link. */
export interface HeldFrame {
  link: string;
  /** When it left (ns of lab time). */
  t: Nanos;
  bytes: Uint8Array;
  /**
   * A TCP segment's conversation bases (Wireshark's relative sequence numbers), learnt from
   * every frame the store was given, older ones included.
   */
  tcp?: TcpSequenceBase;
}

export interface PacketStoreLimits {
  /** Frames kept at most. */
  frames: number;
  /** Bytes of frames kept at most. */
  bytes: number;
}

/** ~10 s of a busy classroom lab (a few hundred frames a second), ~4 MiB at most. */
export const PACKET_STORE_LIMITS: PacketStoreLimits = { frames: 16_384, bytes: 4 * 1024 * 1024 };

/**
 * A ring of slots in columns (no object per frame: every hop of a live lab comes through here),
 * the frames' bytes in one ring buffer of the byte budget, allocated once (a buffer per frame
 * was an ArrayBuffer per RIP response, each charged against V8's external memory: at
 * random-2000's convergence they were a good part of the garbage collector's work, issue 23),
 * and per packet its newest slot; each slot points to the packet's previous one, so a packet's
 * frames are a walk back from its newest. Slots and bytes leave oldest first, so when a
 * packet's newest slot leaves, so have all its others.
 */
export class PacketStore {
  private readonly packetOf: Float64Array;
  private readonly tOf: Float64Array;
  private readonly prevOf: Int32Array;
  private readonly linkOf: string[];
  /** Where each slot's frame is in `ring`, and its length (-1: empty). */
  private readonly offsetOf: Int32Array;
  private readonly lenOf: Int32Array;
  /** The frames' bytes, written one after another and wrapping to 0 at the end. */
  private ring: Uint8Array | undefined;
  /** Where the next frame's bytes go. */
  private tail = 0;
  private head = 0;
  private count = 0;
  /** Each packet's newest slot. */
  private readonly newest = new Map<number, number>();
  private readonly off: (() => void) | undefined;
  /** Where each TCP direction seen started: outlives the frames (a conversation does). */
  private tcp = new TcpSequenceBases();

  constructor(
    lab: Lab,
    private readonly limits: PacketStoreLimits = PACKET_STORE_LIMITS,
  ) {
    const n = limits.frames;
    this.packetOf = new Float64Array(n);
    this.tOf = new Float64Array(n);
    this.prevOf = new Int32Array(n);
    this.linkOf = new Array<string>(n).fill("");
    this.offsetOf = new Int32Array(n);
    this.lenOf = new Int32Array(n).fill(-1);
    this.off = lab.onWire?.((link, t, bytes, packet) => this.add(packet, link, t, bytes));
  }

  /** Whether this lab's engine gives frames at all. */
  get available(): boolean {
    return this.off !== undefined;
  }

  /** The frames of packet `id` still held, in the order they left. */
  frames(id: number): HeldFrame[] {
    const out: HeldFrame[] = [];
    for (let s = this.newest.get(id) ?? -1; s >= 0; s = this.prevOf[s]!) {
      const bytes = this.bytesOf(s);
      const tcp = this.tcp.lookup(bytes);
      out.push({ link: this.linkOf[s]!, t: this.tOf[s]!, bytes, ...(tcp ? { tcp } : {}) });
    }
    return out.reverse();
  }

  /** Frames held now. */
  get size(): number {
    return this.count;
  }

  /** Forgets every frame (a rewind: their packet ids belong to another run). */
  clear(): void {
    this.lenOf.fill(-1);
    this.head = 0;
    this.tail = 0;
    this.count = 0;
    this.newest.clear();
    this.tcp = new TcpSequenceBases();
  }

  stop(): void {
    this.off?.();
    this.clear();
    this.ring = undefined;
  }

  /** A copy of slot `s`'s frame. */
  private bytesOf(s: number): Uint8Array {
    const at = this.offsetOf[s]!;
    return this.ring!.slice(at, at + this.lenOf[s]!);
  }

  private add(packet: number, link: string, t: Nanos, frame: Uint8Array): void {
    const n = this.limits.frames;
    const room = this.limits.bytes;
    const len = frame.length;
    this.tcp.observe(frame);
    if (len > room) return; // a frame past the whole budget is not held (none is, at 4 MiB)
    this.ring ??= new Uint8Array(room);
    let at = this.tail;
    if (at + len > room) {
      // Wrap: the frames still after `tail` are the oldest (the lap before); they go first.
      while (this.count > 0 && this.offsetOf[this.head]! >= at) this.evictOldest();
      at = 0;
    }
    // Make room: the oldest frames lie just after `at`, in the order they were written.
    while (this.count > 0 && (this.count >= n || this.overlapsOldest(at, len))) this.evictOldest();
    const s = (this.head + this.count) % n;
    this.count++;
    this.packetOf[s] = packet;
    this.tOf[s] = t;
    this.linkOf[s] = link;
    this.ring.set(frame, at);
    this.offsetOf[s] = at;
    this.lenOf[s] = len;
    this.tail = at + len;
    // A slot still named as a packet's newest is held: the chain ends where the ring let go.
    this.prevOf[s] = this.newest.get(packet) ?? -1;
    this.newest.set(packet, s);
  }

  /** Whether bytes [at, at + len) of the ring hold part of the oldest frame. */
  private overlapsOldest(at: number, len: number): boolean {
    const o = this.offsetOf[this.head]!;
    return o < at + len && at < o + this.lenOf[this.head]!;
  }

  private evictOldest(): void {
    const s = this.head;
    const n = this.limits.frames;
    this.head = (s + 1) % n;
    this.count--;
    this.lenOf[s] = -1;
    const packet = this.packetOf[s]!;
    if (this.newest.get(packet) === s) this.newest.delete(packet);
    // Its newer frames must not walk back into a slot that is gone (or reused).
    else this.unlink(packet, s);
  }

  /** Cuts the chain of `packet` where it reached slot `gone` (its oldest held frame). */
  private unlink(packet: number, gone: number): void {
    for (let s = this.newest.get(packet) ?? -1; s >= 0; s = this.prevOf[s]!)
      if (this.prevOf[s] === gone) {
        this.prevOf[s] = -1;
        return;
      }
  }
}
