/**
 * @module shell/cmd/ripstatus
 * `ripstatus`: what the node's RIP daemon knows and plans, for teaching — something no real
 * router prints in one place (routed writes it to a trace file with `-t`, FRR splits it over
 * `show ip rip status` and `show ip rip`). It prints proto/rip's `formatStatus()`:
 *
 * - the split-horizon mode and the timers: update interval and when the next regular update
 *   goes out, timeout, garbage collection, the triggered-update hold-back range and whether a
 *   triggered update is pending;
 * - each interface with its message counters;
 * - each neighbour heard, how long ago, and how many routes go through it;
 * - each route with metric, next hop, interface, age (time since last heard), state (active,
 *   timeout, garbage), time left until it expires or is deleted, and its last change — a `*`
 *   after the metric marks a change still waiting for the triggered update;
 * - the refused messages and entries by reason.
 *
 * On a node that does not run RIP (`routing: static`) it says so and exits 1. On an engine whose
 * RIP is a real daemon (netns: FRR's ripd) it prints that daemon's own report instead
 * (`ctx.daemonReport`: `show ip rip status` and `show ip rip`), which names the same
 * neighbours and routes in FRR's words.
 */
import { RipDaemon } from "../../proto/rip/index.js";
import type { Command } from "../commands.js";
import { whenReady } from "../later.js";

export const RIPSTATUS_USAGE = "usage: ripstatus\n";

export const ripstatusCommand: Command = {
  name: "ripstatus",
  summary: "show the RIP daemon's neighbours, routes (metric, next hop, age, state) and timers",
  run(ctx, args, io) {
    if (args.length > 0) {
      io.err(RIPSTATUS_USAGE);
      return 1;
    }
    if (ctx.daemonReport) {
      return whenReady(ctx.daemonReport("rip"), io, "ripstatus", (text) => {
        if (text === undefined) {
          io.err(`ripstatus: ${ctx.node} does not run RIP (its routing is static)\n`);
          return 1;
        }
        io.out(text);
        return 0;
      });
    }
    const rip = ctx.daemons?.().find((d): d is RipDaemon => d instanceof RipDaemon);
    if (rip === undefined) {
      io.err(`ripstatus: ${ctx.node} does not run RIP (its routing is static)\n`);
      return 1;
    }
    if (!rip.running) {
      io.err(`ripstatus: the RIP daemon of ${ctx.node} is stopped\n`);
      return 1;
    }
    io.out(rip.formatStatus());
    return 0;
  },
};
