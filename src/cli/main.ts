/**
 * @module cli/main
 * The `routelab` command line. Parses arguments, calls the library, prints, and maps errors
 * to exit codes: the only place that writes to the terminal or decides an exit status.
 * Commands load their modules on demand (as vite's CLI does), so `run` never pays for the
 * HTTP and SSH servers (README, Performance: the seed converges and pings from the command line).
 *
 * Exit codes: 0 success; 1 a check or run failed (invalid topology, a wait that did not
 * converge); 2 bad usage or a bad scenario script; 70 an internal error; 141 the reader of
 * the output went away (`routelab run … | head`: the run stops, quietly, as on SIGPIPE).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { LabError } from "../core/errors.js";
import { MAX_SPEED, MIN_SPEED } from "../core/limits.js";
import { parseDuration } from "../core/time.js";
import { registerExportCommand } from "./export.js";
import { registerCaptureCommands } from "./capture.js";
import { registerGradeCommand } from "./grade.js";
import { checkAdminToken } from "../server/http/admin-token.js";
import { packageRoot } from "../server/package-root.js";
import type { LogLevel } from "../server/log.js";
import { DEFAULT_SIM_NICE, MAX_NICE } from "../server/thread-nice.js";
import { EXIT_READER_GONE, guardOutput } from "./reader-gone.js";
// For the training run of the bundle's code cache (scripts/train-code-cache.js), not the CLI.
export { resetRunHeapPolicy } from "./heap-policy.js";

/** The seed network shipped in the package (examples/seed.yaml), found from any folder. */
export const BUNDLED_SEED = join(packageRoot(import.meta.url), "examples", "seed.yaml");

/** package.json's version (from src/cli, dist/cli or the bundle in dist/bundle). */
export function packageVersion(): string {
  return (
    JSON.parse(readFileSync(join(packageRoot(import.meta.url), "package.json"), "utf8")) as {
      version: string;
    }
  ).version;
}

const TOPOLOGY_ARG =
  "topology file or Kathará lab directory (default: the bundled seed network, examples/seed.yaml)";

export const EXIT_USAGE = 2;

async function program(
  argv: string[],
  out: (s: string) => void,
  err: (s: string) => void,
  exit: (code: number) => void,
  readerGone: AbortSignal,
): Promise<Command> {
  const p = new Command("routelab")
    .description("A virtual routing lab: simulated routers, real packets, live picture")
    .version(packageVersion())
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: out, writeErr: err })
    .exitOverride();

  registerCheckCommand(p, out, err, exit);
  registerRunCommand(p, out, err, exit, readerGone);
  registerUpCommand(p, out, err, exit);
  registerCompareCommand(p, out, err, exit);
  // The users commands load the SSH key parser; only `routelab users …` pays for it.
  if (argv[2] === "users") (await import("./users.js")).registerUsersCommands(p, { out });
  else p.command("users").description("manage the users file: add, list, remove (routelab users --help)");
  registerGradeCommand(p, out, err, exit);
  registerCaptureCommands(p, out, err, exit);
  registerExportCommand(p, out);
  return p;
}

/** `routelab check TOPOLOGY`: validate and summarize. */
function registerCheckCommand(
  p: Command,
  out: (s: string) => void,
  err: (s: string) => void,
  exit: (code: number) => void,
): void {
  p.command("check")
    .description("validate a topology file and print a summary")
    .argument("<topology>", "topology file (.yaml, .clab.yml, .edges, .graphml) or Kathará lab directory")
    .action(async (file: string) => {
      const { runCheck } = await import("./check.js");
      const r = runCheck(file);
      (r.exit === 0 ? out : err)(r.output);
      exit(r.exit);
    });
}

/** `routelab run`: boot unpaced, run a scenario, print what happened. */
function registerRunCommand(
  p: Command,
  out: (s: string) => void,
  err: (s: string) => void,
  exit: (code: number) => void,
  /** Standard output's reader went away: the run stops. */
  readerGone: AbortSignal,
): void {
  p.command("run")
    .description("boot a topology unpaced, run a scenario script, print what happened, exit")
    .argument("[topology]", TOPOLOGY_ARG)
    .requiredOption("-s, --script <file>", "scenario script ('-' for standard input)")
    .addOption(
      new Option("--seed <n>", "random seed (same seed, same output)")
        .default("1")
        .argParser(intArg("--seed")),
    )
    .option("--capture <dir>", "write one pcap per link into DIR (DIR/A-B.pcap)")
    .option("--events <file>", "write every event as JSON lines to FILE")
    .addOption(engineOption())
    .option("--prefix <name>", PREFIX_HELP)
    .action(
      async (
        topo: string | undefined,
        o: {
          script: string;
          seed: number;
          capture?: string;
          events?: string;
          engine: "sim" | "netns";
          prefix?: string;
        },
      ) =>
        exit(
          await (await import("./run.js")).runRun({
            topology: topo ?? BUNDLED_SEED,
            script: o.script,
            seed: o.seed,
            capture: o.capture,
            events: o.events,
            engine: o.engine,
            prefix: o.prefix,
            out,
            err,
            stop: readerGone,
          }),
        ),
    );
}

/** `routelab up`: the live lab, its page, API and logins. */
function registerUpCommand(
  p: Command,
  out: (s: string) => void,
  err: (s: string) => void,
  exit: (code: number) => void,
): void {
  p.command("up")
    .description("boot a lab paced in real time and serve the live picture, the API and logins")
    .argument("[topology]", TOPOLOGY_ARG)
    .addOption(
      new Option("--http <port>", "HTTP port (0 = any free port)").default(8080).argParser(intArg("--http")),
    )
    .option("--host <addr>", "address to listen on", "127.0.0.1")
    .option("--lan", "open the lab to the network (listen on 0.0.0.0; the banner prints the room's URLs)")
    .option("--private", "watching needs a login too (default: anyone may watch the map)")
    .addOption(new Option("--speed <x>", "clock speed factor (0.05 to 100)").default(1).argParser(speedArg))
    .addOption(new Option("--seed <n>", "random seed").default(1).argParser(intArg("--seed")))
    .addOption(
      new Option(
        "--admin-token <token>",
        "instructor bearer token for control actions, 16+ characters (better: the environment variable, which ps does not show)",
      )
        .env("ROUTELAB_ADMIN_TOKEN")
        .argParser(adminTokenArg),
    )
    .addOption(
      new Option(
        "--log-level <level>",
        "structured log of HTTP and SSH (JSON lines on standard error; default warn on a terminal, else info)",
      )
        .choices(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
        // On a terminal the banner is what the instructor reads: only failures and refusals
        // join it. Redirected (a service, a file), every login is logged.
        .default(process.stderr.isTTY ? "warn" : "info"),
    )
    .addOption(engineOption())
    .option(
      "--state <dir>",
      "the class's state directory: users, SSH host key (default ~/.local/state/routelab)",
    )
    .option("--users <file>", "users file (default: users.yaml in the state directory)")
    .addOption(
      new Option("--ssh <port>", "SSH port (0 = any free port)").default(2222).argParser(intArg("--ssh")),
    )
    .option("--no-ssh", "no SSH server")
    .option("--prefix <name>", PREFIX_HELP)
    .addOption(
      new Option(
        "--sim-thread <where>",
        "where the simulator runs: worker (its own thread: the page, API and SSH answer while it works) or main (the server's thread)",
      )
        .choices(["worker", "main"])
        .env("ROUTELAB_SIM_THREAD")
        .default("worker"),
    )
    .addOption(
      new Option(
        "--sim-nice <n>",
        "the simulation thread's nice value, 0 (off) to 19 (Linux, --sim-thread worker): when the CPU cannot keep the lab's speed, the server's answers come first and the clock slows instead",
      )
        .env("ROUTELAB_SIM_NICE")
        .default(DEFAULT_SIM_NICE)
        .argParser(simNiceArg),
    )
    .addHelpText("after", UP_MEMORY_HELP)
    .action((topo: string | undefined, o: UpOptions, cmd: Command) =>
      runUpCommand(topo, o, cmd, out, err, exit),
    );
}

/** `routelab up`'s options as commander parses them. */
interface UpOptions {
  simThread: "worker" | "main";
  simNice: number;
  http: number;
  host: string;
  lan?: boolean;
  private?: boolean;
  state?: string;
  speed: number;
  seed: number;
  adminToken?: string;
  engine: "sim" | "netns";
  users?: string;
  ssh: number | false;
  logLevel: LogLevel;
  prefix?: string;
}

async function runUpCommand(
  topo: string | undefined,
  o: UpOptions,
  cmd: Command,
  out: (s: string) => void,
  err: (s: string) => void,
  exit: (code: number) => void,
): Promise<void> {
  // A token on the command line is in every user's `ps`; the environment variable is not.
  if (cmd.getOptionValueSource("adminToken") === "cli")
    err(
      "routelab: warning: --admin-token is visible to every user of this machine (ps); " +
        "set ROUTELAB_ADMIN_TOKEN instead\n",
    );
  const { lan, ...rest } = o;
  const host = lan ? "0.0.0.0" : o.host;
  exit(await (await import("./up.js")).runUp({ topology: topo ?? BUNDLED_SEED, ...rest, host, out, err }));
}

/** `routelab compare`: the simulator against Linux namespaces + FRR. */
function registerCompareCommand(
  p: Command,
  out: (s: string) => void,
  err: (s: string) => void,
  exit: (code: number) => void,
): void {
  p.command("compare")
    .description("run a topology on the simulator and on Linux namespaces + FRR, report route differences")
    .argument("[topology]", TOPOLOGY_ARG)
    .option("-s, --script <file>", "scenario script run on both engines ('-' for standard input)")
    .addOption(new Option("--seed <n>", "simulator random seed").default(1).argParser(intArg("--seed")))
    .option("--prefix <name>", PREFIX_HELP)
    .option(
      "--tcp <ports>",
      "also compare TCP reachability on these ports (comma-separated; a lesson's TCP checks add theirs)",
      portsArg,
    )
    .action(
      async (
        topo: string | undefined,
        o: { script?: string; seed: number; prefix?: string; tcp?: number[] },
      ) =>
        exit(
          await (await import("./compare.js")).runCompare({
            topology: topo ?? BUNDLED_SEED,
            script: o.script,
            seed: o.seed,
            prefix: o.prefix,
            tcp: o.tcp,
            out,
            err,
          }),
        ),
    );
}

/** `--sim-nice`: a nice value from 0 (off) to 19. */
function simNiceArg(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > MAX_NICE)
    throw new LabError(
      `'${v}' must be a whole number from 0 (off) to ${MAX_NICE}, the lowest priority (--sim-nice or ROUTELAB_SIM_NICE)`,
      { field: "--sim-nice" },
      "usage",
    );
  return Number(v);
}

function adminTokenArg(v: string): string {
  checkAdminToken(v);
  return v;
}
/** What `up` holds in memory however long it runs (docs/performance.md, issue 23). */
const UP_MEMORY_HELP = `
Memory: when the CPU cannot keep the asked speed the clock slows; nothing queues. The
simulation holds the lab, the rewind journal (at most 100,000 inputs and 16 MiB of command
text, ~55 MiB of heap when full; new commands are then refused) and bounded buffers (the
event stream: 4,096 events per viewer, 1 MiB unsent on its socket; the packet view: 16,384
frames, 4 MiB). Its heap grows to at most 2.5x what survived its last full collection,
within node's limit (--max-old-space-size; ROUTELAB_SIM_HEAP_MB for the worker's).
`;
const PREFIX_HELP =
  "namespace name prefix of the netns lab (default rl-<lab name>; two labs at once need two prefixes)";

function engineOption(): Option {
  return new Option("--engine <name>", "sim (simulator) or netns (Linux namespaces + FRR, root)")
    .choices(["sim", "netns"])
    .default("sim");
}

function speedArg(v: string): number {
  const x = Number(v);
  if (!Number.isFinite(x) || x < MIN_SPEED || x > MAX_SPEED)
    throw new LabError(
      `--speed: '${v}' must be a number from ${MIN_SPEED} to ${MAX_SPEED}`,
      { field: "--speed" },
      "usage",
    );
  return x;
}

/** `--tcp 22,5000`: ports 1-65535. */
function portsArg(v: string): number[] {
  const ports = v.split(",").map((p) => p.trim());
  for (const p of ports)
    if (!/^\d{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65535)
      throw new LabError(`--tcp: '${p}' is not a port (1-65535)`, { field: "--tcp" }, "usage");
  return ports.map(Number);
}

function intArg(name: string) {
  return (v: string) => {
    if (!/^\d+$/.test(v))
      throw new LabError(`${name}: '${v}' is not a non-negative integer`, { field: name }, "usage");
    return Number(v);
  };
}

/** Parses a duration option or throws a usage error naming it. */
export function durationArg(name: string) {
  return (v: string) => {
    const d = parseDuration(v);
    if (d === undefined)
      throw new LabError(`${name}: '${v}' is not a duration (e.g. 500ms, 30s)`, { field: name }, "usage");
    return d;
  };
}

/** Runs the CLI; resolves with the exit status. Never throws for user errors. */
export async function main(argv: string[]): Promise<number> {
  // When the reader of stdout (or stderr) goes away, output is dropped and a run stops.
  const readerGone = new AbortController();
  const stdout = guardOutput(process.stdout, () => readerGone.abort());
  const stderr = guardOutput(process.stderr, () => readerGone.abort());
  const out = stdout.write;
  const err = stderr.write;
  let code = 0;
  const p = await program(
    argv,
    out,
    err,
    (c) => {
      code = c;
    },
    readerGone.signal,
  );
  try {
    await p.parseAsync(argv);
    return readerGone.signal.aborted ? EXIT_READER_GONE : code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === "commander.helpDisplayed" ||
        e.code === "commander.version" ||
        e.code === "commander.help"
      )
        return 0;
      return EXIT_USAGE;
    }
    if (e instanceof LabError) {
      err(`routelab: ${e.format()}\n`);
      return e.code === "usage" || e.code === "script" ? EXIT_USAGE : 1;
    }
    throw e;
  }
}
