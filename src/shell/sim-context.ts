/**
 * @module shell/sim-context
 * A ShellContext for a node of the simulator, so the sim engine's `exec` is a few lines:
 *
 *     const ctx = simShellContext(lab.net, node, { user: opts.user ?? "root", write });
 *     const p = runCommand(ctx, line, commands);
 *
 * Names come from one hosts table per Network (each node's first link address; every
 * interface address back to its node), and process ids from one counter per node, so the same
 * script gives the same idents, ports and output on every run.
 */
import { startPing } from "../apps/ping.js";
import { startTraceroute } from "../apps/traceroute.js";
import { maskOf } from "../core/ip.js";
import { arpDelete, arpListing } from "../sim/arp.js";
import type { Network } from "../sim/network.js";
import type { SimNode } from "../sim/node.js";
import { addAlias, NodeSystem, netfilterOf, removeAlias } from "../sim/node-system.js";
import { HostsTable, PidCounter, type RibRoute, type RouteRequest, type ShellContext } from "./context.js";

const hostsOf = new WeakMap<Network, HostsTable>();
const pidsOf = new WeakMap<SimNode, PidCounter>();

/** The lab's /etc/hosts, built once per Network (addresses never change after the build). */
export function simHosts(net: Network): HostsTable {
  let h = hostsOf.get(net);
  if (h === undefined) {
    h = new HostsTable(net.nodes.map((n) => ({ name: n.name, addrs: n.ifaces.map((i) => i.addr) })));
    hostsOf.set(net, h);
  }
  return h;
}

export interface SimContextOptions {
  user: string;
  /** Root's powers for a user other than root (an instructor). */
  privileged?: boolean;
  write: (text: string) => void;
  writeErr?: (text: string) => void;
}

export function simShellContext(net: Network, node: SimNode, o: SimContextOptions): ShellContext {
  const hosts = simHosts(net);
  let pids = pidsOf.get(node);
  if (pids === undefined) {
    // Start each node at a different pid, as routers booted at different times would.
    pids = new PidCounter(1000 + ((node.index * 7919) % 20000));
    pidsOf.set(node, pids);
  }
  const counter = pids;
  const ctx: ShellContext = {
    node: node.name,
    user: o.user,
    privileged: o.user === "root" || (o.privileged ?? false),
    host: node,
    ping: (opts, io) => startPing(node, opts, io),
    traceroute: (opts, io) => startTraceroute(node, opts, io),
    changeRoute: (req) => changeSimRoute(node, req, `route ${req.cmd} by ${o.user}`),
    routeTo: (dst) => {
      const hit = node.fib.lookup(dst);
      if (hit === undefined) return undefined;
      // RTM_GET looks the route up (in_matroute clears a dynamic route's RTPRF_OURS and expiry)
      // and lets it go again (in_clsroute: the hour starts anew): it shows `DYNAMIC`, no `3`.
      node.touchRoute(hit);
      const r = node.fib.all().find((x) => x.dest === (dst & maskOf(hit.len)) >>> 0 && x.len === hit.len);
      return r && { ...r, flags: r.flags.replace("3", "") };
    },
    routes: () =>
      node.fib.all().map((r) => {
        const expire = node.routeExpiry(r);
        return expire === undefined ? r : { ...r, expire };
      }),
    interfaces: () => node.ifaces,
    resolve: (name) => hosts.resolve(name),
    reverse: (a) => hosts.reverse(a),
    write: o.write,
    nextPid: () => counter.take(),
    daemons: () => node.daemons,
    rib: () => simRib(node),
    arpEntries: () => arpListing(node.ifaces, net.scheduler.now()),
    arpDelete: (i, addr) => {
      const iface = node.ifaces[i];
      return iface !== undefined && arpDelete(node, iface, addr);
    },
    setInterfaceUp: (i, up) => {
      const iface = node.ifaces[i];
      if (iface) node.setAdmin(iface, up, `ifconfig ${iface.name} ${up ? "up" : "down"} by ${o.user}`);
    },
  };
  if (o.writeErr) ctx.writeErr = o.writeErr;
  return withSystem(ctx, node, o.user);
}

/** The node's OS, files, aliases and nat table (sim/node-system.ts), on the context. */
function withSystem(ctx: ShellContext, node: SimNode, user: string): ShellContext {
  node.system ??= new NodeSystem("freebsd");
  const sys = node.system;
  return {
    ...ctx,
    os: sys.os,
    files: sys.files,
    aliases: () => node.aliases,
    addAlias: (a) => addAlias(node, a, `address ${a.label} added by ${user}`),
    removeAlias: (m) => removeAlias(node, m, `address removed by ${user}`) !== undefined,
    netfilter: () => netfilterOf(node),
  };
}

/**
 * Every source's route of the node's FIB (fib.ts keeps the ones another source outranks too),
 * one entry per next hop: a multipath route's equal-cost hops in order, as zebra lists them.
 */
function simRib(node: SimNode): RibRoute[] {
  const active = new Set(node.fib.all().map((r) => `${r.dest}/${r.len}/${r.source}`));
  return node.fib.all(true).flatMap((r) =>
    (r.multipath ?? [r]).map((h) => ({
      dest: r.dest,
      len: r.len,
      gateway: h.gateway,
      iface: h.iface,
      metric: r.metric,
      source: r.source,
      since: r.since ?? 0,
      selected: active.has(`${r.dest}/${r.len}/${r.source}`),
    })),
  );
}

/**
 * The simulated kernel's answer to route(8) (FreeBSD's rtrequest checks): a change of a prefix
 * it does not hold is ESRCH, an add of one it holds EEXIST, a gateway on no subnet of an up
 * interface ENETUNREACH. Routes added are static routes of the node's FIB; `change` of a route
 * another source installed replaces it with a static one.
 */
function changeSimRoute(node: SimNode, req: RouteRequest, reason: string): string | undefined {
  const { cmd, dest, len, gateway: gw } = req;
  const existing = node.fib.all().find((r) => r.dest === dest && r.len === len);
  if (cmd === "delete") {
    if (!existing) return "ESRCH";
    node.deleteRoute(existing.source, dest, len, reason);
    return undefined;
  }
  if (cmd === "add" && existing) return "EEXIST";
  if (cmd === "change" && !existing) return "ESRCH";
  if (gw === undefined) return "EINVAL";
  const iface = node.ifaces.find(
    (i) =>
      i.isLink && i.up && (i.addr === gw || (gw & maskOf(i.len)) >>> 0 === (i.addr & maskOf(i.len)) >>> 0),
  );
  if (iface === undefined) return "ENETUNREACH";
  if (cmd === "change" && existing && existing.source !== "static")
    node.deleteRoute(existing.source, dest, len, reason);
  node.setRoute("static", { dest, len, gateway: gw, iface: iface.index, metric: 0 }, reason);
  return undefined;
}
