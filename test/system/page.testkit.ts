/**
 * The start-up and teardown the page's Chromium tests share: a paced simulator lab on the wall
 * clock (the page's clock runs as in `routelab up`), and the built page opened in a fresh
 * headless Chromium (browser.ts) with its test hooks, every console complaint and page error
 * collected, until it says it is ready. Run the tests under `flock /tmp/routelab-chromium.lock`.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { createSimLab } from "../../src/engines/sim/index.js";
import { systemWallClock } from "../../src/sim/index.js";
import { loadTopologyText } from "../../src/topology/index.js";
import type { Topology } from "../../src/topology/model.js";
import { ARTIFACTS, type Browser, ensureWebBuilt, launchChromium, ROOT, withTestHooks } from "./browser.js";

/**
 * A simulator lab of `examples/<example>` paced on the wall clock, with `seed`; `text` edits the
 * file's text before it is read, `topo` the topology before the lab is made.
 */
export function pacedSimLab(
  example: string,
  seed: number,
  edit: { text?: (text: string) => string; topo?: (topo: Topology) => void } = {},
): ReturnType<typeof createSimLab> {
  const file = join(ROOT, "examples", example);
  const text = readFileSync(file, "utf8");
  const topo = loadTopologyText(edit.text ? edit.text(text) : text, file);
  edit.topo?.(topo);
  return createSimLab(topo, { seed, wallClock: systemWallClock });
}

export interface OpenPageOptions {
  viewport?: { width: number; height: number };
  /** The console message types that count as problems (default error and warning). */
  consoleTypes?: readonly string[];
  /** Console texts that are not the page's problem (the test's own doing). */
  ignoreConsole?: (text: string) => boolean;
  /** Listeners to add before the page loads (e.g. on its responses). */
  listen?: (page: Page) => void;
  /** How long to wait for `body[data-ready='1']` in ms (default 10 s); false: do not wait. */
  ready?: number | false;
}

/** Chromium's hint on canvas reads, which the tests' own getImageData in a loop call for. */
export const willReadFrequently = (text: string): boolean => text.includes("willReadFrequently");

/**
 * The built page at `url` with `?test-hooks` in a fresh headless Chromium, its console
 * complaints (`console TYPE: …`) and page errors (`page error: …`) pushed to `problems`.
 */
export async function openPage(
  url: string,
  problems: string[],
  opts: OpenPageOptions = {},
): Promise<{ browser: Browser; page: Page }> {
  ensureWebBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  const types = opts.consoleTypes ?? ["error", "warning"];
  const browser = await launchChromium(opts.viewport);
  try {
    const page = await browser.context.newPage();
    page.on("console", (m) => {
      if (opts.ignoreConsole?.(m.text())) return;
      if (types.includes(m.type())) problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    opts.listen?.(page);
    await page.goto(withTestHooks(url));
    if (opts.ready !== false)
      await page.waitForSelector("body[data-ready='1']", { timeout: opts.ready ?? 10_000 });
    return { browser, page };
  } catch (e) {
    await browser.close();
    throw e;
  }
}

/** Closes, in this order, what a test opened (the browser, the server, the lab); undefined: never made. */
export async function closeAll(...things: ({ close(): unknown } | undefined)[]): Promise<void> {
  for (const t of things) await t?.close();
}

/** Polls `cond` every 40 ms until it holds; throws naming `what` after `ms`. */
export async function waitFor(
  what: string,
  cond: () => Promise<boolean> | boolean,
  ms: number,
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 40));
  }
  throw new Error(`timed out waiting for ${what}`);
}
