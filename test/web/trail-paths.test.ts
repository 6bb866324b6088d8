/**
 * The map's trails drawn in batches (issue 23: one stroke per trail cost 7.2 ms of every frame
 * at Kdl, bench:page --phases): trails of one colour, width, dash and fade step share a path;
 * two users' trails on one link still lie in lanes of their own, and routing chatter's stays on
 * the line, faint.
 */
import { describe, expect, it } from "vitest";
import { TRAIL_MS } from "../../web/src/scene.js";
import { FADE_STEPS, trailAlpha, trailBatches } from "../../web/src/trail-paths.js";
import { CAM, sceneWith } from "./trail-scene.js";

describe("trail batches", () => {
  it("draw many trails of one look as one path", () => {
    const trails = [];
    for (let i = 0; i < 39; i++) {
      trails.push({ link: `l${i}`, user: "alice", cls: "icmp", end: 1000 });
      trails.push({ link: `l${i}`, user: "rip", cls: "rip", end: 1000 });
    }
    const batches = trailBatches(sceneWith(trails), CAM, 1000, 20, 5000, 1000);
    // 78 trails, two looks (alice's and RIP's), fresh: two strokes instead of 78.
    expect(batches.length).toBe(2);
    expect(batches.map((b) => b.xy.length / 4).sort((a, b) => a - b)).toEqual([39, 39]);
  });

  it("keep two users' trails on one link in lanes of their own, routing chatter on the line", () => {
    const scene = sceneWith([
      { link: "l0", user: "alice", cls: "icmp", end: 1000 },
      { link: "l0", user: "bob", cls: "icmp", end: 1000 },
      { link: "l0", user: "rip", cls: "rip", end: 1000 },
    ]);
    const batches = trailBatches(scene, CAM, 1000, 20, 5000, 1000);
    const y = (color: string) => batches.find((b) => b.color === color)!.xy[1]!;
    // The link runs along y = 100: RIP's trail on it, alice's and bob's either side, apart.
    expect(y("#888888")).toBe(100);
    expect(y("#e69f00")).not.toBe(y("#56b4e9"));
    expect(Math.sign(y("#e69f00") - 100)).toBe(-Math.sign(y("#56b4e9") - 100));
  });

  it("fade in steps, gone at the end, and leave trails off screen out", () => {
    expect(trailAlpha(0, false)).toBeCloseTo(0.85);
    expect(trailAlpha(0, true)).toBeCloseTo(0.3);
    const alphas = new Set<number>();
    for (let ms = 0; ms < TRAIL_MS; ms += 7) alphas.add(trailAlpha(ms / TRAIL_MS, false));
    expect(alphas.size).toBe(FADE_STEPS);
    const scene = sceneWith([
      { link: "l0", user: "alice", cls: "icmp", end: 0 },
      { link: "l30", user: "alice", cls: "icmp", end: 1000 },
    ]);
    expect(trailBatches(scene, CAM, TRAIL_MS + 1, 20, 5000, 1000).length).toBe(1);
    // l30 runs from x = 3000 to 3100: off a 1000 px wide view, where only l0's is drawn.
    const inView = trailBatches(scene, CAM, 1000, 20, 1000, 1000);
    expect(inView.flatMap((b) => b.xy)).toEqual([0, 100, 100, 100]);
  });
});
