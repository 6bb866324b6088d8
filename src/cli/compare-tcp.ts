/**
 * @module cli/compare-tcp
 * `routelab compare --tcp PORTS`: after the script, what reaches where over TCP on both engines
 * (lab/tcp-reach.ts) — from every node to every address of the others and to the addresses the
 * script and the lesson name (an alias the script adds, `ifconfig eth0:1 inet 192.168.10.200`),
 * on the ports given and those the lesson's connect/ssh/capture checks name: whether nc
 * connects, and on which nodes its SYNs land. A difference is printed and makes compare exit 1.
 */
import { formatIpv4, parseIpv4 } from "../core/ip.js";
import { SECOND } from "../core/time.js";
import type { Lab } from "../lab/lab.js";
import { describeReach, MAX_TCP_PROBES, probeTcpReach, tcpDifferences, tcpProbes } from "../lab/tcp-reach.js";
import { LabError } from "../core/errors.js";
import type { Topology } from "../topology/model.js";

/** The ports to compare: those asked, then the lesson's TCP checks'. */
export function tcpPorts(topo: Topology, asked: readonly number[]): number[] {
  const ports = new Set(asked);
  for (const c of topo.lesson?.checks ?? []) {
    if (c.kind === "connect" || c.kind === "captured") ports.add(c.port);
    if (c.kind === "ssh") ports.add(22);
  }
  return [...ports].sort((a, b) => a - b);
}

/**
 * Addresses in the lab's subnets that the script or the lesson's checks name and no interface
 * has (not a network's or broadcast address): where an alias may answer.
 */
export function namedAddresses(topo: Topology, script: string): string[] {
  const nets = [...topo.links, ...(topo.segments ?? [])].map((l) => ({ addr: l.subnet, len: l.len }));
  const taken = new Set<number>([
    ...topo.links.flatMap((l) => [l.a.addr, l.b.addr]),
    ...(topo.segments ?? []).flatMap((x) => x.ends.map((e) => e.addr)),
  ]);
  const words = [
    ...(script.match(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g) ?? []),
    ...(topo.lesson?.checks ?? []).flatMap((c) => ("to" in c && typeof c.to === "string" ? [c.to] : [])),
  ];
  const out = new Set<string>();
  for (const w of words) {
    const a = parseIpv4(w);
    if (a === undefined || taken.has(a)) continue;
    const inside = nets.some((n) => {
      const mask = n.len === 0 ? 0 : (~0 << (32 - n.len)) >>> 0;
      const host = (a & ~mask) >>> 0;
      return (a & mask) >>> 0 === n.addr && host !== 0 && host !== ~mask >>> 0;
    });
    if (inside) out.add(formatIpv4(a));
  }
  return [...out];
}

/** Probes both labs; undefined when there is no port to compare. */
export async function compareTcp(
  topo: Topology,
  script: string,
  asked: readonly number[],
  sim: Lab,
  net: Lab,
): Promise<{ text: string; differ: boolean } | undefined> {
  const ports = tcpPorts(topo, asked);
  if (ports.length === 0) return undefined;
  const probes = tcpProbes(sim, ports, namedAddresses(topo, script));
  if (probes.length > MAX_TCP_PROBES)
    throw new LabError(
      `--tcp: ${probes.length} connections to probe (nodes × addresses × ports); at most ${MAX_TCP_PROBES}`,
      { field: "--tcp" },
      "usage",
    );
  const a = await probeTcpReach(sim, probes, 5 * SECOND);
  const b = await probeTcpReach(net, probes, SECOND);
  const diffs = tcpDifferences(a, b);
  let text = "";
  for (const d of diffs) text += `tcp ${d}\n`;
  const made = a.filter((x) => x.connected);
  for (const x of made.filter((r) => r.landed.length > 1))
    text += `tcp ${x.from} → ${x.addr}:${x.port}: ${describeReach(x)}\n`;
  text += `tcp: ${probes.length} connections compared (ports ${ports.join(", ")}; ${made.length} connect on the simulator), ${diffs.length} differences\n`;
  return { text, differ: diffs.length > 0 };
}
