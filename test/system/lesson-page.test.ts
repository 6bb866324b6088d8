/**
 * System test: a lesson on `routelab up`'s page in chromium (createServer on a paced
 * seed-class lesson lab): the checks panel and the timeline show the lesson, the schedule mark
 * turns done when the cut happens, ← steps back exactly 10 s, a click on the timeline rewinds
 * before the cut (the routing table panel shows the table of then), and playing on to the
 * moment first reached shows the very table it showed then. Screenshots in test-artifacts/.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLessonLab } from "../../src/engines/sim/lesson.js";
import { createServer, type RunningServer } from "../../src/server/index.js";
import { loadTopologyText } from "../../src/topology/index.js";
import { ARTIFACTS, type Browser, ROOT, requireChromium } from "./browser.js";
import { closeAll, openPage, waitFor } from "./page.testkit.js";
import { systemWallClock } from "../../src/sim/index.js";

const haveChromium = requireChromium();

describe.skipIf(!haveChromium)("a lesson on routelab up's page", () => {
  let server: RunningServer;
  let lesson: ReturnType<typeof createLessonLab>;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  const api = async (method: string, path: string, body?: unknown) => {
    const init: RequestInit = { method, headers: body ? { "content-type": "application/json" } : {} };
    if (body) init.body = JSON.stringify(body);
    return (await fetch(server.url + path, init)).json();
  };
  const until = (what: string, cond: () => Promise<boolean> | boolean, ms = 15000) => waitFor(what, cond, ms);
  const tableText = () =>
    page.$$eval("#routes-table tbody tr", (rows) =>
      rows
        .map((r) => Array.from((r as HTMLTableRowElement).cells, (c) => c.textContent).join(" "))
        .join("\n"),
    );
  const labTable = (node: string) =>
    lesson.lab
      .routes(node)
      .map((r) => `${r.dest} ${r.gateway} ${r.flags} ${r.iface} ${r.metric}`)
      .join("\n");

  beforeAll(async () => {
    const file = join(ROOT, "examples", "lessons", "seed-class.yaml");
    lesson = createLessonLab(loadTopologyText(readFileSync(file, "utf8"), file), {
      seed: 5,
      wallClock: systemWallClock,
    });
    lesson.lab.pacer!.setSpeed(100);
    lesson.lab.pacer!.pause(); // until the page is up: 3 minutes pass in 2 s at 100×
    server = await createServer({ lab: lesson.lab, lesson: lesson.session, port: 0 });
    ({ browser, page } = await openPage(server.url, problems, { consoleTypes: ["error"] }));
  }, 60_000);

  afterAll(() => closeAll(browser, server, lesson?.lab));

  it("shows the checks and the schedule; the mark turns done at the cut", async () => {
    await page.waitForSelector("#checks-panel li.check");
    expect(await page.$$eval("#checks-panel li.check", (l) => l.length)).toBe(9);
    expect(await page.getAttribute("#timeline .tl-mark.sched", "title")).toBe("3:00 link vm2–vm3 down");
    expect(await page.getAttribute("#timeline .tl-mark.sched", "class")).toContain("upcoming");
    await api("POST", "/api/clock", { paused: false });
    await until("the cut", () => lesson.lab.clock().now > 200e9, 20_000);
    await api("POST", "/api/clock", { paused: true });
    await until("the mark done", async () =>
      (await page.getAttribute("#timeline .tl-mark.sched", "class"))!.includes("done"),
    );
    await until("c1 judged on the page", async () =>
      ["pass", "fail"].includes(
        (await page.getAttribute('#checks-panel li[data-id="c1"]', "data-status")) ?? "",
      ),
    );
    expect(await page.getAttribute('#checks-panel li[data-id="c1"]', "data-status")).toBe("pass");
  }, 40_000);

  it("← steps back 10 s; a click on the timeline goes before the cut; playing on shows the same table", async () => {
    const reached = lesson.lab.clock().now;
    // The routing table of vm6 as the page shows it at the moment first reached.
    const at = await page.evaluate(() =>
      (window as unknown as { __routelab: { nodePoint(n: string): [number, number] } }).__routelab.nodePoint(
        "vm6",
      ),
    );
    await page.mouse.click(at[0], at[1]);
    await until("vm6's table", async () => (await tableText()) === labTable("vm6"));
    const first = await tableText();
    expect(first).toMatch(/10\.0\.90\.0\/24 10\.0\.60\.1 UG \S+ 4/); // around over vm1 after the cut

    // ← (the page knows the clock is paused at `reached`: it rewinds to exactly 10 s before).
    await page.waitForTimeout(700);
    await page.keyboard.press("ArrowLeft");
    await until("← to rewind", () => lesson.lab.clock().now === reached - 10e9);
    await until("the first rewind in the log", async () => (await page.$$("#log li.rewind")).length === 1);

    // A click at the start of the timeline: before the cut, the short way again.
    const box = (await page.locator("#timeline .tl-track").boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.15, box.y + box.height / 2);
    await until("the click to rewind", () => lesson.lab.clock().now < 150e9);
    const before = labTable("vm6");
    expect(before).toMatch(/10\.0\.90\.0\/24 10\.0\.60\.1 UG \S+ 3/);
    await until("the table of then", async () => (await tableText()) === before);
    await until("the rewind in the log", async () => (await page.$$("#log li.rewind")).length >= 2);
    // Checks of a moment not come again are pending again, at once (no 2 s throttle after a rewind).
    await until(
      "c1 pending again",
      async () => (await page.getAttribute('#checks-panel li[data-id="c1"]', "data-status")) === "pending",
      1500,
    );
    await page.screenshot({ path: join(ARTIFACTS, "lesson-page-rewound.png") });

    // Play on to the moment first reached: the very table shown then.
    const r = await api("POST", "/api/clock/rewind", { t: reached });
    expect(r.now).toBe(reached);
    await until("the table of the moment first reached", async () => (await tableText()) === first);
    expect(problems).toEqual([]);
  }, 60_000);

  it("at 1024 wide the header's notes hang under the timeline, over none of its ticks and marks (issue 23, seen at Kdl)", async () => {
    // Both notes as the page writes them when a lab cannot keep up (controls.ts, sample-note.ts).
    const overlaps = async () => {
      await page.evaluate(() => {
        const behind = document.getElementById("behind")!;
        const sample = document.getElementById("sample-note")!;
        behind.hidden = false;
        behind.textContent = "running at 0.02× — the simulation can't keep up";
        sample.hidden = false;
        sample.textContent = "a sample: 1 packet in 16 drawn";
      });
      await new Promise((r) => setTimeout(r, 300));
      return page.evaluate(() => {
        const tl = document.getElementById("timeline")!.getBoundingClientRect();
        return ["behind", "sample-note"].filter((id) => {
          const n = document.getElementById(id)!.getBoundingClientRect();
          return n.left < tl.right && n.right > tl.left && n.top < tl.bottom && n.bottom > tl.top;
        });
      });
    };
    for (const [w, hgt] of [
      [1024, 700],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width: w, height: hgt });
      expect(await overlaps()).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, `lesson-page-notes-${w}.png`) });
    }
    await page.evaluate(() => {
      document.getElementById("behind")!.hidden = true;
      document.getElementById("sample-note")!.hidden = true;
    });
    await page.setViewportSize({ width: 1400, height: 850 });
    expect(problems).toEqual([]);
  }, 30_000);

  it("the timeline's tick labels never overlap, on a projector, a laptop or a phone, after each resize (issue 23)", async () => {
    const piled = () =>
      page.evaluate(() => {
        const boxes = Array.from(
          document.querySelectorAll("#timeline .tl-tick, #timeline .tl-label"),
          (e) => ({
            text: e.textContent,
            r: e.getBoundingClientRect(),
          }),
        );
        const out: string[] = [];
        for (let i = 0; i < boxes.length; i++)
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i]!.r;
            const b = boxes[j]!.r;
            if (a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top)
              out.push(`${boxes[i]!.text} / ${boxes[j]!.text}`);
          }
        return {
          out,
          ticks: document.querySelectorAll("#timeline .tl-tick").length,
          track: document.querySelector("#timeline .tl-track")!.clientWidth,
        };
      });
    for (const [w, hgt] of [
      [1920, 1080],
      [1024, 700],
      [360, 740],
      [1400, 850],
    ] as const) {
      await page.setViewportSize({ width: w, height: hgt });
      await new Promise((r) => setTimeout(r, 300));
      const { out, ticks, track } = await piled();
      expect(out, `${w} px`).toEqual([]);
      // 0:00 at least; more where the track has room for two labels and a gap.
      expect(ticks, `${w} px, track ${track} px`).toBeGreaterThanOrEqual(track >= 120 ? 2 : 1);
      if (w === 360) await page.screenshot({ path: join(ARTIFACTS, "lesson-page-timeline-360.png") });
    }
    expect(problems).toEqual([]);
  }, 30_000);
});
