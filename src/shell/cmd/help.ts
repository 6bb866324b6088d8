/**
 * @module shell/cmd/help
 * `help`: the commands of this shell with one line each — the registry it runs in, so
 * commands other layers register (rtquery, ssh) show up too.
 */
import type { Command, CommandRegistry } from "../commands.js";

/** A `help` command listing `registry` (read when run, so later registrations appear). */
export function helpCommand(registry: CommandRegistry): Command {
  return {
    name: "help",
    summary: "list the commands",
    run(ctx, _args, io) {
      const os = ctx.os ?? "freebsd";
      const list = registry.list().filter((c) => c.os === undefined || c.os === os);
      const w = Math.max(...list.map((c) => c.name.length));
      let s =
        os === "linux"
          ? "Commands (a Linux box: net-tools, iproute2, iptables, xinetd; most take -n for numbers):\n"
          : "Commands (FreeBSD style; most take -n for numbers instead of names):\n";
      for (const c of list) s += `  ${c.name.padEnd(w)}  ${c.summary}\n`;
      io.out(s);
      return 0;
    },
  };
}
