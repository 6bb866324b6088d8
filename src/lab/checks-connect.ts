/**
 * @module lab/checks-connect
 * `client connects to 192.168.10.200 port 22 [on server]`: probed the honest way, as reach
 * checks are (lab/checks-probe.ts) — a TCP connection opened in a throwaway copy of the lab
 * (`nc -z -w 5 ADDR PORT` as the checker), its segments followed on the event stream. The
 * connection succeeded when nc did; it landed on every node where a SYN of the checker's was
 * taken by a listening socket. A relay's onward connection is charged to the caller's user
 * (apps/xinetd.ts), so `on server` sees through REDIRECT and xinetd to where the bytes go.
 */
import type { LabEvent } from "../core/events.js";
import { type Nanos, SECOND } from "../core/time.js";
import type { CapturedCheck, ConnectCheck, SshCheck } from "../topology/lesson-model.js";
import type { CheckRecord } from "./checks-record.js";
import { PROBE_USER, probeAddress } from "./checks-probe.js";
import type { Lab } from "./lab.js";

/** How long the relay may take to open its own connection after nc -z has closed. */
const SETTLE = 5 * SECOND;
const PROBE_LIMIT = 30 * SECOND;

export interface ConnectProbe {
  connected: boolean;
  /** Nodes whose listeners took a SYN of the probe, in order. */
  landed: string[];
  target: string;
}

export async function probeConnect(
  lab: Lab,
  from: string,
  to: string,
  port: number,
  o: { user?: string; settle?: Nanos } = {},
): Promise<ConnectProbe> {
  const user = o.user ?? PROBE_USER;
  const target = probeAddress(lab, to);
  // By the time each SYN arrived: one engine's events may come out of order (netns: a tcpdump per link).
  const landed: { node: string; t: Nanos }[] = [];
  const off = lab.onEvent((e: LabEvent) => {
    if (e.kind !== "deliver" || e.user !== user || e.cls !== "tcp") return;
    if (/Flags \[S\]/.test(e.summary) && !landed.some((x) => x.node === e.node))
      landed.push({ node: e.node, t: e.t });
  });
  try {
    const x = lab.exec(from, `nc -z -w 5 ${target.addr} ${port}`, { user });
    if (!(await lab.advanceUntil(() => x.exitCode !== undefined, PROBE_LIMIT))) {
      x.interrupt();
      await lab.advanceUntil(() => x.exitCode !== undefined, SECOND);
    }
    const code = x.exitCode ?? (await x.done);
    await lab.advanceUntil(() => false, o.settle ?? SETTLE);
    landed.sort((a, b) => a.t - b.t);
    return { connected: code === 0, landed: landed.map((x) => x.node), target: target.addr };
  } finally {
    off();
  }
}

/** The verdict of a connect check: whether it holds, and what the probe saw. */
export async function judgeConnect(c: ConnectCheck, lab: Lab): Promise<{ ok: boolean; reason: string }> {
  const p = await probeConnect(lab, c.from, c.to, c.port);
  const where = p.landed.length ? `; accepted at ${p.landed.join(" → ")}` : "";
  const seen = `${p.connected ? "connected to" : "could not connect to"} ${p.target} port ${c.port}${where}`;
  if (c.negate) return { ok: !p.connected, reason: seen };
  if (!p.connected) return { ok: false, reason: seen };
  if (c.on !== undefined && !p.landed.includes(c.on))
    return { ok: false, reason: `${seen}, never at ${c.on}` };
  return { ok: true, reason: seen };
}

/** How long an ssh probe may wait (FreeBSD's connect gives up after 75 s). */
const SSH_LIMIT = 120 * SECOND;

/** `A ssh B lands on C`: the in-lab ssh (Lab.ssh) from A to B, in the throwaway copy. */
export async function judgeSsh(c: SshCheck, lab: Lab): Promise<{ ok: boolean; reason: string }> {
  if (lab.ssh === undefined) return { ok: false, reason: `the ${lab.engine} engine has no in-lab ssh` };
  const target = probeAddress(lab, c.to);
  let landed: { node: string } | { error: string } | undefined;
  const hop = lab.ssh(c.from, target.addr, { user: PROBE_USER });
  void hop.landed.then((r) => {
    landed = r;
  });
  try {
    await lab.advanceUntil(() => landed !== undefined, SSH_LIMIT);
    await Promise.resolve();
  } finally {
    hop.close();
  }
  if (landed === undefined) return { ok: false, reason: `ssh ${target.addr} did not finish` };
  if ("error" in landed) return { ok: false, reason: landed.error };
  const seen = `ssh ${target.addr} landed on ${landed.node}`;
  return { ok: landed.node === c.on, reason: landed.node === c.on ? seen : `${seen}, not on ${c.on}` };
}

/** `capture shows A connecting to B port P`: from the run's record (lab/checks-record.ts). */
export function judgeCaptured(
  c: CapturedCheck,
  t: Nanos,
  lab: Lab,
  record: CheckRecord,
): { ok: boolean; reason: string } {
  const node = lab.nodes().find((n) => n.name === c.to);
  const addrs = node ? node.interfaces.map((i) => i.addr) : [c.to];
  const wanted = new Set(addrs.map((a) => `${a}:${c.port}`));
  const tried = record.connections.filter((x) => x.t <= t && x.node === c.from && wanted.has(x.remote));
  const done = tried.find((x) => x.established);
  const what = `${c.to} port ${c.port}`;
  if (done)
    return { ok: true, reason: `${done.user}@${c.from} connected from ${done.local} to ${done.remote}` };
  if (tried.length > 0)
    return {
      ok: false,
      reason: `${c.from} tried ${tried.length} connection(s) to ${what}; none was established`,
    };
  return { ok: false, reason: `no connection from ${c.from} to ${what} in the run` };
}
