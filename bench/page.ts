/**
 * The page's frame times at scale (issues 22 and 23, "the picture at scale"): `routelab up` on a
 * topology (dist/, built first) on 127.0.0.1, ping flows through `POST /api/exec` (admin token,
 * as root: intervals below 1 s), and the built page (web/dist) in headless Chromium without a
 * GPU at 1920×1080 with its test hooks. Over a window once the flows run it reads the page's
 * own frame-time hook (`__routelab.takeFrames()`: each map frame's requestAnimationFrame time
 * and its main-thread cost), the bytes of event stream the page received, and the packets it
 * drew beside those in flight; the load average is printed beside every figure.
 *
 *   npm run bench:page                                   # seed (50 in flight) and Kdl (500)
 *   npm run bench:page -- --topology kdl --flows 64 --interval 0.002 --seconds 10
 *   npm run bench:page -- --topology seed --screenshot /tmp/page   # also a PNG per topology
 *   npm run bench:page -- --topology kdl --profile /tmp/page         # + trace and JS profile
 *
 * Kdl is the Topology Zoo's largest network (754 nodes), unpacked from
 * /work/shared/topologies/zoo/graphml.tar.gz (or `--kdl FILE`). Headless Chromium paces
 * requestAnimationFrame at 60 Hz: 16.7 ms is the floor of a frame time here.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { request } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { CDPSession } from "playwright-core";
import { ensureWebBuilt, launchChromium, requireChromium, withTestHooks } from "../test/system/browser.js";
import { startUp, type UpProcess } from "../test/system/up-process.js";
import { compile } from "./compile.js";
import { startPageProfile } from "./page-trace.js";
import { chromiumCpu, processCpuSeconds, processMemoryMiB } from "./proc-cpu.js";
import { REPO } from "./topologies.js";

const { values } = parseArgs({
  options: {
    topology: { type: "string", default: "seed,kdl" },
    kdl: { type: "string" },
    flows: { type: "string" },
    interval: { type: "string" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "4" },
    runs: { type: "string", default: "1" },
    width: { type: "string", default: "1920" },
    height: { type: "string", default: "1080" },
    screenshot: { type: "string" },
    /** Also take Chromium's trace and V8's profile over the window (PREFIX-trace.json, …). */
    profile: { type: "string" },
    /** After the window, 3 s with the map's draw phases rasterised one by one (their cost). */
    phases: { type: "boolean", default: false },
    /** Over the window, the page's DOM changes per second by the nearest element with an id. */
    mutations: { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
  },
});

const TOKEN = "bench-page-frametime-token-0123456789";
const ZOO = "/work/shared/topologies/zoo/graphml.tar.gz";

/** Each topology's flows by default: about the packets in flight the issues name. */
const DEFAULTS: Record<string, { flows: number; interval: number; target: string }> = {
  seed: { flows: 12, interval: 0.001, target: "50 in flight, p95 ≤ 16.7 ms" },
  kdl: { flows: 64, interval: 0.001, target: "500 in flight, p95 ≤ 17 ms (issue 22: ≥ 30 fps), ≤ 1 MB/s" },
};

interface FrameLog {
  at: number[];
  cost: number[];
  flying: number[];
  drawn: number[];
  /** 1 where the frame copied the map's still layers in (web/src/map-stack.ts); absent before. */
  layered?: number[];
}

export interface PageRun {
  topology: string;
  nodes: number;
  flows: number;
  interval: number;
  frames: number;
  fps: number;
  frameP50: number;
  frameP95: number;
  /** Main-thread ms per frame in the map's advance + draw (the page's own measure). */
  costP50: number;
  costP95: number;
  /** Share of the window's frames that copied the still layers in (web/src/map-stack.ts). */
  layeredShare: number;
  /** Packets the map drew per frame, and in flight in the lab (drawn × the sample's 1 in N). */
  drawn: number;
  flying: number;
  sampleEvery: number;
  streamBytesPerS: number;
  /** Packets in flight in the lab (virtual time): each flow's round trip over its interval. */
  inFlight: number;
  /**
   * The renderer's main thread: CPU ms per frame and per second (Chromium's ThreadTime: what the
   * page costs, apart from waiting for a core), and ms per second inside tasks, waiting included
   * (TaskDuration); the renderer process's CPU ms per second (all its threads).
   */
  mainCpuPerFrame: number;
  mainCpuPerS: number;
  mainTasksPerS: number;
  rendererCpuPerS: number;
  /** All Chromium's processes' CPU ms a frame over the window, and by process type (/proc). */
  chromiumCpuPerFrame: number;
  chromiumCpuByType: Record<string, number>;
  /** Main-thread ms per second in the stream's message handler (after the JSON parse). */
  batchMsPerS: number;
  /** Long tasks (≥ 50 ms) on the page's main thread over the window, their total and longest ms. */
  longTasks: number;
  longTaskMs: number;
  /**
   * The server (`routelab up`, the simulation's worker included): resident memory at the window's
   * start and end and its peak since it started (MiB), and its CPU over the window (% of a core).
   * Issue 23 asks memory to stay bounded while the lab cannot keep up.
   */
  serverRssStart: number;
  serverRssEnd: number;
  serverRssPeak: number;
  serverCpuPercent: number;
  longestTask: number;
  /** Hop events the page received per wall second (after the server's sample). */
  hopsPerS: number;
  /** Events the page was told it missed (thinned for a slow connection) over the window. */
  missed: number;
  /** Virtual seconds the picture moved per wall second, and the lab's clock speed at the end. */
  shownSpeed: number;
  labSpeed: number;
  load: number;
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function topologyFile(name: string): string {
  if (name === "seed") return join(REPO, "examples", "seed.yaml");
  if (name !== "kdl") return name;
  if (values.kdl) return values.kdl;
  const dir = mkdtempSync(join(tmpdir(), "routelab-kdl-"));
  execFileSync("tar", ["xzf", ZOO, "-C", dir, "graphml/Kdl.graphml"]);
  return join(dir, "graphml", "Kdl.graphml");
}

/** Commands one user may run at once (src/server/limits.ts): the flows are spread over users. */
const PER_USER = 4;
/**
 * `POST /api/exec` as `user`, from a loopback address of that user's own (127.0.0.2, …): the
 * server caps connections per address (64), and each running ping holds one.
 */
function exec(
  url: string,
  node: string,
  command: string,
  user = "root",
  from = 1,
): Promise<{ exit?: number; output?: string }> {
  const body = JSON.stringify({ node, command, user });
  const u = new URL("/api/exec", url);
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      {
        method: "POST",
        localAddress: `127.0.0.${from}`,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          authorization: `Bearer ${TOKEN}`,
        },
      },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => {
          text += d.toString();
        });
        res.on("end", () => {
          try {
            resolve(JSON.parse(text) as { exit?: number; output?: string });
          } catch {
            reject(new Error(`POST /api/exec answered ${res.statusCode}: ${text.slice(0, 200)}`));
          }
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

interface TopoLink {
  a: { node: string };
  b: { node: string };
}

interface TopoNode {
  name: string;
  interfaces: { name: string; addr: string }[];
  position?: { x: number; y: number };
}

/** Hops a flow crosses at most: RIP's infinity is 16, and Kdl is wider than that. */
const FLOW_HOPS = 12;

/**
 * Flows across the map: sources spread over the node list (sorted west to east by position),
 * each pinging the node FLOW_HOPS hops away (breadth-first; the farthest one when none is that
 * far), so every flow has a route under RIP's 15-hop limit and many links carry packets.
 */
function flowPairs(nodes: TopoNode[], links: TopoLink[], flows: number): [string, string][] {
  const next = new Map<string, string[]>(nodes.map((n) => [n.name, []]));
  for (const l of links) {
    next.get(l.a.node)?.push(l.b.node);
    next.get(l.b.node)?.push(l.a.node);
  }
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const order = [...nodes].sort((a, b) => (a.position?.x ?? 0) - (b.position?.x ?? 0));
  const out: [string, string][] = [];
  for (let i = 0; i < flows; i++) {
    const from = order[Math.floor((i * order.length) / flows)]!.name;
    const seen = new Set([from]);
    let ring = [from];
    for (let d = 0; d < FLOW_HOPS; d++) {
      const wider = ring.flatMap((n) => next.get(n)!).filter((n) => !seen.has(n) && seen.add(n));
      if (wider.length === 0) break;
      ring = wider;
    }
    const to = byName.get(ring[i % ring.length]!)!;
    out.push([from, to.interfaces.find((x) => x.name !== "lo0")!.addr]);
  }
  return out;
}

/** Flow i's user: p1, p2, … with PER_USER flows each. */
const flowUser = (i: number) => `p${Math.floor(i / PER_USER) + 1}`;
/** Flow i's loopback address's last byte (127.0.0.2 for p1's flows, …). */
const flowAddr = (i: number) => 2 + Math.floor(i / PER_USER);

/**
 * Waits until RIP carries every flow's packets (one ping answered on each), bounded; returns
 * each flow's round-trip time (ms) as that ping measured it. A packet spends its round trip on
 * the wires (forwarding takes no virtual time), so a flow sending every `interval` s keeps
 * RTT / interval packets in flight, in virtual time, whatever the lab's speed.
 */
async function converged(url: string, pairs: [string, string][]): Promise<number[]> {
  const end = performance.now() + 180_000;
  const rtt: number[] = pairs.map(() => Number.NaN);
  let left = pairs.map((p, i) => ({ p, i }));
  while (left.length > 0 && performance.now() < end) {
    const answers = await Promise.all(
      left.map(({ p: [from, to], i }) => exec(url, from, `ping -c 1 -t 2 ${to}`, flowUser(i), flowAddr(i))),
    );
    answers.forEach((a, k) => {
      const m = / time=([0-9.]+) ms/.exec(a.output ?? "");
      if (a.exit === 0 && m) rtt[left[k]!.i] = Number(m[1]);
    });
    left = left.filter((_, k) => answers[k]!.exit !== 0);
    if (left.length > 0) await sleep(1000);
  }
  if (left.length > 0)
    throw new Error(`${left.length} flows without a route after 180 s (first: ${left[0]!.p.join(" to ")})`);
  return rtt;
}

/** The page's counters the window is measured between (test hooks; takeFrames starts afresh). */
interface Counters {
  frames: FrameLog;
  bytes: number;
  every: number;
  hops: number;
  missed: number;
  shown: number;
  speed: number;
  busy: { frameMs: number; batchMs: number };
  long: number[];
}
const COUNTERS = `(() => { const r = window.__routelab; return { frames: r.takeFrames(), bytes: r.streamBytes,
  every: r.sampleEvery, hops: r.hopsSeen, missed: r.missed, shown: r.displayTime, speed: r.speed, busy: r.busy,
  long: (window.__benchLong ?? []).splice(0) }; })()`;
/**
 * The page's long tasks (≥ 50 ms on its main thread: a stream message's handler, a DOM rebuild,
 * a frame), counted by the bench from the window on through a PerformanceObserver of its own.
 */
const LONG_TASKS = `(() => { window.__benchLong = []; new PerformanceObserver((l) => {
  for (const e of l.getEntries()) window.__benchLong.push(e.duration); }).observe({ entryTypes: ["longtask"] }); })()`;

/** Counts the page's DOM changes (childList, attributes, text) by the nearest element with an id. */
const MUTATIONS = `(() => { const m = (window.__benchMutations = {}); new MutationObserver((l) => {
  for (const r of l) { let n = r.target; while (n && !(n.id)) n = n.parentElement ?? n.parentNode;
    const k = (n && n.id ? "#" + n.id : "?") + ":" + r.type + (r.attributeName ? "." + r.attributeName : "");
    m[k] = (m[k] ?? 0) + 1; } }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true }); })()`;

/** The renderer's counters (CDP Performance.getMetrics; times in seconds). */
async function rendererMetrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send("Performance.getMetrics");
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

async function runOnce(name: string, file: string): Promise<PageRun> {
  const d = DEFAULTS[name] ?? DEFAULTS.kdl!;
  const flows = Number(values.flows ?? d.flows);
  const interval = Number(values.interval ?? d.interval);
  const seconds = Number(values.seconds);
  const up: UpProcess = await startUp(
    process.execPath,
    [join(REPO, "bin", "routelab.js"), "up", file, "--http", "0", "--no-ssh", "--log-level", "silent"],
    { cwd: REPO, env: { ...process.env, ROUTELAB_ADMIN_TOKEN: TOKEN }, timeoutMs: 120_000 },
  );
  const browser = await launchChromium({ width: Number(values.width), height: Number(values.height) });
  try {
    const topo = (await (await fetch(new URL("/api/topology", up.url))).json()) as {
      nodes: TopoNode[];
      links: TopoLink[];
    };
    const pairs = flowPairs(topo.nodes, topo.links, flows);
    const rtts = await converged(up.url, pairs);
    const inFlight = rtts.reduce((a, b) => a + b, 0) / (interval * 1000);
    const page = await browser.context.newPage();
    await page.goto(withTestHooks(up.url));
    await page.waitForSelector("body[data-ready='1']", { timeout: 60_000 });
    await page.evaluate("window.__routelab.fit()");
    const count = Math.ceil((Number(values.warmup) + seconds + 6) / interval);
    // As users p1, p2, … (4 flows each): the instructor's token names them, and root's cap of
    // commands at once would hold the rest back. `POST /api/exec` interrupts a command after
    // 30 s of wall time (exec-runner.ts): a flow that ends is started again until the window
    // is over; one that fails (refused, no answer) is reported, its packets were not in flight.
    const flowing = { on: true, restarts: 0, failed: [] as string[] };
    const keep = (i: number): void => {
      const [from, to] = pairs[i]!;
      exec(up.url, from, `ping -q -i ${interval} -c ${count} ${to}`, flowUser(i), flowAddr(i)).then(
        (a) => {
          if (!/ [1-9][0-9]* packets received/.test(a.output ?? ""))
            flowing.failed.push(
              `${from} to ${to}: exit ${a.exit}, ${(a.output ?? "").trim().split("\n").at(-1)}`,
            );
          else if (flowing.on) {
            flowing.restarts++;
            keep(i);
          }
        },
        (e: Error) => flowing.failed.push(`${from} to ${to}: ${e.message.slice(0, 200)}`),
      );
    };
    for (let i = 0; i < pairs.length; i++) keep(i);
    await sleep(Number(values.warmup) * 1000);
    await page.evaluate(LONG_TASKS);
    if (values.mutations) await page.evaluate(MUTATIONS);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    const m0 = await rendererMetrics(cdp);
    const p0 = chromiumCpu();
    const server0 = { mem: processMemoryMiB(up.child.pid!), cpu: processCpuSeconds(up.child.pid!) };
    const c0 = (await page.evaluate(COUNTERS)) as Counters;
    const w0 = performance.now();
    const profile = values.profile ? await startPageProfile(page, `${values.profile}-${name}`) : null;
    await sleep(seconds * 1000);
    if (profile) process.stdout.write(`${await profile.stop()}\n`);
    const c1 = (await page.evaluate(COUNTERS)) as Counters;
    const m1 = await rendererMetrics(cdp);
    const p1 = chromiumCpu();
    const wall = (performance.now() - w0) / 1000;
    const server1 = { mem: processMemoryMiB(up.child.pid!), cpu: processCpuSeconds(up.child.pid!) };
    const log = c1.frames;
    if (values.mutations) {
      const m = (await page.evaluate("window.__benchMutations")) as Record<string, number>;
      const top = Object.entries(m)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12);
      process.stdout.write(
        `DOM changes per second, by element: ${top.map(([k, v]) => `${k} ${(v / wall).toFixed(1)}`).join(", ")}\n`,
      );
    }
    flowing.on = false;
    if (flowing.failed.length > 0)
      process.stdout.write(
        `${flowing.failed.length} of ${flows} flows failed:\n  ${flowing.failed.slice(0, 4).join("\n  ")}\n`,
      );
    if (flowing.restarts > 0)
      process.stdout.write(`(flows started again after exec's 30 s: ${flowing.restarts})\n`);
    const load = loadavg()[0]!;
    if (values.phases) {
      // After the window (rasterising each phase slows the frames measured above).
      await page.evaluate("window.__routelab.probePhases()");
      await sleep(3000);
      const ph = (await page.evaluate("window.__routelab.probePhases()")) as Record<string, number>;
      const n = ((await page.evaluate("window.__routelab.takeFrames()")) as FrameLog).at.length;
      process.stdout.write(
        `draw phases, rasterised at once (ms per frame, ${n} frames): ${Object.entries(ph)
          .map(([k, v]) => `${k} ${(v / Math.max(n, 1)).toFixed(2)}`)
          .join(", ")}\n`,
      );
    }
    if (values.screenshot) {
      await page.screenshot({ path: `${values.screenshot}-${name}.png` });
      const timeline = page.locator("#timeline");
      if (await timeline.count())
        await timeline.screenshot({ path: `${values.screenshot}-${name}-timeline.png` });
    }
    const gaps = log.at.slice(1).map((t, i) => t - log.at[i]!);
    const span = (log.at.at(-1)! - log.at[0]!) / 1000;
    const drawn = mean(log.drawn);
    return {
      topology: name,
      nodes: topo.nodes.length,
      flows,
      interval,
      frames: gaps.length,
      fps: gaps.length / span,
      frameP50: pct(gaps, 50),
      frameP95: pct(gaps, 95),
      costP50: pct(log.cost, 50),
      costP95: pct(log.cost, 95),
      drawn,
      layeredShare: log.layered?.length ? mean(log.layered) : 0,
      flying: mean(log.flying) * c1.every,
      sampleEvery: c1.every,
      streamBytesPerS: (c1.bytes - c0.bytes) / wall,
      hopsPerS: (c1.hops - c0.hops) / wall,
      missed: c1.missed - c0.missed,
      shownSpeed: (c1.shown - c0.shown) / 1e9 / wall,
      labSpeed: c1.speed,
      batchMsPerS: (c1.busy.batchMs - c0.busy.batchMs) / wall,
      mainCpuPerFrame: ((m1.ThreadTime - m0.ThreadTime) * 1000) / Math.max(1, log.at.length),
      mainCpuPerS: ((m1.ThreadTime - m0.ThreadTime) * 1000) / wall,
      mainTasksPerS: ((m1.TaskDuration - m0.TaskDuration) * 1000) / wall,
      rendererCpuPerS: ((m1.ProcessTime - m0.ProcessTime) * 1000) / wall,
      ...perFrame(p0, p1, log.at.length),
      longTasks: c1.long.length,
      longTaskMs: c1.long.reduce((a, b) => a + b, 0),
      longestTask: Math.max(0, ...c1.long),
      inFlight,
      load,
      serverRssStart: server0.mem.rss,
      serverRssEnd: server1.mem.rss,
      serverRssPeak: server1.mem.peak,
      serverCpuPercent: (100 * (server1.cpu - server0.cpu)) / wall,
    };
  } catch (e) {
    process.stderr.write(`routelab up said: ${up.stderr().slice(-2000)}\n`);
    throw e;
  } finally {
    await browser.close();
    await up.stop();
  }
}

/** Chromium's CPU ms a frame between two readings of chromiumCpu(), in all and by process type. */
function perFrame(
  p0: Record<string, number>,
  p1: Record<string, number>,
  frames: number,
): { chromiumCpuPerFrame: number; chromiumCpuByType: Record<string, number> } {
  const byType: Record<string, number> = {};
  let all = 0;
  for (const [type, s] of Object.entries(p1)) {
    const ms = ((s - (p0[type] ?? 0)) * 1000) / Math.max(1, frames);
    byType[type] = ms;
    all += ms;
  }
  return { chromiumCpuPerFrame: all, chromiumCpuByType: byType };
}

function line(r: PageRun): string {
  const f = (x: number, d = 1) => x.toFixed(d);
  return (
    `${r.topology} (${r.nodes} nodes), ${r.flows} flows at -i ${r.interval}: ` +
    `frame p50 ${f(r.frameP50)} ms, p95 ${f(r.frameP95)} ms, ${f(r.fps)} fps (${r.frames} frames); ` +
    `map's main-thread cost p50 ${f(r.costP50)} ms, p95 ${f(r.costP95)} ms, still layers copied in ${f(100 * r.layeredShare, 0)} % of frames; ` +
    `renderer main thread ${f(r.mainCpuPerFrame)} ms CPU a frame (${f(r.mainCpuPerS, 0)} ms/s CPU, ${f(r.mainTasksPerS, 0)} ms/s in tasks), renderer ${f(r.rendererCpuPerS, 0)} ms/s CPU; ` +
    `all Chromium ${f(r.chromiumCpuPerFrame)} ms CPU a frame (${Object.entries(r.chromiumCpuByType)
      .map(([k, v]) => `${k} ${f(v)}`)
      .join(", ")}); ` +
    `packets in flight in the lab ${f(r.inFlight, 0)} (flows' RTT / interval), drawn ${f(r.drawn, 0)} a frame ` +
    `(1 in ${r.sampleEvery} sent: ~${f(r.flying, 0)}); ` +
    `stream ${f(r.streamBytesPerS / 1024, 0)} KB/s, ${f(r.hopsPerS, 0)} hops/s, ${r.missed} missed, ` +
    `handler ${f(r.batchMsPerS)} ms/s; long tasks ${r.longTasks} (${f(r.longTaskMs, 0)} ms, longest ${f(r.longestTask, 0)}); ` +
    `picture at ${f(r.shownSpeed, 3)}×, lab at ${f(r.labSpeed, 3)}×; ` +
    `server ${f(r.serverCpuPercent, 0)} % of a core, RSS ${f(r.serverRssStart, 0)} → ${f(r.serverRssEnd, 0)} MiB (peak ${f(r.serverRssPeak, 0)}); ` +
    `load average ${f(r.load, 2)}`
  );
}

async function main(): Promise<void> {
  if (!requireChromium()) throw new Error("chromium not found (set ROUTELAB_CHROMIUM)");
  if (!values["no-build"]) {
    const notBuilt = compile("tsconfig.build.json");
    if (notBuilt !== null) throw new Error(`dist/ does not build:\n${notBuilt}`);
  }
  ensureWebBuilt();
  const names = values.topology.split(",");
  if (names.includes("kdl") && !values.kdl && !existsSync(ZOO))
    throw new Error(`${ZOO} not found (--kdl FILE)`);
  process.stdout.write(
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}; ` +
      `headless Chromium --disable-gpu at ${values.width}×${values.height}; ${values.seconds} s window after ${values.warmup} s\n`,
  );
  for (const name of names) {
    const file = topologyFile(name);
    for (let i = 0; i < Number(values.runs); i++) {
      const r = await runOnce(name, file);
      process.stdout.write(`${line(r)}${DEFAULTS[name] ? `  [target: ${DEFAULTS[name].target}]` : ""}\n`);
    }
  }
}

await main();
