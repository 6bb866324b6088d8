/**
 * @module engines/sim/ssh
 * The in-lab `ssh` on the simulator (apps/ssh.ts): every node's sshd listens on port 22 from
 * the start and again after each reboot, and a terminal's `ssh HOST` is a TCP connection from
 * its node to HOST port 22, landing on the node whose sshd answered.
 */
import { sshConnect, startSshd } from "../../apps/ssh.js";
import { parseIpv4 } from "../../core/ip.js";
import type { Network } from "../../sim/network.js";
import type { SimNode } from "../../sim/node.js";
import { simHosts } from "../../shell/sim-context.js";
import type { ShellHop } from "../../shell/session.js";
import type { Topology } from "../../topology/model.js";

function osOf(topology: Topology, node: string): "freebsd" | "linux" {
  return topology.nodes.find((n) => n.name === node)?.os ?? "freebsd";
}

/** Starts the sshd of `node` (at build and at each boot: a crash forgets its listener). */
export function startNodeSshd(topology: Topology, node: SimNode): void {
  if (node.bridge !== null) return; // a segment's switch runs nothing
  startSshd(node, osOf(topology, node.name));
}

/** `ssh HOST` from `from` (Lab.ssh on the simulator). */
export function simSsh(
  net: Network,
  topology: Topology,
  from: SimNode,
  host: string,
  opts: { user?: string; lost?: (message: string) => void },
): ShellHop {
  const addr = parseIpv4(host) ?? simHosts(net).resolve(host);
  if (addr === undefined)
    return {
      landed: Promise.resolve({
        error: `ssh: Could not resolve hostname ${host}: hostname nor servname provided, or not known`,
      }),
      close() {},
    };
  let settle!: (r: { node: string } | { error: string }) => void;
  const landed = new Promise<{ node: string } | { error: string }>((r) => {
    settle = r;
  });
  const client = sshConnect(
    from,
    addr,
    { hostText: host, user: opts.user ?? "root", os: osOf(topology, from.name) },
    (r) => {
      if (!r.ok) return settle({ error: r.message });
      // What answered on port 22 may be a student's listener behind a REDIRECT, not an sshd.
      if (net.byName.get(r.node) === undefined)
        return settle({ error: `ssh: ${host}: the server on port 22 did not name a node of this lab` });
      settle({ node: r.node });
    },
    opts.lost,
  );
  return {
    landed,
    close() {
      client.close();
      settle({ error: "" });
    },
  };
}
