/**
 * System test (issue 21): the live page on the seed with `routing: ospf`. A click on a router
 * opens its OSPF panel beside the routing table — the SPF tree as vertex, parent(s) and cost,
 * and the database as `show ip ospf database` prints it — and strokes the tree's links on the
 * map; the legend has a row for OSPF packets (and none for RIP's, which no router runs), and
 * the routing switch says OSPF. After `link down vm1 vm2` the tree moves off that link.
 * Screenshots at 1920 and 1024 wide (vm1 selected, converged) go to test-artifacts/. Run under
 * `flock /tmp/routelab-chromium.lock`.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECOND } from "../../src/core/time.js";
import { createServer, type RunningServer } from "../../src/server/index.js";
import { ARTIFACTS, type Browser, requireChromium } from "./browser.js";
import { closeAll, openPage, pacedSimLab, willReadFrequently } from "./page.testkit.js";

const haveChromium = requireChromium();

describe.skipIf(!haveChromium)("the page on an OSPF network: LSDB and SPF tree on click", () => {
  let server: RunningServer;
  let lab: ReturnType<typeof pacedSimLab>;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  interface Hooks {
    ospfTree: string[] | null;
    nodePoint(name: string): [number, number] | null;
  }
  const hooks = <T>(fn: (h: Hooks) => T): Promise<T> =>
    page.evaluate(`(${fn.toString()})(window.__routelab)`) as Promise<T>;
  /** The tree's links as the API gives them (what the map must stroke). */
  const apiTree = async (node: string): Promise<string[]> => {
    const v = (await (await fetch(`${server.url}/api/nodes/${node}/ospf`)).json()) as {
      tree: { links: string[] }[];
    };
    return [...new Set(v.tree.flatMap((e) => e.links))].sort();
  };

  beforeAll(async () => {
    lab = pacedSimLab("seed.yaml", 3, {
      text: (t) => t.replace(/^ {2}routing: rip .*$/m, "  routing: ospf"),
    });
    lab.net.scheduler.runUntil(60 * SECOND); // converged before the page opens
    server = await createServer({ lab, port: 0 });
    ({ browser, page } = await openPage(server.url, problems, {
      viewport: { width: 1920, height: 1080 },
      ignoreConsole: willReadFrequently,
    }));
  });

  afterAll(() => closeAll(browser, server, lab));

  it("names OSPF in the legend and on the routing switch, not RIP", async () => {
    const legend = (await page.locator("#legend").textContent()) ?? "";
    expect(legend).toContain("OSPF packet");
    expect(legend).not.toContain("RIP update");
    expect((await page.locator("label:has(#show-rip)").textContent())?.trim()).toBe("OSPF");
  });

  it("a click on vm1 lists its SPF tree and database and strokes the tree's links on the map", async () => {
    expect(await hooks((h) => h.ospfTree)).toBeNull();
    const at = (await hooks((h) => h.nodePoint("vm1")))!;
    await page.mouse.click(at[0], at[1]);
    await page.waitForSelector("#ospf-panel:not([hidden]) #ospf-tree tbody[data-count='8']", {
      timeout: 10_000,
    });
    const rows = await page.$$eval("#ospf-tree tbody tr", (trs) =>
      trs.map((tr) => Array.from((tr as HTMLTableRowElement).cells, (c) => c.textContent).join("\t")),
    );
    expect(rows.map((r) => r.split("\t")[0]).sort()).toEqual([
      "vm2",
      "vm3",
      "vm4",
      "vm5",
      "vm6",
      "vm7",
      "vm8",
      "vm9",
    ]);
    expect(rows).toContain("vm2\tvm1\t10");
    const db = (await page.locator("#ospf-db").textContent()) ?? "";
    expect(db).toContain("Router Link States (Area 0.0.0.0)");
    expect(db.split("\n").filter((l) => /^10\.0\.\d+\.\d+ +10\./.test(l)).length).toBe(9);
    const want = await apiTree("vm1");
    expect(want).toContain("vm1-vm2");
    expect(await hooks((h) => h.ospfTree)).toEqual(want);
  });

  it("screenshots at 1920 and 1024 wide", async () => {
    for (const [w, hgt] of [
      [1920, 1080],
      [1024, 700],
    ] as const) {
      await page.setViewportSize({ width: w, height: hgt });
      await new Promise((r) => setTimeout(r, 400));
      await page.screenshot({ path: join(ARTIFACTS, `web-ospf-${w}.png`) });
      expect(await page.locator("#ospf-panel").isVisible()).toBe(true);
    }
  });
  it("moves the tree off a link taken down", async () => {
    lab.setLink("vm1", "vm2", false);
    await page.waitForFunction(
      () =>
        !((window as unknown as { __routelab: Hooks }).__routelab.ospfTree ?? ["vm1-vm2"]).includes(
          "vm1-vm2",
        ),
      undefined,
      { timeout: 20_000 },
    );
    expect(await hooks((h) => h.ospfTree)).toEqual(await apiTree("vm1"));
    lab.setLink("vm1", "vm2", true);
    expect(problems).toEqual([]);
  });
});
