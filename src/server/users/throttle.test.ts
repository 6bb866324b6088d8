import { describe, expect, it } from "vitest";
import { LoginThrottle } from "./throttle.js";

describe("LoginThrottle", () => {
  it("lets a few failures through, then doubles the wait up to the cap", () => {
    let now = 0;
    const t = new LoginThrottle({ free: 2, baseMs: 1000, maxMs: 8000, now: () => now });
    expect(t.fail("alice", "1.2.3.4")).toBe(0);
    expect(t.fail("alice", "1.2.3.4")).toBe(0);
    expect(t.retryAfter("alice", "1.2.3.4")).toBe(0);
    const waits = [1, 2, 3, 4, 5].map(() => t.fail("alice", "1.2.3.4"));
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(t.retryAfter("alice", "1.2.3.4")).toBe(8000);
    now += 3000;
    expect(t.retryAfter("alice", "1.2.3.4")).toBe(5000);
    // other address and other user are not affected
    expect(t.retryAfter("alice", "5.6.7.8")).toBe(0);
    expect(t.retryAfter("bob", "1.2.3.4")).toBe(0);
    t.succeed("alice", "1.2.3.4");
    expect(t.retryAfter("alice", "1.2.3.4")).toBe(0);
  });

  it("forgets old entries and stays bounded", () => {
    let now = 0;
    const t = new LoginThrottle({ free: 0, forgetMs: 1000, maxMs: 500, maxEntries: 100, now: () => now });
    for (let i = 0; i < 1000; i++) t.fail(`u${i}`, "a");
    expect(t.size).toBeLessThanOrEqual(100);
    now += 5000;
    expect(t.retryAfter("u999", "a")).toBe(0);
    t.fail("x", "a");
    expect(t.fail("x", "a")).toBe(500);
  });
});

describe("LoginThrottle.begin: attempts reserved before the check", () => {
  it("counts a reserved attempt at once, so a burst reserved together gets free+1 checks", () => {
    const t = new LoginThrottle({ free: 3, now: () => 0 });
    const burst = Array.from({ length: 60 }, () => t.begin("alice", "10.0.0.9"));
    expect(burst.filter((a) => typeof a !== "number")).toHaveLength(4);
    expect(burst.slice(4).every((a) => a === 1000 || (typeof a === "number" && a > 0))).toBe(true);
    // Alice at her own desk is not held up.
    expect(typeof t.begin("alice", "10.0.0.7")).toBe("object");
  });

  it("a success refunds its reservation: a student logging in between guesses cannot reset the address", () => {
    const t = new LoginThrottle({ free: 100, addressFree: 5, now: () => 0 });
    for (let i = 0; i < 5; i++) {
      const a = t.begin(`victim${i}`, "10.0.0.9");
      if (typeof a === "number") throw new Error("throttled too early");
      a.fail();
    }
    const own = t.begin("mallory", "10.0.0.9");
    if (typeof own === "number") throw new Error("throttled too early");
    own.succeed();
    // Five failures stay counted; the sixth guess sets the wait, the seventh waits.
    expect(typeof t.begin("victim9", "10.0.0.9")).toBe("object");
    expect(t.begin("victim10", "10.0.0.9")).toBeGreaterThan(0);
    expect(t.retryAfter("anyone", "10.0.0.8")).toBe(0);
  });
});
