/**
 * System test: the browser edition (issue 9). `npm run build:static`'s site (dist-static/) is
 * served by a plain static file server (node:http, 127.0.0.1, any port: no API behind it)
 * and opened in Debian's chromium. The simulator runs in the page's Web Worker; what a visitor
 * does is checked end to end: open a topology file, run `ping -c 1 vm9` in the command box and
 * see its output and its dots on the map, type in the terminal, pick a lesson and see its
 * checks and schedule, rewind, and be told clearly when a file does not load.
 * Screenshots land in test-artifacts/.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, type Browser, launchChromium, ROOT, requireChromium, withTestHooks } from "./browser.js";
import { waitFor } from "./page.testkit.js";

const haveChromium = requireChromium();
const DIST = join(ROOT, "dist-static");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

/** A static file server and nothing else: any `/api/…` request is a 404 here. */
function serveStatic(dir: string): Promise<{ url: string; server: Server; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]!);
    hits.push(path);
    const rel = normalize(path === "/" ? "/index.html" : path).replace(/^(\.\.[/\\])+/, "");
    try {
      const body = readFileSync(join(dir, rel));
      res.writeHead(200, { "content-type": TYPES[extname(rel)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const addr = server.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      resolve({ url: `http://127.0.0.1:${port}`, server, hits });
    }),
  );
}

interface Hooks {
  nodes: number;
  links: number;
  hopsSeen: number;
  recentHops(): string[];
  dots(): { packet: number; link: string; cls: string; user: string }[];
}

describe.skipIf(!haveChromium)("the browser edition in chromium (dist-static, no server)", () => {
  let site: Awaited<ReturnType<typeof serveStatic>>;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  const hooks = <T>(fn: (h: Hooks) => T): Promise<T> =>
    page.evaluate(`(${fn.toString()})(window.__routelab)`) as Promise<T>;
  /** The page's own fetch: answered by the worker. */
  const api = (method: string, path: string, body?: unknown) =>
    page.evaluate(
      async ([m, p, b]) => {
        const init: RequestInit = { method: m as string };
        if (b !== undefined) {
          init.body = JSON.stringify(b);
          init.headers = { "content-type": "application/json" };
        }
        const r = await fetch(p as string, init);
        return { status: r.status, body: await r.json() };
      },
      [method, path, body] as const,
    );
  const until = (what: string, cond: () => Promise<boolean>, ms = 15000) => waitFor(what, cond, ms);
  const open = async (hash: string) => {
    await page.goto(withTestHooks(`${site.url}/${hash}`));
    await page.waitForSelector("body[data-ready]", { timeout: 20000 });
  };
  /** Runs the lab fast until vm4 has a route to vm9's subnet, then back to 1×. */
  const converge = async () => {
    await api("POST", "/api/clock", { speed: 100 });
    await until("RIP to converge", async () => {
      const r = await api("GET", "/api/nodes/vm4/routes");
      return r.body.routes.some((x: { dest: string }) => x.dest === "10.0.90.0/24");
    });
    await api("POST", "/api/clock", { speed: 1 });
  };

  beforeAll(async () => {
    execFileSync(
      process.execPath,
      [
        join(ROOT, "node_modules", "vite", "bin", "vite.js"),
        "build",
        "--config",
        "web/vite.static.config.ts",
        "--logLevel",
        "warn",
      ],
      { cwd: ROOT, stdio: "inherit" },
    );
    site = await serveStatic(DIST);
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => site?.server.close(r));
  });

  it("opens a topology file, pings from the command box: output and dots, all in the page", async () => {
    await open("");
    expect(await hooks((h) => h.nodes)).toBe(9); // the default example: the seed
    // The seed with 100 ms links, opened from a file as a visitor would (dots stay visible).
    const text = readFileSync(join(ROOT, "examples", "seed.yaml"), "utf8").replace(
      /delay: 1ms/,
      "delay: 100ms",
    );
    expect(text).toContain("delay: 100ms");
    await Promise.all([
      page.waitForEvent("load"),
      page.setInputFiles("#static-file", {
        name: "slow-seed.yaml",
        mimeType: "text/yaml",
        buffer: Buffer.from(text),
      }),
    ]);
    await page.waitForSelector("body[data-ready]", { timeout: 20000 });
    const topo = await api("GET", "/api/topology");
    expect(topo.status).toBe(200);
    expect(topo.body.engine).toBe("sim");
    expect(topo.body.links[0].delay).toBe(100e6);
    await converge();

    await page.selectOption("#cmd-node", "vm4");
    await page.fill("#cmd-line", "ping -c 1 vm9");
    // The dots are collected in the page on every frame: a dot crosses a 100 ms link in about
    // six frames, fewer than a poll from here sees on a busy machine.
    await page.evaluate(() => {
      const w = window as unknown as { __routelab: Hooks; __echoDots: Set<string> };
      w.__echoDots = new Set();
      const collect = () => {
        for (const d of w.__routelab.dots())
          if (d.cls.startsWith("echo")) w.__echoDots.add(`${d.link}:${d.cls}`);
        requestAnimationFrame(collect);
      };
      requestAnimationFrame(collect);
    });
    const seenDots = () =>
      page.evaluate(() => [...(window as unknown as { __echoDots: Set<string> }).__echoDots]);
    await page.click("#cmd-form button[type=submit]");
    // Every hop the map took in (each becomes a dot); on a loaded machine a 100 ms flight can
    // fall between two frames, so the frames' dots are only asked to show the ping at all.
    const hops = () => hooks((h) => h.recentHops());
    await until("the ping's hops on the map", async () => (await hops()).includes("vm3-vm9:echo-reply"));
    await until("a dot of the ping", async () => (await seenDots()).length > 0);
    await until("the ping's output", async () =>
      (await page.textContent("#cmd-output"))!.includes("1 packets received"),
    );
    const out = (await page.textContent("#cmd-output"))!;
    expect(out).toContain("root@vm4$ ping -c 1 vm9");
    expect(out).toMatch(/64 bytes from 10\.0\.90\.2: icmp_seq=0 ttl=62 time=6\d\d\.\d+ ms/);
    expect(await hops()).toEqual(
      expect.arrayContaining(["vm1-vm4:echo-request", "vm1-vm3:echo-request", "vm3-vm9:echo-reply"]),
    );
    await page.screenshot({ path: join(ARTIFACTS, "static-ping.png") });
    // Nothing asked a server for /api/…: the static server saw only the site's files.
    expect(site.hits.filter((p) => p.startsWith("/api/"))).toEqual([]);
  }, 60_000);

  it("has a terminal: the shell an SSH login gets, running in the worker", async () => {
    await page.selectOption("#cmd-node", "vm6");
    await page.click("#static-terminal");
    await page.waitForSelector("#term-drawer .xterm");
    const screen = () => page.textContent("#term-drawer .xterm-rows");
    await until("the prompt", async () => (await screen())!.includes("vm6# "));
    await page.click("#term-drawer .xterm");
    await page.keyboard.type("ping -c 1 vm9\r");
    await until("ping's output in the terminal", async () =>
      (await screen())!.includes("1 packets received"),
    );
    await page.keyboard.type("ssh vm9\r");
    await until("the hop to vm9", async () => (await screen())!.includes("vm9# "));
    await page.screenshot({ path: join(ARTIFACTS, "static-terminal.png") });
    await page.click("#term-drawer header button");
  }, 60_000);

  it("picks a lesson: its checks live, its schedule on the timeline, rewind", async () => {
    await Promise.all([page.waitForEvent("load"), page.selectOption("#static-example", "seed-class")]);
    expect(page.url()).toMatch(/#example=seed-class$/);
    await page.waitForSelector("body[data-ready]", { timeout: 20000 });
    expect(await page.textContent("#title")).toBe("routelab · seed-class");
    await page.waitForSelector("#checks-panel li.check");
    const checks = await page.$$eval("#checks-panel li.check", (li) =>
      li.map((l) => [(l as HTMLElement).dataset.id, (l as HTMLElement).dataset.status]),
    );
    expect(checks).toHaveLength(9);
    expect(checks[0]).toEqual(["c1", "pending"]); // judged at 2m
    // Alice has not pinged yet: not yet due (judged at the end), not failed (issue 16).
    expect(checks.find((c) => c[0] === "c7:alice")?.[1] ?? checks.find((c) => c[0] === "c7")?.[1]).toBe(
      "pending",
    );
    const mark = await page.getAttribute("#timeline .tl-mark.sched", "title");
    expect(mark).toBe("3:00 link vm2–vm3 down");
    expect(await page.getAttribute("#timeline .tl-mark.sched", "class")).toContain("upcoming");

    // Play past the cut at 100×, then watch the timeline and the checks follow.
    await api("POST", "/api/clock", { speed: 100 });
    await until("the cut at 3m", async () => (await api("GET", "/api/clock")).body.now > 190e9, 20000);
    await api("POST", "/api/clock", { paused: true });
    await until("the schedule mark done", async () =>
      (await page.getAttribute("#timeline .tl-mark.sched", "class"))!.includes("done"),
    );
    await until(
      "c1 judged",
      async () => (await page.getAttribute('#checks-panel li[data-id="c1"]', "data-status")) === "pass",
    );
    const cut = (await api("GET", "/api/topology")).body.links.find(
      (l: { id: string }) => l.id === "vm2-vm3",
    );
    expect(cut.up).toBe(false);

    // ← steps back 10 s; a rewind to 1m brings the link back, on the page too.
    const before = (await api("GET", "/api/clock")).body.now;
    await page.click("#view", { position: { x: 5, y: 5 } });
    await page.keyboard.press("ArrowLeft");
    await until(
      "← rewound 10 s",
      async () => (await api("GET", "/api/clock")).body.now === Math.max(0, before - 10e9),
    );
    // Each rewind is marked in the log (two within one 50 ms batch would show as one).
    await until(
      "the first rewind in the event log",
      async () => (await page.$$("#log li.rewind")).length === 1,
    );
    expect((await api("POST", "/api/clock/rewind", { t: "1m" })).body.now).toBe(60e9);
    await until("the rewind in the event log", async () => (await page.$$("#log li.rewind")).length >= 2);
    const link = (await api("GET", "/api/topology")).body.links.find(
      (l: { id: string }) => l.id === "vm2-vm3",
    );
    expect(link.up).toBe(true);
    await until("the schedule mark upcoming again", async () =>
      (await page.getAttribute("#timeline .tl-mark.sched", "class"))!.includes("upcoming"),
    );
    await page.screenshot({ path: join(ARTIFACTS, "static-lesson.png") });
  }, 90_000);

  it("a file that does not load says where and why, and the seed is shown instead", async () => {
    const bad = "name: broken\nnodes:\n  a:\nlinks:\n  - {endpoints: [a, zz], subnet: 10.0.1.0/24}\n";
    await Promise.all([
      page.waitForEvent("load"),
      page.setInputFiles("#static-file", {
        name: "broken.yaml",
        mimeType: "text/yaml",
        buffer: Buffer.from(bad),
      }),
    ]);
    await page.waitForSelector("#static-error", { timeout: 20000 });
    const text = (await page.textContent("#static-error pre"))!;
    expect(text).toContain("broken.yaml:5:21: links[0].endpoints[1]: unknown node 'zz'");
    await page.waitForSelector("body[data-ready]");
    expect(await hooks((h) => h.nodes)).toBe(9);
  }, 60_000);

  it("boots every bundled example from its link: the seed and the three lessons with their checks", async () => {
    const expected: Record<string, { name: string; checks: number }> = {
      seed: { name: "seed", checks: 0 },
      "seed-class": { name: "seed-class", checks: 9 },
      "count-to-infinity": { name: "count-to-infinity", checks: -1 },
      "static-routes": { name: "static-routes", checks: -1 },
    };
    for (const [id, want] of Object.entries(expected)) {
      // A new query string makes it a new document (a hash alone would not reload).
      await page.goto(withTestHooks(`${site.url}/?e=${id}#example=${id}`));
      await page.waitForSelector("body[data-ready]", { timeout: 20000 });
      const topo = (await api("GET", "/api/topology")).body;
      expect(topo.name, id).toBe(want.name);
      const lesson = (await api("GET", "/api/lesson")).body;
      if (want.checks === 0) expect(lesson.checks, id).toEqual([]);
      else {
        if (want.checks > 0) expect(lesson.checks, id).toHaveLength(want.checks);
        expect(lesson.checks.length, id).toBeGreaterThan(0);
        await page.waitForSelector("#checks-panel li.check");
        expect(await page.$$eval("#checks-panel li.check", (l) => l.length), id).toBe(lesson.checks.length);
      }
      expect(await page.$eval("#static-example", (s) => (s as HTMLSelectElement).value)).toBe(id);
    }
  }, 60_000);

  it("left nothing unexplained in the console", () => {
    expect(problems).toEqual([]);
  });
});
