/**
 * Issue 17, the server and network half: each attack a student's machine made on `routelab up`
 * rerun as a bounded test on 127.0.0.1 (the attacker) and 127.0.0.2 (a classmate), each in a
 * few seconds. Every one failed on the code before the fix (see docs/security.md):
 * - a burst of login guesses raced the throttle (all checked, then the right one accepted),
 *   over HTTP and over SSH, and one address could spray guesses over many user names;
 * - idle pre-auth SSH connections, or one user logging in again and again, filled the SSH
 *   server's connection slots and locked out everyone else;
 * - silent TCP connections to the HTTP server were never closed and had no per-address cap;
 * - an instructor demoted to student kept `link down` in an SSH shell or web terminal already
 *   open, and a changed password left the old login tokens working;
 * - the admin token could be guessed without limit.
 */
import { mkdtempSync } from "node:fs";
import { connect as tcpConnect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import ssh2 from "ssh2";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createSimLab } from "../../src/engines/sim/index.js";
import { UserLimits } from "../../src/server/limits.js";
import { buildApp, createServer, type RunningServer } from "../../src/server/http/index.js";
import { type SshServer, startSshServer } from "../../src/server/ssh/index.js";
import { LoginThrottle, SessionStore, UsersStore } from "../../src/server/users/index.js";
import { loadTopologyText } from "../../src/topology/index.js";
import { generateEd25519 } from "../../src/server/ssh/host-key.js";
import { systemWallClock } from "../../src/sim/index.js";

const LAB = () =>
  createSimLab(loadTopologyText("vm1 vm2 10.0.10.0/24\nvm2 vm3 10.0.20.0/24\n", "line.edges"), {
    wallClock: systemWallClock,
  });
const CLASSMATE = "127.0.0.2";
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function usersWith(
  ...list: { name: string; password?: string; key?: string; role?: "instructor" | "student" }[]
) {
  const file = join(mkdtempSync(join(tmpdir(), "routelab-hard-")), "users.yaml");
  const users = UsersStore.load(file);
  for (const u of list) await users.add(u);
  users.save();
  return users;
}

function sshLogin(
  port: number,
  username: string,
  auth: { password: string } | { privateKey: string },
  localAddress = "127.0.0.1",
): Promise<ssh2.Client | undefined> {
  return new Promise((resolve) => {
    const c = new ssh2.Client();
    c.on("ready", () => resolve(c));
    c.on("error", () => resolve(undefined));
    c.on("close", () => resolve(undefined));
    c.connect({
      host: "127.0.0.1",
      port,
      localAddress,
      username,
      ...auth,
      tryKeyboard: false,
      readyTimeout: 5000,
    });
  });
}

/** A raw TCP connection that sends nothing; resolves once connected. */
function silentSocket(port: number, localAddress = "127.0.0.1"): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect({ host: "127.0.0.1", port, localAddress }, () => resolve(s));
    s.on("error", reject);
    s.resume(); // read (and drop) an SSH banner so the socket's state is the server's doing
  });
}

const closedBy = (s: Socket, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (s.destroyed || s.readableEnded) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    s.once("close", () => {
      clearTimeout(t);
      resolve(true);
    });
  });

/** An SSH server on an ephemeral port with a throwaway host key and no failure delay, closed after the test. */
async function startTestSsh(
  users: Parameters<typeof startSshServer>[0]["users"],
  o: Partial<Parameters<typeof startSshServer>[0]> = {},
): Promise<SshServer> {
  const server = await startSshServer({
    lab: LAB(),
    users,
    port: 0,
    hostKeyPath: join(mkdtempSync(join(tmpdir(), "routelab-hk-")), "key"),
    failDelayMs: 0,
    ...o,
  });
  cleanups.push(() => server.close());
  return server;
}

describe("login throttling cannot be raced", () => {
  it("HTTP: of a burst of 59 wrong passwords and then the right one, a few are checked and the right one waits", async () => {
    const users = await usersWith({ name: "alice", password: "alice-password-1" });
    // A stopped clock: the waits never run out, so a slow machine (a burst spread over more
    // than the first 1 s wait) checks no more guesses than a fast one.
    const throttle = new LoginThrottle({ now: () => 0 });
    const { app } = await buildApp({
      lab: LAB(),
      logins: { users, throttle, sessions: new SessionStore(), limits: new UserLimits() },
    });
    cleanups.push(() => app.close());
    const login = (password: string, remoteAddress = "127.0.0.1") =>
      app.inject({ method: "POST", url: "/api/login", payload: { user: "alice", password }, remoteAddress });
    const burst = await Promise.all([
      ...Array.from({ length: 59 }, (_, i) => login(`wrong-guess-${i}`)),
      login("alice-password-1"),
    ]);
    const codes = burst.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401).length, codes.join(" ")).toBeLessThanOrEqual(4);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(55);
    expect(codes.at(-1)).toBe(429);
    // Alice herself, at her own desk, is not held up by the attack on her name.
    expect((await login("alice-password-1", CLASSMATE)).statusCode).toBe(200);
  });

  it("HTTP: one address spraying guesses over many user names is throttled too", async () => {
    const users = await usersWith({ name: "alice", password: "alice-password-1" });
    const { app } = await buildApp({
      lab: LAB(),
      logins: {
        users,
        throttle: new LoginThrottle({ now: () => 0 }),
        sessions: new SessionStore(),
        limits: new UserLimits(),
      },
    });
    cleanups.push(() => app.close());
    const codes: number[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await app.inject({
        method: "POST",
        url: "/api/login",
        payload: { user: `user${i}`, password: "Summer2026!" },
        remoteAddress: "127.0.0.1",
      });
      codes.push(r.statusCode);
    }
    expect(codes.filter((c) => c === 401).length, codes.join(" ")).toBeLessThanOrEqual(21);
    expect(codes.at(-1)).toBe(429);
  });

  it("SSH: a burst of password guesses is checked a few at a time, and HTTP sees the same throttle", async () => {
    const users = await usersWith({ name: "alice", password: "alice-password-1" });
    const logs: string[] = [];
    const throttle = new LoginThrottle({ now: () => 0 });
    const server = await startTestSsh(users, { throttle, log: (l) => logs.push(l) });
    const attempts = await Promise.all(
      Array.from({ length: 16 }, (_, i) => sshLogin(server.port, "alice", { password: `wrong-guess-${i}` })),
    );
    for (const c of attempts) c?.end();
    expect(attempts.every((c) => c === undefined)).toBe(true);
    const checked = logs.filter((l) => /failed password/.test(l)).length;
    expect(checked, logs.join("\n")).toBeLessThanOrEqual(4);
    expect(throttle.retryAfter("alice", "127.0.0.1")).toBeGreaterThan(0);
    expect(await sshLogin(server.port, "alice", { password: "alice-password-1" })).toBeUndefined();
    const ok = await sshLogin(server.port, "alice", { password: "alice-password-1" }, CLASSMATE);
    expect(ok).toBeDefined();
    ok?.end();
    // The page shares the throttle: the same address is refused there too, before any check.
    const { app } = await buildApp({
      lab: LAB(),
      logins: { users, throttle, sessions: new SessionStore(), limits: new UserLimits() },
    });
    cleanups.push(() => app.close());
    const web = await app.inject({
      method: "POST",
      url: "/api/login",
      payload: { user: "alice", password: "alice-password-1" },
      remoteAddress: "127.0.0.1",
    });
    expect(web.statusCode).toBe(429);
    expect(Number(web.headers["retry-after"])).toBeGreaterThan(0);
  });
});

describe("one machine cannot lock the room out of SSH", () => {
  const key = generateEd25519();
  async function sshServer(o: Partial<Parameters<typeof startSshServer>[0]>): Promise<SshServer> {
    const users = await usersWith({ name: "alice", key: key.public }, { name: "mallory", key: key.public });
    return startTestSsh(users, o);
  }

  it("idle pre-auth connections from one address are capped and timed out; a classmate still logs in", async () => {
    // The room's slots scaled down: 40 in all (500 in a real lab), the attack 60 sockets (500).
    const server = await sshServer({ maxConnections: 40, loginGraceMs: 1500 });
    const sockets: Socket[] = [];
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
    });
    for (let i = 0; i < 60; i++) sockets.push(await silentSocket(server.port));
    await new Promise((r) => setTimeout(r, 200));
    expect(server.connections()).toBeLessThanOrEqual(10);
    const alice = await sshLogin(server.port, "alice", { privateKey: key.private }, CLASSMATE);
    expect(alice).toBeDefined();
    alice?.end();
    // The ones held are let go at the login grace time.
    const closed = await Promise.all(sockets.map((s) => closedBy(s, 3000)));
    expect(closed.every(Boolean)).toBe(true);
  });

  it("one user logging in again and again is capped; another user from elsewhere still logs in", async () => {
    const server = await sshServer({ maxConnections: 40 });
    const held: ssh2.Client[] = [];
    cleanups.push(() => {
      for (const c of held) c.end();
    });
    let refused = 0;
    for (let i = 0; i < 45 && refused < 3; i++) {
      const c = await sshLogin(server.port, "mallory", { privateKey: key.private });
      if (c) held.push(c);
      else refused++;
    }
    expect(held.length).toBeLessThanOrEqual(16);
    const alice = await sshLogin(server.port, "alice", { privateKey: key.private }, CLASSMATE);
    expect(alice).toBeDefined();
    alice?.end();
  });
});

describe("idle HTTP connections", () => {
  it("silent connections are closed after the idle timeout and capped per address; the API answers a classmate", async () => {
    const server: RunningServer = await createServer({
      lab: LAB(),
      port: 0,
      webRoot: "/nonexistent",
      connections: { idleMs: 1000, headersMs: 1000, perAddress: 20 },
    });
    cleanups.push(() => server.close());
    const port = Number(new URL(server.url).port);
    const sockets: Socket[] = [];
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
    });
    for (let i = 0; i < 60; i++) sockets.push(await silentSocket(port));
    await new Promise((r) => setTimeout(r, 200));
    const open = sockets.filter((s) => !s.destroyed && !s.readableEnded).length;
    expect(open).toBeLessThanOrEqual(20);
    // The classmate's request, from the second address (fetch cannot pick its source address).
    const answered = await new Promise<string>((resolve) => {
      const s = tcpConnect({ host: "127.0.0.1", port, localAddress: CLASSMATE }, () =>
        s.write("GET /api/topology HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      );
      let text = "";
      s.on("data", (d) => {
        text += d;
      });
      s.on("close", () => resolve(text));
      s.on("error", () => resolve(text));
    });
    expect(answered).toMatch(/^HTTP\/1\.1 200/);
    const closed = await Promise.all(sockets.map((s) => closedBy(s, 4000)));
    expect(closed.every(Boolean)).toBe(true);
  });
});

describe("role and password changes reach every open session", () => {
  const key = generateEd25519();

  it("SSH shell: an instructor demoted to student loses link down at once; a changed password ends the connection", async () => {
    const users = await usersWith({
      name: "bob",
      key: key.public,
      password: "bob-password-1",
      role: "instructor",
    });
    const server = await startTestSsh(users, { loginCheckMs: 50 });
    const c = (await sshLogin(server.port, "bob", { privateKey: key.private }))!;
    expect(c).toBeDefined();
    cleanups.push(() => c.end());
    const ch = await new Promise<ssh2.ClientChannel>((resolve, reject) =>
      c.shell(false, (e, s) => (e ? reject(e) : resolve(s))),
    );
    let out = "";
    ch.on("data", (d: Buffer) => {
      out += d;
    });
    ch.stderr.on("data", (d: Buffer) => {
      out += d;
    });
    const until = async (re: RegExp) => {
      for (let i = 0; i < 200 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 20));
      expect(out).toMatch(re);
    };
    ch.write("link down vm1 vm2\n");
    await until(/link vm1-vm2 down|down/i);
    const before = out.length;
    // Another terminal: `routelab users add bob --role student`.
    const other = UsersStore.load(users.file);
    await other.add({ name: "bob", role: "student" });
    other.save();
    ch.write("link up vm1 vm2\n");
    await until(/only an instructor|not permitted|instructor/i);
    expect(out.slice(before)).toMatch(/instructor/);
    // And the password is changed: the connection ends.
    const closed = new Promise<void>((resolve) => c.once("close", () => resolve()));
    await other.add({ name: "bob", password: "bob-password-2" });
    other.save();
    await closed;
    expect(out).toMatch(/password was changed/);
  });

  it("web terminal and tokens: demotion takes link down away at once; a changed password ends old tokens", async () => {
    const users = await usersWith({ name: "bob", password: "bob-password-1", role: "instructor" });
    const sessions = new SessionStore();
    const server = await createServer({
      lab: LAB(),
      port: 0,
      webRoot: "/nonexistent",
      logins: { users, sessions, throttle: new LoginThrottle(), limits: new UserLimits() },
      loginCheckMs: 50,
    });
    cleanups.push(() => server.close());
    const r = await fetch(`${server.url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "bob", password: "bob-password-1" }),
    });
    const token = ((await r.json()) as { token: string }).token;
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/api/terminal`, {
      headers: { authorization: `Bearer ${token}` },
    });
    cleanups.push(() => ws.close());
    let out = "";
    ws.on("message", (d) => {
      const m = JSON.parse(String(d));
      if (m.type === "output") out += m.data;
    });
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    const until = async (re: RegExp) => {
      for (let i = 0; i < 200 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 20));
      expect(out).toMatch(re);
    };
    await until(/bob@vm1\$ $/);
    const other = UsersStore.load(users.file);
    await other.add({ name: "bob", role: "student" });
    other.save();
    const before = out.length;
    ws.send(JSON.stringify({ type: "input", data: "link down vm1 vm2\r" }));
    await until(/bob@vm1\$ $/);
    for (let i = 0; i < 200 && !/\$ $/.test(out.slice(before)); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(out.slice(before)).toMatch(/instructor/);
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    await other.add({ name: "bob", password: "bob-password-2" });
    other.save();
    expect(await closed).toBe(4001);
    const stale = await fetch(`${server.url}/api/session`, { headers: { authorization: `Bearer ${token}` } });
    expect(stale.status).toBe(401);
  });
});

describe("the admin token", () => {
  it("is refused when shorter than 16 characters, and guesses at it are throttled per address", async () => {
    await expect(buildApp({ lab: LAB(), adminToken: "short" })).rejects.toThrow(/at least 16/);
    const { app } = await buildApp({
      lab: LAB(),
      adminToken: "a-long-enough-admin-token",
      throttle: new LoginThrottle({ now: () => 0 }),
    });
    cleanups.push(() => app.close());
    const codes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await app.inject({
        method: "POST",
        url: "/api/clock",
        headers: { authorization: `Bearer guess-${i}` },
        payload: { speed: 2 },
        remoteAddress: "127.0.0.1",
      });
      codes.push(r.statusCode);
    }
    expect(codes.filter((c) => c === 401).length, codes.join(" ")).toBeLessThanOrEqual(4);
    expect(codes.at(-1)).toBe(429);
    const right = await app.inject({
      method: "POST",
      url: "/api/clock",
      headers: { authorization: "Bearer a-long-enough-admin-token" },
      payload: { speed: 2 },
      remoteAddress: CLASSMATE,
    });
    expect(right.statusCode).toBe(200);
  });
});

describe("one structured log", () => {
  it("HTTP and SSH failures and throttling land in the same pino log, as JSON with their fields", async () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: "info" }, { write: (s: string) => lines.push(JSON.parse(s)) });
    const users = await usersWith({ name: "alice", password: "alice-password-1" });
    const throttle = new LoginThrottle({ free: 1, now: () => 0 });
    const server = await startTestSsh(users, { throttle, log });
    const { app } = await buildApp({
      lab: LAB(),
      logger: log,
      logins: { users, throttle, sessions: new SessionStore(), limits: new UserLimits() },
    });
    cleanups.push(() => app.close());
    expect(await sshLogin(server.port, "alice", { password: "Wrong-Guess-1" })).toBeUndefined();
    const web = (password: string) =>
      app.inject({
        method: "POST",
        url: "/api/login",
        payload: { user: "alice", password },
        remoteAddress: "127.0.0.1",
      });
    expect((await web("Wrong-Guess-2")).statusCode).toBe(401);
    expect((await web("Wrong-Guess-3")).statusCode).toBe(429);
    const events = lines.map((l) => `${l.proto}:${l.event}`);
    expect(events).toContain("ssh:login-failed");
    expect(events).toContain("http:login-failed");
    expect(events).toContain("http:throttled");
    expect(lines.find((l) => l.event === "login-failed")).toMatchObject({ user: "alice", addr: "127.0.0.1" });
    expect(JSON.stringify(lines)).not.toMatch(/Wrong-Guess/);
  });
});

describe("user names and passwords", () => {
  it("reserves admin, rip and root, and refuses a password shorter than 8 characters", async () => {
    const users = await usersWith();
    for (const name of ["admin", "rip", "root"])
      await expect(users.add({ name, password: "long-enough-1" })).rejects.toThrow(/reserved/);
    await expect(users.add({ name: "alice", password: "a" })).rejects.toThrow(/at least 8/);
  });
});
