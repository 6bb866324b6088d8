/**
 * System test (issue 16, "What the room sees"): the live page at 1024×768 in chromium while
 * three users trace across the seed, in the page's usual layout and in projector mode. Every
 * frame sampled, no two label boxes overlap (routers' names, addresses, subnets, drop reasons:
 * the page's `labelBoxes` hook, kept only once asked); every interface address is shown whole
 * (never cut to `.1`); drop reasons do show; the three users wear three different marks; the
 * `p` key hides the side panels and gives the map the width. Screenshots land in
 * test-artifacts/.
 *
 * The seed's links get 100 ms of delay (1 ms in the example file) so packets, trails and drop
 * reasons stay on screen long enough to be sampled.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MS } from "../../src/core/time.js";
import { createServer, type RunningServer } from "../../src/server/index.js";
import { ARTIFACTS, type Browser, requireChromium } from "./browser.js";
import { closeAll, openPage, pacedSimLab } from "./page.testkit.js";

const haveChromium = requireChromium();

interface Label {
  text: string;
  kind: "node" | "subnet" | "address" | "drop";
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const TRACERS = [
  ["alice", "vm1", "vm9"],
  ["bob", "vm4", "vm6"],
  ["carol", "vm7", "vm3"],
] as const;

function seedLab() {
  return pacedSimLab("seed.yaml", 5, {
    topo: (topo) => {
      for (const l of topo.links) l.delay = 100 * MS;
    },
  });
}

/** Pairs of labels whose boxes overlap. */
function overlaps(labels: Label[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < labels.length; i++)
    for (let j = 0; j < i; j++) {
      const a = labels[i]!;
      const b = labels[j]!;
      if (a.x0 < b.x1 && a.x1 > b.x0 && a.y0 < b.y1 && a.y1 > b.y0) out.push(`${a.text} / ${b.text}`);
    }
  return out;
}

describe.skipIf(!haveChromium)("the map at 1024×768 with three users tracing", () => {
  let server: RunningServer;
  let lab: ReturnType<typeof seedLab>;
  let browser: Browser;
  let page: Page;
  let tracing: ReturnType<typeof setInterval>;
  const addresses: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    lab = seedLab();
    for (const l of lab.links()) addresses.push(l.a.addr, l.b.addr);
    // Converge RIP quickly (100×), then show it at 1×.
    lab.pacer!.setSpeed(100);
    const end = Date.now() + 20_000;
    const full = () =>
      lab.nodes().every((n) => lab.routes(n.name).filter((r) => r.dest.endsWith("/24")).length === 9);
    while (!full() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    lab.pacer!.setSpeed(1);
    server = await createServer({ lab, port: 0 });
    ({ browser, page } = await openPage(server.url, problems, { viewport: { width: 1024, height: 768 } }));
    const trace = () => {
      for (const [user, from, to] of TRACERS) lab.exec(from, `traceroute -q 1 -w 1 ${to}`, { user });
    };
    trace();
    tracing = setInterval(trace, 1500);
  });

  afterAll(async () => {
    clearInterval(tracing);
    await closeAll(browser, server, lab);
  });

  /** Samples the labels for `ms`; every sample's overlaps, and what was seen. */
  async function sample(ms: number, shot: string) {
    await page.evaluate("window.__routelab.labelBoxes()");
    const seen = {
      overlaps: [] as string[],
      drops: new Set<string>(),
      addresses: new Set<string>(),
      short: [] as string[],
    };
    const end = Date.now() + ms;
    let most = -1;
    while (Date.now() < end) {
      await page.waitForTimeout(60);
      const labels = (await page.evaluate("window.__routelab.labelBoxes()")) as Label[];
      seen.overlaps.push(...overlaps(labels));
      for (const l of labels) {
        if (l.kind === "drop") seen.drops.add(l.text);
        if (l.kind === "address") seen.addresses.add(l.text);
        if (/^\.\d+$/.test(l.text)) seen.short.push(l.text);
      }
      const drops = labels.filter((l) => l.kind === "drop").length;
      if (drops > most) {
        most = drops;
        await page.screenshot({ path: join(ARTIFACTS, shot) });
      }
    }
    return seen;
  }

  it("in the usual layout: no label over another, every address whole, drop reasons shown", async () => {
    const seen = await sample(6000, "projector-off-1024.png");
    expect(seen.overlaps).toEqual([]);
    expect(seen.short).toEqual([]);
    expect([...seen.addresses].sort()).toEqual([...addresses].sort());
    expect([...seen.drops]).toContain("TTL expired");
    expect(problems).toEqual([]);
  });

  it("gives the three users three different marks, and says what a link's look means", async () => {
    const marks = await page.$$eval("#legend .row.user", (rows) =>
      rows.map((r) => `${r.textContent}:${(r as HTMLElement).dataset.mark}`),
    );
    expect(marks).toHaveLength(3);
    expect(new Set(marks.map((m) => m.split(":")[1])).size).toBe(3);
    const legend = await page.textContent("#legend");
    expect(legend).toContain("link down");
    expect(legend).toContain("cut silently");
  });

  it("in projector mode (key p): the map has the width, and the labels still keep apart", async () => {
    expect(await page.isVisible("#side")).toBe(true);
    await page.mouse.click(500, 700); // focus the page, not a field
    await page.keyboard.press("p");
    expect(await page.isVisible("#side")).toBe(false);
    const width = await page.evaluate(() => document.getElementById("view")!.getBoundingClientRect().width);
    expect(width).toBe(1024);
    const seen = await sample(6000, "projector-on-1024.png");
    expect(seen.overlaps).toEqual([]);
    expect(seen.short).toEqual([]);
    expect([...seen.addresses].sort()).toEqual([...addresses].sort());
    expect([...seen.drops]).toEqual(expect.arrayContaining(["TTL expired", "port unreachable"]));
    // Typing p in a field types it; the mode stays.
    await page.click("#user");
    await page.keyboard.press("p");
    expect(await page.isVisible("#side")).toBe(false);
    expect(problems).toEqual([]);
  });
});
