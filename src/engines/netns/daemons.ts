/**
 * @module engines/netns/daemons
 * Starting FRR daemons quickly. `zebra -d` forks and its parent tears down its YANG context and
 * waits for the child to say it is up, one blocking process per start. Here a daemon runs in the
 * foreground, and "up" is its vty socket appearing in its directory — the moment FRR serves,
 * with no fixed wait. Sockets are watched by one shared poller (a stat per pending daemon every
 * few ms): pending daemons are few and short-lived.
 *
 * Who forks matters too: Node forks its whole address space to spawn (about 1.7 ms of CPU at
 * 80 MB, 16 ms at 500 MB, and the main thread blocks until the child has exec'd). So the lab
 * starts its daemons through a `Launcher`: one small `ip -force -batch -` process that, for each
 * line `netns exec NS setsid -f DAEMON …` we write to it, forks into the namespace and lets the
 * daemon go (own session, like `-d`). The daemon's pid comes from its pid file, written in the
 * node's state directory before its vty socket: `removeLeftovers` and `close` read those files
 * too, so a daemon is recorded from the moment it exists even if routelab dies before reading it.
 * (`spawnDaemon` starts one as our own child instead, for callers without a launcher.)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import type { Socket } from "node:net";
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
  return ["netns", "exec", d.netns, ...daemonCommand(d)];
}

/** The daemon's own argv: config, pid file, zserv and vty sockets and log in `dir`, no TCP vty. */
function daemonCommand(d: DaemonSpec): string[] {
  return [
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
  /** Returns true when done (and has settled its promise). */
  check: () => boolean;
}

const waiters = new Set<Waiter>();
let polling = false;
const POLL_MS = 3;

function poll(): void {
  for (const w of waiters) if (w.check()) waiters.delete(w);
  polling = waiters.size > 0;
  if (polling) setTimeout(poll, POLL_MS);
}

/** Runs `check` every few ms (one timer for every waiter) until it returns true. */
function watch(check: () => boolean): void {
  waiters.add({ check });
  if (!polling) {
    polling = true;
    setTimeout(poll, 0);
  }
}

/** Resolves when `path` exists. */
function appears(path: string): { promise: Promise<void>; cancel: () => void } {
  let cancelled = false;
  const promise = new Promise<void>((resolve) => {
    watch(() => {
      if (cancelled) return true;
      if (!existsSync(path)) return false;
      resolve();
      return true;
    });
  });
  return { promise, cancel: () => (cancelled = true) };
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

/** Words a launcher line may hold: no spaces, quotes or comment marks for `ip -batch` to reinterpret. */
const WORD = /^[A-Za-z0-9_./:=+-]+$/;

/**
 * One `ip -force -batch -` in the root namespace, kept open for the lab's life, that runs the
 * lines we write (`netns exec NS setsid -f …`: fork into the namespace, detach, return). Failed
 * lines are reported on its stderr as `Command failed -:N`. Detached, and holding no reference
 * that keeps Node alive; it exits when its stdin closes (with us, whichever way we end).
 */
export class Launcher {
  private readonly p: ChildProcess;
  private lines = 0;
  private stderr = "";
  private readonly failures = new Map<number, string>();

  constructor() {
    this.p = spawn("ip", ["-force", "-batch", "-"], { stdio: ["pipe", "ignore", "pipe"], detached: true });
    this.p.unref();
    (this.p.stdin as Socket).unref();
    (this.p.stdin as Socket).on("error", () => {});
    const err = this.p.stderr as Socket;
    err.unref();
    // Daemons inherit this pipe: it is read to the end so that a chatty one never blocks.
    err.setEncoding("utf8").on("data", (x: string) => {
      this.stderr += x;
      const lines = this.stderr.split("\n");
      this.stderr = lines.pop()!.slice(-2000);
      for (let i = 0; i < lines.length; i++) {
        const m = /^Command failed -:(\d+)/.exec(lines[i]!);
        if (m) this.failures.set(Number(m[1]), lines.slice(Math.max(0, i - 2), i).join("; ") || "failed");
      }
    });
  }

  /** Sends one command (words checked); returns its line number for `failure`. */
  send(words: readonly string[]): number {
    for (const w of words)
      if (!WORD.test(w)) throw new LabError(`launcher: refusing the word '${w}'`, {}, "system");
    if (this.p.exitCode !== null || this.p.signalCode !== null)
      throw new LabError("launcher: the ip -batch process has ended", {}, "system");
    this.p.stdin!.write(`${words.join(" ")}\n`);
    return ++this.lines;
  }

  /** What went wrong with line `n`, if ip said so. */
  failure(n: number): string | undefined {
    return this.failures.get(n);
  }

  /** Closes its stdin (it exits once its last line ran) — and kills it if it lingers. */
  close(): void {
    this.p.stdin!.end();
    setTimeout(() => this.p.kill("SIGKILL"), 2000).unref();
  }
}

/**
 * Starts a daemon through the launcher and resolves with its pid once it serves its vty socket.
 * Rejects with ip's message or the end of the daemon's log when the line failed, the daemon died,
 * or it is not up after `timeoutMs`.
 */
export function launchDaemon(launcher: Launcher, d: DaemonSpec, timeoutMs = 30_000): Promise<number> {
  const vty = join(d.dir, `${d.name}.vty`);
  const pidFile = join(d.dir, `${d.name}.pid`);
  // Leftovers of a killed run would read as "up", or as the pid, at once.
  rmSync(vty, { force: true });
  rmSync(pidFile, { force: true });
  const line = launcher.send(["netns", "exec", d.netns, "setsid", "-f", ...daemonCommand(d)]);
  const end = performance.now() + timeoutMs;
  let pid = 0;
  let checks = 0;
  return new Promise<number>((resolve, reject) => {
    const fail = (why: string) =>
      reject(new LabError(`${d.netns}: ${d.name} ${why}${logTail(d)}`, {}, "system"));
    watch(() => {
      const ip = launcher.failure(line);
      if (ip !== undefined) {
        fail(`could not be started (${ip})`);
        return true;
      }
      if (pid === 0) pid = readPid(pidFile);
      if (pid > 0 && existsSync(vty)) {
        resolve(pid);
        return true;
      }
      // Dead after writing its pid file: it gave up (bad config, socket in use …).
      if (pid > 0 && ++checks % 16 === 0 && !existsSync(`/proc/${pid}`)) {
        fail("exited");
        return true;
      }
      if (performance.now() > end) {
        fail(`not up after ${timeoutMs} ms`);
        return true;
      }
      return false;
    });
  });
}

function readPid(file: string): number {
  try {
    const n = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(n) && n > 1 ? n : 0;
  } catch {
    return 0;
  }
}
