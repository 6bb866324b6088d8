/**
 * The page's terminal WebSocket on a listening server and a paced seed lab (fast, so a
 * traceroute takes a moment): the login cookie opens the same shell as SSH, refusals come
 * before the upgrade with a JSON reason, and the role's rules hold inside the shell. A terminal
 * ends, saying why, when its login does: logged out elsewhere, expired, unused, user removed.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createSimLab } from "../../engines/sim/index.js";
import { loadTopologyText } from "../../topology/index.js";
import { UserLimits } from "../limits.js";
import { SessionStore } from "../users/sessions.js";
import { UsersStore } from "../users/store.js";
import { LoginThrottle } from "../users/throttle.js";
import { createServer, type RunningServer } from "./server.js";
import { systemWallClock } from "../../sim/index.js";

const SEED = join(import.meta.dirname, "..", "..", "..", "examples", "seed.yaml");

let server: RunningServer;
let lab: ReturnType<typeof createSimLab>;
const limits = new UserLimits({ maxSessions: 2 });
let users: UsersStore;
let usersFile: string;
/** Added to the session store's clock, to age logins without waiting. */
let skew = 0;
const sessions = new SessionStore({ now: () => Date.now() + skew });

beforeAll(async () => {
  lab = createSimLab(loadTopologyText(readFileSync(SEED, "utf8"), SEED), {
    seed: 2,
    wallClock: systemWallClock,
  });
  await lab.advance(40e9); // converge RIP before the clock is paced
  lab.pacer!.setSpeed(20);
  usersFile = join(mkdtempSync(join(tmpdir(), "routelab-term-")), "users.yaml");
  users = UsersStore.load(usersFile);
  await users.add({ name: "alice", password: "alice-pw-a", role: "student" });
  await users.add({ name: "bob", password: "bob-pw-bb", role: "instructor" });
  await users.add({ name: "dave", password: "dave-pw-d", role: "student" });
  users.save();
  server = await createServer({
    lab,
    port: 0,
    webRoot: "/nonexistent",
    logins: { users, sessions, throttle: new LoginThrottle(), limits },
    loginCheckMs: 50,
  });
});
afterAll(async () => {
  await server?.close();
  await lab?.close();
});

async function cookieFor(user: string, password: string): Promise<string> {
  const r = await fetch(`${server.url}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user, password }),
  });
  expect(r.status).toBe(200);
  return r.headers.get("set-cookie")!.split(";")[0]!;
}

/** A terminal client: collects output, sends keystrokes. */
function terminal(headers: Record<string, string>, query = "cols=100&rows=30") {
  const ws = new WebSocket(`${server.url.replace("http", "ws")}/api/terminal?${query}`, { headers });
  let out = "";
  const msgs: { type: string; data?: string; code?: number; error?: string }[] = [];
  ws.on("message", (d) => {
    const m = JSON.parse(String(d));
    msgs.push(m);
    if (m.type === "output") out += m.data;
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return {
    ws,
    msgs,
    opened,
    get out() {
      return out;
    },
    type: (s: string) => ws.send(JSON.stringify({ type: "input", data: s })),
    async until(re: RegExp, ms = 10_000): Promise<string> {
      const end = Date.now() + ms;
      while (!re.test(out)) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${re} in:\n${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return out;
    },
  };
}

/** The status and JSON body of a refused upgrade. */
function refusal(headers: Record<string, string>, query = ""): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/api/terminal${query}`, { headers });
    ws.on("unexpected-response", (_req, res) => {
      let text = "";
      res.on("data", (c: Buffer) => {
        text += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    ws.on("open", () => reject(new Error("the upgrade was accepted")));
  });
}

describe("the web terminal (WebSocket /api/terminal)", () => {
  it("opens alice's shell on vm1 with her prompt; traceroute prints the path; ssh hops; exit ends it", async () => {
    const t = terminal({ cookie: await cookieFor("alice", "alice-pw-a") });
    await t.opened;
    await t.until(/alice@vm1\$ $/);
    expect(t.out).toContain("logged in as alice (student) on vm1");
    t.type("traceroute -q 1 vm6\r");
    await t.until(/ 2 {2}vm6 \(10\.0\.60\.2\)[^\n]*\r\n[\s\S]*alice@vm1\$ $/);
    expect(t.out).toMatch(/ 1 {2}vm2 \(10\.0\.10\.2\)/);
    // Ctrl-C stops a running ping, which prints its statistics.
    t.type("ping vm9\r");
    await t.until(/bytes from 10\.0\.90\.2/);
    t.type("\x03");
    await t.until(/packets transmitted[\s\S]*alice@vm1\$ $/);
    t.type("ssh vm3\r");
    await t.until(/alice@vm3\$ $/);
    t.type("exit\r");
    await t.until(/alice@vm1\$ $/);
    const closed = new Promise<number>((r) => t.ws.once("close", (code) => r(code)));
    t.type("exit\r");
    expect(await closed).toBe(1000);
    expect(t.msgs.at(-1)).toEqual({ type: "exit", code: 0 });
  });

  it("the student is refused control commands and flood pings inside the shell", async () => {
    const t = terminal({ cookie: await cookieFor("alice", "alice-pw-a") });
    await t.until(/alice@vm1\$ $/);
    t.type("link down vm1 vm2\r");
    await t.until(/permission denied: only an instructor[\s\S]*alice@vm1\$ $/);
    t.type("ping -i 0.01 vm6\r");
    await t.until(/ping: [^\n]*at least 1 s[\s\S]*alice@vm1\$ $/);
    expect(lab.links().find((l) => l.id === "vm1-vm2")!.up).toBe(true);
    t.ws.close();
  });

  it("an instructor's shell takes a link down; resize messages are accepted", async () => {
    const t = terminal({ cookie: await cookieFor("bob", "bob-pw-bb") }, "cols=120&rows=40&node=vm4");
    await t.until(/bob@vm4\$ $/);
    t.ws.send(JSON.stringify({ type: "resize", cols: 90, rows: 20 }));
    t.ws.send("not json");
    t.ws.send(JSON.stringify({ type: "input", data: 42 }));
    t.type("link down vm3 vm8\r");
    await t.until(/link vm3-vm8 down[\s\S]*bob@vm4\$ $/);
    expect(lab.links().find((l) => l.id === "vm3-vm8")!.up).toBe(false);
    t.type("link up vm3 vm8\r");
    await t.until(/link vm3-vm8 up/);
    t.ws.close();
  });

  it("refuses before the upgrade, with a JSON reason: no login, another site's page, unknown node", async () => {
    expect(await refusal({})).toEqual({
      status: 401,
      body: { error: "log in to run commands (the page's login, or POST /api/login)", code: "unauthorized" },
    });
    const cookie = await cookieFor("alice", "alice-pw-a");
    const cross = await refusal({ cookie, origin: "http://evil.example" });
    expect(cross.status).toBe(403);
    expect(await refusal({ cookie }, "?node=vm99")).toMatchObject({ status: 404 });
  });

  it("a user's sessions are capped (SSH and web share the count)", async () => {
    const cookie = await cookieFor("alice", "alice-pw-a");
    const a = terminal({ cookie });
    const b = terminal({ cookie });
    await a.until(/alice@vm1\$ $/);
    await b.until(/alice@vm1\$ $/);
    const c = terminal({ cookie });
    const code = await new Promise<number>((r) => c.ws.once("close", (x) => r(x)));
    expect(code).toBe(1008);
    expect(c.msgs[0]).toEqual({
      type: "error",
      error: "alice: too many sessions open (limit 2); finish one first",
    });
    a.ws.close();
    b.ws.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(limits.sessionsOf("alice")).toBe(0);
  });

  describe("ends with the login, saying why", () => {
    afterEach(() => {
      skew = 0;
    });

    /** Waits for the socket to close; its close code. */
    const closed = (t: ReturnType<typeof terminal>) =>
      new Promise<number>((r) => t.ws.once("close", (code) => r(code)));

    it("logged out in another tab: the running command stops, the reason is printed, close 4001", async () => {
      const cookie = await cookieFor("alice", "alice-pw-a");
      const t = terminal({ cookie });
      await t.until(/alice@vm1\$ $/);
      t.type("ping vm9\r");
      await t.until(/bytes from 10\.0\.90\.2/);
      const code = closed(t);
      const r = await fetch(`${server.url}/api/logout`, { method: "POST", headers: { cookie } });
      expect(await r.json()).toEqual({ ok: true, ended: true });
      expect(await code).toBe(4001);
      expect(t.out).toMatch(
        /\r\nroutelab: logged out \(in another tab, or by a script\); log in again\.\r\n$/,
      );
      expect(limits.commandsOf("alice")).toBe(0);
      expect(limits.sessionsOf("alice")).toBe(0);
    });

    it("its user removed from the users file (by another process): every terminal of theirs ends", async () => {
      const cookie = await cookieFor("dave", "dave-pw-d");
      const a = terminal({ cookie });
      const b = terminal({ cookie: await cookieFor("dave", "dave-pw-d") });
      const bob = terminal({ cookie: await cookieFor("bob", "bob-pw-bb") });
      for (const t of [a, b]) await t.until(/dave@vm1\$ $/);
      await bob.until(/bob@vm1\$ $/);
      const codes = Promise.all([closed(a), closed(b)]);
      const other = UsersStore.load(usersFile);
      expect(other.remove("dave")).toBe(true);
      other.save();
      expect(await codes).toEqual([4001, 4001]);
      for (const t of [a, b])
        expect(t.out).toMatch(/routelab: dave's account was removed; logged out\.\r\n$/);
      // dave's login is gone too; bob's terminal goes on.
      expect(
        (await fetch(`${server.url}/api/session`, { headers: { cookie } }).then((r) => r.json())).user,
      ).toBe(null);
      bob.type("hostname\r");
      await bob.until(/vm1\r\n[\s\S]*bob@vm1\$ $/);
      bob.ws.close();
    });

    it("expired, or unused too long; typing in the terminal counts as use", async () => {
      const t = terminal({ cookie: await cookieFor("alice", "alice-pw-a") });
      await t.until(/alice@vm1\$ $/);
      skew = 90 * 60_000; // 1.5 h: typing now keeps the login from going idle
      t.type("hostname\r");
      await t.until(/vm1\r\n[\s\S]*alice@vm1\$ $/);
      skew = 3 * 3600_000; // 1.5 h after the keystroke: still in use
      await new Promise((r) => setTimeout(r, 200)); // a few checks go by
      expect(t.ws.readyState).toBe(WebSocket.OPEN);
      const idle = closed(t);
      skew = 4 * 3600_000; // 2.5 h after the keystroke
      expect(await idle).toBe(4001);
      expect(t.out).toMatch(/routelab: your login went unused too long; log in again\.\r\n$/);

      skew = 0;
      const u = terminal({ cookie: await cookieFor("alice", "alice-pw-a") });
      await u.until(/alice@vm1\$ $/);
      const expired = closed(u);
      skew = 13 * 3600_000;
      expect(await expired).toBe(4001);
      expect(u.out).toMatch(/routelab: your login expired; log in again\.\r\n$/);
    });
  });
});
