/**
 * @module engines/netns/native-programs
 * The programs of a namespace's own system behind the shell's front ends. People type FreeBSD
 * syntax, which the shared commands (shell/cmd) parse and check; on the netns engine `ping` and
 * `traceroute` then run as iputils `ping` and Linux `traceroute` with the equivalent flags,
 * `vtysh -c 'show …'` (checked by the shared shell/cmd/vtysh.ts) as the node's own FRR vtysh, and
 * one netns-only command reaches the real system read-only: `ip … show`. Every result is an
 * argument array: nothing ever reaches a shell.
 *
 * Option mapping (FreeBSD → Linux):
 *   ping  -c N → -c N   -i S → -i S   -s B → -s B   -m TTL → -t TTL   -t SECS → -w SECS
 *         -W MS → -W ceil(MS/1000) s   -n, -q as is   (-o and -Q have no iputils twin)
 *   traceroute  -n -I -f -m -q -w -p as is; FreeBSD's defaults (64 hops, 40-byte packets,
 *         60 with -I) are passed explicitly
 * Every probe carries the user's DSCP mark (ping -Q, traceroute -t) so captured packets can
 * be charged to whoever sent them (see capture.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { PingOptions } from "../../apps/ping.js";
import { type Program, type ProgramIo, ProgramState } from "../../apps/process.js";
import { probeLength, type TracerouteOptions } from "../../apps/traceroute.js";
import { formatIpv4 } from "../../core/ip.js";
import { builtinCommands } from "../../shell/builtins.js";
import type { Command, CommandRegistry } from "../../shell/commands.js";
import { type LinuxHooks, linuxCommands } from "./linux-commands.js";

/**
 * vtysh with no history file. vtysh appends every -c command to VTYSH_HISTFILE, else to
 * $HOME/.history_frr (FRR vtysh/vtysh_main.c, main(): "VTYSH_HISTFILE is preferred over command
 * line argument (-H/--histfile)"; Debian's 8.4 has both): run as root in a namespace, it read and
 * wrote root's ~/.history_frr, so `vtysh -c 'sh history'` showed a student every lab's and the
 * admin's commands (issue 17). /dev/null keeps nothing.
 */
export const VTYSH: readonly string[] = ["env", "VTYSH_HISTFILE=/dev/null", "vtysh"];

/** An argument array, or the refusal a command prints (with its exit status). */
export type Argv = { ok: true; argv: string[] } | { ok: false; text: string; code: number };

const EX_USAGE = 64;

/** iputils ping for the options the shared front end parsed (shell/cmd/ping.ts). */
export function pingArgv(o: PingOptions, tos: number): Argv {
  if (o.once)
    return { ok: false, text: "ping: -o: Linux's ping has no such option (netns engine)\n", code: EX_USAGE };
  const argv = ["ping"];
  if (o.count !== undefined) argv.push("-c", String(o.count));
  if (o.intervalMs !== undefined) argv.push("-i", String(o.intervalMs / 1000));
  if (o.ttl !== undefined) argv.push("-t", String(o.ttl));
  if (o.datalen !== undefined) argv.push("-s", String(o.datalen));
  if (o.timeoutS !== undefined) argv.push("-w", String(o.timeoutS));
  if (o.waittimeMs !== undefined) argv.push("-W", String(Math.max(1, Math.ceil(o.waittimeMs / 1000))));
  if (o.numeric) argv.push("-n");
  if (o.quiet) argv.push("-q");
  // FreeBSD's -Q (no ICMP error lines) has no iputils twin: iputils' -Q sets the TOS, used here
  // for the user's mark.
  argv.push("-Q", String(tos), hostOperand(o.target, o.hostname));
  return { ok: true, argv };
}

/** Linux traceroute for the options the shared front end parsed (shell/cmd/traceroute.ts). */
export function tracerouteArgv(o: TracerouteOptions, tos: number): Argv {
  const argv = ["traceroute"];
  if (o.numeric) argv.push("-n");
  if (o.icmp) argv.push("-I");
  if (o.firstTtl !== undefined && o.firstTtl !== 1) argv.push("-f", String(o.firstTtl));
  if (o.nprobes !== undefined) argv.push("-q", String(o.nprobes));
  if (o.waittimeS !== undefined) argv.push("-w", String(o.waittimeS));
  if (o.port !== undefined) argv.push("-p", String(o.port));
  // FreeBSD's default probe sizes (traceroute.c:669, see apps/traceroute.ts probeLength): 40
  // bytes for UDP, 60 with -I, so both engines print the same header.
  const len = o.packlen ?? probeLength(o.icmp ?? false);
  argv.push("-m", String(o.maxTtl ?? 64), "-t", String(tos), hostOperand(o.target, o.hostname), String(len));
  return { ok: true, argv };
}

/** The host as typed when it is a plain name or address (for the tool's header), else the address. */
function hostOperand(target: number, typed: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(typed) ? typed : formatIpv4(target);
}

/**
 * The node's real vtysh for command lines the shared front end checked (shell/cmd/vtysh.ts: show
 * commands only, no newline, no filter), each its own -c. A node without FRR (static routing)
 * answers as vtysh does when no daemon listens (vtysh_main.c:572).
 */
export function vtyshArgv(lines: readonly string[], vty: string | null): Argv {
  if (vty === null) return { ok: false, text: "Exiting: failed to connect to any daemons.\n", code: 1 };
  return { ok: true, argv: [...VTYSH, "--vty_socket", vty, ...lines.flatMap((l) => ["-c", l])] };
}

const IP_OBJECTS = new Set(["route", "r", "ro", "addr", "a", "address", "link", "l", "neigh", "n", "rule"]);
const IP_FLAGS = new Set(["-4", "-s", "-j", "-d", "-br", "-brief", "-p", "-c"]);

/** `ip [flags] OBJECT [show|list|get …]`: reading only, never another namespace. */
export function ipArgv(args: readonly string[]): Argv {
  const words = args.filter((a) => !a.startsWith("-"));
  const flags = args.filter((a) => a.startsWith("-"));
  const obj = words[0];
  const verb = words[1] ?? "show";
  if (
    !flags.every((f) => IP_FLAGS.has(f)) ||
    obj === undefined ||
    !IP_OBJECTS.has(obj) ||
    !["show", "list", "ls", "get"].includes(verb)
  )
    return { ok: false, text: "usage: ip [-4 -s -j -d -br] route|addr|link|neigh [show|get …]\n", code: 1 };
  if (words.some((w) => w === "netns" || w.includes("/netns")))
    return { ok: false, text: "ip: not here\n", code: 1 };
  return { ok: true, argv: ["ip", ...args] };
}

/** Runs one of the node's programs: the command's output, or its refusal and status. */
export type NodeSpawner = (
  node: string,
  argv: readonly string[],
  io: ProgramIo,
  opts?: { stdin?: boolean },
) => Program;

/**
 * The netns-only command, for a registry on top of the shared ones (`builtinCommands()`, whose
 * `vtysh` reaches the real one through the ShellContext).
 */
export function netnsCommands(spawnIn: NodeSpawner, shared?: CommandRegistry): Command[] {
  const start = (node: string, a: Argv, io: ProgramIo): Program | number => {
    if (!a.ok) {
      io.err(a.text);
      return a.code;
    }
    return spawnIn(node, a.argv, io);
  };
  return [
    {
      name: "ip",
      summary: "the Linux kernel's view (netns engine): ip route|addr|link|neigh [show]",
      run: (ctx, args, io) =>
        // A Linux node's `ip addr add|del`: the shared front end's checks, then the engine's addAlias.
        ctx.os === "linux" &&
        shared !== undefined &&
        /^a(ddr?|ddress)?$/.test(args[0] ?? "") &&
        ["add", "del", "delete"].includes(args[1] ?? "")
          ? shared.get("ip")!.run(ctx, args, io)
          : start(ctx.node, ipArgv(args), io),
    },
  ];
}

/**
 * The shell's commands (the simulator's set) plus the netns-only `ip`, and with `linux` the
 * Linux nodes' commands as the real tools (linux-commands.ts).
 */
export function netnsCommandRegistry(spawnIn: NodeSpawner, linux?: LinuxHooks): CommandRegistry {
  const shared = builtinCommands();
  const r = builtinCommands();
  for (const c of netnsCommands(spawnIn, shared)) r.register(c);
  if (linux !== undefined) for (const c of linuxCommands(shared, spawnIn, linux)) r.register(c);
  return r;
}

/**
 * A program of the namespace as the shell's `Program`: output as it comes, Ctrl-C as SIGINT
 * (ping prints its statistics), a crash of the router as SIGKILL (exit 137, nothing more printed).
 */
class KernelProgram extends ProgramState {
  constructor(private readonly child: ChildProcess) {
    super();
    this.onInterrupt = () => child.kill("SIGINT");
    const stdin = child.stdin;
    if (stdin) {
      // What is typed to it (nc): written to its standard input; Ctrl-D closes that pipe.
      stdin.on("error", () => {}); // the program ended before reading: EPIPE is no one's concern
      this.input = (text) => {
        if (this.running && stdin.writable) stdin.write(text);
      };
      this.endInput = () => {
        if (stdin.writable) stdin.end();
      };
    }
  }

  override kill(): void {
    this.child.kill("SIGKILL");
    super.kill();
  }
}

/** Starts `argv` inside namespace `netns`; `track` learns the process (the lab stops it on close). */
export function spawnInNamespace(
  netns: string,
  argv: readonly string[],
  io: ProgramIo,
  track: (c: ChildProcess) => void,
  opts: { stdin?: boolean } = {},
): Program {
  const child = spawn("ip", ["netns", "exec", netns, ...argv], {
    stdio: [opts.stdin ? "pipe" : "ignore", "pipe", "pipe"],
  });
  track(child);
  const proc = new KernelProgram(child);
  child.stdout!.setEncoding("utf8").on("data", (s: string) => {
    if (proc.running) io.out(s);
  });
  child.stderr!.setEncoding("utf8").on("data", (s: string) => {
    if (proc.running) io.err(s);
  });
  child.on("error", (e) => {
    if (proc.running) io.err(`${argv[0]}: ${e.message}\n`);
    proc.exit(127);
  });
  // As sh reports a signalled process: 128 + 2 for Ctrl-C, 128 + 9 for a crash's kill.
  child.on("close", (code, signal) =>
    proc.exit(code ?? (signal === "SIGINT" ? 130 : signal === "SIGKILL" ? 137 : 1)),
  );
  return proc;
}
