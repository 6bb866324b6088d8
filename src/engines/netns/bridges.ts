/**
 * @module engines/netns/bridges
 * A segment on the kernel: a Linux bridge `br0` in a namespace of its own (`PREFIX-SEGMENT`),
 * one veth pair per station — the station's end in its namespace with its planned MAC and
 * address, the other end (`port<k>`) enslaved to the bridge. The bridge learns and floods as
 * the simulator's switch does (sim/bridge.ts); STP is off (the default), so ports forward at
 * once, and multicast snooping is off so a routing protocol's group (224.0.0.x) reaches every
 * port as on the simulator.
 * Its MAC ageing is Linux's 300 s, not FreeBSD's 1,200 s: no routing table depends on it.
 */
import type { LabPlan, PlannedBridge } from "./plan.js";
import { ipBatch } from "./sys.js";

/** `ip -batch` lines (run in the root namespace) creating every station's veth into its bridge's namespace. */
export function bridgePortLines(plan: LabPlan): string[] {
  const lines: string[] = [];
  for (const b of plan.bridges)
    for (const l of b.ports) {
      const n = plan.byName.get(l.a.node)!;
      const i = n.ifaces.find((x) => x.name === l.a.iface)!;
      lines.push(
        `link add ${i.kname} up netns ${n.netns} address ${i.mac} type veth peer name ${l.b.iface} netns ${b.netns}`,
      );
    }
  return lines;
}

/** In the bridge's namespace: lo and IPv6 quiet, `br0` made, every port enslaved and up. */
export async function startBridge(b: PlannedBridge): Promise<void> {
  const lines = [
    `netns exec ${b.netns} sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1`,
    "link set lo up",
    "link add br0 type bridge stp_state 0 mcast_snooping 0",
  ];
  for (const l of b.ports) lines.push(`link set ${l.b.iface} master br0`, `link set ${l.b.iface} up`);
  lines.push("link set br0 up");
  await ipBatch(lines, b.netns);
}
