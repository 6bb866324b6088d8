/**
 * @module engines/netns/counters
 * A namespace's interfaces as `ifconfig` and `netstat -i` show them, read from the kernel
 * synchronously and without a process per command: every node has a long-lived `ip -n NS
 * monitor` process, and `ip -n` moves that process into the namespace and mounts a sysfs of
 * it (iproute2 lib/namespace.c netns_switch), so /proc/PID/net/dev holds the namespace's
 * counters (the same dev_get_stats as /sys/class/net/IF/statistics) and
 * /proc/PID/root/sys/class/net/IF/operstate each interface's carrier.
 *
 * Linux counts every frame an interface passed (ARP and RIP included), FreeBSD's address rows
 * count the address's own IP packets; Linux has no per-address counters, so the address row
 * repeats the interface's (netstat -i).
 */
import { readFileSync } from "node:fs";
import type { ShellInterface } from "../../shell/context.js";
import type { PlannedNode } from "./plan.js";

export interface DevCounters {
  ibytes: number;
  ipackets: number;
  ierrors: number;
  drops: number;
  obytes: number;
  opackets: number;
  oerrors: number;
}

/** /proc/net/dev: `name: rx bytes packets errs drop fifo frame compressed multicast, tx bytes packets errs drop …`. */
export function parseNetDev(text: string): Map<string, DevCounters> {
  const out = new Map<string, DevCounters>();
  for (const line of text.split("\n").slice(2)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (f.length < 16 || f.some((n) => !Number.isFinite(n))) continue;
    out.set(line.slice(0, colon).trim(), {
      ibytes: f[0]!,
      ipackets: f[1]!,
      ierrors: f[2]!,
      drops: f[3]!,
      obytes: f[8]!,
      opackets: f[9]!,
      oerrors: f[10]!,
    });
  }
  return out;
}

/** What the lab knows of a node's interfaces beside the kernel: who took which one down. */
export interface InterfaceState {
  /** The process living in the namespace (the node's `ip monitor`); undefined when it is gone. */
  pid: number | undefined;
  /** `ifconfig IF down` (by kernel name): the administrative state the kernel cannot tell apart
   * from a cut link, since the engine cuts a link by setting its ends down. */
  adminDown: ReadonlySet<string>;
  /** Whether the router runs (a crashed router's interfaces are down). */
  nodeUp: boolean;
  /** The lab's view of a link end's carrier, when the kernel cannot be read. */
  linkUp: (kname: string) => boolean;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    // the namespace's process ended (a closing lab): the caller falls back to the lab's state
    return undefined;
  }
}

/** lo0 first, then the link interfaces in topology order, with the kernel's counters and carrier. */
export function readInterfaces(plan: PlannedNode, st: InterfaceState): ShellInterface[] {
  const dev = st.pid === undefined ? undefined : readText(`/proc/${st.pid}/net/dev`);
  const counters = dev === undefined ? new Map<string, DevCounters>() : parseNetDev(dev);
  const carrierOf = (kname: string): boolean => {
    const op =
      st.pid === undefined ? undefined : readText(`/proc/${st.pid}/root/sys/class/net/${kname}/operstate`);
    return op === undefined ? st.nodeUp && st.linkUp(kname) : op.trim() === "up";
  };
  const lo: ShellInterface = {
    index: 0,
    name: "lo0",
    addr: 0x7f000001,
    len: 8,
    up: true,
    isLink: false,
    ...counters.get("lo"),
  };
  return [
    lo,
    ...plan.ifaces.map((i): ShellInterface => {
      const adminUp = st.nodeUp && !st.adminDown.has(i.kname);
      const carrier = carrierOf(i.kname);
      return {
        index: i.index,
        name: i.name,
        addr: i.addr,
        len: i.len,
        up: adminUp && carrier,
        isLink: true,
        adminUp,
        carrier,
        ...counters.get(i.kname),
      };
    }),
  ];
}
