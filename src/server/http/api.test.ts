/**
 * The API's contract (status codes, error bodies, auth, exec bounds) against a small scripted
 * Lab, so every branch can be forced. api-simlab.test.ts runs the same routes on the real
 * simulator.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { LabError } from "../../core/errors.js";
import type { LabEvent } from "../../core/events.js";
import type { Execution, Lab, LinkInfo, NodeInfo, PacerControl } from "../../lab/lab.js";
import type { Topology } from "../../topology/model.js";
import { parse as parseYaml } from "yaml";
import { buildApp } from "./server.js";

/** Two nodes, one link; commands: `echo X`, `sleep` (never ends until interrupted), `flood`. */
function scriptedLab(paced = false) {
  let now = 0;
  let linkUp = true;
  let silent = false;
  const listeners = new Set<(e: LabEvent) => void>();
  const calls: string[] = [];
  const pacer: PacerControl = {
    speed: 1,
    paused: false,
    setSpeed(x) {
      (this as { speed: number }).speed = x;
      calls.push(`speed ${x}`);
    },
    pause() {
      (this as { paused: boolean }).paused = true;
      calls.push("pause");
    },
    resume() {
      (this as { paused: boolean }).paused = false;
      calls.push("resume");
    },
    step(ns) {
      now += ns;
      calls.push(`step ${ns}`);
    },
    stepToward(until) {
      calls.push(`step ${until - now}`);
      now = until;
      return true;
    },
    actualSpeed: undefined,
    behind: false,
    onTick: null,
  };
  const nodes = (): NodeInfo[] =>
    ["r1", "r2"].map((name, i) => ({
      name,
      kind: "router" as const,
      up: true,
      routing: "rip",
      interfaces: [{ name: `eth0`, addr: `10.0.0.${i + 1}`, len: 24, up: linkUp, link: "r1-r2" }],
    }));
  let delay = 1e6;
  let loss = 0;
  const links = (): LinkInfo[] => [
    {
      id: "r1-r2",
      a: { node: "r1", iface: "eth0", addr: "10.0.0.1" },
      b: { node: "r2", iface: "eth0", addr: "10.0.0.2" },
      subnet: "10.0.0.0/24",
      up: linkUp,
      silent,
      delay,
      bandwidth: 0,
      loss,
    },
  ];
  const check = (n: string) => {
    if (n !== "r1" && n !== "r2") throw new LabError(`unknown node '${n}'`, { field: "node" }, "not-found");
  };
  const lab: Lab & { calls: string[] } = {
    engine: "scripted",
    topology: { name: "two" } as Topology,
    calls,
    nodes,
    links,
    routes(n) {
      check(n);
      return [
        {
          dest: "10.0.0.0/24",
          gateway: "link#1",
          flags: "U",
          iface: "eth0",
          metric: 0,
          source: "connected",
          refs: 0,
          use: 0,
        },
      ];
    },
    exec(n, line, opts = {}): Execution {
      check(n);
      calls.push(`exec ${n} ${opts.user ?? "-"} ${line}`);
      let exitCode: number | undefined;
      let finish: (c: number) => void = () => {};
      const done = new Promise<number>((r) => {
        finish = (c) => {
          exitCode = c;
          r(c);
        };
      });
      const ex = {
        done,
        get exitCode() {
          return exitCode;
        },
        interrupt() {
          opts.write?.("^C\n");
          finish(130);
        },
      };
      if (line.startsWith("echo ")) {
        opts.write?.(`${line.slice(5)}\n`);
        finish(0);
      } else if (line === "flood") {
        for (let i = 0; i < 1000 && exitCode === undefined; i++) opts.write?.("x".repeat(100));
      } else if (line !== "sleep") {
        opts.write?.(`${line}: command not found\n`);
        finish(127);
      }
      return ex;
    },
    setLink(a, b, up, o = {}) {
      check(a);
      check(b);
      linkUp = up || !!o.silent;
      silent = !up && !!o.silent;
      calls.push(`link ${a} ${b} ${up} ${!!o.silent}`);
      for (const l of listeners)
        l({ kind: "link", t: now, link: "r1-r2", a, b, state: up ? "up" : "down", silent: !!o.silent });
    },
    setLinkShape(a, b, shape) {
      check(a);
      check(b);
      delay = shape.delay ?? delay;
      loss = shape.loss ?? loss;
      calls.push(`shape ${a} ${b} ${JSON.stringify(shape)}`);
    },
    setNode(n, up) {
      check(n);
      calls.push(`node ${n} ${up}`);
    },
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    clock: () => ({ now, speed: paced ? pacer.speed : 0, paused: paced ? pacer.paused : false }),
    async advance(ns) {
      now += ns;
    },
    async advanceUntil(cond, max) {
      now += max;
      return cond();
    },
    async close() {},
  };
  if (paced) (lab as { pacer?: PacerControl }).pacer = pacer;
  return lab;
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(
  lab: Lab,
  opts: { adminToken?: string; maxOutput?: number; wallTimeoutMs?: number } = {},
) {
  const built = await buildApp({
    lab,
    webRoot: "/nonexistent",
    ...(opts.adminToken ? { adminToken: opts.adminToken } : {}),
    execLimits: { maxOutput: opts.maxOutput ?? 10_000, wallTimeoutMs: opts.wallTimeoutMs ?? 200 },
  });
  app = built.app;
  return app;
}

describe("HTTP API (scripted lab)", () => {
  it("GET /api/topology lists nodes, interfaces, links and the clock", async () => {
    const a = await start(scriptedLab());
    const r = await a.inject({ method: "GET", url: "/api/topology" });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.nodes.map((n: NodeInfo) => n.name)).toEqual(["r1", "r2"]);
    expect(body.links[0]).toMatchObject({ id: "r1-r2", subnet: "10.0.0.0/24" });
    expect(body.clock).toMatchObject({ now: 0 });
    expect(body.engine).toBe("scripted");
  });

  it("GET /api/nodes/:node/routes returns the table, 404 naming the field for an unknown node", async () => {
    const a = await start(scriptedLab());
    const ok = await a.inject({ method: "GET", url: "/api/nodes/r1/routes" });
    expect(ok.json().routes[0].dest).toBe("10.0.0.0/24");
    const bad = await a.inject({ method: "GET", url: "/api/nodes/zz/routes" });
    expect(bad.statusCode).toBe(404);
    expect(bad.json()).toMatchObject({ field: "node", code: "not-found" });
    expect(bad.json().error).toContain("zz");
  });

  it("POST /api/exec runs a command and returns output and exit status", async () => {
    const lab = scriptedLab();
    const a = await start(lab);
    const r = await a.inject({
      method: "POST",
      url: "/api/exec",
      payload: { node: "r1", command: "echo hi", user: "alice" },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ output: "hi\n", exit: 0 });
    expect(lab.calls).toContain("exec r1 alice echo hi");
    const nf = await a.inject({ method: "POST", url: "/api/exec", payload: { node: "r1", command: "nope" } });
    expect(nf.json()).toEqual({ output: "nope: command not found\n", exit: 127 });
  });

  it("POST /api/exec validates the body, naming the field", async () => {
    const a = await start(scriptedLab());
    const missing = await a.inject({ method: "POST", url: "/api/exec", payload: { node: "r1" } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().field).toBe("command");
    const extra = await a.inject({
      method: "POST",
      url: "/api/exec",
      payload: { node: "r1", command: "x", colour: 1 },
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({ field: "colour", error: "unknown field 'colour'" });
    const wrongType = await a.inject({
      method: "POST",
      url: "/api/exec",
      payload: { node: "r1", command: 5 },
    });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().field).toBe("command");
    const notJson = await a.inject({
      method: "POST",
      url: "/api/exec",
      headers: { "content-type": "application/json" },
      payload: "{nope",
    });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error).toBeTruthy();
    const unknownNode = await a.inject({
      method: "POST",
      url: "/api/exec",
      payload: { node: "r9", command: "echo" },
    });
    expect(unknownNode.statusCode).toBe(404);
    expect(unknownNode.json().field).toBe("node");
  });

  it("bounds exec output and time on a paced lab", async () => {
    const lab = scriptedLab(true);
    const a = await start(lab, { maxOutput: 1000, wallTimeoutMs: 100 });
    const big = await a.inject({
      method: "POST",
      url: "/api/exec",
      payload: { node: "r1", command: "flood" },
    });
    expect(big.json().output.length).toBe(1000);
    expect(big.json()).toMatchObject({ truncated: true, interrupted: "output-limit", exit: 130 });
    const slow = await a.inject({
      method: "POST",
      url: "/api/exec",
      payload: { node: "r1", command: "sleep" },
    });
    expect(slow.json()).toEqual({ output: "^C\n", exit: 130, interrupted: "timeout" });
  });

  it("interrupts a command that outlives the virtual timeout on an unpaced lab", async () => {
    const a = await start(scriptedLab());
    const slow = await a.inject({
      method: "POST",
      url: "/api/exec",
      payload: { node: "r2", command: "sleep" },
    });
    expect(slow.json()).toMatchObject({ exit: 130, interrupted: "timeout" });
  });

  it("POST /api/links takes a link down silently, by ends or by id", async () => {
    const lab = scriptedLab();
    const a = await start(lab);
    const r = await a.inject({
      method: "POST",
      url: "/api/links",
      payload: { a: "r1", b: "r2", state: "down", silent: true },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().link).toMatchObject({ id: "r1-r2", silent: true });
    const byId = await a.inject({
      method: "POST",
      url: "/api/links",
      payload: { link: "r1-r2", state: "up" },
    });
    expect(byId.json().link).toMatchObject({ up: true, silent: false });
    expect(lab.calls).toEqual(["link r1 r2 false true", "link r1 r2 true false"]);
    const badState = await a.inject({
      method: "POST",
      url: "/api/links",
      payload: { a: "r1", b: "r2", state: "sideways" },
    });
    expect(badState.statusCode).toBe(400);
    expect(badState.json().field).toBe("state");
    const noB = await a.inject({ method: "POST", url: "/api/links", payload: { a: "r1", state: "up" } });
    expect(noB.json()).toMatchObject({ field: "b" });
    const noLink = await a.inject({
      method: "POST",
      url: "/api/links",
      payload: { link: "x-y", state: "up" },
    });
    expect(noLink.statusCode).toBe(404);
  });

  it("POST /api/nodes/:node sets a node's state", async () => {
    const lab = scriptedLab();
    const a = await start(lab);
    const r = await a.inject({ method: "POST", url: "/api/nodes/r2", payload: { state: "down" } });
    expect(r.statusCode).toBe(200);
    expect(lab.calls).toEqual(["node r2 false"]);
    const bad = await a.inject({ method: "POST", url: "/api/nodes/r2", payload: {} });
    expect(bad.json().field).toBe("state");
  });

  it("GET/POST /api/clock: speed, pause, step (which pauses first), resume", async () => {
    const lab = scriptedLab(true);
    const a = await start(lab);
    expect((await a.inject({ method: "GET", url: "/api/clock" })).json()).toEqual({
      now: 0,
      speed: 1,
      paused: false,
      paced: true,
    });
    const s = await a.inject({ method: "POST", url: "/api/clock", payload: { speed: 0.25 } });
    expect(s.json()).toMatchObject({ speed: 0.25, paused: false });
    const st = await a.inject({ method: "POST", url: "/api/clock", payload: { step: "100ms" } });
    expect(st.json()).toMatchObject({ now: 100_000_000, paused: true });
    await a.inject({ method: "POST", url: "/api/clock", payload: { step: 5 } });
    await a.inject({ method: "POST", url: "/api/clock", payload: { paused: false } });
    expect(lab.calls).toEqual(["speed 0.25", "pause", "step 100000000", "step 5", "resume"]);
    const tooFast = await a.inject({ method: "POST", url: "/api/clock", payload: { speed: 1000 } });
    expect(tooFast.statusCode).toBe(400);
    expect(tooFast.json().field).toBe("speed");
    const badStep = await a.inject({ method: "POST", url: "/api/clock", payload: { step: "soon" } });
    expect(badStep.json()).toMatchObject({ field: "step" });
    const empty = await a.inject({ method: "POST", url: "/api/clock", payload: {} });
    expect(empty.statusCode).toBe(400);
  });

  it("on an unpaced lab only step works, advancing virtual time", async () => {
    const a = await start(scriptedLab());
    const st = await a.inject({ method: "POST", url: "/api/clock", payload: { step: "2s" } });
    expect(st.json()).toMatchObject({ now: 2e9, paced: false });
    const sp = await a.inject({ method: "POST", url: "/api/clock", payload: { speed: 2 } });
    expect(sp.statusCode).toBe(409);
    expect(sp.json().field).toBe("speed");
  });

  it("with an admin token, control needs it; view and exec stay open", async () => {
    const lab = scriptedLab(true);
    const a = await start(lab, { adminToken: "s3cret-admin-token" });
    const anon = await a.inject({
      method: "POST",
      url: "/api/links",
      payload: { a: "r1", b: "r2", state: "down" },
    });
    expect(anon.statusCode).toBe(401);
    expect(anon.json().error).toContain("token");
    const wrong = await a.inject({
      method: "POST",
      url: "/api/clock",
      headers: { authorization: "Bearer nope" },
      payload: { paused: true },
    });
    expect(wrong.statusCode).toBe(401);
    const right = await a.inject({
      method: "POST",
      url: "/api/nodes/r1",
      headers: { authorization: "Bearer s3cret-admin-token" },
      payload: { state: "down" },
    });
    expect(right.statusCode).toBe(200);
    expect((await a.inject({ method: "GET", url: "/api/topology" })).statusCode).toBe(200);
    const ex = await a.inject({
      method: "POST",
      url: "/api/exec",
      payload: { node: "r1", command: "echo ok" },
    });
    expect(ex.statusCode).toBe(200);
    const session = await a.inject({ method: "GET", url: "/api/session" });
    expect(session.json()).toEqual({
      user: null,
      role: "anonymous",
      control: false,
      color: null,
      logins: false,
      lesson: false,
      private: false,
    });
    const admin = await a.inject({
      method: "GET",
      url: "/api/session",
      headers: { authorization: "Bearer s3cret-admin-token" },
    });
    expect(admin.json()).toEqual({
      user: "admin",
      role: "instructor",
      control: true,
      color: null,
      logins: false,
      lesson: false,
      private: false,
    });
    expect(lab.calls).toEqual(["node r1 false", "exec r1 - echo ok"]);
  });

  it("unknown paths get a JSON 404; without a built page / explains how to build it", async () => {
    const a = await start(scriptedLab());
    const r = await a.inject({ method: "GET", url: "/api/nothing" });
    expect(r.statusCode).toBe(404);
    expect(r.json().code).toBe("not-found");
    const home = await a.inject({ method: "GET", url: "/" });
    expect(home.body).toContain("npm run build:web");
  });

  it("streams events over the WebSocket in batches", async () => {
    const lab = scriptedLab();
    const built = await buildApp({ lab, webRoot: "/nonexistent", fanout: { intervalMs: 10 } });
    app = built.app;
    await app.ready();
    built.fanout.start();
    const ws = await app.injectWS("/api/events");
    const got: unknown[] = [];
    const first = new Promise<void>((resolve) =>
      ws.on("message", (d) => {
        const m = JSON.parse(String(d));
        got.push(...m.events);
        if (got.length > 0) resolve();
      }),
    );
    await new Promise((r) => setTimeout(r, 30));
    lab.setLink("r1", "r2", false);
    await first;
    expect(got[0]).toMatchObject({ kind: "link", link: "r1-r2", state: "down" });
    ws.terminate();
  });

  it("serves every path and method docs/openapi.yaml describes", async () => {
    const a = await start(scriptedLab(true));
    const doc = parseYaml(
      readFileSync(join(import.meta.dirname, "..", "..", "..", "docs", "openapi.yaml"), "utf8"),
    );
    const paths = Object.entries(doc.paths as Record<string, Record<string, unknown>>);
    expect(paths.length).toBeGreaterThanOrEqual(7);
    for (const [path, methods] of paths) {
      if (path === "/api/events" || path === "/api/terminal") continue; // WebSockets: tested elsewhere
      for (const method of Object.keys(methods)) {
        const r = await a.inject({
          method: method.toUpperCase() as "GET" | "POST",
          url: path.replace("{node}", "r1"),
          payload: method === "post" ? {} : undefined,
        });
        expect(r.json().error ?? "", `${method} ${path}`).not.toContain("no such path");
      }
    }
  });

  it("serves the built page from webRoot only: no path escapes it, no dotfiles", async () => {
    const dir = mkdtempSync(join(tmpdir(), "routelab-web-"));
    const root = join(dir, "dist");
    mkdirSync(join(root, "assets"), { recursive: true });
    writeFileSync(join(root, "index.html"), "<!doctype html><title>page</title>");
    writeFileSync(join(root, "assets", "app.js"), "console.log(1)");
    writeFileSync(join(root, ".secret"), "DOTFILE-CONTENT");
    writeFileSync(join(dir, "outside.txt"), "OUTSIDE-CONTENT");
    const built = await buildApp({ lab: scriptedLab(), webRoot: root });
    app = built.app;
    expect((await app.inject({ method: "GET", url: "/" })).body).toContain("<title>page</title>");
    expect((await app.inject({ method: "GET", url: "/assets/app.js" })).statusCode).toBe(200);
    for (const url of [
      "/../outside.txt",
      "/%2e%2e/outside.txt",
      "/assets/..%2f..%2foutside.txt",
      "/.secret",
      "/..%5coutside.txt",
    ]) {
      const r = await app.inject({ method: "GET", url });
      expect(r.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(r.body, url).not.toMatch(/DOTFILE-CONTENT|OUTSIDE-CONTENT/);
    }
  });
});
