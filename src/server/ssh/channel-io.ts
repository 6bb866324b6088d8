/**
 * @module server/ssh/channel-io
 * Writing to an SSH channel whose client may hang up at any moment: output and the exit status
 * go only to a channel still open, and a channel's own errors are noted, not thrown.
 */
import type ssh2 from "ssh2";
import type { ServerLog } from "../log.js";

/** Output to a channel that may already be gone (the client hung up mid-command): dropped, never thrown. */
export function out(stream: ssh2.ServerChannel, s: string, err = false): void {
  if (stream.destroyed || !stream.writable) return;
  (err ? stream.stderr : stream).write(s);
}

/** Sends the exit status and closes the channel, once. */
export function finish(stream: ssh2.ServerChannel, code: number): void {
  if (stream.destroyed || !stream.writable) return;
  stream.exit(code);
  stream.end();
}

/**
 * A channel's error is its connection going away, which the connection's close handles; it is
 * noted at debug level (`--log-level debug`) with whose channel it was, not lost.
 */
export function noteChannelErrors(
  stream: ssh2.ServerChannel,
  log: ServerLog,
  user: string,
  what: string,
): void {
  stream.on("error", (e: Error) =>
    log.debug?.(
      { event: "channel-error", proto: "ssh", user, err: e },
      `ssh: ${user}'s ${what} channel: ${e.message} (the connection's close ends it)`,
    ),
  );
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
