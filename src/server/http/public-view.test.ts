/**
 * Watching needs no login, and shows nothing personal (issue 16): on a lab with logins and a
 * lesson (examples/lessons/seed-class.yaml, whose checks name alice), somebody who has not
 * logged in gets the map, the clock, the event stream and the class-wide checks, but not
 * alice's checks nor the users file's roster; `private` (`up --private`) makes watching need
 * a login too, while the page still learns from /api/session that it must ask for one.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { createLessonLab } from "../../engines/sim/lesson.js";
import { loadTopologyText } from "../../topology/index.js";
import { UserLimits } from "../limits.js";
import { SessionStore } from "../users/sessions.js";
import { UsersStore } from "../users/store.js";
import { LoginThrottle } from "../users/throttle.js";
import { buildApp } from "./server.js";

const LESSON = join(import.meta.dirname, "..", "..", "..", "examples", "lessons", "seed-class.yaml");

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serve(isPrivate = false) {
  const dir = mkdtempSync(join(tmpdir(), "routelab-public-view-"));
  const users = UsersStore.load(join(dir, "users.yaml"));
  await users.add({ name: "alice", password: "alice-password", role: "student" });
  await users.add({ name: "bob", password: "bob-password", role: "student" });
  await users.add({ name: "carol", password: "carol-password", role: "instructor" });
  users.save();
  const { lab, session } = createLessonLab(loadTopologyText(readFileSync(LESSON, "utf8"), LESSON), {
    seed: 2,
  });
  const logins = {
    users,
    sessions: new SessionStore(),
    throttle: new LoginThrottle(),
    limits: new UserLimits(),
  };
  ({ app } = await buildApp({ lab, lesson: session, logins, private: isPrivate, webRoot: "/nonexistent" }));
  await app.ready();
  const a = app;
  const tokenOf = async (user: string) =>
    (
      await a.inject({ method: "POST", url: "/api/login", payload: { user, password: `${user}-password` } })
    ).json().token as string;
  const get = (url: string, token?: string) =>
    a.inject({ method: "GET", url, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { lab, get, tokenOf, a };
}

const checkUsers = (body: { checks: { user?: string }[] }) => body.checks.map((c) => c.user ?? "-");

describe("watching a lab with logins", () => {
  it("anonymous: the lesson's class-wide checks only, not a student's own", async () => {
    const { get, tokenOf } = await serve();
    const anon = await get("/api/lesson");
    expect(anon.statusCode).toBe(200);
    expect(anon.json().checks.length).toBeGreaterThan(0);
    expect(checkUsers(anon.json())).not.toContain("alice");
    // alice and the instructor still see hers; bob does not
    expect(checkUsers((await get("/api/lesson", await tokenOf("alice"))).json())).toContain("alice");
    expect(checkUsers((await get("/api/lesson", await tokenOf("carol"))).json())).toContain("alice");
    expect(checkUsers((await get("/api/lesson", await tokenOf("bob"))).json())).not.toContain("alice");
  });

  it("anonymous: the names on the map, not the users file's roster; the instructor gets all, with roles", async () => {
    const { get, tokenOf, a, lab } = await serve();
    expect((await get("/api/users")).json()).toEqual({ users: [] });
    const alice = await tokenOf("alice");
    const r = await a.inject({
      method: "POST",
      url: "/api/exec",
      headers: { authorization: `Bearer ${alice}` },
      payload: { node: "vm1", command: "ping -c 1 vm2" },
    });
    expect(r.statusCode).toBe(200);
    await lab.advance(1e9);
    const names = (body: { users: { name: string }[] }) => body.users.map((u) => u.name);
    expect(names((await get("/api/users")).json())).toEqual(["alice"]);
    expect((await get("/api/users")).json().users[0]).not.toHaveProperty("role");
    // bob: who is on the map, and himself
    expect(names((await get("/api/users", await tokenOf("bob"))).json())).toEqual(["alice", "bob"]);
    const all = (await get("/api/users", await tokenOf("carol"))).json().users;
    expect(all.map((u: { name: string; role: string }) => `${u.name}:${u.role}`)).toEqual([
      "alice:student",
      "bob:student",
      "carol:instructor",
    ]);
  });

  it("anonymous: the topology, routes, clock, stats and the session answer; terminals, commands and the journal do not", async () => {
    const { get, a } = await serve();
    for (const url of ["/api/topology", "/api/nodes/vm1/routes", "/api/clock", "/api/stats"])
      expect((await get(url)).statusCode, url).toBe(200);
    // The journal holds every command anyone typed: the instructor's (issue 17).
    expect((await get("/api/lesson/journal")).statusCode).toBe(401);
    expect((await get("/api/session")).json()).toMatchObject({
      user: null,
      role: "anonymous",
      private: false,
    });
    const exec = await a.inject({
      method: "POST",
      url: "/api/exec",
      payload: { node: "vm1", command: "hostname" },
    });
    expect(exec.statusCode).toBe(401);
  });

  it("private: nothing but the session and the login answers anonymous; after logging in all does", async () => {
    const { get, tokenOf } = await serve(true);
    for (const url of [
      "/api/topology",
      "/api/nodes/vm1/routes",
      "/api/clock",
      "/api/stats",
      "/api/users",
      "/api/lesson",
    ]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(401);
      expect(r.json().error).toBe(
        "this lab is private: log in to watch (the page's login, or POST /api/login)",
      );
    }
    expect((await get("/api/session")).json()).toMatchObject({
      user: null,
      role: "anonymous",
      private: true,
      logins: true,
    });
    const bob = await tokenOf("bob");
    expect((await get("/api/topology", bob)).statusCode).toBe(200);
    expect((await get("/api/session", bob)).json()).toMatchObject({
      user: "bob",
      role: "student",
      private: true,
    });
  });
});
