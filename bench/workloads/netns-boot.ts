/**
 * @module bench/workloads/netns-boot
 * Boot time of the netns engine (real namespaces, veths and FRR) per router, the figure IMUNES,
 * CORE and Mininet publish (tens of milliseconds per node). Boots a topology without captures,
 * reads the engine's per-phase timings, and counts CPU time as well as wall time — on a shared
 * machine the wall clock grows with other people's load, the CPU time much less. CPU is ours
 * plus every process the boot started: children we waited for (/proc/self/stat cutime+cstime),
 * and the ones still running (daemons, monitors) from their own /proc/PID/stat.
 * Root, Linux and FRR only: `netnsBootUnavailable` says why not.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { Topology } from "../../src/topology/model.js";

export interface NetnsBootResult {
  routers: number;
  links: number;
  /** Wall milliseconds of each boot phase (engine timings) and `total`. */
  phases: Record<string, number>;
  wallMs: number;
  msPerRouter: number;
  /** CPU milliseconds of this process and everything the boot started. */
  cpuMs: number;
  cpuMsPerRouter: number;
  closeMs: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime+stime (+cutime+cstime when `children`) of a process in ms, 0 when gone. */
function cpuOf(pid: number | "self", children: boolean): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    // fields after ")": state=0 … utime=11 stime=12 cutime=13 cstime=14
    let t = Number(f[11]) + Number(f[12]);
    if (children) t += Number(f[13]) + Number(f[14]);
    return t * TICK_MS;
  } catch {
    return 0;
  }
}

/** Live descendants of this process (by parent pid), e.g. monitors still running. */
function descendants(): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(s.slice(s.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const out: number[] = [];
  const want = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, pp] of parent)
      if (want.has(pp) && !want.has(pid)) {
        want.add(pid);
        out.push(pid);
        grew = true;
      }
  }
  return out;
}

/** Why this machine cannot run the workload, or null. */
export async function netnsBootUnavailable(): Promise<string | null> {
  const { netnsUnavailable } = await import("../../src/engines/netns/index.js");
  return netnsUnavailable();
}

/** Boots `topo` on namespaces once, measures, and removes everything again. */
export async function runNetnsBoot(topo: Topology, prefix = "rlbench"): Promise<NetnsBootResult> {
  const { createNetnsLab } = await import("../../src/engines/netns/index.js");
  const cpu0 = cpuOf("self", true);
  const t0 = performance.now();
  const lab = await createNetnsLab(topo, { prefix, capture: false });
  const wallMs = performance.now() - t0;
  let cpuMs = cpuOf("self", true) - cpu0;
  const seen = new Set<number>();
  for (const pid of [...descendants(), ...lab.state.state.pids.map((p) => p.pid)])
    if (!seen.has(pid)) {
      seen.add(pid);
      cpuMs += cpuOf(pid, true);
    }
  const t1 = performance.now();
  await lab.close();
  const routers = topo.nodes.length;
  return {
    routers,
    links: topo.links.length,
    phases: { ...lab.timings },
    wallMs,
    msPerRouter: wallMs / routers,
    cpuMs,
    cpuMsPerRouter: cpuMs / routers,
    closeMs: performance.now() - t1,
  };
}

/** The topologies booted: the seed network, and a 50-router generated one. */
export const NETNS_BOOT_TOPOLOGIES = [
  { name: "seed", file: "examples/seed.yaml" },
  { name: "random-50", gen: ["random", "50", "--degree", "3"] },
] as const;

export type NetnsBootRow = { name: string } & ((NetnsBootResult & { runs: number[] }) | { error: string });

/** The report's section: wall and CPU per router beside the published figures. */
export function renderNetnsBoot(rows: NetnsBootRow[] | { skipped: string }): string[] {
  const head = "netns engine boot (namespaces, veths, addresses, FRR zebra + ripd per router; no captures)";
  if (!Array.isArray(rows)) return [head, `  skipped: ${rows.skipped}`, ""];
  const ms = (x: number) => `${x.toFixed(x < 100 ? 1 : 0)} ms`;
  const lines = [head];
  for (const r of rows) {
    if ("error" in r) {
      lines.push(`  ${r.name}: ${r.error}`);
      continue;
    }
    const phases = Object.entries(r.phases)
      .filter(([k]) => k !== "total")
      .map(([k, v]) => `${k} ${v.toFixed(0)}`)
      .join(", ");
    lines.push(
      `  ${r.name}: ${r.routers} routers in ${ms(r.wallMs)}: ${ms(r.msPerRouter)} wall, ${ms(r.cpuMsPerRouter)} cpu per router` +
        ` (runs ${r.runs.map((x) => x.toFixed(0)).join("/")} ms/router; ${phases} ms; close ${ms(r.closeMs)})`,
    );
  }
  lines.push(
    "  (IMUNES, CORE and Mininet publish tens of ms per node; on a loaded machine compare the cpu column)",
  );
  return [...lines, ""];
}
