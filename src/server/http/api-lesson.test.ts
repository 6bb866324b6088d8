/**
 * The lesson API on a real lesson lab (examples/lessons/seed-class.yaml, unpaced, driven by
 * clock steps): the status the page polls, rewinding (instructors only) with its marker on the
 * event stream, the journal, who sees which per-student check, and the 404 of a lab without
 * a lesson.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MINUTE } from "../../core/time.js";
import { JournalQuota } from "../../engines/sim/journal-quota.js";
import { createLessonLab } from "../../engines/sim/lesson.js";
import { createSimLab } from "../../engines/sim/index.js";
import type { RouteInfo } from "../../lab/lab.js";
import { loadTopologyText } from "../../topology/index.js";
import type { Authorizer } from "./auth.js";
import { buildApp, type ServerOptions } from "./server.js";

const LESSON = join(import.meta.dirname, "..", "..", "..", "examples", "lessons", "seed-class.yaml");
const topo = () => loadTopologyText(readFileSync(LESSON, "utf8"), "seed-class.yaml");

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serve(extra: Partial<ServerOptions> = {}, quota?: JournalQuota) {
  const { lab, session } = createLessonLab(topo(), quota ? { seed: 2, quota } : { seed: 2 });
  const built = await buildApp({
    lab,
    lesson: session,
    webRoot: "/nonexistent",
    fanout: { intervalMs: 5 },
    ...extra,
  });
  app = built.app;
  await app.ready();
  return { ...built, lab, session };
}

const post = (a: FastifyInstance, url: string, payload: Record<string, unknown>, token?: string) =>
  a.inject({ method: "POST", url, payload, headers: token ? { authorization: `Bearer ${token}` } : {} });
const get = async (a: FastifyInstance, url: string) => (await a.inject({ method: "GET", url })).json();
const routesOf = async (a: FastifyInstance, node: string): Promise<RouteInfo[]> =>
  (await get(a, `/api/nodes/${node}/routes`)).routes;

describe("lesson API", () => {
  it("GET /api/lesson: the schedule before and after its moment, checks pending then judged", async () => {
    const { app } = await serve();
    let st = await get(app, "/api/lesson");
    expect(st.now).toBe(0);
    expect(st.schedule).toEqual([
      expect.objectContaining({
        id: "e1",
        at: 3 * MINUTE,
        kind: "link",
        text: "link vm2–vm3 down",
        done: false,
      }),
    ]);
    expect(st.checks.find((c: { id: string }) => c.id === "c1")).toMatchObject({ status: "pending" });
    await post(app, "/api/clock", { step: "4m" });
    st = await get(app, "/api/lesson");
    expect(st.now).toBe(4 * MINUTE);
    expect(st.horizon).toBe(4 * MINUTE);
    expect(st.schedule[0].done).toBe(true);
    expect(st.checks.find((c: { id: string }) => c.id === "c3")).toMatchObject({
      status: "pass",
      reason: "path vm6 → vm2 → vm1 → vm3 → vm9",
    });
  });

  it("rewinds to an earlier moment: clock, links and tables as they were; the stream says so", async () => {
    const built = await serve();
    const { app } = built;
    await post(app, "/api/clock", { step: "2m" });
    const at2m = await routesOf(app, "vm6");
    await post(app, "/api/clock", { step: "2m" });
    const cut = (await get(app, "/api/topology")).links.find((l: { id: string }) => l.id === "vm2-vm3");
    expect(cut.up).toBe(false);
    expect(await routesOf(app, "vm6")).not.toEqual(at2m);

    built.fanout.start();
    const ws = await app.injectWS("/api/events");
    const batches: { clock: { now: number }; events: { kind: string; t: number }[] }[] = [];
    ws.on("message", (d) => batches.push(JSON.parse(String(d))));
    const r = await post(app, "/api/clock/rewind", { t: "2m" });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ now: 2 * MINUTE, horizon: 4 * MINUTE, paced: false });
    await new Promise((res) => setTimeout(res, 40));
    ws.terminate();
    const events = batches.flatMap((b) => b.events);
    expect(events).toEqual([{ kind: "rewind", t: 2 * MINUTE }]);
    expect(batches.find((b) => b.events.length > 0)!.clock.now).toBe(2 * MINUTE);

    expect(await routesOf(app, "vm6")).toEqual(at2m);
    const link = (await get(app, "/api/topology")).links.find((l: { id: string }) => l.id === "vm2-vm3");
    expect(link.up).toBe(true);
    const st = await get(app, "/api/lesson");
    expect(st.now).toBe(2 * MINUTE);
    expect(st.schedule[0].done).toBe(false);

    // Numbers are nanoseconds; 0 goes back to boot.
    expect((await post(app, "/api/clock/rewind", { t: 30 * 1e9 })).json().now).toBe(30e9);
    expect((await post(app, "/api/clock/rewind", { t: "0s" })).json().now).toBe(0);
  });

  it("refuses a moment not reached yet, and what is not a time, naming the field", async () => {
    const { app } = await serve();
    await post(app, "/api/clock", { step: "1m" });
    const late = await post(app, "/api/clock/rewind", { t: "5m" });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ field: "t", code: "conflict" });
    expect(late.json().error).toContain("only reached 60s");
    const bad = await post(app, "/api/clock/rewind", { t: "soon" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: "t" });
    expect(bad.json().error).toContain("'soon' is not a time");
    expect((await post(app, "/api/clock/rewind", { t: -5 })).statusCode).toBe(400);
    expect((await post(app, "/api/clock/rewind", { when: "1s" })).statusCode).toBe(400);
    expect((await post(app, "/api/clock/rewind", { t: "0m45s" })).json().now).toBe(45e9);
  });

  it("rewinding and the journal are the instructor's: without the token 401, the status stays open", async () => {
    const { app } = await serve({ adminToken: "sekret-admin-token" });
    await post(app, "/api/clock", { step: "1m" }, "sekret-admin-token");
    const refused = await post(app, "/api/clock/rewind", { t: "10s" });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe("unauthorized");
    expect((await app.inject({ method: "GET", url: "/api/lesson" })).statusCode).toBe(200);
    // The journal holds every command anyone typed: not for anonymous pages (issue 17).
    expect((await app.inject({ method: "GET", url: "/api/lesson/journal" })).statusCode).toBe(401);
    const asInstructor = { authorization: "Bearer sekret-admin-token" };
    expect(
      (await app.inject({ method: "GET", url: "/api/lesson/journal", headers: asInstructor })).statusCode,
    ).toBe(200);
    const ok = await post(app, "/api/clock/rewind", { t: "10s" }, "sekret-admin-token");
    expect(ok.statusCode).toBe(200);
    expect(ok.json().now).toBe(10e9);
  });

  it("the journal lists inputs before now, and those after it that playing on re-applies", async () => {
    const { app } = await serve();
    await post(app, "/api/clock", { step: "1m" });
    await post(app, "/api/links", { a: "vm1", b: "vm4", state: "down" });
    await post(app, "/api/clock", { step: "1m" });
    let j = await get(app, "/api/lesson/journal");
    const down = { t: MINUTE, kind: "link", text: "link vm1–vm4 down" };
    expect(j).toEqual({
      gen: 0,
      from: 0,
      entries: [down],
      applied: 1,
      total: 1,
      now: 2 * MINUTE,
      horizon: 2 * MINUTE,
    });
    await post(app, "/api/clock/rewind", { t: "30s" });
    // A page that holds the one entry asks for what follows: nothing, and the entry is now future.
    j = await get(app, `/api/lesson/journal?since=1&gen=${j.gen}`);
    expect(j).toMatchObject({ from: 1, entries: [], applied: 0, total: 1 });
    // A new input after the rewind drops the recorded future: the page is told to cut at 0.
    await post(app, "/api/links", { a: "vm1", b: "vm5", state: "down" });
    j = await get(app, `/api/lesson/journal?since=1&gen=${j.gen}`);
    expect(j).toMatchObject({ gen: 1, from: 0, applied: 1, total: 1 });
    expect(j.entries).toEqual([{ t: 30e9, kind: "link", text: "link vm1–vm5 down" }]);
    const bad = await app.inject({ method: "GET", url: "/api/lesson/journal?since=-1" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: "since" });
  });

  it("a student flooding commands gets 429 after the burst; another student's command runs", async () => {
    const who: Record<string, string> = {};
    const authorize: Authorizer = (req) => ({
      user: who[String(req.headers["x-who"])] ?? "alice",
      role: "student",
    });
    who.bob = "bob";
    const { app } = await serve({ authorize }, new JournalQuota(() => 0));
    const run = (user: string) =>
      app.inject({
        method: "POST",
        url: "/api/exec",
        headers: { "x-who": user },
        payload: { node: "vm1", command: "hostname" },
      });
    const codes: number[] = [];
    for (let i = 0; i < 40; i++) codes.push((await run("alice")).statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(30);
    const refused = await run("alice");
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: "limit" });
    expect(refused.json().error).toMatch(/^alice: too many commands at once/);
    expect((await run("bob")).statusCode).toBe(200);
  });

  it("a student sees the checks about everyone and about themselves, not about others", async () => {
    const asBob: Authorizer = () => ({ user: "bob", role: "student" });
    const { app } = await serve({ authorize: asBob });
    const ids = (await get(app, "/api/lesson")).checks.map(
      (c: { id: string; user?: string }) => c.user ?? c.id,
    );
    expect(ids).not.toContain("alice");
    expect(ids).toContain("c5");
    const { app: app2 } = await serve();
    const all = (await get(app2, "/api/lesson")).checks.map((c: { user?: string }) => c.user);
    expect(all).toContain("alice");
    await app2.close();
  });

  it("pollers share one evaluation; a rewind makes the next poll fresh", async () => {
    const { app, session } = await serve();
    await post(app, "/api/clock", { step: "1m" });
    const spy = vi.spyOn(session, "status");
    const [a, b] = await Promise.all([get(app, "/api/lesson"), get(app, "/api/lesson")]);
    await get(app, "/api/lesson");
    expect(a).toEqual(b);
    expect(spy).toHaveBeenCalledTimes(1);
    await post(app, "/api/clock/rewind", { t: "20s" });
    expect((await get(app, "/api/lesson")).now).toBe(20e9);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it("a lab without a lesson answers 404 in JSON", async () => {
    const lab = createSimLab(topo(), { seed: 1 });
    const built = await buildApp({ lab, webRoot: "/nonexistent" });
    app = built.app;
    for (const r of [
      await app.inject({ method: "GET", url: "/api/lesson" }),
      await app.inject({ method: "GET", url: "/api/lesson/journal" }),
      await post(app, "/api/clock/rewind", { t: "1s" }),
    ]) {
      expect(r.statusCode).toBe(404);
      expect(r.json()).toMatchObject({ code: "not-found" });
      expect(r.json().error).toContain("no lesson timeline");
    }
  });
});
