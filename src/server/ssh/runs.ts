/**
 * @module server/ssh/runs
 * What a session channel runs: a shell on a node (interactive with a pty, line mode without),
 * or `ssh … NODE COMMAND…`: one command and its exit status, so scripts work.
 */
import { StringDecoder } from "node:string_decoder";
import type ssh2 from "ssh2";
import { LabError } from "../../core/errors.js";
import { crlf, type ShellSession } from "../../shell/session.js";
import { MAX_COMMAND_LINE } from "../limits.js";
import { openTerminal } from "../terminal.js";
import type { UserExec } from "../user-exec.js";
import { errorText, finish, out } from "./channel-io.js";
import type { SshContext } from "./context.js";
import { LineMode } from "./line-mode.js";

/** A terminal's size, from the client's pty request. */
export interface Pty {
  cols: number;
  rows: number;
}

/** What runs on a channel: the shell (for resizes), and how Ctrl-C or a signal stops it. */
export interface ChannelRun {
  shell?: ShellSession;
  stop: () => void;
}

/** A shell on `node`: interactive with a pty, line mode without. */
export function startShell(
  ctx: SshContext,
  name: string,
  stream: ssh2.ServerChannel,
  node: string,
  term: Pty | undefined,
): ChannelRun {
  const decoder = new StringDecoder("utf8");
  const exit = (code: number) => finish(stream, code);
  const refused = (why: string) => {
    out(stream, `${why}\r\n`, true);
    exit(1);
    return { stop: () => {} };
  };
  if (!term) {
    const release = ctx.limits.startSession(name);
    if (typeof release === "string") return refused(release);
    const lm = new LineMode({ node, exec: ctx.execFor(name), write: (s) => out(stream, s), onExit: exit });
    stream.on("data", (d: Buffer) => lm.input(decoder.write(d)));
    stream.on("end", () => lm.end());
    stream.on("close", () => {
      lm.close();
      release();
    });
    return { stop: () => lm.close() };
  }
  const t = openTerminal({
    lab: ctx.lab,
    user: name,
    role: ctx.roleOf(name),
    limits: ctx.limits,
    node,
    cols: term.cols,
    rows: term.rows,
    write: (s) => out(stream, s),
    onExit: exit,
    ...(ctx.commands ? { commands: ctx.commands } : {}),
  });
  if (typeof t === "string") return refused(t);
  stream.on("data", (d: Buffer) => t.input(decoder.write(d)));
  stream.on("close", () => t.close());
  const shell = t.session;
  return { shell, stop: () => shell.input("\x03") };
}

/** `ssh … NODE COMMAND…`: one command; `ssh … NODE`: a shell there. */
export function runExecRequest(
  ctx: SshContext,
  name: string,
  stream: ssh2.ServerChannel,
  command: string,
  term: Pty | undefined,
): ChannelRun | undefined {
  const m = /^\s*(\S+)\s*(.*)$/s.exec(command);
  const fail = (msg: string, code: number) => {
    out(stream, term ? crlf(msg) : msg, true);
    finish(stream, code);
    return undefined;
  };
  const nodes = () => ctx.nodeNames().join(" ");
  if (!m) return fail(`usage: ssh -p PORT ${name}@HOST NODE [COMMAND…]\nnodes: ${nodes()}\n`, 2);
  const node = ctx.resolveHost(m[1]!);
  if (!node) return fail(`routelab: unknown node '${m[1]!.slice(0, 64)}' (nodes: ${nodes()})\n`, 1);
  const line = m[2]!.trim();
  if (!line) return startShell(ctx, name, stream, node, term);
  if (line.length > MAX_COMMAND_LINE)
    return fail(
      `routelab: command too long: ${line.length} characters (at most ${MAX_COMMAND_LINE}); nothing was run\n`,
      2,
    );
  const internal = (when: string, e: unknown) =>
    ctx.log.error(
      { event: "internal-error", proto: "ssh", user: name, err: e },
      `ssh: internal error ${when} '${line.slice(0, 80)}' for ${name}: ${errorText(e)}`,
    );
  let run: ReturnType<UserExec>;
  const write = (s: string) => out(stream, term ? crlf(s) : s);
  try {
    run = ctx.execFor(name)(node, line, write);
  } catch (e) {
    if (e instanceof LabError) return fail(`${e.message}\n`, 1);
    internal("running", e);
    return fail("routelab: internal error\n", 70);
  }
  let finished = false;
  run.done.then(
    (code) => {
      finished = true;
      finish(stream, code);
    },
    (e: unknown) => {
      if (!(e instanceof LabError)) internal("in", e);
      fail(`${errorText(e)}\n`, 1);
    },
  );
  // With a pty (ssh -t) Ctrl-C arrives as a byte; without one, a closed channel stops the command.
  stream.on("data", (d: Buffer) => {
    if (term && d.includes(3)) run.interrupt();
  });
  stream.on("close", () => {
    if (!finished) run.interrupt();
  });
  return { stop: () => run.interrupt() };
}
