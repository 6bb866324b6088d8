/**
 * @module server/http/link-capture
 * A live capture of one link as a pcapng byte stream (wire/pcapng.ts), bounded: frames wait in
 * the stream's buffer until the reader takes them, and past `maxBuffered` bytes a frame is
 * dropped and counted, as a kernel's capture buffer drops for a slow tcpdump. The count travels
 * in the stream (an Interface Statistics Block's `isb_ifdrop` when the reader catches up, and at
 * the end), so Wireshark and `routelab capture` can say how many were lost. A slow reader
 * therefore costs the server `maxBuffered` bytes at most, never more.
 */
import { Readable } from "node:stream";
import type { Nanos } from "../../core/time.js";
import { LINKTYPE_ETHERNET, pcapngDrops, pcapngHeader, pcapngPacket } from "../../wire/index.js";

/** What one capture may hold unread: ~700 full-size frames. */
export const CAPTURE_BUFFER_BYTES = 1024 * 1024;

export interface CaptureEnd {
  packets: number;
  dropped: number;
}

export class LinkCaptureStream extends Readable {
  /** Frames passed on. */
  packets = 0;
  /** Frames dropped because the reader was behind. */
  dropped = 0;
  private reportedDrops = 0;
  private ended = false;
  private lastT: Nanos = 0;

  constructor(
    name: string,
    private readonly limits: { maxBuffered: number; count?: number | undefined },
    private readonly onEnd: (end: CaptureEnd) => void,
  ) {
    super();
    this.push(pcapngHeader(name, LINKTYPE_ETHERNET));
  }

  override _read(): void {
    // Frames are pushed as they come; there is nothing to fetch on demand.
  }

  /** One frame seen on the link at lab time `t` (`origLen` on the wire when `bytes` were cut short). */
  frame(t: Nanos, bytes: Uint8Array, origLen = bytes.length): void {
    if (this.ended) return;
    this.lastT = t;
    if (this.readableLength > this.limits.maxBuffered) {
      this.dropped++;
      return;
    }
    if (this.dropped > this.reportedDrops) this.reportDrops();
    this.push(pcapngPacket(t, bytes, origLen));
    this.packets++;
    if (this.limits.count !== undefined && this.packets >= this.limits.count) this.finish();
  }

  /** Ends the stream: the final drop count, then the end. Idempotent. */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.dropped > 0) this.reportDrops();
    this.push(null);
    this.onEnd({ packets: this.packets, dropped: this.dropped });
  }

  /** The reader went away: nothing more to send. */
  abandon(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd({ packets: this.packets, dropped: this.dropped });
    this.destroy();
  }

  private reportDrops(): void {
    this.reportedDrops = this.dropped;
    this.push(pcapngDrops(this.lastT, this.dropped));
  }
}
