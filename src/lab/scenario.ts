/**
 * @module lab/scenario
 * Headless scenarios (`routelab run --script`): a script of waits, link/node changes and
 * commands, run against any Lab. The whole script is checked before anything runs, so a bad
 * line stops the run with `SCRIPT:LINE: message` and nothing half-done.
 *
 * Grammar, one statement a line:
 *   # comment                       (and blank lines)
 *   wait DURATION                   advance virtual time (500ms, 30s, 5m; at most 24h)
 *   wait converged [max DURATION]   until no routing table changed for update + update/6
 *                                   (gives up after max: 10m unless given, at most 24h)
 *   link down A B [--silent] | link up A B
 *   link A B [delay DURATION] [loss RATE]   change a link's delay and/or loss from now on
 *   node down A | node up A
 *   [USER@]NODE: COMMAND ARGS… [&]  run a command (in the background with &)
 */
import { isScriptSsh, runScriptSsh } from "./scenario-ssh.js";
import { LabError } from "../core/errors.js";
import { MAX_DURATION } from "../core/limits.js";
import {
  durationOrThrow,
  formatDuration,
  formatSeconds,
  HOUR,
  MINUTE,
  type Nanos,
  SECOND,
} from "../core/time.js";
import type { Execution, Lab, LinkShape } from "./lab.js";
import { parseShapeWords } from "./link-shape.js";

export type Statement =
  | { line: number; kind: "wait"; duration: Nanos }
  | { line: number; kind: "converged"; max: Nanos }
  | { line: number; kind: "link"; a: string; b: string; up: boolean; silent: boolean }
  | { line: number; kind: "shape"; a: string; b: string; shape: LinkShape }
  | { line: number; kind: "node"; node: string; up: boolean }
  | { line: number; kind: "exec"; user: string; node: string; command: string; background: boolean };

const USER_RE = /^[a-z_][a-z0-9_-]{0,31}$/i;

/**
 * The longest a `wait` may be, and the longest `wait converged` may try. Virtual time is
 * cheap but not free (`wait 100h` is seconds of CPU on the seed lab, hours on a large one),
 * so `wait 100000h` — a typo — is refused at its line rather than looking like a hang. A day
 * covers any class.
 */
export const MAX_WAIT = MAX_DURATION;
/** How long `wait converged` tries when the line gives no `max`. */
export const CONVERGED_MAX = 10 * MINUTE;

/** Parses a script; throws LabError positioned at `file:line` for the first bad line. */
export function parseScenario(
  text: string,
  file: string,
  nodeNames: ReadonlySet<string>,
  /** Segment names: a `link` line may name one as its far end (the station's port, `link down r1 lan1`). */
  segmentNames: ReadonlySet<string> = new Set(),
): Statement[] {
  const out: Statement[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const s = raw.trim();
    if (s === "" || s.startsWith("#")) return;
    const fail = (msg: string): never => {
      throw new LabError(msg, { file, line }, "script");
    };
    const node = (name: string | undefined, what: string): string => {
      if (name === undefined) fail(`${what}: missing node name`);
      if (!nodeNames.has(name!) && !(what === "link" && segmentNames.has(name!)))
        fail(`unknown node '${name}'`);
      return name!;
    };
    const dur = (t: string | undefined, what: string): Nanos => {
      if (t === undefined) fail(`${what}: missing duration`);
      let d: Nanos;
      try {
        d = durationOrThrow(t!, what);
      } catch (e) {
        return fail((e as Error).message);
      }
      if (d > MAX_WAIT) fail(`${what}: '${t}' is longer than the longest wait, ${MAX_WAIT / HOUR}h`);
      return d;
    };
    const m = /^(?:([^@\s:]+)@)?([^\s:]+):\s*(.*)$/.exec(s);
    if (m) {
      const user = m[1] ?? "root";
      if (!USER_RE.test(user)) fail(`bad user name '${user}'`);
      let command = m[3]!.trim();
      const background = /(^|\s)&$/.test(command);
      if (background) command = command.slice(0, -1).trim();
      if (command === "") fail(`missing command after '${m[2]}:'`);
      out.push({ line, kind: "exec", user, node: node(m[2], "command"), command, background });
      return;
    }
    const w = s.split(/\s+/);
    switch (w[0]) {
      case "wait":
        if (w[1] === "converged") {
          if (w.length === 2) out.push({ line, kind: "converged", max: CONVERGED_MAX });
          else if (w[2] === "max" && w.length === 4) {
            const max = dur(w[3], "wait converged max");
            if (max <= 0) fail(`wait converged max: '${w[3]}' must be longer than 0`);
            out.push({ line, kind: "converged", max });
          } else fail("usage: wait converged [max DURATION]");
        } else if (w.length === 2) out.push({ line, kind: "wait", duration: dur(w[1], "wait") });
        else fail("usage: wait DURATION | wait converged [max DURATION]");
        return;
      case "link": {
        if (w[3] === "delay" || w[3] === "loss") {
          const shape = parseShapeWords(w.slice(3));
          if (shape.ok)
            out.push({
              line,
              kind: "shape",
              a: node(w[1], "link"),
              b: node(w[2], "link"),
              shape: shape.value,
            });
          else fail(shape.error);
          return;
        }
        const flags = w.slice(2).filter((x) => x.startsWith("-"));
        const args = w.slice(2).filter((x) => !x.startsWith("-"));
        if ((w[1] !== "up" && w[1] !== "down") || args.length !== 2)
          fail("usage: link down A B [--silent] | link up A B | link A B [delay DURATION] [loss RATE]");
        for (const f of flags)
          if (f !== "--silent" || w[1] === "up") fail(`link ${w[1]}: unknown option '${f}'`);
        out.push({
          line,
          kind: "link",
          a: node(args[0], "link"),
          b: node(args[1], "link"),
          up: w[1] === "up",
          silent: flags.length > 0,
        });
        return;
      }
      case "node":
        if ((w[1] !== "up" && w[1] !== "down") || w.length !== 3) fail("usage: node down A | node up A");
        out.push({ line, kind: "node", node: node(w[2], "node"), up: w[1] === "up" });
        return;
      default:
        fail(`unknown statement '${w[0]}' (expected wait, link, node, or NODE: COMMAND)`);
    }
  });
  return out;
}

export interface ScenarioOptions {
  /** Output sink (the CLI writes to stdout). */
  write: (s: string) => void;
  /**
   * The routing protocols' longest regular-update interval (topology/protocols quietInterval).
   * `wait converged` needs no route change for the longest gap between two regular updates,
   * update + update/6 (see `convergedQuiet`).
   */
  quietInterval: Nanos;
  /** Longest a foreground command may run before the runner gives up on it. */
  commandLimit?: Nanos;
  /**
   * Told what a long wait is doing, once per simulated second (large topologies take a while
   * to converge): the CLI turns it into a progress line on a terminal.
   */
  progress?: (what: string, now: Nanos) => void;
  /**
   * Stops the run at the next event when aborted (the CLI's reader went away: `run … | head`);
   * the run then resolves 1, having done nothing more. Commands in flight are interrupted.
   */
  stop?: AbortSignal;
}

/** Waits advance in slices of this much virtual time, so progress can be shown. */
const SLICE = SECOND;

/**
 * How long routing must stay quiet to count as converged. Regular updates come every `update`
 * offset by up to update/6 either way (RFC 2453 3.8: 30 s ± 5 s), so one interval is not
 * enough: after a change nothing announces (a silent cut healing), a router may still be
 * waiting for its neighbour's next, late update. Quiet for update + update/6 means every
 * router has sent a regular update since the last change.
 */
export function convergedQuiet(update: Nanos): Nanos {
  return update + update / 6;
}

/** Runs parsed statements; resolves with the exit status of the run (0, or 1 if a wait failed). */
export async function runScenario(
  lab: Lab,
  stmts: Statement[],
  file: string,
  opts: ScenarioOptions,
): Promise<number> {
  const { write } = opts;
  const quietFor = convergedQuiet(opts.quietInterval);
  let lastRouteChange = lab.clock().now;
  // Route changes only: the simulator then builds no event per hop for this listener.
  const unsubscribe = lab.onEvent(
    (e) => {
      if (e.kind === "route") lastRouteChange = e.t;
    },
    ["route"],
  );
  const background: Execution[] = [];
  const limit = opts.commandLimit ?? 60 * MINUTE;
  const stopped = () => opts.stop?.aborted === true;
  const interruptAll = () => {
    for (const x of background) if (x.exitCode === undefined) x.interrupt();
  };
  try {
    for (const st of stmts) {
      if (stopped()) {
        interruptAll();
        return 1;
      }
      switch (st.kind) {
        case "wait": {
          const end = lab.clock().now + st.duration;
          for (let now = lab.clock().now; now < end && !stopped(); now = lab.clock().now) {
            await lab.advance(Math.min(SLICE, end - now));
            opts.progress?.(`wait ${formatDuration(st.duration)}`, lab.clock().now);
          }
          break;
        }
        case "converged": {
          const start = lab.clock().now;
          // Quiet is judged after each event (not at arbitrary moments between them), so the
          // run stops at the same event whatever reports progress.
          let nextReport = start + SLICE;
          const quiet = () => {
            const now = lab.clock().now;
            if (opts.progress && now >= nextReport) {
              opts.progress("wait converged", now);
              nextReport = now + SLICE;
            }
            return now - lastRouteChange >= quietFor;
          };
          const ok = await lab.advanceUntil(() => stopped() || quiet(), st.max);
          if (stopped()) continue;
          if (!ok) {
            write(`${file}:${st.line}: not converged after ${formatSeconds(lab.clock().now - start)}\n`);
            return 1;
          }
          write(`converged at t=${formatSeconds(lastRouteChange)}\n`);
          break;
        }
        case "link":
          atLine(file, st.line, () => lab.setLink(st.a, st.b, st.up, { silent: st.silent }));
          break;
        case "shape":
          atLine(file, st.line, () => lab.setLinkShape(st.a, st.b, st.shape));
          break;
        case "node":
          atLine(file, st.line, () => lab.setNode(st.node, st.up));
          break;
        case "exec": {
          const prompt = st.user === "root" ? `${st.node}# ` : `${st.user}@${st.node}$ `;
          write(`${prompt}${st.command}${st.background ? " &" : ""}\n`);
          if (isScriptSsh(st.command) && !st.background) {
            // The terminal's ssh, not a node's command (scenario-ssh.ts).
            const exit = await runScriptSsh(lab, st.node, st.user, st.command, write, limit);
            if (exit !== 0) write(`(exit ${exit})\n`);
            break;
          }
          const x = lab.exec(st.node, st.command, { user: st.user, write });
          if (st.background) {
            background.push(x);
            break;
          }
          const done = await lab.advanceUntil(() => x.exitCode !== undefined || stopped(), limit);
          if (stopped()) {
            if (x.exitCode === undefined) x.interrupt();
            continue;
          }
          if (!done) {
            x.interrupt();
            await lab.advanceUntil(() => x.exitCode !== undefined, MINUTE);
          }
          const exit = x.exitCode ?? (await x.done);
          if (exit !== 0) write(`(exit ${exit})\n`);
          break;
        }
      }
    }
    await lab.advanceUntil(() => stopped() || background.every((x) => x.exitCode !== undefined), limit);
    if (stopped()) interruptAll();
    return stopped() ? 1 : 0;
  } finally {
    unsubscribe();
  }
}

/** Runs `fn`; a LabError it throws without a position (no link between A and B) gets `file:line`. */
function atLine(file: string, line: number, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof LabError && e.pos.line === undefined)
      throw new LabError(e.message, { ...e.pos, file, line }, e.code);
    throw e;
  }
}
