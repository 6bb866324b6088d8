/**
 * @module engines/netns/state
 * Crash safety. Everything a lab creates (namespaces, /etc/netns dirs, daemon and capture
 * pids) is recorded in /run/routelab/PREFIX/state.json before or as it is created, so `close()`,
 * a Ctrl-C or the next start after a crash removes exactly that: processes by the pids recorded
 * (checked against /proc so a recycled pid of someone else is never hit), namespaces whose names
 * carry this lab's prefix, and nothing of any other prefix.
 */
import { execFileSync } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { LabError } from "../../core/errors.js";
import { run } from "./sys.js";

export const STATE_ROOT = "/run/routelab";
const PID_LOG = "pids.log";

export interface LabState {
  owner: number;
  prefix: string;
  namespaces: string[];
  /** Processes we started: pid and a string their command line must contain (our state dir). */
  pids: { pid: number; mark: string }[];
}

export class StateFile {
  readonly dir: string;
  readonly state: LabState;

  constructor(readonly prefix: string) {
    this.dir = join(STATE_ROOT, prefix);
    this.state = { owner: process.pid, prefix, namespaces: [], pids: [] };
  }

  save(): void {
    mkdirSync(this.dir, { recursive: true });
    const f = join(this.dir, "state.json");
    writeFileSync(`${f}.tmp`, JSON.stringify(this.state));
    renameSync(`${f}.tmp`, f);
    // state.json now holds every pid of the log.
    rmSync(join(this.dir, PID_LOG), { force: true });
  }

  /**
   * Records a pid at once and cheaply: one appended line ("PID MARK") in the pid log, which
   * `removeLeftovers` reads with state.json (a boot starts a hundred daemons; rewriting
   * state.json for each cost more than starting some of them).
   */
  recordPid(pid: number, mark: string): void {
    this.state.pids.push({ pid, mark });
    appendFileSync(join(this.dir, PID_LOG), `${pid} ${mark}\n`);
  }

  addNamespace(ns: string): void {
    this.state.namespaces.push(ns);
    this.save();
  }

  addPid(pid: number, mark: string): void {
    this.state.pids.push({ pid, mark });
  }

  removePid(pid: number): void {
    this.state.pids = this.state.pids.filter((p) => p.pid !== pid);
  }
}

/** A live process (not a zombie) whose command line contains `mark`. */
export function processMatches(pid: number, mark: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const st = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (st === "Z" || st === "X") return false;
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(mark);
  } catch {
    return false;
  }
}

/** Whether a process with this pid is alive (not a zombie). */
export function alive(pid: number): boolean {
  return processMatches(pid, "");
}

async function sleep(ms: number) {
  await new Promise((r) => setTimeout(r, ms));
}

/** Stops recorded processes: SIGTERM, then SIGKILL after `graceMs` for the stubborn. */
export async function killRecorded(pids: readonly { pid: number; mark: string }[], graceMs = 1000) {
  const live = pids.filter((p) => processMatches(p.pid, p.mark));
  for (const p of live) {
    try {
      process.kill(p.pid, "SIGTERM");
    } catch {}
  }
  const end = Date.now() + graceMs;
  while (Date.now() < end && live.some((p) => processMatches(p.pid, p.mark))) await sleep(20);
  for (const p of live)
    if (processMatches(p.pid, p.mark))
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {}
}

/**
 * The pids FRR daemons wrote into the node directories of a lab's state dir (`DIR/NODE/*.pid`),
 * each marked with its node directory (which its command line names). A daemon started through
 * the launcher is recorded here from its first moments, before routelab has read the file.
 */
export function daemonPidFiles(dir: string): { pid: number; mark: string }[] {
  const out: { pid: number; mark: string }[] = [];
  let nodes: string[];
  try {
    nodes = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of nodes) {
    const sub = join(dir, n);
    let files: string[];
    try {
      files = readdirSync(sub).filter((f) => f.endsWith(".pid"));
    } catch {
      continue; // a file (state.json, the pid log)
    }
    for (const f of files) {
      try {
        const pid = Number(readFileSync(join(sub, f), "utf8").trim());
        if (Number.isInteger(pid) && pid > 1) out.push({ pid, mark: sub });
      } catch {}
    }
  }
  return out;
}

/** Lines "PID MARK" of a pid log (a torn last line is skipped). */
function readPidLog(f: string): { pid: number; mark: string }[] {
  let text: string;
  try {
    text = readFileSync(f, "utf8");
  } catch {
    return [];
  }
  const out: { pid: number; mark: string }[] = [];
  for (const line of text.split("\n")) {
    const m = /^(\d+) (\/\S+)$/.exec(line);
    if (m) out.push({ pid: Number(m[1]), mark: m[2]! });
  }
  return out;
}

/** Pids of the processes whose network namespace is one of these (named) namespaces. */
export function processesIn(names: readonly string[]): number[] {
  const want = new Set<string>();
  for (const n of names)
    try {
      const st = statSync(join("/run/netns", n));
      want.add(`${st.dev}:${st.ino}`);
    } catch {}
  if (want.size === 0) return [];
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const st = statSync(`/proc/${d}/ns/net`);
      if (want.has(`${st.dev}:${st.ino}`)) out.push(Number(d));
    } catch {}
  }
  return out;
}

/** Namespaces that exist now (`ip netns list` reads /run/netns). */
export function listNamespaces(): string[] {
  try {
    return readdirSync("/run/netns");
  } catch {
    return [];
  }
}

function readState(prefix: string): LabState | undefined {
  const f = join(STATE_ROOT, prefix, "state.json");
  if (!existsSync(f)) return undefined;
  try {
    const st = JSON.parse(readFileSync(f, "utf8")) as LabState;
    return Array.isArray(st.namespaces) && Array.isArray(st.pids) ? st : undefined;
  } catch {
    return undefined;
  }
}

/** The namespaces of every other running lab (its state.json's owner alive), by name. */
export function namespacesOfOtherLabs(prefix: string): Map<string, { prefix: string; owner: number }> {
  const out = new Map<string, { prefix: string; owner: number }>();
  let dirs: string[];
  try {
    dirs = readdirSync(STATE_ROOT);
  } catch {
    return out;
  }
  for (const other of dirs) {
    if (other === prefix) continue;
    const st = readState(other);
    if (!st || st.owner === process.pid || !alive(st.owner)) continue;
    for (const n of st.namespaces) out.set(n, { prefix: other, owner: st.owner });
  }
  return out;
}

/**
 * Removes what a previous run with this prefix left: its recorded processes, the namespaces it
 * recorded and those this run will create (`planned`), their /etc/netns directories, the state
 * dir — exactly those, never a namespace another running lab recorded (issue 17: a scan of
 * every `PREFIX-…` name made lab `rl-seed` delete lab `rl-seed-2`'s namespaces and kill its
 * FRR daemons). Refuses when the recorded owner is still running (another live lab with the
 * same prefix), or when a planned namespace belongs to another running lab.
 */
export async function removeLeftovers(
  prefix: string,
  planned: readonly string[] = [],
): Promise<{ namespaces: number; pids: number }> {
  const dir = join(STATE_ROOT, prefix);
  const recorded = readState(prefix);
  if (recorded && recorded.owner !== process.pid && alive(recorded.owner))
    throw new LabError(
      `lab prefix '${prefix}' is in use by a running routelab (pid ${recorded.owner}); stop it or choose another prefix`,
      { field: "prefix" },
      "busy",
    );
  const others = namespacesOfOtherLabs(prefix);
  for (const n of planned) {
    const o = others.get(n);
    if (o)
      throw new LabError(
        `namespace '${n}' belongs to the running lab '${o.prefix}' (pid ${o.owner}): choose another --prefix`,
        { field: "prefix" },
        "busy",
      );
  }
  const all = [...(recorded?.pids ?? []), ...readPidLog(join(dir, PID_LOG)), ...daemonPidFiles(dir)];
  const pids = [...new Map(all.map((p) => [p.pid, p])).values()];
  await killRecorded(pids);
  const exist = new Set(listNamespaces());
  const ours = [...new Set([...(recorded?.namespaces ?? []), ...planned])].filter(
    (n) => exist.has(n) && !others.has(n),
  );
  // What routelab ran inside its namespaces without a pid file (each node's ip monitor, the
  // captures, a user's ping) outlives a crash too, and keeps the namespace alive: whatever
  // still lives in one of this lab's namespaces is the lab's.
  const inside = processesIn(ours);
  for (const pid of inside)
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  const end = Date.now() + 1000;
  while (Date.now() < end && inside.some((p) => alive(p))) await sleep(10);
  await removeNamespaces(ours);
  rmSync(dir, { recursive: true, force: true });
  return { namespaces: ours.length, pids: pids.length };
}

/** Deletes namespaces (their veths go with them) and their /etc/netns directories. */
export async function removeNamespaces(names: readonly string[]): Promise<void> {
  if (names.length > 0)
    await run("ip", ["-force", "-batch", "-"], `${names.map((n) => `netns del ${n}`).join("\n")}\n`);
  for (const n of names) rmSync(join("/etc/netns", n), { recursive: true, force: true });
}

/**
 * The last resort on process exit (an uncaught error), synchronous: the recorded processes (and
 * those of the daemons' pid files) by pid, then the lab's namespaces and state directory.
 */
export function removeSync(state: StateFile): void {
  for (const p of [...state.state.pids, ...daemonPidFiles(state.dir)])
    if (processMatches(p.pid, p.mark))
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // exited between the check and the kill: nothing left to do
      }
  const ns = state.state.namespaces;
  try {
    execFileSync("ip", ["-force", "-batch", "-"], {
      input: ns.map((n) => `netns del ${n}\n`).join(""),
      stdio: ["pipe", "ignore", "ignore"],
    });
    for (const n of ns) rmSync(join("/etc/netns", n), { recursive: true, force: true });
    rmSync(state.dir, { recursive: true, force: true });
  } catch {
    // The next start with this prefix removes what is left (state.json says what).
  }
}
