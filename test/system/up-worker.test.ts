/**
 * `routelab up --sim-thread worker` (issue 23): the simulator runs in a worker thread and the
 * server answers from the main thread. What a user gets must not change: the same script of
 * API calls — a paused lab rewound to 0, stepped, a ping run, a link and a node taken down, the
 * tables, the journal, the counters, a packet's frames and the event stream — gives the same
 * answers, byte for byte, with the simulation on the main thread and in the worker (same
 * topology, seed and inputs ⇒ same output). SIGTERM ends both cleanly and frees the port; a
 * worker out of memory stops `routelab up` with a message, not a hang or a stack trace.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { describeWorker } from "../../bench/loop-report.js";
import type { LoopReport } from "../../src/server/loop-watch.js";
import { requireChromium } from "./browser.js";
import { closeAll, openPage, waitFor } from "./page.testkit.js";
import { startUp, type UpProcess } from "./up-process.js";

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "routelab.js");
const TOKEN = "worker-test-admin-token";
const dir = mkdtempSync(join(tmpdir(), "routelab-up-worker-"));
const running: UpProcess[] = [];
afterAll(async () => {
  for (const r of running) await r.stop();
  rmSync(dir, { recursive: true, force: true });
});

let labs = 0;

/** `routelab up` on the seed, in a state directory of its own (so it prints a first login's password). */
function up(thread: "main" | "worker", env: NodeJS.ProcessEnv = {}): Promise<UpProcess> {
  const args = [BIN, "up", join(ROOT, "examples", "seed.yaml"), "--http", "0", "--no-ssh"];
  args.push("--state", join(dir, `${thread}-${++labs}`), "--sim-thread", thread);
  return startUp(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, ROUTELAB_ADMIN_TOKEN: TOKEN, ...env },
  });
}

async function api(url: string, path: string, body?: unknown): Promise<unknown> {
  const r = await fetch(new URL(path, url), {
    method: body === undefined ? "GET" : "POST",
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: r.status, body: await r.json() };
}

interface Batch {
  clock: { now: number };
  events: { kind: string; t: number; packet?: number; cls?: string }[];
}

/** The script, and everything it saw. */
async function script(url: string): Promise<Record<string, unknown>> {
  const seen: Record<string, unknown> = {};
  await api(url, "/api/clock", { paused: true });
  // The horizon it answers is where the clock was paused: wall time, so left out.
  const rewound = (await api(url, "/api/clock/rewind", { t: 0 })) as {
    status: number;
    body: { now: number };
  };
  seen.rewind = [rewound.status, rewound.body.now];
  const batches: Batch[] = [];
  const ws = new WebSocket(new URL("/api/events", url.replace("http:", "ws:")));
  ws.on("message", (d) => batches.push(JSON.parse(String(d)) as Batch));
  await new Promise((r) => ws.once("open", r));
  seen.step1 = await api(url, "/api/clock", { step: "30s" });
  seen.routes1 = await api(url, "/api/nodes/vm1/routes");
  // A ping started while paused: it runs once the clock steps on (after the lab has it).
  const ping = api(url, "/api/exec", { node: "vm1", command: "ping -c 2 vm6" });
  for (let i = 0; i < 200; i++) {
    const j = (await api(url, "/api/lesson/journal")) as { body: { entries: unknown[] } };
    if (j.body.entries.length > 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  seen.step2 = await api(url, "/api/clock", { step: "5s" });
  seen.ping = await ping;
  seen.unknownNode = await api(url, "/api/nodes/nope/routes");
  seen.linkDown = await api(url, "/api/links", { a: "vm1", b: "vm2", state: "down" });
  seen.nodeDown = await api(url, "/api/nodes/vm3", { state: "down" });
  seen.step3 = await api(url, "/api/clock", { step: "40s" });
  seen.routes2 = await api(url, "/api/nodes/vm1/routes");
  seen.topology = await api(url, "/api/topology");
  seen.journal = await api(url, "/api/lesson/journal");
  seen.lesson = await api(url, "/api/lesson");
  seen.stats = await api(url, "/api/stats");
  // Every event up to the clock's end (a clock-only batch says the stream got there).
  const end = (seen.step3 as { body: { now: number } }).body.now;
  for (let i = 0; i < 200 && !batches.some((b) => b.clock.now >= end); i++)
    await new Promise((r) => setTimeout(r, 50));
  ws.close();
  const events = batches.flatMap((b) => b.events);
  seen.events = events;
  const echo = events.filter((e) => e.kind === "hop" && e.cls === "echo-request").at(-1);
  seen.packet = echo ? await api(url, `/api/packets/${echo.packet}`) : "no echo request seen";
  // Past the journal's burst (30 inputs a person) the lab refuses a command: in process its
  // exec throws, from the worker its answer says so; the API answers the same either way.
  // One after the other: at most 4 commands of a person run at once, and from the worker a
  // command ends a message later than in process, so a burst of parallel ones would meet that cap.
  const many: unknown[] = [];
  for (let i = 0; i < 40; i++) many.push(await api(url, "/api/exec", { node: "vm2", command: "hostname" }));
  seen.refusals = [...new Set(many.map((a) => JSON.stringify(a)))].sort();
  return seen;
}

describe("routelab up --sim-thread worker", () => {
  it("answers the same script as the main thread does, byte for byte", async () => {
    const seen: Record<string, Record<string, unknown>> = {};
    for (const thread of ["main", "worker"] as const) {
      const r = await up(thread);
      running.push(r);
      seen[thread] = await script(r.url);
      expect(await r.stop()).toBe(0);
      running.pop();
    }
    const main = seen.main!;
    const worker = seen.worker!;
    // The script did what it says (so the comparison compares something).
    expect(JSON.stringify(main.ping)).toContain("2 packets received");
    expect((main.routes2 as { body: { routes: unknown[] } }).body.routes.length).toBeGreaterThan(3);
    expect((main.unknownNode as { status: number }).status).toBe(404);
    expect((main.events as unknown[]).length).toBeGreaterThan(100);
    expect((main.packet as { status: number }).status).toBe(200);
    expect(main.refusals).toHaveLength(2);
    expect(String(main.refusals)).toContain('"status":429');
    for (const k of Object.keys(main)) expect.soft(worker[k], k).toEqual(main[k]);
  }, 180_000);

  it("runs a web terminal's commands, hops and controls in the worker", async () => {
    const r = await up("worker");
    running.push(r);
    const login = (await (
      await fetch(new URL("/api/login", r.url), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ user: "instructor", password: r.password }),
      })
    ).json()) as { token: string };
    const ws = new WebSocket(new URL("/api/terminal?node=vm1", r.url.replace("http:", "ws:")), {
      headers: { authorization: `Bearer ${login.token}` },
    });
    let screen = "";
    ws.on("message", (d) => {
      const m = JSON.parse(String(d)) as { type: string; data?: string };
      if (m.type === "output") screen += m.data;
    });
    await new Promise((res, rej) => {
      ws.once("open", res);
      ws.once("error", rej);
    });
    const typed = async (line: string, expected: RegExp) => {
      const from = screen.length;
      ws.send(JSON.stringify({ type: "input", data: `${line}\r` }));
      for (let i = 0; i < 600 && !expected.test(screen.slice(from)); i++)
        await new Promise((res) => setTimeout(res, 50));
      expect(screen.slice(from)).toMatch(expected);
    };
    await typed("hostname", /vm1/);
    await typed("ping -c 1 vm2", /1 packets received/);
    await typed("ssh vm2", /@vm2/);
    await typed("hostname", /vm2\r\n/);
    await typed("exit", /Connection to .* closed/);
    await typed("link down vm1 vm2", /link vm1-vm2 down/);
    await typed("clock pause", /paused/);
    await typed("nosuchcommand", /not found/);
    ws.close();
    expect(await r.stop()).toBe(0);
    running.pop();
  }, 90_000);

  it("ends the worker and frees the port on SIGTERM", async () => {
    const r = await up("worker");
    running.push(r);
    const port = Number(new URL(r.url).port);
    expect(((await api(r.url, "/api/clock")) as { status: number }).status).toBe(200);
    expect(await r.stop()).toBe(0);
    running.pop();
    expect(r.stdout()).toContain("routelab: shutting down");
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(false);
      });
      s.once("error", () => resolve(true));
    });
    expect(refused).toBe(true);
  }, 60_000);

  it("reports the worker's loop delay, GC, CPU and work beside the server's (ROUTELAB_LOOP_WATCH)", async () => {
    const report = async (thread: "main" | "worker"): Promise<LoopReport> => {
      const file = join(dir, `loop-${thread}.json`);
      const r = await up(thread, { ROUTELAB_LOOP_WATCH: file });
      running.push(r);
      // Work for the simulation's thread: 1× for a while with a viewer, then 300 s stepped at once.
      const ws = new WebSocket(new URL("/api/events", r.url.replace("http:", "ws:")));
      await new Promise((resolve) => ws.once("open", resolve));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      ws.close();
      await api(r.url, "/api/clock", { paused: true });
      await api(r.url, "/api/clock", { step: "300s" });
      expect(await r.stop()).toBe(0);
      running.pop();
      return JSON.parse(readFileSync(file, "utf8")) as LoopReport;
    };
    const onMain = await report("main");
    expect(onMain.worker).toBeUndefined();
    expect(onMain.sim.slices).toBeGreaterThan(0);
    const inWorker = await report("worker");
    // The server's thread ran no slice of the simulation; the worker's figures say what it did.
    expect(inWorker.sim.slices).toBe(0);
    const w = inWorker.worker!;
    expect(w).toBeDefined();
    expect(w.sim.slices).toBeGreaterThan(0);
    expect(w.sim.ms).toBeGreaterThan(0);
    expect(w.flush.flushes).toBeGreaterThan(0);
    expect(w.seconds).toBeGreaterThan(1);
    expect(w.loopDelayMs.max).toBeGreaterThanOrEqual(w.loopDelayMs.p99);
    expect(w.loopDelayMs.p50).toBeGreaterThan(0);
    expect(w.gc.pauses).toBeGreaterThanOrEqual(0);
    // Linux: each thread's own CPU (the 300 s step ran in the worker, not on the server's thread).
    expect(w.cpuMs).toBeGreaterThan(0);
    expect(inWorker.cpuMs).toBeGreaterThanOrEqual(0);
    expect(describeWorker(w)[0]).toMatch(
      /^ {2}simulation's worker \(its thread's CPU \d+ ms\): event-loop delay p50/,
    );
  }, 90_000);

  it("says so and exits 1 when the simulation runs out of memory", async () => {
    const r = up("worker", { ROUTELAB_SIM_HEAP_MB: "4" });
    await expect(r).rejects.toThrow(
      /exited \(1\) before its banner: routelab: the simulation ran out of memory/,
    );
  }, 60_000);

  it("refuses a heap limit that is not a whole number of MiB, naming the variable", async () => {
    for (const bad of ["abc", "0", "-5", "1.5"])
      await expect(up("worker", { ROUTELAB_SIM_HEAP_MB: bad })).rejects.toThrow(
        `exited (1) before its banner: routelab: ROUTELAB_SIM_HEAP_MB=${JSON.stringify(bad)}: the worker's heap limit is a whole number of MiB`,
      );
  }, 60_000);
});

interface Hooks {
  nodes: number;
  links: number;
  batches: number;
  dots(): unknown[];
}

describe.skipIf(!requireChromium())("the page on routelab up --sim-thread worker, in chromium", () => {
  it("draws the 9 routers and 9 links and the packets of the worker's stream, without a console error", async () => {
    const r = await up("worker");
    running.push(r);
    const problems: string[] = [];
    const { browser, page } = await openPage(r.url, problems);
    try {
      const hooks = <T>(f: (h: Hooks) => T) =>
        page.evaluate(`(${f.toString()})(window.__routelab)`) as Promise<T>;
      expect(await hooks((h) => [h.nodes, h.links])).toEqual([9, 9]);
      await waitFor("the event stream", async () => (await hooks((h) => h.batches)) > 2, 20_000);
      await waitFor("a packet on the map", async () => (await hooks((h) => h.dots().length)) > 0, 60_000);
      expect(problems).toEqual([]);
    } finally {
      await closeAll(browser);
      expect(await r.stop()).toBe(0);
      running.pop();
    }
  }, 120_000);
});
