/**
 * System test (issue 19): the live page on a topology with segments and hosts
 * (examples/lan.yaml, with lan2 placed by `position:`). Each segment is drawn as a switch box at
 * the centroid of its stations, or where the file places it, with a line (its port link, `STATION-SEGMENT`) to each; hosts are drawn as hosts; an ARP
 * broadcast crosses the switch and goes on toward every other station (the simulator's switch
 * emits one hop per port it floods to). Screenshots at 1920 and 1024 wide go to test-artifacts/.
 * Run under `flock /tmp/routelab-chromium.lock`.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type RunningServer } from "../../src/server/index.js";
import { ARTIFACTS, type Browser, requireChromium } from "./browser.js";
import { closeAll, openPage, pacedSimLab, willReadFrequently } from "./page.testkit.js";

const haveChromium = requireChromium();

describe.skipIf(!haveChromium)("the page on a LAN (segments and hosts)", () => {
  let server: RunningServer;
  let lab: ReturnType<typeof pacedSimLab>;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  interface Hooks {
    nodes: number;
    links: number;
    hopsSeen: number;
    recentHops(): string[];
    nodeKinds(): Record<string, string>;
    segments(): {
      name: string;
      x: number;
      y: number;
      lines: { link: string; from: string; to: number[] }[];
    }[];
    nodePoint(name: string): [number, number] | null;
    dropMarks(): string[];
  }
  const hooks = <T>(fn: (h: Hooks) => T): Promise<T> =>
    page.evaluate(`(${fn.toString()})(window.__routelab)`) as Promise<T>;

  beforeAll(async () => {
    lab = pacedSimLab("lan.yaml", 3, {
      // lan2's switch placed in the file (`position:`); lan1's stays at its stations' centroid.
      text: (t) => {
        const text = t.replace("    segment: lan2\n", "    segment: lan2\n    position: [700, 330]\n");
        expect(text).toContain("position: [700, 330]");
        return text;
      },
    });
    server = await createServer({ lab, port: 0 });
    ({ browser, page } = await openPage(server.url, problems, { ignoreConsole: willReadFrequently }));
  });

  afterAll(() => closeAll(browser, server, lab));

  it("draws each segment as a switch at its stations' centroid or its `position:`, with a line to every station", async () => {
    const segs = await hooks((h) => h.segments());
    expect(segs.map((g) => g.name)).toEqual(["lan1", "lan2"]);
    expect(segs[0]!.lines.map((l) => l.from)).toEqual(["r1", "r2", "r3", "h1", "h2"]);
    expect(segs[1]!.lines.map((l) => l.from)).toEqual(["r2", "h3", "h4"]);
    for (const g of segs) {
      const stations = await Promise.all(
        g.lines.map((l) =>
          hooks(
            new Function("h", `return h.nodePoint(${JSON.stringify(l.from)})`) as (
              h: Hooks,
            ) => [number, number],
          ),
        ),
      );
      // lan1's switch sits at the middle of its stations; lan2's where the file put it, (700, 330)
      // in the file's coordinates: mapped to the page as r2 (650, 200) and h4 (800, 440) are.
      let cx = stations.reduce((a, p) => a + p[0], 0) / stations.length;
      let cy = stations.reduce((a, p) => a + p[1], 0) / stations.length;
      if (g.name === "lan2") {
        const [r2, h4] = [stations[0]!, stations[2]!];
        cx = r2[0] + ((h4[0] - r2[0]) * (700 - 650)) / (800 - 650);
        cy = r2[1] + ((h4[1] - r2[1]) * (330 - 200)) / (440 - 200);
      }
      expect(Math.abs(g.x - cx)).toBeLessThan(1);
      expect(Math.abs(g.y - cy)).toBeLessThan(1);
      // Each line runs from its station to the switch.
      g.lines.forEach((l, i) => {
        expect(l.to[0]).toBeCloseTo(stations[i]![0], 0);
        expect(l.to[1]).toBeCloseTo(stations[i]![1], 0);
        expect(l.to[2]).toBeCloseTo(g.x, 0);
        expect(l.to[3]).toBeCloseTo(g.y, 0);
      });
    }
  });

  it("draws hosts as hosts and names router, host and segment in the legend", async () => {
    expect(await hooks((h) => h.nodeKinds())).toEqual({
      r1: "router",
      r2: "router",
      r3: "router",
      h1: "host",
      h2: "host",
      h3: "host",
      h4: "host",
    });
    const glyphs = await page.$$eval("#legend .row.glyph", (rows) =>
      rows.map((r) => `${(r as HTMLElement).dataset.glyph}:${r.textContent}`),
    );
    expect(glyphs).toEqual(["router:router", "host:host", "segment:segment (switch)"]);
  });

  it("an ARP broadcast on lan1 goes into the switch and out toward every other station", async () => {
    const before = await hooks((h) => h.hopsSeen);
    // 10.0.1.99 is nobody on lan1: h1's ARP requests are broadcast and flooded, never answered.
    // Every frame, the links ARP dots are on (polling from here would miss a 0.25 s flight).
    await page.evaluate(`(() => {
      window.__arpDots = new Set();
      window.__marks = new Set();
      const look = () => {
        for (const d of window.__routelab.dots()) if (d.cls === "arp") window.__arpDots.add(d.link);
        for (const m of window.__routelab.dropMarks()) window.__marks.add(m);
        requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    })()`);
    // Four pings, an ARP request a second (FreeBSD retries while packets wait): four floods,
    // so one arriving late for the picture (a loaded machine) still leaves others to draw.
    const x = lab.exec("h1", "ping -c 4 -t 5 10.0.1.99");
    const want = ["h1-lan1", "r1-lan1", "r2-lan1", "r3-lan1", "h2-lan1"].map((l) => `${l}:arp`);
    const end = Date.now() + 20_000;
    let seen: string[] = [];
    const marks = new Set<string>();
    let shot = false;
    const dotted = new Set<string>();
    // The hops are in before they fly (the picture runs behind, slowed for 1 ms hops): the
    // flood's dots come a few seconds after.
    const flooded = ["r1-lan1", "r2-lan1", "r3-lan1", "h2-lan1"];
    while (Date.now() < end) {
      seen = await hooks((h) => h.recentHops());
      const out = (await page.evaluate(
        `window.__routelab.dots().filter((d) => d.cls === "arp").map((d) => d.link)`,
      )) as string[];
      for (const l of (await page.evaluate("[...window.__arpDots]")) as string[]) dotted.add(l);
      if (!shot && out.length >= 3) {
        shot = true;
        await page.screenshot({ path: join(ARTIFACTS, "web-segment-arp-flood.png") });
      }
      if (want.every((w) => seen.includes(w)) && ["h1-lan1", ...flooded].every((l) => dotted.has(l))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // Dots, not just hops: into the switch from h1, and out of it toward every other station.
    for (const l of ["h1-lan1", ...flooded]) expect([...dotted]).toContain(l);
    await x.done;
    // The stations' drops land with the flood's dots: give the picture a moment past them.
    await new Promise((r) => setTimeout(r, 1500));
    for (const m of (await page.evaluate("[...window.__marks]")) as string[]) marks.add(m);
    expect(await hooks((h) => h.hopsSeen)).toBeGreaterThan(before);
    for (const w of want) expect(seen).toContain(w);
    // Not onto the other segment: a switch floods only its own ports.
    expect(seen.filter((w) => w.endsWith("-lan2:arp") && w.startsWith("h3"))).toEqual([]);
    // The stations that ignore the request (it is not for them) get no red cross each.
    expect([...marks].filter((m) => m.startsWith("not-for-us:"))).toEqual([]);
  });

  it("at 1024 wide both clock notes showing add no line to the header; the legend keeps to 3 lines at 860×400", async () => {
    // Both notes at their longest as the page writes them (controls.ts, sample-note.ts),
    // measured in the same task so the clock cannot hide them in between.
    const measure = () =>
      page.evaluate(() => {
        const bar = document.getElementById("bar")!;
        const one = bar.getBoundingClientRect().height;
        const behind = document.getElementById("behind")!;
        const sample = document.getElementById("sample-note")!;
        behind.hidden = false;
        behind.textContent = "running at 76.5× — the simulation can't keep up";
        sample.hidden = false;
        sample.textContent = "a sample: 1 packet in 128 drawn";
        const both = bar.getBoundingClientRect().height;
        behind.hidden = true;
        sample.hidden = true;
        const rows = Array.from(document.getElementById("legend")!.children, (c) =>
          Math.round(c.getBoundingClientRect().top),
        );
        return { one, both, legendLines: new Set(rows).size };
      });
    await page.setViewportSize({ width: 1024, height: 700 });
    await new Promise((r) => setTimeout(r, 300));
    const at1024 = await measure();
    // This page (no logins: every control in the bar) takes two lines at 1024 already; the
    // notes must not add one (a watcher's bar on a lab with logins is one line with them).
    expect(at1024.both).toBe(at1024.one);
    await page.setViewportSize({ width: 860, height: 400 });
    await new Promise((r) => setTimeout(r, 300));
    expect((await measure()).legendLines).toBeLessThanOrEqual(3);
  });

  it("screenshots at 1920 and 1024 wide", async () => {
    for (const [w, hgt] of [
      [1920, 1080],
      [1024, 700],
    ] as const) {
      await page.setViewportSize({ width: w, height: hgt });
      await new Promise((r) => setTimeout(r, 400));
      await page.screenshot({ path: join(ARTIFACTS, `web-segment-${w}.png`) });
      // The whole LAN is on the map at both widths.
      const segs = await hooks((h) => h.segments());
      for (const g of segs) expect(g.x).toBeGreaterThan(0);
    }
    expect(problems).toEqual([]);
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
    // 7 routers and hosts; links: the backbone r1-r3 and the 8 port links of the two segments.
    expect(await hooks((h) => [h.nodes, h.links])).toEqual([7, 9]);
    const x = lab.exec("h1", "ping -c 3 10.0.2.11");
    await x.done;
    const end = Date.now() + 8000;
    while (Date.now() < end && (await hooks((h) => h.hopsSeen)) === 0)
      await new Promise((r) => setTimeout(r, 50));
    expect(await hooks((h) => h.hopsSeen)).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});
