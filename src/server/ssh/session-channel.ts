/**
 * @module server/ssh/session-channel
 * One session channel of a logged-in user: its pty and window size, signals, and the shell or
 * command it runs. SFTP, subsystems, X11 and agent forwarding are refused: this server opens
 * no way into the host.
 */
import type ssh2 from "ssh2";
import { noteChannelErrors } from "./channel-io.js";
import type { SshContext } from "./context.js";
import { type ChannelRun, type Pty, runExecRequest, startShell } from "./runs.js";

/** Learns each shell or exec stream a session opens, and whether it has a pseudo-terminal. */
export type TrackStream = (stream: ssh2.ServerChannel, pty: boolean) => void;

export function handleSession(
  ctx: SshContext,
  name: string,
  session: ssh2.Session,
  track: TrackStream,
): void {
  let pty: Pty | undefined;
  let run: ChannelRun | undefined;
  session.on("pty", (accept, _reject, info) => {
    pty = { cols: info.cols || 80, rows: info.rows || 24 };
    accept?.();
  });
  session.on("window-change", (accept, _reject, info) => {
    if (pty) pty = { cols: info.cols, rows: info.rows };
    run?.shell?.resize(info.cols, info.rows);
    accept?.();
  });
  session.on("env", (accept) => accept?.());
  session.on("signal", (accept, _reject, info) => {
    if (info.name === "INT" || info.name === "TERM" || info.name === "KILL") run?.stop();
    accept?.();
  });
  session.on("sftp", (_accept, reject) => reject?.());
  session.on("subsystem", (_accept, reject) => reject?.());
  session.on("x11", (_accept, reject) => reject?.());
  session.on("auth-agent", (_accept, reject) => reject?.());
  session.on("shell", (accept) => {
    const stream = accept();
    noteChannelErrors(stream, ctx.log, name, "shell");
    track(stream, pty !== undefined);
    run = startShell(ctx, name, stream, ctx.startNode(), pty);
  });
  session.on("exec", (accept, _reject, info) => {
    const stream = accept();
    noteChannelErrors(stream, ctx.log, name, "exec");
    track(stream, pty !== undefined);
    run = runExecRequest(ctx, name, stream, info.command, pty);
  });
}
