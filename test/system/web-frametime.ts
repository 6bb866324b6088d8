/**
 * Frame-time benchmark of the page in Chromium (issue 4: "the seed network with 500 packets
 * in flight at 60 fps; a 1,000-router topology still pans and animates"). Reported by the
 * benchmark command, never asserted in tests.
 *
 * It boots a paced lab behind `createServer`, loads the built page in headless Chromium, keeps
 * real traffic flowing (root pings at short intervals from several routers: every dot is a
 * packet of the simulation), optionally pans the camera every frame, and records
 * requestAnimationFrame intervals plus the renderer's own draw time per frame.
 *
 * Headless Chromium here runs with `--disable-gpu` (software raster), so the numbers are a
 * floor for a laptop with a GPU, and rAF is capped at the display rate (60 Hz).
 *
 *     npx tsx test/system/web-frametime.ts seed        # 9 routers, ~500 packets in flight
 *     npx tsx test/system/web-frametime.ts tree1000    # 1,000 routers, panning
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { staticTree } from "../../bench/topologies.js";
import { MS } from "../../src/core/time.js";
import { createSimLab } from "../../src/engines/sim/index.js";
import type { Execution } from "../../src/lab/lab.js";
import { createServer } from "../../src/server/index.js";
import { loadTopologyText } from "../../src/topology/index.js";
import type { Topology } from "../../src/topology/model.js";
import { ensureWebBuilt, launchChromium, ROOT, requireChromium, withTestHooks } from "./browser.js";
import { systemWallClock } from "../../src/sim/index.js";

export interface FrameTimeOptions {
  /** `seed` (examples/seed.yaml) or a k-ary tree of `routers` routers with static routes. */
  topology?: "seed" | { routers: number };
  /** One-way delay given to every link, ms (keeps packets on screen long enough to count). */
  linkDelayMs?: number;
  /** Number of routers pinging at once. */
  pingers?: number;
  /** Their ping interval, s (root may go below 1 s, as in FreeBSD). */
  pingInterval?: number;
  /** Pan the camera by a few pixels every frame (forces a full redraw even when idle). */
  pan?: boolean;
  /** How long to measure, ms (after a warm-up of `warmupMs`). */
  durationMs?: number;
  warmupMs?: number;
  viewport?: { width: number; height: number };
  /** Save a screenshot here at the end of the measurement. */
  screenshot?: string;
}

export interface FrameTimeResult {
  topology: string;
  routers: number;
  links: number;
  frames: number;
  durationMs: number;
  fps: number;
  /** Interval between animation frames, ms. */
  frameMs: { mean: number; p50: number; p95: number; p99: number; max: number };
  /** The page's own drawing time per frame (Renderer.draw), ms. */
  drawMs: { mean: number; p95: number; max: number };
  /** Packets in flight on the picture, per frame. */
  inFlight: { mean: number; max: number };
  /** Share of wall time the page's main thread spent drawing frames and handling event batches, %. */
  mainThread: { framesPct: number; eventsPct: number };
  chromium: string;
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const r2 = (x: number) => Math.round(x * 100) / 100;

function topologyOf(t: FrameTimeOptions["topology"]): Topology {
  if (t === undefined || t === "seed") {
    const file = join(ROOT, "examples", "seed.yaml");
    return loadTopologyText(readFileSync(file, "utf8"), file);
  }
  return staticTree(t.routers, 4);
}

export async function measureWebFrameTime(opts: FrameTimeOptions = {}): Promise<FrameTimeResult> {
  if (!requireChromium()) throw new Error("chromium not found (set ROUTELAB_CHROMIUM)");
  ensureWebBuilt();
  const topo = topologyOf(opts.topology);
  for (const l of topo.links) l.delay = (opts.linkDelayMs ?? 200) * MS;
  const lab = createSimLab(topo, {
    seed: 1,
    wallClock: systemWallClock,
  });
  const server = await createServer({ lab, port: 0 });
  const browser = await launchChromium(opts.viewport ?? { width: 1400, height: 850 });
  const running: Execution[] = [];
  try {
    // RIP (seed) converges at 100×, before anything is measured.
    if (topo.nodes.some((n) => n.routing === "rip")) {
      lab.pacer!.setSpeed(100);
      const end = performance.now() + 20_000;
      while (
        performance.now() < end &&
        lab.routes(topo.nodes[0]!.name).filter((r) => r.dest.endsWith("/24")).length < topo.links.length
      )
        await new Promise((r) => setTimeout(r, 50));
      lab.pacer!.setSpeed(1);
    }
    const page = await browser.context.newPage();
    await page.goto(withTestHooks(server.url));
    await page.waitForSelector("body[data-ready='1']", { timeout: 30_000 });

    // Traffic: pings between routers far apart (first half → second half of the node list).
    const names = topo.nodes.map((n) => n.name);
    const pingers = Math.min(opts.pingers ?? 8, names.length);
    const interval = opts.pingInterval ?? 0.01;
    for (let i = 0; i < pingers; i++) {
      const from = names[Math.floor((i * names.length) / pingers)]!;
      const to =
        names[(Math.floor((i * names.length) / pingers) + Math.floor(names.length / 2)) % names.length]!;
      const dest = lab
        .nodes()
        .find((n) => n.name === to)!
        .interfaces.find((x) => x.name !== "lo0")!.addr;
      // As root: FreeBSD's ping refuses intervals below 1 s to everyone else.
      running.push(lab.exec(from, `ping -q -i ${interval} ${dest}`, { user: "root" }));
    }
    await page.waitForTimeout(opts.warmupMs ?? 1500);
    const failed = running.filter((r) => r.exitCode !== undefined);
    if (failed.length > 0)
      throw new Error(`${failed.length} of the pings ended early (exit ${failed[0]!.exitCode})`);

    const samples = (await page.evaluate(
      `new Promise((resolve) => {
        const h = window.__routelab;
        const out = { t: [], draw: [], flying: [], busy0: h.busy };
        const end = performance.now() + ${opts.durationMs ?? 5000};
        const pan = ${opts.pan ? "true" : "false"};
        let k = 0;
        const step = (ts) => {
          out.t.push(ts);
          out.draw.push(h.stats.lastFrameMs);
          out.flying.push(h.flying);
          if (pan) h.pan(Math.sin(k / 30) * 4, Math.cos(k / 30) * 4);
          k++;
          if (performance.now() < end) requestAnimationFrame(step);
          else resolve({ ...out, busy1: h.busy });
        };
        requestAnimationFrame(step);
      })`,
    )) as {
      t: number[];
      draw: number[];
      flying: number[];
      busy0: { frameMs: number; batchMs: number };
      busy1: { frameMs: number; batchMs: number };
    };

    if (opts.screenshot) await page.screenshot({ path: opts.screenshot });
    const gaps = samples.t.slice(1).map((t, i) => t - samples.t[i]!);
    const duration = samples.t[samples.t.length - 1]! - samples.t[0]!;
    return {
      topology: typeof opts.topology === "object" ? `tree-${opts.topology.routers}` : "seed",
      routers: topo.nodes.length,
      links: topo.links.length,
      frames: gaps.length,
      durationMs: Math.round(duration),
      fps: r2((gaps.length / duration) * 1000),
      frameMs: {
        mean: r2(mean(gaps)),
        p50: r2(pct(gaps, 50)),
        p95: r2(pct(gaps, 95)),
        p99: r2(pct(gaps, 99)),
        max: r2(Math.max(...gaps)),
      },
      drawMs: {
        mean: r2(mean(samples.draw)),
        p95: r2(pct(samples.draw, 95)),
        max: r2(Math.max(...samples.draw)),
      },
      inFlight: { mean: Math.round(mean(samples.flying)), max: Math.max(...samples.flying) },
      mainThread: {
        framesPct: r2(((samples.busy1.frameMs - samples.busy0.frameMs) / duration) * 100),
        eventsPct: r2(((samples.busy1.batchMs - samples.busy0.batchMs) / duration) * 100),
      },
      chromium: browser.context.browser()?.version() ?? "chromium",
    };
  } finally {
    for (const r of running) r.interrupt();
    await browser.close();
    await server.close();
    await lab.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const which = process.argv[2] ?? "seed";
  const opts: FrameTimeOptions =
    which === "seed"
      ? { topology: "seed" }
      : {
          topology: { routers: Number(which.replace(/\D/g, "")) || 1000 },
          pan: true,
          pingers: 20,
          pingInterval: 0.05,
        };
  measureWebFrameTime(opts).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}
