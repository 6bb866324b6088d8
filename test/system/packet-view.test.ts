/**
 * System test: opening a packet in the live page (Debian's chromium via playwright-core). A
 * click on a moving dot of a ping pauses the lab and opens the packet view: the layers Ethernet
 * II, IPv4 and ICMP as Wireshark names them, the innermost selected with its bytes lit in the
 * hex pane; selecting the IPv4 line lights its 20 bytes; the packet's next hop shows the TTL one
 * less. A click on an event line opens that line's packet. Screenshots at 1920 and 1024 wide
 * land in test-artifacts/ (packet-view-1920.png, packet-view-1024.png).
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MS } from "../../src/core/time.js";
import { createServer, type RunningServer } from "../../src/server/index.js";
import { ARTIFACTS, type Browser, requireChromium } from "./browser.js";
import { closeAll, openPage, pacedSimLab, waitFor } from "./page.testkit.js";

const haveChromium = requireChromium();

interface Dot {
  packet: number;
  link: string;
  x: number;
  y: number;
  cls: string;
  user: string;
}

function seedLab() {
  // Slow hops (as web.test.ts): a dot stays on screen long enough to be clicked.
  return pacedSimLab("seed.yaml", 7, {
    topo: (topo) => {
      for (const l of topo.links) l.delay = 300 * MS;
    },
  });
}

describe.skipIf(!haveChromium)("opening a packet in the page", () => {
  let server: RunningServer;
  let lab: ReturnType<typeof seedLab>;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const until = (what: string, cond: () => Promise<boolean>, ms = 15_000) => waitFor(what, cond, ms);
  const rows = () => page.$$eval("#packet-tree .row", (els) => els.map((e) => e.textContent!.trim()));
  const lit = () => page.$$eval("#packet-hex .hl", (els) => els.length);

  beforeAll(async () => {
    lab = seedLab();
    lab.pacer!.setSpeed(100);
    await until("RIP to converge", async () => lab.clock().now > 40e9, 30_000);
    lab.pacer!.setSpeed(0.5);
    server = await createServer({ lab, port: 0 });
    ({ browser, page } = await openPage(server.url, problems, {
      viewport: { width: 1920, height: 1000 },
      ready: 15_000,
    }));
  }, 90_000);

  afterAll(() => closeAll(browser, server, lab));

  it("a click on a ping's dot pauses the lab and shows its layers and bytes", async () => {
    void fetch(`${server.url}/api/exec`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ node: "vm1", command: "ping -c 3 vm6", user: "alice" }),
      // Its answer may never come: the page pauses the lab mid-ping, and the server closes.
    }).catch(() => undefined);
    // Click where the dot is; it moves, so look again and retry until the panel opens.
    await until("a click on alice's dot to open the packet view", async () => {
      const dots = (await page.evaluate(
        "window.__routelab.dots().filter((d) => d.user === 'alice' && d.cls === 'echo-request')",
      )) as Dot[];
      const d = dots[0];
      if (!d) return false;
      await page.mouse.click(d.x, d.y);
      return page.$eval("#packet-panel", (p) => !(p as HTMLElement).hidden);
    });
    await until("the packet's bytes", async () => (await rows()).length > 0);
    const layers = await page.$$eval("#packet-tree .row.layer", (els) =>
      els.map((e) => e.textContent!.trim()),
    );
    expect(layers[0]).toMatch(/^Ethernet II, Src: 02:[0-9a-f:]+, Dst: 02:[0-9a-f:]+$/);
    expect(layers[1]).toMatch(/^Internet Protocol Version 4, Src: 10\.0\.10\.1, Dst: 10\.0\.60\.2$/);
    expect(layers[2]).toBe("Internet Control Message Protocol");
    expect(await rows()).toContain("Type: 8 (Echo (ping) request)");
    // The innermost layer is selected: ICMP's 64 bytes lit, in hex and in ASCII.
    expect(await lit()).toBe(2 * 64);
    // The lab stopped (the page asked: nobody else may need to, here).
    await until("the lab to pause", async () => lab.pacer!.paused);
    await page.click("#packet-tree .row.layer >> nth=1");
    expect(await lit()).toBe(2 * 20);
    await page.screenshot({ path: join(ARTIFACTS, "packet-view-1920.png") });
    // Its other hop: the TTL one less beyond vm2.
    const ttl = async () => (await rows()).find((r) => r.startsWith("Time to Live:"));
    const before = await ttl();
    const hop = await page.textContent("#packet-hop");
    const where = await page.textContent("#packet-where");
    expect(where).toMatch(/^vm\d → vm\d ICMP echo request/);
    // The paused packet may not have crossed its second link yet (hop 1 of 1).
    if (/ of 2 /.test(hop!)) {
      const step = hop!.includes("hop 1 of 2") ? 1 : -1;
      await page.click(step === 1 ? "#packet-next" : "#packet-prev");
      await page.click("#packet-tree .row.layer >> nth=1");
      expect(await ttl()).toBe(`Time to Live: ${Number(before!.split(": ")[1]) - step}`);
      // The title named the clicked hop (`vm1 → vm2 …`); on the other only what holds on every hop.
      expect(await page.textContent("#packet-where")).toBe(where!.replace(/^vm\d → vm\d /, ""));
      await page.click(step === 1 ? "#packet-prev" : "#packet-next");
      expect(await page.textContent("#packet-where")).toBe(where);
    }
    // A byte clicked selects its field: the destination MAC's first byte is eth.dst.
    await page.click("#packet-hex span[data-i='0'] >> nth=0");
    expect(await page.textContent("#packet-field")).toContain("eth.dst");
    expect(await lit()).toBe(2 * 6);
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(ARTIFACTS, "packet-view-1024.png") });
    // At 1024 the panel sits over the side column and leaves most of the map in view (it had
    // covered all of it), and its hex dump still fits: no line wraps, nothing scrolls sideways.
    const cover = await page.evaluate(() => {
      const view = document.getElementById("view")!.getBoundingClientRect();
      const panel = document.getElementById("packet-panel")!.getBoundingClientRect();
      const hex = document.getElementById("packet-hex")!;
      const covered = Math.max(0, Math.min(view.right, panel.right) - Math.max(view.left, panel.left));
      return { visible: 1 - covered / view.width, hexFits: hex.scrollWidth <= hex.clientWidth };
    });
    expect(cover.visible).toBeGreaterThan(0.6);
    expect(cover.hexFits).toBe(true);
    await page.keyboard.press("Escape");
    expect(await page.$eval("#packet-panel", (p) => (p as HTMLElement).hidden)).toBe(true);
    await page.setViewportSize({ width: 1920, height: 1000 });
  }, 60_000);

  it("a click on an event line opens its packet", async () => {
    // The first test left the lab paused (as the page does): run it on, with a ping delivered.
    lab.pacer!.resume();
    void fetch(`${server.url}/api/exec`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ node: "vm1", command: "ping -c 1 vm6", user: "alice" }),
    }).catch(() => undefined);
    await until(
      "a delivery line in the log",
      async () => (await page.$$("#log li.deliver.packet")).length > 0,
    );
    await page.click("#log li.deliver.packet >> nth=-1");
    await until("the packet view", async () => (await rows()).length > 0);
    const layers = await page.$$eval("#packet-tree .row.layer", (els) =>
      els.map((e) => e.textContent!.trim()),
    );
    expect(layers[0]).toMatch(/^Ethernet II/);
    expect(await lit()).toBeGreaterThan(0);
    // A delivery at vm6 opens its last hop (vm2–vm6), titled as the log said it; on the hop
    // before only what the packet is (the title named where it was delivered).
    const where = await page.textContent("#packet-where");
    expect(where).toMatch(/^vm\d received ICMP echo re/);
    expect(await page.textContent("#packet-hop")).toMatch(/hop 2 of 2/);
    await page.click("#packet-prev");
    expect(await page.textContent("#packet-where")).toBe(where!.replace(/^vm\d received /, ""));
    await page.click("#packet-next");
    expect(await page.textContent("#packet-where")).toBe(where);
    expect(problems).toEqual([]);
  }, 30_000);
});
