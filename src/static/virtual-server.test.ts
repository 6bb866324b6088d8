/**
 * The browser edition's VirtualServer answers as the real server does: the same requests to
 * `buildApp` (fastify) and to a VirtualServer, each on its own lesson lab from the same file
 * and seed, give the same status and the same JSON — reads, commands, controls, the lesson,
 * rewind, and the errors of bad requests. Plus its sockets: the event stream (with the rewind
 * marker) and the terminal.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLessonLab } from "../engines/sim/lesson.js";
import { buildApp } from "../server/http/server.js";
import { loadTopologyText } from "../topology/index.js";
import { VirtualServer } from "./virtual-server.js";

const LESSON = join(import.meta.dirname, "..", "..", "examples", "lessons", "seed-class.yaml");
const topo = () => loadTopologyText(readFileSync(LESSON, "utf8"), "seed-class.yaml");

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function pair() {
  const real = createLessonLab(topo(), { seed: 4 });
  const { app } = await buildApp({ lab: real.lab, lesson: real.session, webRoot: "/nonexistent" });
  await app.ready();
  const v = createLessonLab(topo(), { seed: 4 });
  const virt = new VirtualServer(v.lab, v.session);
  closers.push(
    () => app.close(),
    () => virt.close(),
  );
  return {
    async both(method: "GET" | "POST", url: string, body?: unknown) {
      const opts: {
        method: "GET" | "POST";
        url: string;
        payload?: string;
        headers?: Record<string, string>;
      } = {
        method,
        url,
      };
      if (body !== undefined) {
        opts.payload = JSON.stringify(body);
        opts.headers = { "content-type": "application/json" };
      }
      const r = await app.inject(opts);
      const s = await virt.request(method, url, body);
      return { real: { status: r.statusCode, body: r.json() }, virtual: s };
    },
    virt,
  };
}

describe("VirtualServer answers as the server does", () => {
  it("reads, commands, controls, lesson and rewind: same status, same JSON", async () => {
    const p = await pair();
    const same = async (method: "GET" | "POST", url: string, body?: unknown) => {
      const { real, virtual } = await p.both(method, url, body);
      expect(virtual, `${method} ${url} ${JSON.stringify(body) ?? ""}`).toEqual(real);
      return real;
    };
    await same("GET", "/api/topology");
    await same("POST", "/api/clock", { step: "40s" });
    await same("GET", "/api/nodes/vm6/routes");
    await same("GET", "/api/nodes/vm6/ospf"); // a RIP router: the same 404 from both
    const ping = await same("POST", "/api/exec", { node: "vm4", command: "ping -c 2 vm9", user: "alice" });
    expect(ping.body.output).toContain("2 packets received");
    // The packet view's bytes: the same frames of the same packet (both labs ran the same inputs).
    const frames = await same("GET", "/api/packets/1");
    expect(frames.status).toBe(200);
    await same("GET", "/api/packets/99999999");
    await same("POST", "/api/links", { a: "vm1", b: "vm3", state: "down" });
    await same("POST", "/api/links", { link: "vm1-vm3", state: "up" });
    await same("POST", "/api/links", { a: "vm1", b: "vm3", delay: "20ms", loss: "10%" });
    await same("POST", "/api/exec", { node: "vm1", command: "ping -c 5 vm3" });
    await same("POST", "/api/nodes/vm5", { state: "down" });
    await same("POST", "/api/clock", { step: "3m" });
    await same("GET", "/api/lesson");
    await same("GET", "/api/lesson/journal");
    await same("POST", "/api/clock/rewind", { t: "1m30s" });
    await same("GET", "/api/nodes/vm6/routes");
    await same("GET", "/api/nodes/vm6/ospf"); // a RIP router: the same 404 from both
    await same("GET", "/api/lesson");
    await same("GET", "/api/clock");
  });

  it("a LAN's topology (kinds, segments and their ports): the same JSON", async () => {
    const file = join(import.meta.dirname, "..", "..", "examples", "lan.yaml");
    const lan = () => createLessonLab(loadTopologyText(readFileSync(file, "utf8"), file), { seed: 4 });
    const { app } = await buildApp({ lab: lan().lab, webRoot: "/nonexistent" });
    await app.ready();
    const v = lan();
    const virt = new VirtualServer(v.lab, v.session);
    closers.push(
      () => app.close(),
      () => virt.close(),
    );
    const real = (await app.inject({ method: "GET", url: "/api/topology" })).json();
    expect(real.segments.map((s: { id: string }) => s.id)).toEqual(["lan1", "lan2"]);
    expect(await virt.request("GET", "/api/topology")).toEqual({ status: 200, body: real });
  });

  it("bad requests: the same status, code and field", async () => {
    const p = await pair();
    for (const [method, url, body] of [
      ["GET", "/api/nodes/vm99/routes", undefined],
      ["POST", "/api/exec", { node: "vm99", command: "ping vm1" }],
      ["POST", "/api/links", { link: "nope", state: "down" }],
      ["POST", "/api/links", { a: "vm1", state: "down" }],
      ["POST", "/api/links", { a: "vm1", b: "vm3" }],
      ["POST", "/api/links", { a: "vm1", b: "vm3", loss: "150%" }],
      ["POST", "/api/links", { a: "vm1", b: "vm3", delay: "soon", state: "down" }],
      ["POST", "/api/links", { a: "vm1", b: "vm3", silent: true, delay: 0 }],
      ["POST", "/api/links", { a: "vm1", b: "vm3", jitter: "1ms" }],
      ["POST", "/api/nodes/vm1", { state: "sideways" }],
      ["POST", "/api/clock", { speed: 2 }],
      ["POST", "/api/clock", { step: "soon" }],
      ["POST", "/api/clock/rewind", { t: "5m" }],
      ["POST", "/api/clock/rewind", { t: "soon" }],
      ["POST", "/api/clock/rewind", { sometime: 1 }],
      ["GET", "/api/nowhere", undefined],
    ] as const) {
      const { real, virtual } = await p.both(method, url, body);
      const pick = (r: { status: number; body: unknown }) => {
        const b = r.body as { code?: string; field?: string };
        return { status: r.status, code: b.code, field: b.field };
      };
      expect(pick(virtual), `${method} ${url} ${JSON.stringify(body) ?? ""}`).toEqual(pick(real));
    }
  });

  it("the event socket streams batches, and a rewind marker first after a rewind", async () => {
    const { virt } = await pair();
    const got: { clock: { now: number }; events: { kind: string; t: number }[] }[] = [];
    const sock = virt.openSocket("/api/events", { send: (d) => got.push(JSON.parse(d)), close: () => {} })!;
    await virt.request("POST", "/api/clock", { step: "30s" });
    virt.fanout.flush();
    expect(got.flatMap((b) => b.events).some((e) => e.kind === "route")).toBe(true);
    got.length = 0;
    await virt.request("POST", "/api/clock/rewind", { t: "10s" });
    virt.fanout.flush();
    expect(got[0]).toMatchObject({ clock: { now: 10e9 }, events: [{ kind: "rewind", t: 10e9 }] });
    sock.close();
    expect(virt.openSocket("/api/elsewhere", { send: () => {}, close: () => {} })).toBeUndefined();
  });

  it("the terminal socket runs the login shell: prompt, a command, ssh to another router", async () => {
    const { virt } = await pair();
    await virt.request("POST", "/api/clock", { step: "40s" });
    let screen = "";
    const closed: number[] = [];
    const term = virt.openSocket("/api/terminal?cols=100&rows=30&node=vm6&user=alice", {
      send: (d) => {
        const m = JSON.parse(d) as { type: string; data?: string };
        if (m.type === "output") screen += m.data;
      },
      close: (code) => closed.push(code),
    })!;
    await Promise.resolve();
    expect(screen).toContain("logged in as alice (instructor) on vm6");
    expect(screen).toContain("alice@vm6$ ");
    term.message(JSON.stringify({ type: "input", data: "ssh vm9\r" }));
    // ssh is a TCP connection across the lab (apps/ssh.ts): the paused clock must move for it.
    await Promise.resolve();
    expect(screen).not.toContain("alice@vm9$ ");
    await virt.request("POST", "/api/clock", { step: "1s" });
    await new Promise((r) => setTimeout(r, 0));
    expect(screen).toContain("alice@vm9$ ");
    term.message(JSON.stringify({ type: "input", data: "exit\rexit\r" }));
    await new Promise((r) => setTimeout(r, 0));
    expect(closed).toEqual([1000]);
    const bad: string[] = [];
    virt.openSocket("/api/terminal?node=vm99", { send: (d) => bad.push(d), close: () => {} });
    expect(bad.map((d) => JSON.parse(d))).toEqual([{ type: "error", error: "unknown node 'vm99'" }]);
  });
});
