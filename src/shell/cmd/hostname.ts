/**
 * @module shell/cmd/hostname
 * `hostname [-s]`: the node's name. Setting it is refused as a jail refuses it.
 */
import type { Command } from "../commands.js";
import { getopt } from "../getopt.js";

export const hostnameCommand: Command = {
  name: "hostname",
  summary: "print the name of this node",
  run(ctx, args, io) {
    const g = getopt(args, "fsd", "hostname");
    if (!g.ok || g.operands.length > 1) {
      io.err(`${g.ok ? "" : `${g.error}\n`}usage: hostname [-fsd] [name-of-host]\n`);
      return 1;
    }
    if (g.operands.length === 1) {
      io.err("hostname: sethostname: Operation not permitted\n");
      return 1;
    }
    io.out(`${ctx.node}\n`);
    return 0;
  },
};
