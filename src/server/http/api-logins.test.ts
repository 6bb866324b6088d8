/**
 * The API of a lab with logins (issue 5), on the real simulator (the seed network): logging
 * in and out, sessions by cookie and by bearer token, the roles' rules (students run commands
 * under the policy; only instructors take the network apart; the admin token still works),
 * the failed-login throttle, the users list, and per-user packet counters.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LabEvent } from "../../core/events.js";
import { createSimLab } from "../../engines/sim/index.js";
import { loadTopologyText } from "../../topology/index.js";
import { UserLimits } from "../limits.js";
import { SessionStore } from "../users/sessions.js";
import { UsersStore } from "../users/store.js";
import { LoginThrottle } from "../users/throttle.js";
import { buildApp } from "./server.js";
import type { LoginServices } from "./session-auth.js";

const SEED = join(import.meta.dirname, "..", "..", "..", "examples", "seed.yaml");
const seed = () => createSimLab(loadTopologyText(readFileSync(SEED, "utf8"), SEED), { seed: 5 });

/** alice (student) and bob (instructor), with passwords; the throttle on a hand-moved clock. */
async function makeLogins(): Promise<LoginServices & { wall: { now: number } }> {
  const dir = mkdtempSync(join(tmpdir(), "routelab-api-logins-"));
  const users = UsersStore.load(join(dir, "users.yaml"));
  await users.add({ name: "alice", password: "alice-pw", role: "student", color: "#FF8800" });
  await users.add({ name: "bob", password: "bob-pw-12", role: "instructor" });
  await users.add({ name: "carol", password: "carol-pw", role: "student" });
  users.save();
  const wall = { now: 1_000_000 };
  return {
    users,
    sessions: new SessionStore(),
    throttle: new LoginThrottle({ now: () => wall.now }),
    limits: new UserLimits(),
    wall,
  };
}

let app: FastifyInstance;
let logins: Awaited<ReturnType<typeof makeLogins>>;
let lab: ReturnType<typeof seed>;
let events: LabEvent[];

beforeEach(async () => {
  lab = seed();
  events = [];
  lab.onEvent((e) => events.push(e));
  logins = await makeLogins();
  ({ app } = await buildApp({ lab, logins, adminToken: "s3cret-admin-token", webRoot: "/nonexistent" }));
  await app.ready();
  await lab.advance(40e9); // RIP converges
});
afterEach(async () => {
  await app.close();
  await lab.close();
});

const login = (user: string, password: string, ip = "10.1.1.1") =>
  app.inject({ method: "POST", url: "/api/login", payload: { user, password }, remoteAddress: ip });
const cookieOf = (r: LightMyRequestResponse) => String(r.headers["set-cookie"]).split(";")[0]!;
const as = (cookie: string) => ({ cookie });

describe("logging in", () => {
  it("POST /api/login answers {token, user, role, color} and sets an HttpOnly SameSite=Strict cookie", async () => {
    const r = await login("alice", "alice-pw");
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ user: "alice", role: "student", color: "#FF8800" });
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const set = String(r.headers["set-cookie"]);
    expect(set).toMatch(
      /^routelab_session=[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/,
    );
    expect(cookieOf(r)).toBe(`routelab_session=${body.token}`);

    const s = await app.inject({ method: "GET", url: "/api/session", headers: as(cookieOf(r)) });
    expect(s.json()).toEqual({
      user: "alice",
      role: "student",
      control: false,
      color: "#FF8800",
      logins: true,
      lesson: false,
      private: false,
    });
    // The same session as a bearer token (scripts).
    const b = await app.inject({
      method: "GET",
      url: "/api/session",
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(b.json()).toMatchObject({ user: "alice", role: "student" });
    const i = await login("bob", "bob-pw-12");
    const si = await app.inject({ method: "GET", url: "/api/session", headers: as(cookieOf(i)) });
    expect(si.json()).toMatchObject({ user: "bob", role: "instructor", control: true });
  });

  it("a wrong password or unknown user gets 401 naming why, without saying which", async () => {
    for (const [u, p] of [
      ["alice", "nope"],
      ["mallory", "alice-pw"],
    ]) {
      const r = await login(u!, p!);
      expect(r.statusCode).toBe(401);
      expect(r.json()).toEqual({
        error: "wrong user name or password",
        field: "password",
        code: "unauthorized",
      });
      expect(r.headers["set-cookie"]).toBeUndefined();
    }
    const bad = await app.inject({ method: "POST", url: "/api/login", payload: { user: "alice" } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe("password");
  });

  it("failed logins are throttled per user and address (429 with Retry-After), a success clears it", async () => {
    for (let i = 0; i < 4; i++) expect((await login("alice", `guess${i}`)).statusCode).toBe(401);
    // Three free failures; the fourth imposed a 1 s wait: even the right password must wait.
    const r = await login("alice", "alice-pw");
    expect(r.statusCode).toBe(429);
    expect(r.json()).toMatchObject({ code: "throttled", field: "password" });
    expect(r.json().error).toMatch(/too many failed logins for alice .*try again in 1 s/);
    expect(r.headers["retry-after"]).toBe("1");
    // Another address, or another user, is not held up.
    expect((await login("alice", "alice-pw", "10.2.2.2")).statusCode).toBe(200);
    expect((await login("carol", "carol-pw")).statusCode).toBe(200);
    logins.wall.now += 1000;
    expect((await login("alice", "alice-pw")).statusCode).toBe(200);
    expect(logins.throttle.retryAfter("alice", "10.1.1.1")).toBe(0);
  });

  it("POST /api/logout ends the session and clears the cookie", async () => {
    const c = cookieOf(await login("alice", "alice-pw"));
    const out = await app.inject({ method: "POST", url: "/api/logout", headers: as(c) });
    expect(out.json()).toEqual({ ok: true, ended: true });
    expect(String(out.headers["set-cookie"])).toMatch(/^routelab_session=; .*Max-Age=0/);
    const s = await app.inject({ method: "GET", url: "/api/session", headers: as(c) });
    expect(s.json()).toMatchObject({ user: null, role: "anonymous", logins: true });
    const ex = await app.inject({
      method: "POST",
      url: "/api/exec",
      headers: as(c),
      payload: { node: "vm1", command: "netstat -rn" },
    });
    expect(ex.statusCode).toBe(401);
  });

  it("removing a user from the users file ends their sessions", async () => {
    const c = cookieOf(await login("carol", "carol-pw"));
    const other = UsersStore.load(logins.users.file);
    other.remove("carol");
    await new Promise((r) => setTimeout(r, 20)); // a different mtime
    other.save();
    const s = await app.inject({ method: "GET", url: "/api/session", headers: as(c) });
    expect(s.json()).toMatchObject({ user: null, role: "anonymous" });
  });
});

describe("roles", () => {
  const link = (headers: Record<string, string>, state: "up" | "down" = "down") =>
    app.inject({ method: "POST", url: "/api/links", headers, payload: { a: "vm1", b: "vm2", state } });

  it("anybody may watch; commands need a login; control actions an instructor", async () => {
    expect((await app.inject({ method: "GET", url: "/api/topology" })).statusCode).toBe(200);
    expect((await app.inject({ method: "GET", url: "/api/nodes/vm1/routes" })).statusCode).toBe(200);
    const ex = await app.inject({
      method: "POST",
      url: "/api/exec",
      payload: { node: "vm1", command: "ping -c 1 vm6" },
    });
    expect(ex.statusCode).toBe(401);
    expect(ex.json().error).toMatch(/log in to run commands/);
    const anon = await link({});
    expect(anon.statusCode).toBe(401);
    expect(anon.json().error).toMatch(/only an instructor can take links and routers down/);

    const student = await link(as(cookieOf(await login("alice", "alice-pw"))));
    expect(student.statusCode).toBe(403);
    expect(student.json()).toEqual({
      error:
        "alice is a student: only an instructor can take links and routers down or up, change links' delay and loss, or change the clock",
      code: "forbidden",
    });
    for (const [url, payload] of [
      ["/api/nodes/vm3", { state: "down" }],
      ["/api/clock", { step: "1s" }],
    ] as const) {
      const r = await app.inject({
        method: "POST",
        url,
        headers: as(cookieOf(await login("alice", "alice-pw"))),
        payload,
      });
      expect(r.statusCode, url).toBe(403);
    }
    expect(lab.links().find((l) => l.id === "vm1-vm2")!.up).toBe(true);
    expect(lab.nodes().find((n) => n.name === "vm3")!.up).toBe(true);

    const teacher = await link(as(cookieOf(await login("bob", "bob-pw-12"))));
    expect(teacher.statusCode).toBe(200);
    expect(lab.links().find((l) => l.id === "vm1-vm2")!.up).toBe(false);
  });

  it("the admin token still acts as an instructor; a wrong or stale bearer token is refused", async () => {
    const wrong = await app.inject({
      method: "GET",
      url: "/api/topology",
      headers: { authorization: "Bearer nope" },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toMatch(/unknown or expired token/);
    // A script names the user whose colour its packets wear.
    const ex = await app.inject({
      method: "POST",
      url: "/api/exec",
      headers: { authorization: "Bearer s3cret-admin-token" },
      payload: { node: "vm1", command: "ping -c 1 vm6", user: "carol" },
    });
    expect(ex.json().exit).toBe(0);
    expect(events.some((e) => e.kind === "hop" && e.user === "carol")).toBe(true);
    const r = await link({ authorization: "Bearer s3cret-admin-token" });
    expect(r.statusCode).toBe(200);
    expect((await link({ authorization: "Bearer s3cret-admin-token" }, "up")).statusCode).toBe(200);
    // A page that kept a stale token still works by its cookie; the admin token beats a
    // student's cookie.
    const alice = cookieOf(await login("alice", "alice-pw"));
    const stale = await app.inject({
      method: "GET",
      url: "/api/session",
      headers: { cookie: alice, authorization: "Bearer old" },
    });
    expect(stale.json()).toMatchObject({ user: "alice", role: "student" });
    expect((await link({ cookie: alice, authorization: "Bearer s3cret-admin-token" }, "up")).statusCode).toBe(
      200,
    );
  });

  it("a student's command runs as them under the policy: ping -i 0.01 refused with the reason", async () => {
    const c = as(cookieOf(await login("alice", "alice-pw")));
    const flood = await app.inject({
      method: "POST",
      url: "/api/exec",
      headers: c,
      payload: { node: "vm1", command: "ping -i 0.01 -c 5 vm6" },
    });
    expect(flood.statusCode).toBe(403);
    expect(flood.json()).toMatchObject({ field: "command", code: "forbidden" });
    expect(flood.json().error).toMatch(/^ping: -i interval too short.*at least 1 s/);
    expect(events.some((e) => e.kind === "hop" && e.user === "alice")).toBe(false);

    const typed = await app.inject({
      method: "POST",
      url: "/api/exec",
      headers: c,
      payload: { node: "vm1", command: "link down vm1 vm2" },
    });
    expect(typed.statusCode).toBe(403);
    expect(typed.json().error).toMatch(/only an instructor/);

    const other = await app.inject({
      method: "POST",
      url: "/api/exec",
      headers: c,
      payload: { node: "vm1", command: "ping -c 1 vm6", user: "bob" },
    });
    expect(other.statusCode).toBe(403);
    expect(other.json().field).toBe("user");

    const tr = await app.inject({
      method: "POST",
      url: "/api/exec",
      headers: c,
      payload: { node: "vm1", command: "traceroute vm6" },
    });
    expect(tr.statusCode).toBe(200);
    expect(tr.json().exit).toBe(0);
    expect(tr.json().output).toMatch(/ 1 {2}vm2 \(10\.0\.10\.2\)[\s\S]* 2 {2}vm6 \(10\.0\.60\.2\)/);
    const hops = events.filter((e) => e.kind === "hop" && e.cls === "traceroute");
    expect(hops.length).toBeGreaterThan(0);
    expect(hops.every((e) => e.kind === "hop" && e.user === "alice")).toBe(true);
  });

  it("an instructor's typed control command works through /api/exec", async () => {
    const c = as(cookieOf(await login("bob", "bob-pw-12")));
    const r = await app.inject({
      method: "POST",
      url: "/api/exec",
      headers: c,
      payload: { node: "vm1", command: "link down vm2 vm3" },
    });
    expect(r.json()).toEqual({ output: "link vm2-vm3 down\n", exit: 0 });
    expect(lab.links().find((l) => l.id === "vm2-vm3")!.up).toBe(false);
  });

  it("a student's concurrent commands are capped", async () => {
    const limits = new UserLimits({ maxConcurrent: 1 });
    const c = as(cookieOf(await login("alice", "alice-pw")));
    logins.limits = limits;
    const release = limits.startCommand("alice");
    if (typeof release === "string") throw new Error(release);
    // The app captured the original limits object: rebuild with the capped one.
    await app.close();
    ({ app } = await buildApp({ lab, logins, webRoot: "/nonexistent" }));
    const r = await app.inject({
      method: "POST",
      url: "/api/exec",
      headers: c,
      payload: { node: "vm1", command: "ping -c 1 vm6" },
    });
    expect(r.json().exit).toBe(77);
    expect(r.json().output).toMatch(/alice: too many commands running \(limit 1\)/);
    release();
  });
});

describe("who is who", () => {
  it("GET /api/users: a watcher gets the names on the map (no roles), an instructor the roster with roles", async () => {
    // Nobody has sent a packet: a watcher learns no login name.
    expect((await app.inject({ method: "GET", url: "/api/users" })).json()).toEqual({ users: [] });
    await app.inject({
      method: "POST",
      url: "/api/exec",
      headers: as(cookieOf(await login("alice", "alice-pw"))),
      payload: { node: "vm1", command: "ping -c 1 vm2" },
    });
    const anon = (await app.inject({ method: "GET", url: "/api/users" })).json();
    expect(anon.users).toEqual([{ name: "alice", color: "#FF8800" }]);
    const teacher = await app.inject({
      method: "GET",
      url: "/api/users",
      headers: as(cookieOf(await login("bob", "bob-pw-12"))),
    });
    expect(teacher.json().users).toContainEqual({
      name: "bob",
      color: expect.any(String),
      role: "instructor",
    });
    expect(teacher.json().users.map((u: { name: string }) => u.name)).toEqual(["alice", "bob", "carol"]);
  });

  it("GET /api/stats counts each user's packets once: sent, delivered, answered, lost (with reasons)", async () => {
    const c = as(cookieOf(await login("alice", "alice-pw")));
    const ping = await app.inject({
      method: "POST",
      url: "/api/exec",
      headers: c,
      payload: { node: "vm1", command: "ping -c 2 vm6" },
    });
    expect(ping.json().output).toContain("2 packets transmitted, 2 packets received");
    let s = (await app.inject({ method: "GET", url: "/api/stats" })).json();
    // Two requests and two replies, each crossing two links but counted once.
    expect(s.users.alice).toEqual({
      sent: 4,
      delivered: 4,
      answered: 0,
      lost: 0,
      answeredBy: {},
      lostBy: {},
      refusedBy: {},
    });
    expect(events.filter((e) => e.kind === "hop" && e.user === "alice")).toHaveLength(8);

    const tr = await app.inject({
      method: "POST",
      url: "/api/exec",
      headers: c,
      payload: { node: "vm1", command: "traceroute -q 1 vm6" },
    });
    expect(tr.json().exit).toBe(0);
    s = (await app.inject({ method: "GET", url: "/api/stats" })).json();
    // The same numbers, recounted from the raw events.
    const mine = events.filter(
      (e): e is Extract<LabEvent, { packet: number }> =>
        (e.kind === "hop" || e.kind === "deliver" || e.kind === "drop") && e.user === "alice",
    );
    const ids = new Set(mine.map((e) => e.packet));
    // Traceroute's last probes reach vm6 and are refused there (port unreachable): delivered.
    const arrived = (e: LabEvent) =>
      e.kind === "deliver" || (e.kind === "drop" && e.reason === "port-unreachable");
    const delivered = new Set(mine.filter(arrived).map((e) => e.packet));
    const answered = new Set(
      mine.filter((e) => e.kind === "drop" && e.reason === "ttl-expired").map((e) => e.packet),
    );
    expect(s.users.alice).toMatchObject({
      sent: ids.size,
      delivered: delivered.size,
      answered: answered.size,
      lost: 0,
    });
    // The first probe died of its TTL at vm2, which answered (time exceeded): not a loss.
    expect(s.users.alice.answeredBy).toEqual({ "ttl-expired": 1 });
    expect(s.users.alice.lostBy).toEqual({});
    expect(s.users.alice.refusedBy).toEqual({ "port-unreachable": 1 });
    expect(s.users.alice.delivered).toBe(4 + 3); // the ping's 4, two ICMP errors, the last probe
    expect(s.users.rip.sent).toBeGreaterThan(0);
  });
});
