/**
 * Shared set-up for the page's browser tests and the frame-time benchmark: Debian's chromium
 * driven by playwright-core (no browser download), a fresh profile per launch, and a built
 * page (web/dist) that is rebuilt when a source file is newer.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.ROUTELAB_CHROMIUM ?? "/usr/bin/chromium";
export const ROOT = join(import.meta.dirname, "..", "..");
export const WEB_DIST = join(ROOT, "web", "dist");
export const ARTIFACTS = join(ROOT, "test-artifacts");

/** True when chromium can be used; under CI a missing chromium is a failure, not a skip. */
export function requireChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === "true")
    throw new Error(`chromium is required under CI but ${CHROMIUM} was not found`);
  return false;
}

function newest(dir: string): number {
  let t = 0;
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

/** Builds web/dist with vite unless it is newer than every file of web/ and src/core. */
export function ensureWebBuilt(): void {
  const index = join(WEB_DIST, "index.html");
  const sources = Math.max(
    newest(join(ROOT, "web", "src")),
    statSync(join(ROOT, "web", "index.html")).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync(
    process.execPath,
    [
      join(ROOT, "node_modules", "vite", "bin", "vite.js"),
      "build",
      "--config",
      "web/vite.config.ts",
      "--logLevel",
      "warn",
    ],
    {
      cwd: ROOT,
      stdio: "inherit",
    },
  );
}

/**
 * `url` with the page's test hooks asked for (`?test-hooks`: web/src/test-hooks.ts installs
 * `window.__routelab` only then), its other query and its hash kept.
 */
export function withTestHooks(url: string): string {
  const u = new URL(url);
  u.searchParams.set("test-hooks", "");
  return u.toString();
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless chromium with a throw-away profile. */
export async function launchChromium(viewport = { width: 1400, height: 850 }): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "routelab-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Clicks the middle of a link on the map until its menu offers `action`, then takes it
 * (`beforeTaking` runs with the menu open, e.g. for a screenshot). A click on the link toggles
 * the menu (one left open by an earlier click closes), and the map may still be refitting after
 * the page's header changed, so the link's point is asked for again on every try.
 */
export async function takeFromLinkMenu(
  p: Page,
  link: string,
  action: "up" | "down",
  beforeTaking?: () => Promise<void>,
): Promise<void> {
  const button = p.locator(`#link-menu button[data-action="${action}"]`);
  const end = Date.now() + 8000;
  while (!(await button.isVisible())) {
    if (Date.now() > end) throw new Error(`timed out waiting for the ${link} menu to offer ${action}`);
    const mid = (await p.evaluate(`window.__routelab.linkPoint(${JSON.stringify(link)}, 0.5)`)) as [
      number,
      number,
    ];
    await p.mouse.click(mid[0], mid[1]);
    await p.waitForTimeout(150);
  }
  await beforeTaking?.();
  await button.click();
}
