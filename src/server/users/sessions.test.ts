import { describe, expect, it } from "vitest";
import { type SessionEnd, SessionStore } from "./sessions.js";

describe("SessionStore", () => {
  it("issues random tokens that expire absolutely and when idle", () => {
    let now = 0;
    const s = new SessionStore({ ttlMs: 10_000, idleMs: 3000, now: () => now });
    const a = s.create("alice", "student");
    const b = s.create("alice", "student");
    expect(a.token).not.toBe(b.token);
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.get(a.token)?.user).toBe("alice");
    for (let i = 0; i < 4; i++) {
      now += 2000;
      expect(s.get(a.token)).toBeDefined(); // kept alive by use
    }
    now += 2500; // total 10.5 s: past the absolute lifetime
    expect(s.get(a.token)).toBeUndefined();
    expect(s.get(b.token)).toBeUndefined(); // idle far longer than 3 s
    expect(s.get("")).toBeUndefined();
    expect(s.get(undefined)).toBeUndefined();
  });

  it("revokes one or all of a user's sessions and stays bounded", () => {
    const s = new SessionStore({ max: 10 });
    const a = s.create("alice", "student");
    s.create("alice", "student");
    const c = s.create("carol", "instructor");
    expect(s.revoke(a.token)).toBe(true);
    expect(s.revokeUser("alice")).toBe(1);
    expect(s.get(c.token)?.role).toBe("instructor");
    for (let i = 0; i < 100; i++) s.create(`u${i}`, "student");
    expect(s.size).toBeLessThanOrEqual(10);
  });

  it("reports every end with its reason", () => {
    let now = 0;
    const s = new SessionStore({ ttlMs: 10_000, idleMs: 3000, max: 10, now: () => now });
    const ends: string[] = [];
    const stop = s.onEnd((x, why: SessionEnd) => ends.push(`${x.user}:${why}`));
    const a = s.create("a", "student");
    s.create("b", "student");
    s.create("c", "student");
    s.create("c", "student");
    expect(s.revoke(a.token)).toBe(true);
    expect(s.revoke(a.token)).toBe(false); // once
    expect(s.revokeUser("c")).toBe(2);
    now = 3000;
    s.sweep();
    expect(ends).toEqual(["a:logout", "c:revoked", "c:revoked", "b:idle"]);
    ends.length = 0;
    const d = s.create("d", "student"); // at 3 s: expires at 13 s
    for (now = 5000; now < 13_000; now += 2000) expect(s.get(d.token)).toBeDefined();
    expect(s.get(d.token)).toBeUndefined();
    const e = s.create("e", "student");
    s.revoke(e.token, "removed");
    for (let i = 0; i < 11; i++) s.create(`u${i}`, "student");
    expect(ends).toEqual(["d:expired", "e:removed", "u0:evicted"]);
    stop();
    s.revokeUser("u1");
    expect(ends).toHaveLength(3);
  });
});
