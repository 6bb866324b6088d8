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
