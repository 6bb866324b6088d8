/**
 * The page's slow motion (web/src/clock.ts), in Node: a hop too short to see slows the whole
 * picture so it lasts MIN_FLIGHT_MS on screen, the delay is paid back while nothing flies
 * (never skipping where the next hop starts), and it stays bounded on a busy network.
 */
import { describe, expect, it } from "vitest";
import { DisplayClock, MIN_FLIGHT_MS } from "../../web/src/clock.js";

const MS = 1e6;
const FRAME = 16;

/** A clock at 1× whose server runs in step with wall time. */
function running(): DisplayClock {
  const c = new DisplayClock();
  c.sample({ now: 10_000 * MS, speed: 1, paused: false }, 0);
  c.tick(0);
  return c;
}
const feed = (c: DisplayClock, wall: number) =>
  c.sample({ now: 10_000 * MS + wall * MS, speed: 1, paused: false }, wall);

describe("slow motion", () => {
  it("a 1 ms hop at 1× lasts MIN_FLIGHT_MS on screen, and the picture says it is slowed", () => {
    const c = running();
    const start = c.now;
    const end = start + 1 * MS; // the hop: [start, start + 1 ms]
    let wall = 0;
    while (c.now < end) {
      wall += FRAME;
      feed(c, wall);
      c.tick(wall, { shortest: 1 * MS, nextStart: Infinity });
      if (c.now < end) expect(c.slowedBy).toBeGreaterThan(100);
    }
    expect(wall).toBeGreaterThanOrEqual(MIN_FLIGHT_MS - FRAME);
    expect(wall).toBeLessThan(MIN_FLIGHT_MS + 3 * FRAME);
  });

  it("is off when switched off: the same hop is gone within a frame", () => {
    const c = running();
    c.slowMotion = false;
    const start = c.now;
    feed(c, FRAME);
    c.tick(FRAME, { shortest: 1 * MS, nextStart: Infinity });
    expect(c.now - start).toBeCloseTo(FRAME * MS, -3);
    expect(c.slowedBy).toBe(1);
  });

  it("pays the delay back while nothing flies, stopping where the next hop starts", () => {
    const c = running();
    let wall = 0;
    for (; wall < 500; wall += FRAME) {
      feed(c, wall + FRAME);
      c.tick(wall + FRAME, { shortest: 1 * MS, nextStart: Infinity });
    }
    const behind = c.serverTime(wall) - c.now;
    expect(behind).toBeGreaterThan(400 * MS); // 150 ms of lag and ~0.5 s of slow motion
    // Nothing in flight; the next hop starts 100 ms of virtual time ahead.
    const next = c.now + 100 * MS;
    let frames = 0;
    while (c.now < next) {
      wall += FRAME;
      feed(c, wall);
      c.tick(wall, { shortest: Infinity, nextStart: next });
      expect(c.now).toBeLessThanOrEqual(next); // never past the hop's start
      frames++;
    }
    expect(c.now).toBe(next);
    expect(frames).toBeLessThan(4); // 100 ms of virtual time caught up in a few frames
    // With nothing more to show, the picture is back at its usual 150 ms lag within a second.
    for (let i = 0; i < 60; i++) {
      wall += FRAME;
      feed(c, wall);
      c.tick(wall, { shortest: Infinity, nextStart: Infinity });
    }
    expect(c.serverTime(wall) - c.now).toBeCloseTo(150 * MS, -5);
  });

  it("stays bounded on a busy network: hops always in flight do not make the picture fall ever further behind", () => {
    const c = running();
    let wall = 0;
    let lag = 0;
    for (let i = 0; i < 3000; i++) {
      wall += FRAME;
      feed(c, wall);
      c.tick(wall, { shortest: 1 * MS, nextStart: c.now });
      lag = Math.max(lag, c.serverTime(wall) - c.now);
    }
    expect(lag).toBeLessThan(3200 * MS);
    // After 48 s of constant traffic, it runs at the clock's speed again (with trails).
    expect(c.slowedBy).toBeLessThan(1.2);
  });
});
