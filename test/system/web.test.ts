/**
 * System test: the live page in a real browser (Debian's chromium via playwright-core) against
 * `createServer` on a paced seed lab. It checks what a person in the classroom sees: 9
 * routers, the map refitted to the window at every size (a phone turned too; a view the person
 * moved keeps its centre), dots moving along the links while a ping runs, a link taken down
 * from its menu changing the routing table panel, and the clock controls acting on the
 * server's clock. Screenshots land in test-artifacts/ (mid-animation among them).
 *
 * The seed's links get 100 ms of delay here (1 ms in the example file), so that each hop's dot
 * is on screen for a few frames at 1× and its motion can be measured.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MS } from "../../src/core/time.js";
import { createServer, type RunningServer } from "../../src/server/index.js";
import { ARTIFACTS, type Browser, requireChromium, takeFromLinkMenu, withTestHooks } from "./browser.js";
import { closeAll, openPage, pacedSimLab, willReadFrequently, waitFor } from "./page.testkit.js";

const haveChromium = requireChromium();

interface Hooks {
  nodes: number;
  links: number;
  hopsSeen: number;
  flying: number;
  batches: number;
  routeRenders: number;
  stats: { frames: number; dotsDrawn: number };
  nodePoint(n: string): [number, number] | null;
  fit(): void;
  linkPoint(id: string, frac?: number): [number, number] | null;
  dots(): { packet: number; link: string; x: number; y: number; cls: string; user: string }[];
}

function seedLab() {
  return pacedSimLab("seed.yaml", 7, {
    topo: (topo) => {
      for (const l of topo.links) l.delay = 100 * MS;
    },
  });
}

describe.skipIf(!haveChromium)("the page in chromium", () => {
  let server: RunningServer;
  let lab: ReturnType<typeof seedLab>;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  const hooks = <T>(fn: (h: Hooks) => T): Promise<T> =>
    page.evaluate(`(${fn.toString()})(window.__routelab)`) as Promise<T>;
  const api = async (method: string, path: string, body?: unknown) => {
    const init: RequestInit = { method, headers: body ? { "content-type": "application/json" } : {} };
    if (body) init.body = JSON.stringify(body);
    const r = await fetch(server.url + path, init);
    return r.json();
  };
  /** The routes panel, one line per row, cells separated by a space. */
  const tableText = () =>
    page.$$eval("#routes-table tbody tr", (rows) =>
      rows
        .map((r) =>
          Array.from((r as HTMLTableRowElement).cells)
            .map((c) => c.textContent)
            .join(" "),
        )
        .join("\n"),
    );
  const until = (what: string, cond: () => Promise<boolean>, ms = 8000) => waitFor(what, cond, ms);

  beforeAll(async () => {
    lab = seedLab();
    // Converge RIP quickly (100×), then show it at 1×.
    lab.pacer!.setSpeed(100);
    const full = () =>
      lab.nodes().every((n) => lab.routes(n.name).filter((r) => r.dest.endsWith("/24")).length === 9);
    await until("RIP to converge", async () => full(), 20_000);
    lab.pacer!.setSpeed(1);
    server = await createServer({ lab, port: 0 });
    // The test's own pixel reads (getImageData, retried on a busy machine) make chromium
    // suggest a canvas flag: not the page's problem.
    ({ browser, page } = await openPage(server.url, problems, { ignoreConsole: willReadFrequently }));
  });

  afterAll(() => closeAll(browser, server, lab));

  it("loads without console errors and shows the 9 routers and 9 links", async () => {
    expect(await hooks((h) => [h.nodes, h.links])).toEqual([9, 9]);
    await until("the event stream", async () => (await hooks((h) => h.batches)) > 0);
    await page.screenshot({ path: join(ARTIFACTS, "web-seed.png") });
    expect(problems).toEqual([]);
  });

  it("refits the map when the window is resized or a phone turned; a view the person moved keeps its centre", async () => {
    /** The routers' extent and the map's box, in the map's own pixels. */
    const extent = () =>
      page.evaluate(() => {
        const h = (window as unknown as { __routelab: Hooks }).__routelab;
        const c = document.getElementById("view")!.getBoundingClientRect();
        const pts = ["vm1", "vm2", "vm3", "vm4", "vm5", "vm6", "vm7", "vm8", "vm9"].map(
          (n) => h.nodePoint(n)!,
        );
        const xs = pts.map((p) => p[0] - c.left);
        const ys = pts.map((p) => p[1] - c.top);
        // The page fits the network into the room the legend leaves (below it on phones, where
        // it sits on top; above it otherwise): that room is what the network must fill.
        const l = document.getElementById("legend")!.getBoundingClientRect();
        const onTop = l.top + l.height / 2 < c.top + c.height / 2;
        return {
          w: c.width,
          h: c.height,
          roomTop: onTop ? Math.max(0, l.bottom - c.top) : 0,
          roomBottom: onTop ? c.height : Math.min(c.height, l.top - c.top),
          x0: Math.min(...xs),
          x1: Math.max(...xs),
          y0: Math.min(...ys),
          y1: Math.max(...ys),
        };
      });
    type Extent = Awaited<ReturnType<typeof extent>>;
    /**
     * Every router inside the map with room for its circle, the network filling the room the
     * legend leaves and centred across.
     */
    const fitted = (e: Extent) =>
      e.x0 >= 20 &&
      e.y0 >= e.roomTop + 20 &&
      e.x1 <= e.w - 20 &&
      e.y1 <= e.roomBottom - 20 &&
      ((e.x1 - e.x0) / e.w >= 0.6 || (e.y1 - e.y0) / (e.roomBottom - e.roomTop) >= 0.5) &&
      Math.abs((e.x0 + e.x1) / 2 - e.w / 2) < 0.05 * e.w;
    const sizes: [string, number, number][] = [
      ["wide", 1400, 850],
      ["small", 760, 560],
      ["phone-portrait", 400, 860],
      ["phone-landscape", 860, 400],
      ["wide-again", 1400, 850],
    ];
    let last: Extent | undefined;
    for (const [name, width, height] of sizes) {
      await page.setViewportSize({ width, height });
      await until(`the map to fit the ${name} window`, async () => {
        last = await extent();
        return fitted(last);
      });
      await page.screenshot({ path: join(ARTIFACTS, `web-resize-${name}.png`) });
    }
    // The person drags the map: a resize then keeps their view, centred, instead of refitting.
    const c = (await page.locator("#view").boundingBox())!;
    await page.mouse.move(c.x + 30, c.y + 30);
    await page.mouse.down();
    await page.mouse.move(c.x + 90, c.y + 70, { steps: 5 });
    await page.mouse.up();
    const before = await extent();
    expect(before.x0).toBeCloseTo(last!.x0 + 60, 0);
    await page.setViewportSize({ width: 1200, height: 850 });
    // The map's box is narrower: the view moves by half the difference, at the same scale.
    const kept = (a: Extent) => {
      const [dx, dy] = [(a.w - before.w) / 2, (a.h - before.h) / 2];
      return (
        a.w < before.w &&
        Math.abs(a.x0 - (before.x0 + dx)) < 1 &&
        Math.abs(a.x1 - (before.x1 + dx)) < 1 &&
        Math.abs(a.y0 - (before.y0 + dy)) < 1 &&
        Math.abs(a.y1 - (before.y1 + dy)) < 1
      );
    };
    let after = before;
    await until("the view to keep its centre", async () => {
      after = await extent();
      return kept(after);
    }).catch((e) => {
      throw new Error(`${e.message}: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
    });
    expect(fitted(after)).toBe(false); // not refitted: the person's view stays
    await page.setViewportSize({ width: 1400, height: 850 });
    await hooks((h) => h.fit()); // as it was, for the tests below
    await until("the map to fit again", async () => fitted(await extent()));
    expect(problems).toEqual([]);
  });

  it("a ping through the API puts moving dots on the links", async () => {
    // At 0.25× each 100 ms hop takes 400 ms on screen: long enough to see a dot twice even
    // on a busy CI machine.
    lab.pacer!.setSpeed(0.25);
    const ping = api("POST", "/api/exec", { node: "vm1", command: "ping -c 2 vm6", user: "alice" });
    // RIP updates fly too; look for alice's ping.
    const alice = (h: Hooks) => h.dots().filter((d) => d.user === "alice");
    await until("a dot of alice's in flight", async () => (await hooks(alice)).length > 0);
    const first = await hooks(alice);
    expect(["echo-request", "echo-reply"]).toContain(first[0]!.cls);
    // The same packet seen in two frames a little apart has moved along its link.
    let moved = false;
    let a = first;
    let b = first;
    await until("a dot to move", async () => {
      await page.waitForTimeout(30);
      b = await hooks(alice);
      moved = a.some((d) =>
        b.some((e) => e.packet === d.packet && e.link === d.link && Math.hypot(e.x - d.x, e.y - d.y) > 2),
      );
      a = b;
      return moved && b.length > 0;
    });
    await page.screenshot({ path: join(ARTIFACTS, "web-ping-mid-animation.png") });
    // It is really drawn: the pixel under a dot is neither background nor link grey. Dots and
    // pixels are read in one task (no frame in between), and retried, since a dot may land
    // between two reads on a loaded machine.
    let drawn = false;
    await until("a dot's pixel to be drawn", async () => {
      const px = await page.evaluate(() => {
        const h = (window as unknown as { __routelab: Hooks }).__routelab;
        const dot = h.dots().find((d) => d.user === "alice");
        if (!dot) return null;
        const c = document.getElementById("view") as HTMLCanvasElement;
        const r = c.getBoundingClientRect();
        const k = c.width / r.width;
        return Array.from(
          c.getContext("2d")!.getImageData((dot.x - r.left) * k, (dot.y - r.top) * k, 1, 1).data,
        );
      });
      drawn = px !== null && !(px[0] === 11 && px[1] === 15 && px[2] === 20);
      return drawn;
    });
    expect(drawn).toBe(true);
    const result = await ping;
    expect(result.exit).toBe(0);
    expect(result.output).toContain("2 packets transmitted, 2 packets received");
    expect(await hooks((h) => h.hopsSeen)).toBeGreaterThanOrEqual(8);
    lab.pacer!.setSpeed(1);
    expect(problems).toEqual([]);
  });

  it("clicking a router shows its table; taking a link down from its menu changes it", async () => {
    const at = (await hooks((h) => h.nodePoint("vm1")))!;
    await page.mouse.click(at[0], at[1]);
    await page.waitForSelector("#routes-panel:not([hidden])");
    await until("the routing table", async () => (await page.locator("#routes-table tbody tr").count()) > 0);
    const before = await tableText();
    expect(before).toMatch(/10\.0\.10\.0\/24\s+link#\d+\s+U\s+epair0a/);

    await takeFromLinkMenu(page, "vm1-vm2", "down", async () => {
      await page.screenshot({ path: join(ARTIFACTS, "web-link-menu.png") });
    });

    await until("the link to go down on the server", async () => {
      const topo = await api("GET", "/api/topology");
      return topo.links.find((l: { id: string }) => l.id === "vm1-vm2").up === false;
    });
    // vm1's connected route on epair0a goes with the interface; the panel follows.
    await until("the routes panel to change", async () => (await tableText()) !== before);
    const after = await tableText();
    expect(after).not.toMatch(/10\.0\.10\.0\/24\s+link#\d+\s+U\s+epair0a/);
    await page.screenshot({ path: join(ARTIFACTS, "web-link-down.png") });

    await takeFromLinkMenu(page, "vm1-vm2", "up");
    await until("the link to come back", async () => {
      const topo = await api("GET", "/api/topology");
      return topo.links.find((l: { id: string }) => l.id === "vm1-vm2").up === true;
    });
    expect(problems).toEqual([]);
  });

  it("the clock controls pause, step and change the speed of the server's clock", async () => {
    await page.click("#pause");
    await until("pause", async () => (await api("GET", "/api/clock")).paused === true);
    const t0 = (await api("GET", "/api/clock")).now;
    await page.selectOption("#step-size", "100ms");
    await page.click("#step");
    await until("a step", async () => (await api("GET", "/api/clock")).now === t0 + 100 * MS);
    expect(await page.locator("#pause").textContent()).toContain("resume");

    // The slider is logarithmic from 0.05× to 100×; its middle is 0.05 × 2000^0.5 ≈ 2.2×.
    await page.locator("#speed").fill("500");
    await page.locator("#speed").dispatchEvent("change");
    await until("the new speed", async () => Math.abs((await api("GET", "/api/clock")).speed - 2.2) < 0.01);
    expect(await page.locator("#speed-value").textContent()).toBe("2.2×");

    await page.click("#pause");
    await until("resume", async () => (await api("GET", "/api/clock")).paused === false);
    await page.screenshot({ path: join(ARTIFACTS, "web-clock.png") });
    expect(problems).toEqual([]);
  });

  it("with --admin-token, hides the controls until the instructor's token is given", async () => {
    const guarded = await createServer({ lab, port: 0, adminToken: "s3cret-admin-token" });
    const p2 = await browser.context.newPage();
    try {
      await p2.goto(withTestHooks(guarded.url));
      await p2.waitForSelector("body[data-ready='1']");
      expect(await p2.evaluate(() => document.body.classList.contains("no-control"))).toBe(true);
      expect(await p2.locator("#pause").isVisible()).toBe(false);
      // A link click still offers the menu, but the server refuses without the token.
      await takeFromLinkMenu(p2, "vm3-vm8", "down");
      await p2.waitForFunction(() => document.getElementById("status")!.textContent!.includes("token"));
      expect(lab.links().find((l) => l.id === "vm3-vm8")!.up).toBe(true);
      // The instructor enters the token: controls appear and work.
      p2.once("dialog", (d) => void d.accept("s3cret-admin-token"));
      await p2.click("#token");
      await p2.waitForFunction(() => !document.body.classList.contains("no-control"));
      expect(await p2.locator("#pause").isVisible()).toBe(true);
      // The header grew by the controls, so the map moved (takeFromLinkMenu asks where the
      // link is now).
      await takeFromLinkMenu(p2, "vm3-vm8", "down");
      await until(
        "the link to go down",
        async () => lab.links().find((l) => l.id === "vm3-vm8")!.up === false,
      );
      await p2.screenshot({ path: join(ARTIFACTS, "web-instructor.png") });
      lab.setLink("vm3", "vm8", true);
    } finally {
      await p2.close();
      await guarded.close();
    }
    expect(problems).toEqual([]);
  });

  it("installs its test hooks only when the address asks for them (?test-hooks)", async () => {
    const plain = await browser.context.newPage();
    try {
      await plain.goto(server.url);
      await plain.waitForSelector("body[data-ready='1']", { timeout: 10_000 });
      expect(await plain.evaluate(() => typeof (window as { __routelab?: unknown }).__routelab)).toBe(
        "undefined",
      );
      expect(await page.evaluate(() => typeof (window as { __routelab?: unknown }).__routelab)).toBe(
        "object",
      );
    } finally {
      await plain.close();
    }
  });

  it("runs a command from the command box", async () => {
    await page.selectOption("#cmd-node", "vm4");
    await page.fill("#cmd-line", "traceroute -q 1 vm9");
    await page.click("#cmd-form button");
    await until(
      "traceroute output",
      async () => ((await page.locator("#cmd-output").textContent()) ?? "").includes("vm9 (10.0.90.2)"),
      15_000,
    );
    await page.screenshot({ path: join(ARTIFACTS, "web-command.png") });
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!haveChromium)("the frame-time benchmark", () => {
  it("measures frames with packets in flight (numbers are reported by the bench, not asserted)", async () => {
    const { measureWebFrameTime } = await import("./web-frametime.js");
    const r = await measureWebFrameTime({ topology: "seed", durationMs: 800, warmupMs: 800, pingers: 3 });
    expect(r.routers).toBe(9);
    expect(r.frames).toBeGreaterThan(0);
    expect(r.inFlight.max).toBeGreaterThan(0);
    expect(r.frameMs.p50).toBeGreaterThan(0);
  });
});
