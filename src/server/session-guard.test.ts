import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { endMessage, SessionGuard } from "./session-guard.js";
import { SessionStore } from "./users/sessions.js";
import { UsersStore } from "./users/store.js";

async function setup() {
  const file = join(mkdtempSync(join(tmpdir(), "routelab-guard-")), "users.yaml");
  const users = UsersStore.load(file);
  await users.add({ name: "alice", role: "student" });
  await users.add({ name: "bob", role: "instructor" });
  users.save();
  let now = 0;
  const sessions = new SessionStore({ ttlMs: 10_000, idleMs: 3000, now: () => now });
  const guard = new SessionGuard({ users, sessions });
  const ended: string[] = [];
  const watch = (user: string, token?: string) =>
    guard.watch({ user, token }, (m) => ended.push(`${user}${token ? "/web" : "/ssh"}: ${m}`));
  /** Removes `name` from the file as `routelab users remove` in another process does. */
  const remove = (name: string) => {
    const other = UsersStore.load(file);
    other.remove(name);
    other.save();
  };
  return { users, sessions, guard, ended, watch, remove, tick: (ms: number) => (now += ms) };
}

describe("SessionGuard", () => {
  it("ends every session of a user removed from the users file, and their web logins", async () => {
    const { sessions, guard, ended, watch, remove } = await setup();
    const a = sessions.create("alice", "student");
    const b = sessions.create("bob", "instructor");
    watch("alice");
    watch("alice", a.token);
    watch("bob", b.token);
    guard.check();
    expect(ended).toEqual([]);
    remove("alice");
    guard.check();
    expect(ended).toEqual([
      "alice/ssh: routelab: alice's account was removed; logged out.",
      "alice/web: routelab: alice's account was removed; logged out.",
    ]);
    expect(sessions.get(a.token)).toBeUndefined();
    expect(sessions.get(b.token)?.user).toBe("bob");
    guard.check();
    expect(ended).toHaveLength(2); // once
    expect(guard.size).toBe(1);
  });

  it("ends a web terminal with its login at once: logged out at once; at the next check: idle, expired", async () => {
    const { sessions, guard, ended, watch, tick } = await setup();
    const [a, b, c, d] = [1, 2, 3, 4].map(() => sessions.create("alice", "student"));
    for (const s of [a, b, c, d]) watch("alice", s!.token);
    watch("alice"); // an SSH session: web logins are not its business
    sessions.revoke(a!.token);
    expect(ended).toEqual([`alice/web: ${endMessage("alice", "logout")}`]);
    tick(2000);
    sessions.get(b!.token); // in use
    tick(2000);
    sessions.get(b!.token);
    guard.check(); // c and d idle 4 s
    expect(ended.slice(1)).toEqual([
      `alice/web: ${endMessage("alice", "idle")}`,
      `alice/web: ${endMessage("alice", "idle")}`,
    ]);
    for (let i = 0; i < 2; i++) {
      tick(2000);
      sessions.get(b!.token);
    }
    tick(2000);
    guard.check(); // 10 s: b's lifetime is over
    expect(ended.at(-1)).toBe(`alice/web: ${endMessage("alice", "expired")}`);
    expect(ended).toHaveLength(4);
    expect(guard.size).toBe(1);
  });

  it("checks on a timer only while something is watched, and stops watching on request", async () => {
    vi.useFakeTimers();
    try {
      const { guard, ended, watch, remove } = await setup();
      const stop = watch("bob");
      watch("alice");
      remove("alice");
      vi.advanceTimersByTime(1999);
      expect(ended).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(ended).toEqual(["alice/ssh: routelab: alice's account was removed; logged out."]);
      stop();
      expect(guard.size).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
      remove("bob");
      vi.advanceTimersByTime(10_000);
      expect(ended).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("reports a check that throws (a bug, not a bad users file) once, and keeps checking", async () => {
    const { users } = await setup();
    const lines: string[] = [];
    const guard = new SessionGuard({ users, log: (l) => lines.push(l) });
    vi.useFakeTimers();
    try {
      const refresh = vi.spyOn(users, "refresh").mockImplementation(() => {
        throw new TypeError("boom");
      });
      guard.watch({ user: "alice" }, () => {});
      vi.advanceTimersByTime(6000);
      expect(refresh).toHaveBeenCalledTimes(3);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^session guard: checking logins failed: TypeError: boom/);
      refresh.mockRestore();
      vi.advanceTimersByTime(2000); // succeeds: the next failure is news again
      vi.spyOn(users, "refresh").mockImplementation(() => {
        throw new TypeError("boom");
      });
      vi.advanceTimersByTime(2000);
      expect(lines).toHaveLength(3); // failed, works again, failed
      expect(lines[2]).toMatch(/^session guard: checking logins failed: TypeError: boom/);
    } finally {
      vi.useRealTimers();
    }
  });

  it("ends the other sessions when ending one throws, and says whose failed and why", async () => {
    const { users, remove } = await setup();
    const lines: string[] = [];
    const guard = new SessionGuard({ users, log: (l) => lines.push(l) });
    const ended: string[] = [];
    guard.watch({ user: "alice" }, () => {
      throw new Error("channel gone");
    });
    guard.watch({ user: "alice" }, (m) => ended.push(m));
    remove("alice");
    guard.check();
    expect(ended).toEqual([endMessage("alice", "removed")]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^session guard: ending alice's session \(removed\) failed: Error: channel gone\n\s+at /,
    );
    expect(guard.size).toBe(0);
  });

  it("tells when checking works again, and how many checks failed", async () => {
    const { users } = await setup();
    const lines: string[] = [];
    const guard = new SessionGuard({ users, log: (l) => lines.push(l) });
    vi.useFakeTimers();
    try {
      const refresh = vi.spyOn(users, "refresh").mockImplementation(() => {
        throw new TypeError("boom");
      });
      guard.watch({ user: "alice" }, () => {});
      vi.advanceTimersByTime(6000);
      refresh.mockRestore();
      vi.advanceTimersByTime(2000);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toBe("session guard: checking logins works again after 3 failed check(s)");
    } finally {
      vi.useRealTimers();
    }
  });
});
