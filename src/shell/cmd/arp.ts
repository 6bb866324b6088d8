/**
 * @module shell/cmd/arp
 * `arp`: the node's ARP caches, as FreeBSD 8's usr.sbin/arp/arp.c prints and deletes them.
 *
 *     arp [-n] [-i interface] -a      every entry (print_entry, arp.c:568-658)
 *     arp [-n] [-i interface] host    one entry, or "host (addr) -- no entry" (get, :410-426)
 *     arp -d host                     delete one (delete, :431-496)
 *     arp -d [-i interface] -a        delete all (nuke_entry, :665-672)
 *
 * A line reads `name (addr) at MAC on IF expires in N seconds [ethernet]`: the name from the
 * hosts table (`?` when there is none, or with -n), `(incomplete)` while ARP waits for an
 * answer, `permanent` for the interface's own address, `expired` for an incomplete entry (its
 * la_expire is the time of its last request); no expiry clause where the kernel keeps no such
 * time (netns: Linux's neighbour table, engines/netns/neighbours.ts). Deleting is a `Later` (a
 * process on netns). Setting entries (-s, -S, -f) is not offered.
 */
import { formatIpv4, parseIpv4 } from "../../core/ip.js";
import { formatMac } from "../../core/mac.js";
import type { Command } from "../commands.js";
import { isPrivileged, type Later, type ShellArpEntry, type ShellContext } from "../context.js";
import { getopt } from "../getopt.js";
import { thenLater, whenReady } from "../later.js";

const USAGE = [
  "usage: arp [-n] [-i interface] hostname",
  "       arp [-n] [-i interface] -a",
  "       arp -d hostname [pub]",
  "       arp -d [-i interface] -a",
  "       arp -s hostname ether_addr [temp] [reject | blackhole] [pub [only]]",
  "       arp -S hostname ether_addr [temp] [reject | blackhole] [pub [only]]",
  "       arp -f filename",
].join("\n");

type Io = Parameters<Command["run"]>[2];

export const arpCommand: Command = {
  name: "arp",
  summary: "show or delete ARP cache entries",
  run(ctx, args, io) {
    const g = getopt(args, "andfsSi:", "arp");
    if (!g.ok) {
      io.err(`${g.error}\n${USAGE}\n`);
      return 1;
    }
    let all = false;
    let numeric = false;
    let del = false;
    let iface: string | undefined;
    for (const o of g.opts) {
      if (o.opt === "a") all = true;
      else if (o.opt === "n") numeric = true;
      else if (o.opt === "i") iface = o.arg;
      else if (o.opt === "d") {
        if (del) return usage(io);
        del = true;
      } else {
        io.err(`arp: -${o.opt}: setting ARP entries is not supported in routelab\n`);
        return 1;
      }
    }
    const ops = g.operands;
    if (iface !== undefined) {
      if (del && !all) {
        io.err("arp: -i not applicable to this operation\n");
        return 1;
      }
      if (!ctx.interfaces().some((i) => i.name === iface)) {
        io.err(`arp: interface ${iface} does not exist\n`);
        return 1;
      }
    }
    const table = ctx.arpEntries?.();
    if (table === undefined) {
      io.err("arp: this engine does not show its ARP cache (on netns: ip neigh)\n");
      return 1;
    }
    const mine = iface === undefined ? table : table.filter((e) => e.iface === iface);
    if (del) {
      if (all) {
        if (ops.length !== 0) return usage(io);
        // main() keeps rtn at 0 for `-d -a`, whatever each deletion said (arp.c:183-186);
        // one deletion after the other, so their lines come in the listing's order.
        let chain: Later<number> = 0;
        for (const e of mine) chain = thenLater(chain, () => remove(ctx, io, formatIpv4(e.addr), e.addr));
        return whenReady(chain, io, "arp", () => 0);
      }
      if (ops.length === 2 && ops[1]!.startsWith("pub"))
        return whenReady(remove(ctx, io, ops[0]!, undefined), io, "arp", (code) => code);
      if (ops.length !== 1) return usage(io);
      return whenReady(remove(ctx, io, ops[0]!, undefined), io, "arp", (code) => code);
    }
    if (all) {
      if (ops.length !== 0) return usage(io);
      for (const e of mine) io.out(line(ctx, e, numeric));
      return 0;
    }
    if (ops.length !== 1) return usage(io);
    const host = ops[0]!;
    const addr = lookupHost(ctx, io, host);
    if (addr === undefined) return 1;
    const found = mine.filter((e) => e.addr === addr);
    for (const e of found) io.out(line(ctx, e, numeric));
    if (found.length > 0) return 0;
    io.out(`${host} (${formatIpv4(addr)}) -- no entry${iface === undefined ? "" : ` on ${iface}`}\n`);
    return 1;
  },
};

function usage(io: Io): number {
  io.err(`${USAGE}\n`);
  return 1;
}

/** getaddr (arp.c): a dotted quad, or a name from the hosts table. */
function lookupHost(ctx: ShellContext, io: Io, host: string): number | undefined {
  const a = parseIpv4(host) ?? ctx.resolve(host);
  if (a === undefined) io.err(`arp: ${host}: Unknown host\n`);
  return a;
}

/** print_entry. */
function line(ctx: ShellContext, e: ShellArpEntry, numeric: boolean): string {
  const name = numeric ? "?" : (ctx.reverse(e.addr) ?? "?");
  const mac = e.mac === undefined ? "(incomplete)" : formatMac(e.mac);
  const expiry =
    e.expires === undefined
      ? " permanent"
      : e.expires === null
        ? ""
        : e.expires > 0
          ? ` expires in ${e.expires} seconds`
          : " expired";
  return `${name} (${formatIpv4(e.addr)}) at ${mac} on ${e.iface}${expiry} [ethernet]\n`;
}

/**
 * delete (arp.c:431-496): RTM_GET finds the route to the host; an on-link one names the
 * interface whose entry RTM_DELETE removes (EINVAL when there is none); a gateway route means
 * no neighbour to delete.
 */
function remove(ctx: ShellContext, io: Io, host: string, known: number | undefined): Later<number> {
  const addr = known ?? lookupHost(ctx, io, host);
  if (addr === undefined) return 1;
  const route = ctx.host.lookup(addr);
  if (route === undefined) {
    io.err("arp: writing to routing socket: No such process\n");
    io.err(`arp: ${host}: No such process\n`);
    return 1;
  }
  if (route.gateway !== 0 || route.iface === 0) {
    io.err(`delete: cannot locate ${host}\n`);
    return 1;
  }
  if (!isPrivileged(ctx)) {
    io.err("arp: writing to routing socket: Operation not permitted\n");
    return 1;
  }
  return thenLater(ctx.arpDelete?.(route.iface, addr), (found) => {
    // No entry: lla_rt_output's EINVAL (sys/net/if_llatbl.c), warned by rtmsg().
    if (found === false) {
      io.err("arp: writing to routing socket: Invalid argument\n");
      return 1;
    }
    io.out(`${host} (${formatIpv4(addr)}) deleted\n`);
    return 0;
  });
}
