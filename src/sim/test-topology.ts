/**
 * @module sim/test-topology
 * Builds small Topology values in code for tests of the layers below topology parsing
 * (chains and the like), with the same defaults the file formats use.
 */
import { MS } from "../core/time.js";
import type { RipSettings, Topology } from "../topology/model.js";
import { RIP_DEFAULTS } from "../topology/protocols/index.js";

export const TEST_RIP: RipSettings = { ...RIP_DEFAULTS };

/** r1 - r2 - … - rN, link i on 10.0.i.0/24 (.1 on the left, .2 on the right). */
export function chainTopology(
  n: number,
  opts: { routing?: "static" | "rip"; delay?: number; bandwidth?: number } = {},
): Topology {
  const nodes = Array.from({ length: n }, (_, i) => ({
    name: `r${i + 1}`,
    routing: opts.routing ?? "static",
    statics: [],
  }));
  const links = Array.from({ length: n - 1 }, (_, i) => {
    const subnet = ((10 << 24) | ((i >> 8) << 16) | ((i & 255) << 8)) >>> 0;
    return {
      id: `r${i + 1}-r${i + 2}`,
      a: { node: `r${i + 1}`, iface: `epair${i}a`, addr: subnet + 1 },
      b: { node: `r${i + 2}`, iface: `epair${i}b`, addr: subnet + 2 },
      subnet,
      len: 24,
      delay: opts.delay ?? 1 * MS,
      bandwidth: opts.bandwidth ?? 0,
      loss: 0,
      queue: 100,
    };
  });
  return { name: `chain${n}`, nodes, links, rip: TEST_RIP, notes: [] };
}

/** Adds static routes so every node of a chain reaches every link subnet. */
export function withChainStatics(t: Topology): Topology {
  const n = t.nodes.length;
  t.nodes.forEach((node, i) => {
    t.links.forEach((l, j) => {
      if (j === i - 1 || j === i) return; // connected
      const left = j < i - 1;
      const gw = left ? t.links[i - 1]!.a.addr : t.links[i]!.b.addr;
      if (i === 0 && left) return;
      if (i === n - 1 && !left) return;
      node.statics.push({ dest: l.subnet, len: 24, gateway: gw });
    });
  });
  return t;
}
