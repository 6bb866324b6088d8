/**
 * @module engines/netns/linux-commands
 * The commands of an `os: linux` node (and `nc` on every node) on the netns engine: the checks
 * of linux-native.ts, then the real tool in the node's namespace. Where the simulator's front
 * end is the gate (a refusal to a student, an alias to parse), it runs first and unchanged.
 */
import type { Program, ProgramIo } from "../../apps/process.js";
import type { Command, CommandRegistry } from "../../shell/commands.js";
import { isPrivileged, type ShellContext } from "../../shell/context.js";
import { whenReady } from "../../shell/later.js";
import { ifconfigReadArgv, iptablesArgv, ncArgv } from "./linux-native.js";
import type { Argv, NodeSpawner } from "./native-programs.js";

/** What the lab gives these commands beyond spawning. */
export interface LinuxHooks {
  /** The node's link interfaces as the kernel names them. */
  kernelNames(node: string): readonly string[];
  /** Runs the init script's verb on the node's real xinetd; whether it succeeded. */
  xinetd(node: string, verb: "start" | "stop" | "reload" | "status"): Promise<boolean>;
  /** A user's mark (a TOS byte, user-marks.ts): their nc's segments carry it (nc -T). */
  tosOf?(user: string): number;
}

/** Output a native command may print before it is stopped (iptables -L of many rules, nc of a stream). */
export const MAX_NATIVE_OUTPUT = 256 * 1024;

function bounded(io: ProgramIo, stop: () => void): ProgramIo {
  let used = 0;
  const pass = (w: (s: string) => void) => (s: string) => {
    if (used >= MAX_NATIVE_OUTPUT) return;
    used += s.length;
    if (used < MAX_NATIVE_OUTPUT) return w(s);
    w(s.slice(0, s.length - (used - MAX_NATIVE_OUTPUT)));
    io.err(`\nroutelab: output stopped at ${MAX_NATIVE_OUTPUT / 1024} KiB\n`);
    stop();
  };
  return { ...io, out: pass(io.out), err: pass(io.err) };
}

export function linuxCommands(shared: CommandRegistry, spawnIn: NodeSpawner, hooks: LinuxHooks): Command[] {
  const start = (ctx: ShellContext, a: Argv, io: ProgramIo, stdin = false): Program | number => {
    if (!a.ok) {
      io.err(a.text);
      return a.code;
    }
    let prog: Program | undefined;
    prog = spawnIn(
      ctx.node,
      a.argv,
      bounded(io, () => prog?.kill()),
      { stdin },
    );
    return prog;
  };
  const sharedRun = (name: string, ctx: ShellContext, args: string[], io: ProgramIo) =>
    shared.get(name)!.run(ctx, args, io);
  const linux = (ctx: ShellContext) => ctx.os === "linux";

  const initScript = (ctx: ShellContext, verb: string | undefined, io: ProgramIo, name: string) => {
    if (
      (!isPrivileged(ctx) && verb !== "status") ||
      !["start", "stop", "restart", "reload", "force-reload", "status"].includes(verb ?? "")
    )
      return undefined;
    const msg = (what: string, ok: boolean) => io.out(`${what}: xinetd${ok ? "." : " failed!"}\n`);
    const v = verb!;
    const done = (async () => {
      if (v === "status") {
        const up = await hooks.xinetd(ctx.node, "status");
        io.out(`xinetd is ${up ? "" : "not "}running.\n`);
        return up ? 0 : 3;
      }
      if (v === "reload" || v === "force-reload") {
        const ok = await hooks.xinetd(ctx.node, "reload");
        msg("Reloading internet superserver configuration", ok);
        return ok ? 0 : 1;
      }
      if (v !== "start") msg("Stopping internet superserver", await hooks.xinetd(ctx.node, "stop"));
      if (v === "stop") return 0;
      const ok = await hooks.xinetd(ctx.node, "start");
      msg("Starting internet superserver", ok);
      return ok ? 0 : 1;
    })();
    return whenReady(done, io, name, (code) => code);
  };

  return [
    {
      name: "ifconfig",
      summary: "interfaces (a Linux node's: net-tools ifconfig in its namespace)",
      run(ctx, args, io) {
        const read = linux(ctx) ? ifconfigReadArgv(args, hooks.kernelNames(ctx.node)) : undefined;
        // Changes (aliases, up/down) and FreeBSD nodes: the shared front end, then the engine.
        return read === undefined ? sharedRun("ifconfig", ctx, args, io) : start(ctx, read, io);
      },
    },
    {
      name: "iptables",
      summary: "Linux: the nat table (the real iptables in the node's namespace)",
      os: "linux",
      run: (ctx, args, io) =>
        isPrivileged(ctx) ? start(ctx, iptablesArgv(args), io) : sharedRun("iptables", ctx, args, io),
    },
    {
      name: "nc",
      summary: "netcat: TCP connections (netcat-openbsd in the node's namespace)",
      // Its standard input is a pipe the terminal writes typed lines to (Execution.input).
      run: (ctx, args, io) =>
        start(ctx, ncArgv(args, isPrivileged(ctx), hooks.tosOf?.(ctx.user) ?? 0), io, true),
    },
    {
      name: "xinetd",
      summary: "Linux: the internet super-server (Debian's xinetd in the node's namespace)",
      os: "linux",
      run(ctx, args, io) {
        if (!isPrivileged(ctx) || args.length > 0) return sharedRun("xinetd", ctx, args, io);
        return whenReady(hooks.xinetd(ctx.node, "start"), io, "xinetd", (ok) => (ok ? 0 : 1));
      },
    },
    {
      name: "/etc/init.d/xinetd",
      summary: "Linux: start, stop, restart or reload xinetd",
      os: "linux",
      run: (ctx, args, io) =>
        initScript(ctx, args[0], io, "/etc/init.d/xinetd") ?? sharedRun("/etc/init.d/xinetd", ctx, args, io),
    },
    {
      name: "service",
      summary: "Linux: service xinetd start|stop|restart|reload|status",
      os: "linux",
      run: (ctx, args, io) =>
        (args[0] === "xinetd" ? initScript(ctx, args[1], io, "service") : undefined) ??
        sharedRun("service", ctx, args, io),
    },
  ];
}
