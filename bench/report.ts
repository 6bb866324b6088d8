/**
 * @module bench/report
 * The benchmark's results as one JSON-able value, and as tables for people: one per workload
 * family, with the issue's targets beside the figures (10× less wall time than ns-3 with equal
 * metrics; 1.5 M forwarded packet-hops/s; 10,000 routers in one process).
 */
import { type MemoryRow, renderMemory } from "./memory-rows.js";
import type { WorkloadOptions } from "./options.js";
import type { ForwardPeerResult, PeerResult } from "./peer.js";
import { bytes, seconds, si } from "./stats.js";
import { type CliRunResult, cliScript } from "./workloads/cli-run.js";
import type { ForwardResult } from "./workloads/forward.js";
import type { ProcessRunResult } from "./workloads/process-run.js";
import { type OspfFrrRow, type OspfRow, renderOspf } from "./workloads/ospf.js";
import { type NetnsBootRow, renderNetnsBoot } from "./workloads/netns-boot.js";
import type { Comparison, ConvergeResult, RipResult } from "./workloads/rip.js";
import type { ScaleResult } from "./workloads/scale.js";
import type { SchedulerResult } from "./workloads/scheduler.js";

type Err = { error: string };
type Runs = { runs: number[] };

export interface Report {
  machine: {
    cpus: number;
    cpu: string;
    node: string;
    platform: string;
    /** 1-minute load average: above the core count, other work shared the CPU and wall times grew. */
    loadAverageAtStart: number;
    loadAverageAtEnd?: number;
  };
  options: WorkloadOptions;
  runs: number;
  quick: boolean;
  peer: { path: string } | { skipped: string };
  /** The peer linked against an optimized ns-3 (--peer-opt). */
  peerOpt?: { path: string } | { skipped: string };
  scheduler: ((SchedulerResult & Runs) | (Err & { pending: number }))[];
  forward: ((ForwardResult & Runs) | (Err & { routers: number }))[];
  /** ns-3 on the forwarding workload's chain and traffic (bench/ns3/forward-peer.cc). */
  forwardNs3?: (ForwardPeerResult & Runs) | Err | { skipped: string };
  rip: {
    name: string;
    ours: (RipResult & { parseSeconds: number; engine?: string } & Runs) | Err;
    ns3: PeerRow;
    /** The same peer linked against ns-3 built with the "optimized" profile. */
    ns3opt?: PeerRow;
    /** Whether both ns-3 builds ended with the same tables (first runs). */
    ns3TablesAgree?: boolean;
  }[];
  converge: ({ name: string } & (ConvergeResult | Err))[];
  /** Whole processes at random-100: `routelab run` with the peer's work as a script, and ns-3's. */
  process?: ProcessRow;
  /** Memory per route of converged RIP networks (bench/memory-rows.ts). */
  memory?: MemoryRow[];
  /** `routelab run` from the command line: converge, then a ping across (bench/workloads/cli-run.ts). */
  cli: ((CliRunResult & Runs) | (Err & { name: string }))[];
  scale: ((ScaleResult & { engine?: string }) | (Err & { routers: number }))[];
  /** The netns engine's boot per router (root and FRR only). */
  netnsBoot?: NetnsBootRow[] | { skipped: string };
  /** OSPF beside RIP on the seed and random-100 (bench/workloads/ospf.ts). */
  ospf?: OspfRow[];
  /** FRR's ospfd on netns: convergence wall time (root and FRR only). */
  ospfFrr?: OspfFrrRow;
}

type PeerRan = Omit<PeerResult, "metrics"> & { metrics: undefined; routes: number } & Runs;
type PeerRow = PeerRan | Err | { skipped: string };

const peerRan = (p: PeerRow | undefined): p is PeerRan => p !== undefined && !isErr(p) && !("skipped" in p);

/** `their / ours` as "12.3×" (marked under the target), or "-". */
function ratioText(theirs: number | undefined, ours: number, target = true): string {
  if (theirs === undefined || !(ours > 0)) return "-";
  const r = theirs / ours;
  return `${r.toFixed(1)}×${target && r < TARGET_RATIO ? " (<10×)" : ""}`;
}

export interface ProcessRow {
  name: string;
  ours?: ProcessRunResult & Runs;
  ns3?: { processSeconds: number; cpuSeconds?: number; maxRssBytes?: number } & Runs;
  ns3opt?: { processSeconds: number; cpuSeconds?: number; maxRssBytes?: number } & Runs;
  errors: string[];
}

function renderProcess(p: ProcessRow, o: WorkloadOptions): string[] {
  const out = [
    `Whole process, ${p.name} (${o.time} simulated s, ${o.pings} ping flows): \`node bin/routelab.js run\` with the flows as a script (bench/workloads/process-run.ts) vs the ns-3 peer's process`,
  ];
  const row = (
    name: string,
    x: { wall: number; cpu?: number; rss?: number; runs: number[] } | undefined,
    ratio: string,
    cpuRatio: string,
  ) =>
    x === undefined
      ? [name, "-", "-", "-", "-", "-", ""]
      : [
          name,
          seconds(x.wall),
          x.cpu !== undefined ? seconds(x.cpu) : "-",
          x.rss ? bytes(x.rss) : "-",
          ratio,
          cpuRatio,
          x.runs.map((v) => v.toFixed(2)).join(" "),
        ];
  const ours = p.ours;
  const ratio = (theirs: number | undefined) =>
    ours && theirs !== undefined ? ratioText(theirs, ours.wallSeconds) : "";
  // On a loaded machine the wall ratio measures the queue for the CPU; this one does not.
  const cpuRatio = (theirs: number | undefined) =>
    ours?.cpuSeconds !== undefined && theirs !== undefined ? `${(theirs / ours.cpuSeconds).toFixed(1)}×` : "";
  out.push(
    table(
      ["process", "wall", "cpu", "peak RSS", "ratio", "cpu ratio", "runs (wall s)"],
      [
        row(
          "routelab run",
          ours && { wall: ours.wallSeconds, cpu: ours.cpuSeconds, rss: ours.maxRssBytes, runs: ours.runs },
          "",
          "",
        ),
        row(
          "ns-3 (Debian)",
          p.ns3 && {
            wall: p.ns3.processSeconds,
            cpu: p.ns3.cpuSeconds,
            rss: p.ns3.maxRssBytes,
            runs: p.ns3.runs,
          },
          ratio(p.ns3?.processSeconds),
          cpuRatio(p.ns3?.cpuSeconds),
        ),
        row(
          "ns-3 (optimized)",
          p.ns3opt && {
            wall: p.ns3opt.processSeconds,
            cpu: p.ns3opt.cpuSeconds,
            rss: p.ns3opt.maxRssBytes,
            runs: p.ns3opt.runs,
          },
          ratio(p.ns3opt?.processSeconds),
          cpuRatio(p.ns3opt?.cpuSeconds),
        ),
      ],
      [false, true, true, true, true, true, false],
    ),
  );
  if (ours)
    out.push(
      `  routelab's flows: ${ours.flows}, ${si(ours.transmitted)} echo requests, ${si(ours.received)} replies`,
    );
  out.push(...p.errors.map((e) => `  ! ${e}`), "");
  return out;
}

export const TARGET_RATIO = 10;
export const TARGET_HOPS = 1.5e6;

function table(head: string[], rows: string[][], right: boolean[] = head.map((_, i) => i > 0)): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (right[i] ? c.padStart(w[i]!) : c.padEnd(w[i]!)))
      .join("  ")
      .trimEnd();
  return [fmt(head), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(fmt)].join("\n");
}

function isErr(x: object): x is Err {
  return "error" in x && typeof (x as Err).error === "string";
}

function cmp(c: Comparison | undefined): string {
  if (!c) return "-";
  if (c.equal) return `equal (${si(c.compared)})`;
  return `DIFFER ${c.differ}/${c.onlyOurs}/${c.onlyTheirs}`;
}

export function renderReport(r: Report): string {
  const out: string[] = [];
  const o = r.options;
  out.push(
    `routelab bench: ${r.machine.cpu} (${r.machine.cpus} cores), node ${r.machine.node}; ` +
      `--time ${o.time} --pings ${o.pings} --interval ${o.interval} --seed ${o.seed}` +
      (o.failAt >= 0 && o.failLink ? ` --failAt ${o.failAt} --failLink ${o.failLink}` : "") +
      `; medians of ${r.runs} run(s)`,
  );
  const load = Math.max(r.machine.loadAverageAtStart, r.machine.loadAverageAtEnd ?? 0);
  if (load > r.machine.cpus)
    out.push(
      `note: load average ${load.toFixed(1)} on ${r.machine.cpus} cores: other work shared the CPU; compare the cpu ratio`,
    );
  if ("skipped" in r.peer) out.push(`ns-3 column skipped: ${r.peer.skipped}`);
  if (r.peerOpt && "skipped" in r.peerOpt) out.push(`optimized ns-3 column skipped: ${r.peerOpt.skipped}`);
  out.push("");

  if (r.scheduler.length > 0) {
    out.push("Scheduler (self-re-arming timers, random delays up to 1 ms)");
    out.push(
      table(
        ["pending", "events", "wall", "events/s", "events/cpu-s"],
        r.scheduler.map((s) =>
          isErr(s)
            ? [String(s.pending), s.error, "", "", ""]
            : [
                si(s.pending),
                si(s.events),
                seconds(s.wallSeconds),
                si(s.eventsPerSecond),
                si(s.events / s.cpuSeconds),
              ],
        ),
      ),
    );
    out.push("");
  }

  if (r.forward.length > 0) {
    out.push(
      `Forwarding (echo request/reply across a router chain; target ${si(TARGET_HOPS)} packet-hops/s)`,
    );
    out.push(
      table(
        ["routers", "in flight", "queued events", "packet-hops", "wall", "hops/s", "hops/cpu-s", "target"],
        r.forward.map((f) =>
          isErr(f)
            ? [String(f.routers), f.error, "", "", "", "", "", ""]
            : [
                String(f.routers),
                si(f.peakInFlight),
                si(f.peakPending),
                si(f.packetHops),
                seconds(f.wallSeconds),
                si(f.hopsPerSecond),
                si(f.packetHops / f.cpuSeconds),
                f.burst > 1 ? "(stress)" : f.hopsPerSecond >= TARGET_HOPS ? "met" : "MISSED",
              ],
        ),
      ),
    );
    const ns3 = r.forwardNs3;
    if (ns3 !== undefined) {
      const light = r.forward.find((f) => !isErr(f) && f.burst === 1);
      if (isErr(ns3)) out.push(`  ns-3 forwarding peer: ${ns3.error}`);
      else if ("skipped" in ns3) out.push(`  ns-3 forwarding peer skipped: ${ns3.skipped}`);
      else {
        const theirs = ns3.packetHops / (ns3.cpuSeconds ?? ns3.wallSeconds);
        const ours = light && !isErr(light) ? light.packetHops / light.cpuSeconds : Number.NaN;
        out.push(
          `  ns-3 (bench/ns3/forward-peer.cc, same chain and traffic, 1 request / 100 µs): ${si(ns3.packetHops)} packet-hops, ` +
            `${seconds(ns3.wallSeconds)} of Simulator::Run, ${si(ns3.hopsPerSecond)} hops/s, ${si(theirs)} hops/cpu-s` +
            (Number.isFinite(ours) ? `; routelab ${(ours / theirs).toFixed(1)}× per CPU second` : ""),
        );
      }
    }
    out.push("");
  }

  if (r.rip.length > 0) {
    out.push(
      `RIP, ${o.time} simulated s, ${o.pings} ping flows (wall = the run, boot excluded, as ns-3 times Simulator::Run)`,
    );
    const rows = r.rip.map((x) => {
      const ours = x.ours;
      const deb = peerRan(x.ns3) ? x.ns3 : undefined;
      const opt = peerRan(x.ns3opt) ? x.ns3opt : undefined;
      const peerCell = (p: PeerRow | undefined) =>
        peerRan(p) ? seconds(p.wallSeconds) : p !== undefined && isErr(p) ? "error" : "-";
      if (isErr(ours))
        return [
          x.name,
          "",
          "",
          ours.error,
          peerCell(x.ns3),
          "",
          "",
          peerCell(x.ns3opt),
          "",
          "",
          "",
          "",
          "",
          "",
          "",
          "",
          "",
        ];
      return [
        x.name,
        String(ours.nodes),
        String(ours.links),
        seconds(ours.wallSeconds),
        peerCell(x.ns3),
        ratioText(deb?.wallSeconds, ours.wallSeconds, false),
        ratioText(deb?.cpuSeconds, ours.cpuSeconds, false),
        peerCell(x.ns3opt),
        ratioText(opt?.wallSeconds, ours.wallSeconds),
        ratioText(opt?.cpuSeconds, ours.cpuSeconds, false),
        si(ours.events),
        deb ? si(deb.events) : opt ? si(opt.events) : "-",
        bytes(ours.peakHeapBytes),
        ours.bytesPerRoute !== undefined ? `${ours.bytesPerRoute.toFixed(0)} B` : "-",
        deb?.maxRssBytes ? bytes(deb.maxRssBytes) : "-",
        opt?.maxRssBytes ? bytes(opt.maxRssBytes) : "-",
        `${cmp(ours.vsPeer)} / ${cmp(ours.vsShortestPaths)}${x.ns3TablesAgree === false ? " (ns-3 builds differ!)" : ""}`,
      ];
    });
    out.push(
      table(
        [
          "topology",
          "nodes",
          "links",
          "routelab",
          "ns-3",
          "ratio",
          "cpu ratio",
          "ns-3 opt",
          "ratio opt",
          "cpu ratio opt",
          "events",
          "ns-3 events",
          "peak heap",
          "memory/route",
          "ns-3 RSS",
          "ns-3 opt RSS",
          "metrics vs ns-3 / vs shortest paths",
        ],
        rows,
        [
          false,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          false,
        ],
      ),
    );
    out.push(
      "  ratio = ns-3 / routelab (wall, medians); the 10× target is against the optimized build (ratio opt);\n" +
        "  memory/route = the lab's heap and array buffers after the run and a GC, over its RIP databases' entries (issue 22: ≤ 125 B)",
    );
    const errs = r.rip.flatMap((x) => [
      ...(isErr(x.ns3) ? [`${x.name}: ns-3: ${x.ns3.error}`] : []),
      ...(x.ns3opt && isErr(x.ns3opt) ? [`${x.name}: optimized ns-3: ${x.ns3opt.error}`] : []),
      ...(!isErr(x.ours) && x.ours.vsPeer && !x.ours.vsPeer.equal
        ? [`${x.name}: vs ns-3: ${x.ours.vsPeer.examples.join("; ")}`]
        : []),
      ...(!isErr(x.ours) && !x.ours.vsShortestPaths.equal
        ? [`${x.name}: vs shortest paths: ${x.ours.vsShortestPaths.examples.join("; ")}`]
        : []),
    ]);
    if (errs.length > 0) out.push(...errs.map((e) => `  ! ${e}`));
    out.push("");
  }

  if (r.process !== undefined) out.push(...renderProcess(r.process, o));

  if (r.converge.length > 0) {
    out.push(
      "Boot and converge (until every table holds its shortest-path metrics; checked every 0.1 simulated s)",
    );
    out.push(
      table(
        ["topology", "routers", "boot", "converged at", "wall to converge", "cpu", "events"],
        r.converge.map((c) =>
          isErr(c)
            ? [c.name, c.error, "", "", "", "", ""]
            : [
                c.name,
                String(c.nodes),
                seconds(c.bootSeconds),
                Number.isFinite(c.convergedAtSimSeconds)
                  ? `${c.convergedAtSimSeconds.toFixed(1)} s sim`
                  : "never",
                seconds(c.convergeWallSeconds),
                seconds(c.convergeCpuSeconds),
                si(c.events),
              ],
        ),
        [false, true, true, true, true, true, true],
      ),
    );
    out.push("");
  }

  if (r.memory && r.memory.length > 0) out.push(...renderMemory(r.memory, table), "");
  if (r.cli.length > 0) out.push(...renderCli(r.cli), "");

  if (r.scale.length > 0) {
    out.push("Scale (4-ary tree with static routes; 1,000 ping flows for 60 simulated s)");
    out.push(
      table(
        ["routers", "routes", "boot", "heap", "heap/router", "RSS", "hops", "hops/s", "replies"],
        r.scale.map((s) =>
          isErr(s)
            ? [String(s.routers), s.error, "", "", "", "", "", "", ""]
            : [
                si(s.routers),
                si(s.staticRoutes),
                seconds(s.bootSeconds),
                bytes(s.retainedHeapBytes),
                bytes(s.bytesPerRouter),
                bytes(s.maxRssBytes),
                si(s.packetHops),
                si(s.hopsPerSecond),
                `${s.replies}/${s.sent}`,
              ],
        ),
      ),
    );
    if (r.scale.some((s) => !isErr(s) && s.engine && s.engine !== "createSimLab"))
      out.push("  (built with sim/build: the engine's createSimLab was not available)");
    out.push("");
  }
  if (r.netnsBoot) out.push(...renderNetnsBoot(r.netnsBoot));
  if (r.ospf) out.push(...renderOspf(r.ospf, r.ospfFrr));
  return `${out.join("\n")}\n`;
}

/** The command line's figures, each with the command that produced it. */
function renderCli(rows: Report["cli"]): string[] {
  const out = [
    "Command line: `wait converged`, then one ping to the farthest router (whole process: Node start to exit)",
    table(
      ["topology", "routers", "links", "ping", "converged at", "wall", "cpu", "peak RSS", "runs"],
      rows.map((c) =>
        isErr(c)
          ? [c.name, c.error, "", "", "", "", "", "", ""]
          : [
              c.name,
              String(c.routers),
              String(c.links),
              `${c.from} → ${c.to} (${c.hops} hops, ttl ${c.replyTtl})`,
              `${c.convergedAtSimSeconds.toFixed(1)} s sim`,
              seconds(c.wallSeconds),
              c.cpuSeconds === undefined ? "-" : seconds(c.cpuSeconds),
              c.maxRssBytes === undefined ? "-" : bytes(c.maxRssBytes),
              c.runs.map((x) => x.toFixed(2)).join("/"),
            ],
      ),
      [false, true, true, false, true, true, true, true, false],
    ),
  ];
  for (const c of rows)
    if (!isErr(c))
      out.push(
        `  ${c.name}: ${c.madeBy ? `${c.madeBy}; ` : ""}printf '${cliScriptShown(c)}' > p.txt; ${c.command}`,
      );
  return out;
}

function cliScriptShown(c: CliRunResult): string {
  return cliScript(c.from, c.to).replaceAll("\n", "\\n");
}
