/**
 * @module bench/peer
 * The ns-3 peer (shared/bench/ns3/rip-peer.cc, built from Debian's libns3-dev): builds it when
 * missing, runs it on the same edge list with the same flags, and reads back its summary line
 * (`{"peer":…,"events":…,"wallSeconds":…}`) and its final tables (`NODE SUBNET NEXTHOP METRIC`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readDump } from "./ns3-compare.js";
import { runTimed } from "./timed-process.js";
import type { WorkloadOptions } from "./options.js";
import { REPO, SHARED } from "./topologies.js";

export interface PeerResult {
  peer: string;
  nodes: number;
  links: number;
  events: number;
  /** ns-3's own timing of Simulator::Run (excludes building the topology). */
  wallSeconds: number;
  /** Whole process, from spawn to exit. */
  processSeconds: number;
  /** CPU time of the whole process (user + system), from /usr/bin/time, when present. */
  cpuSeconds?: number;
  /** Peak resident set, from /usr/bin/time, when present. */
  maxRssBytes?: number;
  /** "node subnet" → metric, for learned routes below 16. */
  metrics: Map<string, number>;
}

/** The peer binary, built if needed; or a reason it is not available. */
export function ensurePeer(path: string): { ok: true; path: string } | { ok: false; reason: string } {
  if (existsSync(path)) return { ok: true, path };
  if (!existsSync("/usr/include/ns3/rip-helper.h"))
    return { ok: false, reason: "libns3-dev is not installed (apt-get install libns3-dev)" };
  const script = join(SHARED, "bench", "ns3", "build.sh");
  if (!existsSync(script)) return { ok: false, reason: `missing ${script}` };
  const r = spawnSync("sh", [script, path], { encoding: "utf8" });
  if (r.status !== 0 || !existsSync(path))
    return {
      ok: false,
      reason: `building the ns-3 peer failed: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ")}`,
    };
  return { ok: true, path };
}

export function peerArgs(topoFile: string, dump: string, o: WorkloadOptions): string[] {
  const args = [
    `--topo=${topoFile}`,
    `--time=${o.time}`,
    `--pings=${o.pings}`,
    `--interval=${o.interval}`,
    `--seed=${o.seed}`,
    `--dump=${dump}`,
  ];
  if (o.failAt >= 0 && o.failLink) args.push(`--failAt=${o.failAt}`, `--failLink=${o.failLink}`);
  return args;
}

export function runPeer(bin: string, topoFile: string, dump: string, o: WorkloadOptions): PeerResult {
  const timed = runTimed(bin, peerArgs(topoFile, dump, o), { maxBuffer: 16 << 20 });
  const { r, wallSeconds: processSeconds } = timed;
  if (r.status !== 0) throw new Error(`ns-3 peer failed (exit ${r.status}): ${r.stderr.trim().slice(-400)}`);
  const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`ns-3 peer printed no summary: ${r.stdout.slice(-400)}`);
  const summary = JSON.parse(line) as {
    peer: string;
    nodes: number;
    links: number;
    events: number;
    wallSeconds: number;
  };
  const out: PeerResult = { ...summary, processSeconds, metrics: readDump(readFileSync(dump, "utf8")) };
  if (timed.maxRssBytes !== undefined) out.maxRssBytes = timed.maxRssBytes;
  if (timed.cpuSeconds !== undefined) out.cpuSeconds = timed.cpuSeconds;
  return out;
}

export { readDump };

/** The ns-3 forwarding peer's summary (bench/ns3/forward-peer.cc), with its process's CPU time. */
export interface ForwardPeerResult {
  peer: string;
  routers: number;
  requests: number;
  replies: number;
  packetHops: number;
  events: number;
  /** Simulator::Run alone. */
  wallSeconds: number;
  hopsPerSecond: number;
  /** User + system of the whole process (building the chain included), from /usr/bin/time. */
  cpuSeconds?: number;
}

/** The forwarding peer, built from bench/ns3/forward-peer.cc with Debian's libns3-dev when missing. */
export function ensureForwardPeer(path: string): { ok: true; path: string } | { ok: false; reason: string } {
  if (existsSync(path)) return { ok: true, path };
  if (!existsSync("/usr/include/ns3/v4ping-helper.h"))
    return { ok: false, reason: "libns3-dev is not installed (apt-get install libns3-dev)" };
  const r = spawnSync("sh", [join(REPO, "bench", "ns3", "build-forward.sh"), path], { encoding: "utf8" });
  if (r.status !== 0 || !existsSync(path))
    return {
      ok: false,
      reason: `building the ns-3 forwarding peer failed: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ")}`,
    };
  return { ok: true, path };
}

/** Runs the forwarding peer; throws unless every request was answered across every link. */
export function runForwardPeer(bin: string, routers: number, requests: number): ForwardPeerResult {
  const args = [`--routers=${routers}`, `--requests=${requests}`, "--gap=100us", "--delay=1ms"];
  const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
  const r = timeBin
    ? spawnSync(timeBin, ["-f", "cpu=%U+%S", bin, ...args], { encoding: "utf8" })
    : spawnSync(bin, args, { encoding: "utf8" });
  if (r.status !== 0)
    throw new Error(`ns-3 forwarding peer failed (exit ${r.status}): ${r.stderr.trim().slice(-400)}`);
  const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`ns-3 forwarding peer printed no summary: ${r.stdout.slice(-400)}`);
  const out = JSON.parse(line) as ForwardPeerResult;
  const expect = requests * 2 * (routers - 1);
  if (out.replies !== requests || out.packetHops !== expect)
    throw new Error(
      `ns-3 forwarding peer: ${out.replies}/${requests} replies, ${out.packetHops}/${expect} hops`,
    );
  const cpu = /cpu=([\d.]+)\+([\d.]+)/.exec(r.stderr);
  if (cpu) out.cpuSeconds = Number(cpu[1]) + Number(cpu[2]);
  return out;
}
