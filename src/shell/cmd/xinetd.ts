/**
 * @module shell/cmd/xinetd
 * Starting and stopping xinetd (apps/xinetd.ts) on an `os: linux` node, the ways a Debian box
 * does: `xinetd` itself (it daemonizes: the prompt comes back at once), and the init script
 * `/etc/init.d/xinetd start|stop|restart|reload|force-reload|status` or `service xinetd …`,
 * with Debian's lsb messages (`Starting internet superserver: xinetd.`; /etc/init.d/xinetd in
 * Debian 12's xinetd package prints them through log_daemon_msg/log_end_msg). Root only, as
 * start-stop-daemon is. What xinetd says goes to /var/log/syslog.
 */
import type { ProgramIo } from "../../apps/process.js";
import { startXinetd, xinetdOf } from "../../apps/xinetd.js";
import type { Command } from "../commands.js";
import { isPrivileged, type ShellContext } from "../context.js";

const USAGE = "Usage: /etc/init.d/xinetd {start|stop|reload|force-reload|restart|status}\n";

function start(ctx: ShellContext): boolean {
  if (ctx.files === undefined || ctx.host.tcp === undefined) return false;
  const host = ctx.host as typeof ctx.host & { addProcess?(kill: () => void): () => void };
  return (
    startXinetd({
      host: ctx.host,
      files: ctx.files,
      pid: ctx.nextPid(),
      addProcess: host.addProcess?.bind(host),
    }) !== undefined
  );
}

/** The init script's verbs. */
function initScript(ctx: ShellContext, verb: string | undefined, io: ProgramIo): number {
  const msg = (what: string, ok: boolean) => {
    io.out(`${what}: xinetd${ok ? "." : " failed!"}\n`);
    return ok ? 0 : 1;
  };
  const root = isPrivileged(ctx);
  switch (verb) {
    case "start":
      // start-stop-daemon --oknodo: an xinetd already running is success.
      return msg("Starting internet superserver", root && (xinetdOf(ctx.host) !== undefined || start(ctx)));
    case "stop":
      if (root) xinetdOf(ctx.host)?.stop();
      return msg("Stopping internet superserver", root);
    case "reload":
    case "force-reload": {
      const x = root ? xinetdOf(ctx.host) : undefined;
      x?.reload();
      return msg("Reloading internet superserver configuration", x !== undefined);
    }
    case "restart":
      if (root) xinetdOf(ctx.host)?.stop();
      msg("Stopping internet superserver", root);
      return msg("Starting internet superserver", root && start(ctx));
    case "status":
      if (xinetdOf(ctx.host) !== undefined) {
        io.out("xinetd is running.\n");
        return 0;
      }
      io.out("xinetd is not running.\n");
      return 3;
    default:
      io.err(USAGE);
      return 1;
  }
}

export const initXinetdCommand: Command = {
  name: "/etc/init.d/xinetd",
  summary: "Linux: start, stop, restart or reload xinetd",
  os: "linux",
  run: (ctx, args, io) => initScript(ctx, args[0], io),
};

export const serviceCommand: Command = {
  name: "service",
  summary: "Linux: service xinetd start|stop|restart|reload|status",
  os: "linux",
  run(ctx, args, io) {
    const [name, verb] = args;
    if (name !== "xinetd") {
      io.err(
        name === undefined
          ? "Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]\n"
          : `${name}: unrecognized service\n`,
      );
      return 1;
    }
    return initScript(ctx, verb, io);
  },
};

export const xinetdCommand: Command = {
  name: "xinetd",
  summary: "Linux: the internet super-server (reads /etc/xinetd.conf and /etc/xinetd.d)",
  os: "linux",
  run(ctx, _args, io) {
    if (!isPrivileged(ctx)) {
      io.err("xinetd: must be run as root (it binds the services' ports)\n");
      return 1;
    }
    // A second xinetd finds the first's pid file and leaves (xinetd/init.c).
    if (xinetdOf(ctx.host) !== undefined) {
      io.err("xinetd: already running\n");
      return 1;
    }
    return start(ctx) ? 0 : 1;
  },
};
