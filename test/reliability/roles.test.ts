/**
 * Property: on a lab with logins, whatever requests arrive — any route, any body, as nobody, a
 * student (cookie or bearer token), an expired session, a made-up token, an instructor or the
 * admin token — only an instructor's request changes the network or the clock, a command
 * runs only for someone logged in and always under that person's own name when they are a
 * student, and every refusal is a 401/403 JSON answer. Sessions end when they expire or sit
 * idle, and the login throttle answers 429 with Retry-After.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabEvent } from "../../src/core/events.js";
import { createSimLab, type SimLab } from "../../src/engines/sim/index.js";
import { buildApp } from "../../src/server/http/index.js";
import type { LoginServices } from "../../src/server/http/session-auth.js";
import { UserLimits } from "../../src/server/limits.js";
import { LoginThrottle, SessionStore, UsersStore } from "../../src/server/users/index.js";
import { loadTopologyText } from "../../src/topology/index.js";

const RUNS = Number(process.env.RELIABILITY_RUNS ?? 40);
const SEED = join(import.meta.dirname, "..", "..", "examples", "seed.yaml");

let app: FastifyInstance;
let lab: SimLab;
let logins: LoginServices;
const wall = { now: 1_000_000 };
const commands: { user: string; command: string }[] = [];
const tokens: Record<string, string> = {};

async function login(user: string, password: string) {
  return app.inject({ method: "POST", url: "/api/login", payload: { user, password } });
}

beforeAll(async () => {
  lab = createSimLab(loadTopologyText(readFileSync(SEED, "utf8"), SEED), { seed: 4 });
  lab.onEvent((e: LabEvent) => {
    if (e.kind === "command" && e.exit === undefined) commands.push({ user: e.user, command: e.command });
  });
  const dir = mkdtempSync(join(tmpdir(), "routelab-roles-"));
  const users = UsersStore.load(join(dir, "users.yaml"));
  await users.add({ name: "alice", password: "alice-pw-1", role: "student" });
  await users.add({ name: "bob", password: "bob-pw-1", role: "instructor" });
  await users.add({ name: "eve", password: "eve-pw-1", role: "student" });
  users.save();
  logins = {
    users,
    sessions: new SessionStore({ now: () => wall.now, idleMs: 60_000 }),
    throttle: new LoginThrottle({ now: () => wall.now }),
    limits: new UserLimits(),
  };
  ({ app } = await buildApp({
    lab,
    logins,
    adminToken: "admin-s3cret-token",
    webRoot: "/nonexistent",
    execLimits: { virtualTimeout: 5e9 },
  }));
  await app.ready();
  await lab.advance(40e9);
  for (const [u, p] of [
    ["alice", "alice-pw-1"],
    ["bob", "bob-pw-1"],
    ["eve", "eve-pw-1"],
  ] as const) {
    const r = await login(u, p);
    expect(r.statusCode).toBe(200);
    tokens[u] = r.json().token;
  }
});
afterAll(async () => {
  await app.close();
  await lab.close();
});

/** The state an instructor's request could change. */
const state = () =>
  JSON.stringify({
    links: lab.links().map((l) => [l.id, l.up, l.silent, l.delay, l.loss]),
    nodes: lab.nodes().map((n) => [n.name, n.up]),
  });

type Who = "nobody" | "alice-cookie" | "alice-bearer" | "eve-bearer" | "made-up" | "bob-bearer" | "admin";
const who = fc.constantFrom<Who>(
  "nobody",
  "alice-cookie",
  "alice-bearer",
  "eve-bearer",
  "made-up",
  "bob-bearer",
  "admin",
);
const headersFor = (w: Who): Record<string, string> => {
  switch (w) {
    case "nobody":
      return {};
    case "alice-cookie":
      return { cookie: `routelab_session=${tokens.alice}` };
    case "alice-bearer":
      return { authorization: `Bearer ${tokens.alice}` };
    case "eve-bearer":
      return { authorization: `Bearer ${tokens.eve}` };
    case "made-up":
      return { authorization: "Bearer 0123456789abcdef" };
    case "bob-bearer":
      return { authorization: `Bearer ${tokens.bob}` };
    case "admin":
      return { authorization: "Bearer admin-s3cret-token" };
  }
};

const request = fc.oneof(
  fc.record({
    url: fc.constant("/api/links"),
    body: fc.record({
      a: fc.constantFrom("vm1", "vm2", "vm3"),
      b: fc.constantFrom("vm2", "vm3", "vm6"),
      state: fc.constantFrom("up", "down"),
      silent: fc.boolean(),
    }),
  }),
  fc.record({
    url: fc.constant("/api/links"),
    body: fc.record({
      a: fc.constantFrom("vm1", "vm2"),
      b: fc.constantFrom("vm2", "vm3"),
      delay: fc.constantFrom("0", "20ms", 5_000_000),
      loss: fc.constantFrom("10%", 0.5),
    }),
  }),
  fc.record({
    url: fc.constantFrom("/api/nodes/vm2", "/api/nodes/vm3"),
    body: fc.record({ state: fc.constantFrom("up", "down") }),
  }),
  fc.record({ url: fc.constant("/api/clock"), body: fc.record({ step: fc.constantFrom("1s", "100ms") }) }),
  fc.record({
    url: fc.constant("/api/exec"),
    body: fc.record({
      node: fc.constantFrom("vm1", "vm4"),
      command: fc.constantFrom(
        "hostname",
        "ping -c 1 vm9",
        "link down vm1 vm2",
        "link vm1 vm2 loss 50%",
        "route flush",
        "ping -f vm9",
      ),
      user: fc.constantFrom("bob", "root", "mallory"),
    }),
  }),
);

describe("roles under any sequence of requests", () => {
  it("only instructors change the network; commands run as the logged-in student", async () => {
    await fc.assert(
      fc.asyncProperty(who, request, async (w, r) => {
        const before = state();
        const clockBefore = lab.clock().now;
        const n = commands.length;
        // A made-up token is a guess at the admin token: it comes from its own address, whose
        // guesses are throttled (429) without holding up the instructor's address.
        const remoteAddress = w === "made-up" ? "10.9.9.9" : "127.0.0.1";
        const res = await app.inject({
          method: "POST",
          url: r.url,
          headers: headersFor(w),
          payload: r.body,
          remoteAddress,
        });
        expect(res.statusCode, res.body).toBeLessThan(500);
        const instructor = w === "bob-bearer" || w === "admin";
        if (r.url !== "/api/exec") {
          if (!instructor) {
            expect([401, 403, 429], `${w} ${r.url}`).toContain(res.statusCode);
            if (res.statusCode === 429) expect(w).toBe("made-up");
            expect(res.json().error).toBeTypeOf("string");
            expect(state()).toBe(before);
            expect(lab.clock().now).toBe(clockBefore);
          }
          return;
        }
        const student = w.startsWith("alice") || w === "eve-bearer";
        if (!instructor && !student) {
          expect([401, 403, 429]).toContain(res.statusCode);
          if (res.statusCode === 429) expect(w).toBe("made-up");
          expect(commands.length).toBe(n);
          return;
        }
        if (student) {
          // Ran (or was refused by policy) as the student, never as the user named in the body.
          for (const c of commands.slice(n)) expect(c.user).toBe(w.startsWith("alice") ? "alice" : "eve");
          expect(state(), `${w} ran '${r.body.command}'`).toBe(before);
        }
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("sessions end after the idle timeout, and logins are throttled with 429 and Retry-After", async () => {
    const r = await login("eve", "eve-pw-1");
    const t = r.json().token as string;
    const ok = await app.inject({
      method: "GET",
      url: "/api/session",
      headers: { authorization: `Bearer ${t}` },
    });
    expect(ok.json().user).toBe("eve");
    wall.now += 61_000; // idle for longer than the 60 s idle timeout
    const stale = await app.inject({
      method: "POST",
      url: "/api/exec",
      headers: { authorization: `Bearer ${t}` },
      payload: { node: "vm1", command: "hostname" },
    });
    expect(stale.statusCode).toBe(401);
    let last = 0;
    for (let i = 0; i < 8; i++) last = (await login("alice", `wrong-${i}`)).statusCode;
    expect(last).toBe(429);
    const throttled = await login("alice", "alice-pw-1");
    expect(throttled.statusCode).toBe(429);
    expect(Number(throttled.headers["retry-after"])).toBeGreaterThan(0);
    expect(throttled.body).not.toMatch(/alice-pw-1|wrong-/);
  });
});
