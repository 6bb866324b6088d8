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
import { SECOND } from "../core/time.js";
import type { ConnectCheck } from "../topology/lesson-model.js";
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

export async function probeConnect(lab: Lab, from: string, to: string, port: number): Promise<ConnectProbe> {
  const target = probeAddress(lab, to);
  const landed: string[] = [];
  const off = lab.onEvent((e: LabEvent) => {
    if (e.kind !== "deliver" || e.user !== PROBE_USER || e.cls !== "tcp") return;
    if (/Flags \[S\]/.test(e.summary) && !landed.includes(e.node)) landed.push(e.node);
  });
  try {
    const x = lab.exec(from, `nc -z -w 5 ${target.addr} ${port}`, { user: PROBE_USER });
    if (!(await lab.advanceUntil(() => x.exitCode !== undefined, PROBE_LIMIT))) {
      x.interrupt();
      await lab.advanceUntil(() => x.exitCode !== undefined, SECOND);
    }
    const code = x.exitCode ?? (await x.done);
    await lab.advanceUntil(() => false, SETTLE);
    return { connected: code === 0, landed, target: target.addr };
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
