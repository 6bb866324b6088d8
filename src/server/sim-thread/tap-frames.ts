/**
 * @module server/sim-thread/tap-frames
 * A live capture's frames on the simulation's side of `routelab up --sim-thread worker`: held
 * while the simulation runs and posted to the main thread once it yields, in one message. A
 * busy link can put more frames on the wire in one slice than a message should carry, so at
 * `max` frames the batch is posted at once, from inside the slice: no frame is dropped here.
 * (Session 9 dropped every frame past 4,096 between two posts, silently. The capture's own
 * buffer on the main thread — LinkCaptureStream, a slow reader's — still drops, and counts
 * what it drops in the pcapng stream; docs/performance.md, "The simulation's worker, session 10".)
 */
import type { Nanos } from "../../core/time.js";

/** Frames of one batch: time on the wire, the bytes (a copy), their length on the wire. */
export type TapFrame = [Nanos, Uint8Array, number];

/** Frames in one message at most (~100 bytes each for a ping: a few hundred KB). */
export const MAX_TAP_BATCH = 4096;

export class TapFrames {
  private frames: TapFrame[] = [];

  constructor(
    /** Sends a batch to the main thread. */
    private readonly post: (frames: TapFrame[]) => void,
    /** Asks for flush() once the simulation yields (called for each frame held). */
    private readonly schedule: () => void,
    private readonly max = MAX_TAP_BATCH,
  ) {}

  /** A frame on the link: `bytes` is the wire's buffer, copied here. */
  push(at: Nanos, bytes: Uint8Array): void {
    this.frames.push([at, bytes.slice(), bytes.length]);
    if (this.frames.length >= this.max) this.flush();
    else this.schedule();
  }

  /** Posts what is held, if anything. */
  flush(): void {
    if (this.frames.length === 0) return;
    const frames = this.frames;
    this.frames = [];
    this.post(frames);
  }
}
