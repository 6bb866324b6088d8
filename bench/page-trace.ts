/**
 * @module bench/page-trace
 * Where the page's frame time goes (`npm run bench:page -- --profile PREFIX`): Chromium's
 * performance trace (CDP Tracing) summed per thread and event name, and V8's sampling profile
 * of the page (CDP Profiler) as self time per function. Both are written beside PREFIX as JSON
 * and summarised as text.
 */
import { writeFileSync } from "node:fs";
import type { CDPSession, Page } from "playwright-core";

const CATEGORIES = [
  "devtools.timeline",
  "disabled-by-default-devtools.timeline",
  "disabled-by-default-devtools.timeline.frame",
  "v8",
  "blink",
  "cc",
  "gpu",
  "toplevel",
].join(",");

export interface PageProfile {
  stop(): Promise<string>;
}

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  dur?: number;
  args?: { name?: string };
}

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }[];
  samples: number[];
  timeDeltas: number[];
}

async function readStream(cdp: CDPSession, handle: string): Promise<string> {
  let out = "";
  for (;;) {
    const r = await cdp.send("IO.read", { handle, size: 1 << 20 });
    out += r.base64Encoded ? Buffer.from(r.data, "base64").toString() : r.data;
    if (r.eof) break;
  }
  await cdp.send("IO.close", { handle });
  return out;
}

/** Per thread, the complete events' total ms by name (top `n`), over `seconds` of window. */
function summariseTrace(events: TraceEvent[], seconds: number, n = 14): string {
  const threads = new Map<string, string>();
  for (const e of events)
    if (e.ph === "M" && e.name === "thread_name") threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? "?");
  const sums = new Map<string, Map<string, number>>();
  for (const e of events) {
    if (e.ph !== "X" || e.dur === undefined) continue;
    const thread = threads.get(`${e.pid}:${e.tid}`) ?? `${e.pid}:${e.tid}`;
    const m = sums.get(thread) ?? new Map<string, number>();
    sums.set(thread, m);
    m.set(e.name, (m.get(e.name) ?? 0) + e.dur / 1000);
  }
  const lines: string[] = [];
  for (const [thread, m] of sums) {
    const top = [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
    if ((top[0]?.[1] ?? 0) < seconds * 10) continue; // under 1 % busy: not where the time goes
    lines.push(`thread ${thread} (ms per s of window; nested events overlap):`);
    for (const [name, ms] of top) lines.push(`  ${(ms / seconds).toFixed(1).padStart(7)}  ${name}`);
  }
  return lines.join("\n");
}

/** Self time per function of a V8 CPU profile, top `n`, ms per second of window. */
function summariseProfile(p: CpuProfile, seconds: number, n = 25): string {
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const f = node.callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, ms]) => `  ${(ms / seconds).toFixed(1).padStart(7)}  ${k}`)
    .join("\n");
}

/** Starts the trace and the profiler on `page`; `stop` writes PREFIX-trace.json, PREFIX-cpu.json and returns the summary. */
export async function startPageProfile(page: Page, prefix: string): Promise<PageProfile> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await cdp.send("Profiler.start");
  await cdp.send("Tracing.start", { categories: CATEGORIES, transferMode: "ReturnAsStream" });
  const t0 = performance.now();
  return {
    async stop() {
      const seconds = (performance.now() - t0) / 1000;
      const { profile } = (await cdp.send("Profiler.stop")) as unknown as { profile: CpuProfile };
      const done = new Promise<string>((resolve) =>
        cdp.once("Tracing.tracingComplete", (e) => resolve(e.stream!)),
      );
      await cdp.send("Tracing.end");
      const text = await readStream(cdp, await done);
      writeFileSync(`${prefix}-trace.json`, text);
      writeFileSync(`${prefix}-cpu.json`, JSON.stringify(profile));
      const parsed = JSON.parse(text) as { traceEvents: TraceEvent[] } | TraceEvent[];
      const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
      return `${summariseTrace(events, seconds)}\npage JavaScript, self time (ms per s):\n${summariseProfile(profile, seconds)}`;
    },
  };
}
