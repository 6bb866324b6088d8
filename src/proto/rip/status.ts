/**
 * @module proto/rip/status
 * The daemon's state as plain data (for the page and tests) and as text (for the shell and
 * the class): settings and timers, interfaces with their message counters, neighbours, every
 * route with metric, next hop, age, state and the reason of its last change, and the
 * counters of refused messages and entries by reason.
 */
import { heardAt } from "./table.js";
import { formatIpv4 } from "../../core/ip.js";
import { formatDuration, type Nanos } from "../../core/time.js";
import type { HostInterface } from "../../sim/host.js";
import type { RipSettings } from "../../topology/model.js";
import type { RipCounterName, RipIfaceCounters, RipNeighbour, RipRoute, RipRouteState } from "./types.js";

export interface RipRouteStatus {
  /** `10.0.30.0/24` */
  dest: string;
  metric: number;
  /** Gateway, or "" for a connected network. */
  nextHop: string;
  /** Router it was learned from, or "" for a connected network. */
  from: string;
  iface: string;
  connected: boolean;
  /** Time since last heard (or set up). */
  age: Nanos;
  state: RipRouteState;
  /** Route change flag: waits for the next triggered update. */
  changed: boolean;
  /** Time left until the timeout (active) or the deletion (timeout/garbage); null for connected. */
  expiresIn: Nanos | null;
  reason: string;
}

export interface RipIfaceStatus extends RipIfaceCounters {
  index: number;
  name: string;
  addr: string;
  len: number;
  up: boolean;
}

export interface RipNeighbourStatus {
  addr: string;
  iface: string;
  lastHeard: Nanos;
  badPackets: number;
  badRoutes: number;
  /** Routes in use through this neighbour. */
  routes: number;
}

export interface RipStatus {
  node: string;
  now: Nanos;
  running: boolean;
  settings: RipSettings;
  /** Absolute time of the next regular update; null when stopped. */
  nextUpdate: Nanos | null;
  /** Changed routes wait for a triggered update, due at `at` (null: none scheduled, or suppressed by the regular update). */
  triggered: { pending: boolean; at: Nanos | null };
  interfaces: RipIfaceStatus[];
  neighbours: RipNeighbourStatus[];
  routes: RipRouteStatus[];
  /** Refused messages/entries and notes, by reason (see types.ts). */
  counters: Partial<Record<RipCounterName, number>>;
}

export interface RipSnapshot {
  node: string;
  now: Nanos;
  running: boolean;
  settings: RipSettings;
  interfaces: readonly HostInterface[];
  routes: readonly RipRoute[];
  neighbours: readonly RipNeighbour[];
  counters: ReadonlyMap<RipCounterName, number>;
  ifCounters: readonly (RipIfaceCounters | undefined)[];
  nextUpdate: Nanos;
  triggerPending: boolean;
  triggerAt: Nanos;
}

const ZERO: RipIfaceCounters = {
  rxRequests: 0,
  rxResponses: 0,
  rxBadPackets: 0,
  rxBadRoutes: 0,
  txRequests: 0,
  txUpdates: 0,
  txTriggered: 0,
  txAnswers: 0,
  txErrors: 0,
};

export function buildStatus(s: RipSnapshot): RipStatus {
  const ifName = (i: number) => s.interfaces[i]?.name ?? `#${i}`;
  const via = new Map<number, number>();
  for (const r of s.routes) if (!r.connected && r.metric < 16) via.set(r.from, (via.get(r.from) ?? 0) + 1);
  return {
    node: s.node,
    now: s.now,
    running: s.running,
    settings: { ...s.settings },
    nextUpdate: Number.isFinite(s.nextUpdate) ? s.nextUpdate : null,
    triggered: {
      pending: s.triggerPending,
      at: Number.isFinite(s.triggerAt) ? s.triggerAt : null,
    },
    interfaces: s.interfaces
      .filter((i) => i.isLink)
      .map((i) => ({
        index: i.index,
        name: i.name,
        addr: formatIpv4(i.addr),
        len: i.len,
        up: i.up,
        ...(s.ifCounters[i.index] ?? ZERO),
      })),
    neighbours: s.neighbours.map((n) => ({
      addr: formatIpv4(n.addr),
      iface: ifName(n.iface),
      lastHeard: n.lastHeard,
      badPackets: n.badPackets,
      badRoutes: n.badRoutes,
      routes: via.get(n.addr) ?? 0,
    })),
    routes: s.routes.map((r) => ({
      dest: `${formatIpv4(r.dest)}/${r.len}`,
      metric: r.metric,
      nextHop: r.connected ? "" : formatIpv4(r.nextHop),
      from: r.connected ? "" : formatIpv4(r.from),
      iface: ifName(r.iface),
      connected: r.connected,
      age: s.now - heardAt(r, s.settings.timeout),
      state: r.state,
      changed: r.changed,
      expiresIn: r.metric < 16 ? (r.connected ? null : r.expires - s.now) : r.gcAt - s.now,
      reason: r.reason,
    })),
    counters: Object.fromEntries(s.counters),
  };
}

const SPLIT: Record<RipSettings["splitHorizon"], string> = {
  poisoned: "split horizon with poisoned reverse",
  simple: "simple split horizon",
  off: "no split horizon",
};

/** The status as text for people (the shell's `rip status`, the class's projector). */
export function formatStatus(st: RipStatus): string {
  const s = st.settings;
  const d = (t: Nanos) => formatDuration(Math.max(0, t));
  const lines: string[] = [];
  lines.push(
    `RIP version ${s.version} on ${st.node}${st.running ? "" : " (stopped)"}: ${SPLIT[s.splitHorizon]}`,
  );
  const next = st.nextUpdate === null ? "-" : `next in ${d(st.nextUpdate - st.now)}`;
  const trig = !st.triggered.pending
    ? "no triggered update pending"
    : st.triggered.at !== null
      ? `triggered update in ${d(st.triggered.at - st.now)}`
      : "changes wait for the regular update";
  lines.push(
    `  timers: update ${d(s.update)} (${next}), timeout ${d(s.timeout)}, garbage ${d(s.garbage)}, triggered ${d(s.triggeredMin)}-${d(s.triggeredMax)}; ${trig}`,
  );
  lines.push("Interfaces:");
  lines.push("  Name       Address            State  RxReq RxResp RxBad BadRte TxReq TxUpd TxTrig TxAns");
  for (const i of st.interfaces)
    lines.push(
      `  ${i.name.padEnd(10)} ${`${i.addr}/${i.len}`.padEnd(18)} ${(i.up ? "up" : "down").padEnd(6)}` +
        ` ${num(i.rxRequests, 5)} ${num(i.rxResponses, 6)} ${num(i.rxBadPackets, 5)} ${num(i.rxBadRoutes, 6)}` +
        ` ${num(i.txRequests, 5)} ${num(i.txUpdates, 5)} ${num(i.txTriggered, 6)} ${num(i.txAnswers, 5)}`,
    );
  lines.push("Neighbours:");
  if (st.neighbours.length === 0) lines.push("  (none heard yet)");
  for (const n of st.neighbours)
    lines.push(
      `  ${n.addr.padEnd(15)} on ${n.iface.padEnd(10)} heard ${d(st.now - n.lastHeard)} ago, ${n.routes} routes, bad packets ${n.badPackets}, bad routes ${n.badRoutes}`,
    );
  lines.push("Routes:");
  lines.push("  Destination        Metric Next hop        Iface      Age    State    Expires  Last change");
  for (const r of st.routes) {
    const exp = r.expiresIn === null ? "-" : d(r.expiresIn);
    const flag = r.changed ? "*" : " ";
    lines.push(
      `  ${r.dest.padEnd(18)} ${String(r.metric).padStart(6)}${flag}${(r.connected ? "connected" : r.nextHop).padEnd(15)} ${r.iface.padEnd(10)} ${(r.connected ? "-" : d(r.age)).padEnd(6)} ${r.state.padEnd(8)} ${exp.padEnd(8)} ${r.reason}`,
    );
  }
  const c = Object.entries(st.counters).filter(([, v]) => (v ?? 0) > 0);
  lines.push(`Refused/noted: ${c.length === 0 ? "none" : c.map(([k, v]) => `${k} ${v}`).join(", ")}`);
  return `${lines.join("\n")}\n`;
}

const num = (n: number, w: number) => String(n).padStart(w);
