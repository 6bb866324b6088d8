/**
 * @module server/ssh/connection
 * One SSH connection: admitted by the gate, authenticated, then the user's session channels
 * (a few at once, as ssh -M multiplexing needs) and nothing else — no port forwarding of any
 * kind. When the user is removed from the users file (or their password changes), every open
 * channel gets the message and exit status 77, and the connection ends.
 */
import type ssh2 from "ssh2";
import type { ConnectionGate } from "../connection-gate.js";
import { EX_NOPERM } from "../user-exec.js";
import { authenticateClient } from "./auth.js";
import { finish, out } from "./channel-io.js";
import type { SshContext } from "./context.js";
import { isTooLongPacket, tooLongPacket } from "./packet-limit.js";
import { handleSession } from "./session-channel.js";

/** The ssh2 server's connection listener: `client` came from `info`'s address, through `gate`. */
export function handleConnection(
  ctx: SshContext,
  gate: ConnectionGate,
  client: ssh2.Connection,
  info: ssh2.ClientInfo,
): void {
  const admitted = gate.find(info.ip, info.port);
  if (!admitted) {
    client.end();
    return;
  }
  const addr = admitted.addr;
  ctx.clients.add(client);
  let user: string | undefined;
  let releaseUser = () => {};
  authenticateClient(ctx.auth, client, addr, (name, release) => {
    user = name;
    releaseUser = release;
    admitted.loggedIn();
  });
  client.on("ready", () => onReady(ctx, client, addr, user!));
  client.on("error", (e: Error) => {
    // A packet past ssh2's limit (a huge exec command) closes the connection inside ssh2: say
    // why, as nobody else can. Anything else is a client vanishing mid-handshake or mid-session,
    // which the close cleans up: noted at debug level.
    if (isTooLongPacket(e))
      ctx.log.warn({ event: "packet-limit", proto: "ssh" }, tooLongPacket(addr, user, e));
    else
      ctx.log.debug?.(
        { event: "connection-error", proto: "ssh", addr, user, err: e },
        `ssh: ${addr}: connection error${user ? ` (${user})` : ""}: ${e.message}`,
      );
  });
  client.on("close", () => {
    releaseUser();
    ctx.clients.delete(client);
  });
}

/** A logged-in connection: its session channels, and its end when the login no longer holds. */
function onReady(ctx: SshContext, client: ssh2.Connection, addr: string, name: string): void {
  let channels = 0;
  // The open shell and exec channels, and whether each has a pseudo-terminal.
  const streams = new Map<ssh2.ServerChannel, boolean>();
  let removed = false;
  const unwatch = ctx.guard.watch({ user: name }, (message, why) => {
    removed = true;
    const what = why === "password" ? "'s password was changed" : " was removed from the users file";
    ctx.log.info(
      { event: "logged-out", proto: "ssh", addr, user: name, why },
      `ssh: ${addr}: ${name}${what}: connection closed`,
    );
    endConnection(client, [...streams], message);
  });
  client.on("close", unwatch);
  client.on("session", (accept, reject) => {
    // A connection may hold a few sessions (ssh -M multiplexing), not thousands.
    if (channels >= ctx.maxChannels || removed) return reject();
    channels++;
    const session = accept();
    session.once("close", () => channels--);
    handleSession(ctx, name, session, (stream, pty) => {
      streams.set(stream, pty);
      stream.once("close", () => streams.delete(stream));
    });
  });
  // No port forwarding of any kind, no agent or X11: nothing reaches past the lab.
  client.on("tcpip", (_accept, reject) => reject());
  client.on("openssh.streamlocal", (_accept, reject) => reject());
  client.on("request", (_accept, reject) => reject?.());
}

/**
 * Tells every open channel `message` with exit status 77, then ends the connection once the
 * client has seen every channel's status and close (or after 2 s).
 */
function endConnection(
  client: ssh2.Connection,
  open: [ssh2.ServerChannel, boolean][],
  message: string,
): void {
  for (const [stream, pty] of open) {
    out(stream, pty ? `\r\n${message}\r\n` : `${message}\n`, true);
    finish(stream, EX_NOPERM);
  }
  let left = open.length;
  const bye = () => {
    if (--left <= 0) client.end();
  };
  if (open.length === 0) bye();
  for (const [stream] of open) stream.once("close", bye);
  setTimeout(() => client.end(), 2000).unref();
}
