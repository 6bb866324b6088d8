import { describe, expect, it } from "vitest";
import type { Nanos } from "../../core/time.js";
import { MAX_TAP_BATCH, type TapFrame, TapFrames } from "./tap-frames.js";

/** A frame whose bytes say which it is (its index, little-endian). */
function wire(i: number): Uint8Array {
  return new Uint8Array([i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff, 0x45]);
}

describe("TapFrames (a capture's frames in the simulation's worker)", () => {
  it("loses no frame when one slice puts more than a batch on the link: the full batch goes at once", () => {
    const posts: TapFrame[][] = [];
    let scheduled = 0;
    const tap = new TapFrames(
      (f) => posts.push(f),
      () => scheduled++,
    );
    const n = 2 * MAX_TAP_BATCH + 1000;
    // One slice of the simulation: nothing yields, so the scheduled flush has not run.
    const buffer = new Uint8Array(4);
    for (let i = 0; i < n; i++) {
      buffer.set(wire(i));
      tap.push(i as Nanos, buffer);
    }
    expect(posts.map((p) => p.length)).toEqual([MAX_TAP_BATCH, MAX_TAP_BATCH]);
    expect(scheduled).toBeGreaterThan(0);
    tap.flush(); // the slice yielded
    expect(posts.map((p) => p.length)).toEqual([MAX_TAP_BATCH, MAX_TAP_BATCH, 1000]);
    const all = posts.flat();
    expect(all.length).toBe(n);
    // In order, each a copy of the wire's bytes when it was seen (the buffer was reused).
    all.forEach(([t, bytes, len], i) => {
      expect(t).toBe(i);
      expect([...bytes]).toEqual([...wire(i)]);
      expect(len).toBe(4);
    });
  });

  it("posts nothing when nothing is held", () => {
    const posts: TapFrame[][] = [];
    const tap = new TapFrames(
      (f) => posts.push(f),
      () => {},
    );
    tap.flush();
    tap.push(5 as Nanos, wire(1));
    tap.flush();
    tap.flush();
    expect(posts.length).toBe(1);
  });
});
