/**
 * @module bench/workloads/scale
 * 10,000 routers in one process: boot a 4-ary tree with static routes (bench/topologies.ts),
 * then forward ping traffic between random pairs for a simulated minute. Reports boot time,
 * heap per router, and the forwarding rate at that size (FIB and heap far larger than the
 * chain's, so cache misses show).
 */
import { SECOND } from "../../src/core/time.js";
import type { CreateLab } from "../engine.js";
import { startPingFlows } from "../pings.js";
import { staticTree } from "../topologies.js";

export interface ScaleResult {
  routers: number;
  staticRoutes: number;
  bootSeconds: number;
  retainedHeapBytes: number;
  bytesPerRouter: number;
  maxRssBytes: number;
  flows: number;
  sent: number;
  replies: number;
  packetHops: number;
  wallSeconds: number;
  cpuSeconds: number;
  hopsPerSecond: number;
  events: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
function heapNow(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

export async function runScale(
  createLab: CreateLab,
  routers: number,
  flows: number,
  seed: number,
): Promise<ScaleResult> {
  const topo = staticTree(routers, 4);
  const staticRoutes = topo.nodes.reduce((n, x) => n + x.statics.length, 0);
  const heap0 = heapNow();
  const t0 = performance.now();
  const lab = await createLab(topo, { seed });
  const bootSeconds = (performance.now() - t0) / 1000;
  if (lab.net.nodes.length !== routers)
    throw new Error(`scale bench: ${lab.net.nodes.length} of ${routers} routers booted`);
  const retained = heapNow() - heap0;
  // Pings from 60 s to 120 s, once a second per flow.
  const pings = startPingFlows(lab.net, {
    time: 120,
    pings: flows,
    interval: 1,
    failAt: -1,
    failLink: "",
    seed,
  });
  const s = lab.net.scheduler;
  s.runUntil(59 * SECOND);
  const e0 = s.executed;
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  s.runUntil(121 * SECOND);
  const c = process.cpuUsage(c1);
  const wall = (performance.now() - t1) / 1000;
  let hops = 0;
  for (const n of lab.net.nodes) for (let i = 1; i < n.ifaces.length; i++) hops += n.ifaces[i]!.ipackets;
  if (pings.replies !== pings.sent || pings.sent === 0)
    throw new Error(`scale bench: ${pings.replies}/${pings.sent} replies: packets were lost`);
  await lab.close();
  return {
    routers,
    staticRoutes,
    bootSeconds,
    retainedHeapBytes: retained,
    bytesPerRouter: retained / routers,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    flows: pings.flows,
    sent: pings.sent,
    replies: pings.replies,
    packetHops: hops,
    wallSeconds: wall,
    cpuSeconds: (c.user + c.system) / 1e6,
    hopsPerSecond: hops / wall,
    events: s.executed - e0,
  };
}
