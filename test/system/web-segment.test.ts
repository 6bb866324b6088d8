/**
 * System test (issue 19): the live page on a topology with segments and hosts
 * (examples/lan.yaml). The map does not draw a segment yet (another piece of issue 19): the
 * topology JSON lists each station's port as a link to the segment's name, which is no node,
 * and the page must still load, draw every router and host, and take the event stream — hops
 * to and from the switch included — without an error. Run under `flock /tmp/routelab-chromium.lock`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimLab } from "../../src/engines/sim/index.js";
import { createServer, type RunningServer } from "../../src/server/index.js";
import { loadTopologyText } from "../../src/topology/index.js";
import {
  type Browser,
  ensureWebBuilt,
  launchChromium,
  ROOT,
  requireChromium,
  withTestHooks,
} from "./browser.js";

const haveChromium = requireChromium();

describe.skipIf(!haveChromium)("the page on a LAN (segments and hosts)", () => {
  let server: RunningServer;
  let lab: ReturnType<typeof createSimLab>;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const hooks = <T>(fn: (h: { nodes: number; links: number; hopsSeen: number }) => T): Promise<T> =>
    page.evaluate(`(${fn.toString()})(window.__routelab)`) as Promise<T>;

  beforeAll(async () => {
    ensureWebBuilt();
    const file = join(ROOT, "examples", "lan.yaml");
    lab = createSimLab(loadTopologyText(readFileSync(file, "utf8"), file), {
      seed: 3,
      wallClock: {
        now: () => performance.now(),
        setTimer: (fn, ms) => setTimeout(fn, ms),
        clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      },
    });
    server = await createServer({ lab, port: 0 });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on("console", (m) => {
      if (m.text().includes("willReadFrequently")) return;
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    await page.goto(withTestHooks(server.url));
    await page.waitForSelector("body[data-ready='1']", { timeout: 10_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await lab?.close();
  });

  it("draws the 7 routers and hosts and the one router-to-router link, and takes the stream without errors", async () => {
    const topo = (await (await fetch(`${server.url}/api/topology`)).json()) as {
      nodes: { name: string }[];
      links: { id: string; b: { node: string } }[];
    };
    expect(topo.nodes.map((n) => n.name)).toEqual(["r1", "r2", "r3", "h1", "h2", "h3", "h4"]);
    expect(topo.links.filter((l) => l.b.node === "lan1").map((l) => l.id)).toEqual([
      "r1-lan1",
      "r2-lan1",
      "r3-lan1",
      "h1-lan1",
      "h2-lan1",
    ]);
    expect(await hooks((h) => [h.nodes, h.links])).toEqual([7, 1]);
    const x = lab.exec("h1", "ping -c 3 10.0.2.11");
    await x.done;
    const end = Date.now() + 8000;
    while (Date.now() < end && (await hooks((h) => h.hopsSeen)) === 0)
      await new Promise((r) => setTimeout(r, 50));
    expect(await hooks((h) => h.hopsSeen)).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});
