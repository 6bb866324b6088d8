/**
 * @module engines/netns/daemons
 * Starting FRR daemons quickly. `zebra -d` forks and its parent waits for the child to say it
 * is up, one blocking process per start; here each daemon runs in the foreground as our child
 * (its pid known at once, recorded before it is even up), and "up" is its vty socket appearing
 * in its directory — the moment FRR starts serving, so no fixed wait. Sockets are watched by one
 * shared poller (a stat per pending socket every few ms) rather than one inotify watch per
 * directory: pending sockets are few and short-lived.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { LabError } from "../../core/errors.js";

export interface DaemonSpec {
  /** Namespace to run in. */
  netns: string;
  /** FRR daemon binary (e.g. /usr/lib/frr/zebra). */
  binary: string;
  /** Daemon name (zebra, ripd): config, pid, log and vty file names. */
  name: string;
  /** The node's FRR directory: config, pid file, zserv and vty sockets, log. */
  dir: string;
}

/** argv of `ip netns exec NS DAEMON …` in the foreground, every path inside `dir`. */
export function daemonArgv(d: DaemonSpec): string[] {
  return [
    "netns",
    "exec",
    d.netns,
    d.binary,
    "-f",
    join(d.dir, `${d.name}.conf`),
    "-i",
    join(d.dir, `${d.name}.pid`),
    "-z",
    join(d.dir, "zserv.api"),
    "--vty_socket",
    d.dir,
    "-P",
    "0",
    "--log",
    `file:${join(d.dir, `${d.name}.log`)}`,
  ];
}

/**
 * Starts a daemon as a detached child (its own process group, so a terminal's Ctrl-C reaches
 * routelab, which stops it by pid, as with `-d`) that does not keep Node alive. `onPid` runs
 * synchronously with the pid before anything can go wrong, for crash clean-up.
 */
export function spawnDaemon(d: DaemonSpec, onPid: (pid: number) => void): ChildProcess {
  // A socket left by a killed run would read as "up" at once.
  rmSync(join(d.dir, `${d.name}.vty`), { force: true });
  const p = spawn("ip", daemonArgv(d), { stdio: "ignore", detached: true });
  if (p.pid === undefined) throw new LabError(`${d.netns}: cannot start ${d.name}`, {}, "system");
  onPid(p.pid);
  p.unref();
  return p;
}

interface Waiter {
  path: string;
  resolve: () => void;
}

const waiters = new Set<Waiter>();
let polling = false;
const POLL_MS = 3;

function poll(): void {
  for (const w of waiters)
    if (existsSync(w.path)) {
      waiters.delete(w);
      w.resolve();
    }
  polling = waiters.size > 0;
  if (polling) setTimeout(poll, POLL_MS);
}

/** Resolves when `path` exists. */
function appears(path: string): { promise: Promise<void>; cancel: () => void } {
  let w: Waiter | undefined;
  const promise = new Promise<void>((resolve) => {
    w = { path, resolve };
    waiters.add(w);
    if (!polling) {
      polling = true;
      setTimeout(poll, 0);
    }
  });
  return { promise, cancel: () => waiters.delete(w!) };
}

/**
 * Waits until the daemon serves its vty socket (`DIR/NAME.vty`); rejects with the end of its
 * log when it exits first or takes longer than `timeoutMs`.
 */
export async function daemonUp(d: DaemonSpec, p: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const w = appears(join(d.dir, `${d.name}.vty`));
  let onExit: (() => void) | undefined;
  let to: NodeJS.Timeout | undefined;
  const failed = new Promise<string>((resolve) => {
    onExit = () => resolve("exited");
    p.once("exit", onExit);
    if (p.exitCode !== null || p.signalCode !== null) onExit();
    to = setTimeout(() => resolve(`not up after ${timeoutMs} ms`), timeoutMs);
  });
  const why = await Promise.race([w.promise.then(() => null), failed]);
  w.cancel();
  clearTimeout(to);
  p.removeListener("exit", onExit!);
  if (why !== null) throw new LabError(`${d.netns}: ${d.name} ${why}${logTail(d)}`, {}, "system");
}

function logTail(d: DaemonSpec): string {
  try {
    const lines = readFileSync(join(d.dir, `${d.name}.log`), "utf8")
      .trim()
      .split("\n");
    return `: ${lines.slice(-3).join("; ")}`;
  } catch {
    return "";
  }
}
