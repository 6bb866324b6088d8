/**
 * The API on the real simulator (createSimLab on the seed network): what `curl` users and the
 * page get. Unpaced labs are driven by the routes themselves (exec advances virtual time until
 * the command ends, a clock step advances it), so these tests run in virtual time.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { decodeBatch } from "../../../web/src/batch-decode.js";
import type { LabEvent } from "../../core/events.js";
import { SECOND } from "../../core/time.js";
import { createSimLab } from "../../engines/sim/index.js";
import type { Lab, RouteInfo } from "../../lab/lab.js";
import { loadTopologyText } from "../../topology/index.js";
import { buildApp } from "./server.js";

const SEED = join(import.meta.dirname, "..", "..", "..", "examples", "seed.yaml");

function seed() {
  return createSimLab(loadTopologyText(readFileSync(SEED, "utf8"), SEED), { seed: 3 });
}

/** A paced seed lab on a hand-driven wall clock: the pacer's timer never fires by itself. */
function pacedSeed() {
  const clock = { wall: 0 };
  const lab = createSimLab(loadTopologyText(readFileSync(SEED, "utf8"), SEED), {
    seed: 3,
    wallClock: { now: () => clock.wall, setTimer: () => 0, clearTimer: () => {} },
  });
  return { lab, clock };
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serve(lab: Lab) {
  const built = await buildApp({ lab, webRoot: "/nonexistent", fanout: { intervalMs: 5 } });
  app = built.app;
  await app.ready();
  return built;
}

const post = (a: FastifyInstance, url: string, payload: Record<string, unknown>) =>
  a.inject({ method: "POST", url, payload });
const routesOf = async (a: FastifyInstance, node: string): Promise<RouteInfo[]> =>
  (await a.inject({ method: "GET", url: `/api/nodes/${node}/routes` })).json().routes;

describe("HTTP API on the simulator (seed network)", () => {
  it("GET /api/topology on a LAN: each node's kind, each segment with its member ports", async () => {
    const file = join(import.meta.dirname, "..", "..", "..", "examples", "lan.yaml");
    const { app } = await serve(
      createSimLab(loadTopologyText(readFileSync(file, "utf8"), file), { seed: 3 }),
    );
    const t = (await app.inject({ method: "GET", url: "/api/topology" })).json();
    expect(t.nodes.map((n: { name: string; kind: string }) => `${n.name}:${n.kind}`)).toEqual([
      "r1:router",
      "r2:router",
      "r3:router",
      "h1:host",
      "h2:host",
      "h3:host",
      "h4:host",
    ]);
    expect(t.segments.map((s: { id: string }) => s.id)).toEqual(["lan1", "lan2"]);
    expect(t.segments[1]).toEqual({
      id: "lan2",
      subnet: "10.0.2.0/24",
      ports: [
        { node: "r2", iface: expect.any(String), addr: "10.0.2.1", link: "r2-lan2" },
        { node: "h3", iface: expect.any(String), addr: "10.0.2.11", link: "h3-lan2" },
        { node: "h4", iface: expect.any(String), addr: "10.0.2.12", link: "h4-lan2" },
      ],
    });
    // Every port named is a link of the topology, and it is the station's interface there.
    const links = new Map(t.links.map((l: { id: string }) => [l.id, l]));
    for (const s of t.segments)
      for (const p of s.ports)
        expect(links.get(p.link)).toMatchObject({ a: { node: p.node, iface: p.iface } });
  });

  it("GET /api/topology describes the seed: routers, addresses, subnets, positions", async () => {
    const { app } = await serve(seed());
    const t = (await app.inject({ method: "GET", url: "/api/topology" })).json();
    expect(t.engine).toBe("sim");
    expect(t.nodes.map((n: { name: string }) => n.name)).toEqual([
      "vm1",
      "vm2",
      "vm3",
      "vm4",
      "vm5",
      "vm6",
      "vm7",
      "vm8",
      "vm9",
    ]);
    const vm1 = t.nodes[0];
    expect(vm1.position).toEqual({ x: 400, y: 80 });
    expect(vm1.interfaces).toContainEqual({
      name: "epair0a",
      addr: "10.0.10.1",
      len: 24,
      up: true,
      link: "vm1-vm2",
    });
    expect(t.links).toHaveLength(9);
    expect(t.links[0]).toMatchObject({
      id: "vm1-vm2",
      a: { node: "vm1", iface: "epair0a", addr: "10.0.10.1" },
      b: { node: "vm2", iface: "epair0b", addr: "10.0.10.2" },
      subnet: "10.0.10.0/24",
      up: true,
    });
  });

  it("exec runs the real shell: ping and traceroute across the converged network", async () => {
    const lab = seed();
    const { app } = await serve(lab);
    await post(app, "/api/clock", { step: "60s" }); // RIP converges
    const ping = (
      await post(app, "/api/exec", { node: "vm1", command: "ping -c 2 vm6", user: "alice" })
    ).json();
    expect(ping.exit).toBe(0);
    expect(ping.output).toContain("PING vm6 (10.0.60.2): 56 data bytes");
    expect(ping.output).toContain("2 packets transmitted, 2 packets received, 0.0% packet loss");
    const tr = (await post(app, "/api/exec", { node: "vm1", command: "traceroute vm6" })).json();
    expect(tr.exit).toBe(0);
    expect(tr.output).toMatch(/ 1 {2}vm2 \(10\.0\.10\.2\)/);
    expect(tr.output).toMatch(/ 2 {2}vm6 \(10\.0\.60\.2\)/);
    const bad = (await post(app, "/api/exec", { node: "vm1", command: "frobnicate" })).json();
    expect(bad.exit).toBe(127);
  });

  it("a ping's packets stream over the WebSocket with its user, in time order", async () => {
    const lab = seed();
    const built = await serve(lab);
    await post(built.app, "/api/clock", { step: "60s" });
    built.fanout.start();
    const ws = await built.app.injectWS("/api/events");
    const events: LabEvent[] = [];
    ws.on("message", (d) => events.push(...JSON.parse(String(d)).events));
    await post(built.app, "/api/exec", { node: "vm4", command: "ping -c 1 vm9", user: "bob" });
    await new Promise((r) => setTimeout(r, 50));
    ws.terminate();
    const hops = events.filter((e) => e.kind === "hop" && e.user === "bob");
    // vm4 → vm1 → vm3 → vm9 and back: 3 hops each way.
    expect(hops.map((e) => e.kind === "hop" && `${e.from}>${e.to}:${e.cls}`)).toEqual([
      "vm4>vm1:echo-request",
      "vm1>vm3:echo-request",
      "vm3>vm9:echo-request",
      "vm9>vm3:echo-reply",
      "vm3>vm1:echo-reply",
      "vm1>vm4:echo-reply",
    ]);
    const times = hops.map((e) => e.t);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(events.some((e) => e.kind === "command" && e.user === "bob" && e.exit === 0)).toBe(true);
  });

  it("/api/events?format=compact carries the same events as the JSON stream, in fewer bytes (issue 23)", async () => {
    const lab = seed();
    const built = await serve(lab);
    await post(built.app, "/api/clock", { step: "60s" });
    built.fanout.start();
    const plain = await built.app.injectWS("/api/events");
    const compact = await built.app.injectWS("/api/events?format=compact");
    const got = { plain: [] as unknown[], compact: [] as unknown[], plainBytes: 0, compactBytes: 0 };
    plain.on("message", (d) => {
      got.plainBytes += String(d).length;
      got.plain.push(...JSON.parse(String(d)).events);
    });
    compact.on("message", (d) => {
      const msg = JSON.parse(String(d));
      got.compactBytes += String(d).length;
      got.compact.push(...decodeBatch(msg).events);
    });
    await post(built.app, "/api/exec", { node: "vm4", command: "ping -c 3 vm9", user: "bob" });
    await new Promise((r) => setTimeout(r, 100));
    plain.terminate();
    compact.terminate();
    expect(got.plain.length).toBeGreaterThan(10);
    expect(got.compact).toEqual(got.plain);
    expect(got.compactBytes).toBeLessThan(got.plainBytes / 2);
  });

  it("a link taken down through the API changes the routes, and RIP routes around it", async () => {
    const lab = seed();
    const { app } = await serve(lab);
    await post(app, "/api/clock", { step: "60s" });
    const before = await routesOf(app, "vm1");
    expect(before.find((r) => r.dest === "10.0.60.0/24")).toMatchObject({
      gateway: "10.0.10.2",
      iface: "epair0a",
    });
    const r = await post(app, "/api/links", { a: "vm1", b: "vm2", state: "down" });
    expect(r.json().link).toMatchObject({ id: "vm1-vm2", up: false });
    const now = await routesOf(app, "vm1");
    expect(now.find((x) => x.dest === "10.0.10.0/24")).toBeUndefined();
    await post(app, "/api/clock", { step: "200s" });
    const after = await routesOf(app, "vm1");
    expect(after.find((x) => x.dest === "10.0.60.0/24")).toMatchObject({
      gateway: "10.0.20.2",
      iface: "epair1a",
    });
    const ping = (await post(app, "/api/exec", { node: "vm1", command: "ping -c 1 vm6" })).json();
    expect(ping.output).toContain("1 packets received");
    await post(app, "/api/links", { link: "vm1-vm2", state: "up" });
    expect((await routesOf(app, "vm1")).find((x) => x.dest === "10.0.10.0/24")).toBeDefined();
  });

  it("a silent cut keeps the interfaces up (no carrier loss) but drops packets", async () => {
    const lab = seed();
    const { app } = await serve(lab);
    await post(app, "/api/clock", { step: "60s" });
    await post(app, "/api/links", { a: "vm2", b: "vm6", state: "down", silent: true });
    expect((await routesOf(app, "vm2")).find((x) => x.dest === "10.0.60.0/24")).toBeDefined();
    const ping = (await post(app, "/api/exec", { node: "vm2", command: "ping -c 1 -t 2 vm6" })).json();
    expect(ping.output).toContain("0 packets received");
  });

  it("a link's delay and loss change mid-run through the API; a bad value is a 400 naming the field", async () => {
    const { app } = await serve(seed());
    await post(app, "/api/clock", { step: "60s" });
    const r = await post(app, "/api/links", { a: "vm1", b: "vm2", delay: "20ms" });
    expect(r.statusCode).toBe(200);
    expect(r.json().link).toMatchObject({ id: "vm1-vm2", up: true, delay: 20_000_000, loss: 0 });
    const ping = (await post(app, "/api/exec", { node: "vm1", command: "ping -c 1 vm2" })).json();
    expect(ping.output).toMatch(/time=4\d\.\d{3} ms/);
    const both = await post(app, "/api/links", { link: "vm1-vm2", loss: 1, delay: 1_000_000, state: "up" });
    expect(both.json().link).toMatchObject({ delay: 1_000_000, loss: 1, up: true });
    expect((await post(app, "/api/exec", { node: "vm1", command: "ping -c 1 vm2" })).json().exit).toBe(2);
    for (const [body, field] of [
      [{ a: "vm1", b: "vm2", loss: "150%" }, "loss"],
      [{ a: "vm1", b: "vm2", loss: true }, "loss"],
      [{ a: "vm1", b: "vm2", delay: "20" }, "delay"],
      [{ a: "vm1", b: "vm2", delay: -5 }, "delay"],
      [{ a: "vm1", b: "vm2" }, "state"],
      [{ a: "vm1", b: "vm2", silent: true, loss: 0 }, "silent"],
      [{ a: "vm1", b: "vm2", state: "down", loss: "lots" }, "loss"],
    ] as const) {
      const bad = await post(app, "/api/links", body);
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
      expect(bad.json(), JSON.stringify(body)).toMatchObject({ code: "invalid", field });
    }
    // Nothing half-done: the refused `state: down` with a bad loss left the link up.
    const t = (await app.inject({ method: "GET", url: "/api/topology" })).json();
    expect(t.links.find((l: { id: string }) => l.id === "vm1-vm2")).toMatchObject({ up: true, loss: 1 });
    expect((await post(app, "/api/links", { a: "vm4", b: "vm9", loss: 0 })).statusCode).toBe(404);
  });

  it("a router taken down shows as down; unknown ones get 404", async () => {
    const { app } = await serve(seed());
    expect((await post(app, "/api/nodes/vm9", { state: "down" })).json().node).toMatchObject({
      name: "vm9",
      up: false,
    });
    const t = (await app.inject({ method: "GET", url: "/api/topology" })).json();
    expect(t.nodes.find((n: { name: string }) => n.name === "vm9").up).toBe(false);
    const nf = await post(app, "/api/nodes/vm10", { state: "down" });
    expect(nf.statusCode).toBe(404);
    expect(nf.json().field).toBe("node");
    const nl = await post(app, "/api/links", { a: "vm4", b: "vm9", state: "down" });
    expect(nl.statusCode).toBe(404);
    expect(nl.json().error).toContain("no link between vm4 and vm9");
  });

  it("the clock of a paced lab: speed, pause, step", async () => {
    const { lab, clock } = pacedSeed();
    const { app } = await serve(lab);
    expect((await app.inject({ method: "GET", url: "/api/clock" })).json()).toMatchObject({
      now: 0,
      speed: 1,
      paused: false,
      paced: true,
    });
    clock.wall += 1000;
    await post(app, "/api/clock", { speed: 2 });
    expect(lab.clock().now).toBe(SECOND); // the pacer caught up to wall time before the change
    const paused = (await post(app, "/api/clock", { paused: true })).json();
    expect(paused).toMatchObject({ paused: true, speed: 2 });
    const stepped = (await post(app, "/api/clock", { step: "250ms" })).json();
    expect(stepped.now).toBe(SECOND + 250_000_000);
    const resumed = (await post(app, "/api/clock", { paused: false })).json();
    expect(resumed.paused).toBe(false);
  });
});
