/**
 * @module server/ssh/server
 * The lab's sshd (ssh2 library): people log in with a normal `ssh` client, by password or
 * public key from the users file, and get a shell on a router (`alice@vm1$`) — or, with a
 * command (`ssh -p 2222 alice@host vm1 traceroute vm6`), one command on one node and its exit
 * status, so scripts work. Everything runs through the Lab interface as the logged-in user, so
 * the packets wear their colour. This file starts it (host key, limits, the listening socket);
 * connection.ts handles one connection, session-channel.ts one channel, runs.ts what it runs. Port forwarding, agent forwarding, X11 and SFTP are refused:
 * this server opens no way into the host. When the user is removed from the users file, their
 * connections end: each open session gets a message and exit status 77 first.
 */
import { type AddressInfo, createServer as createTcpServer, type Server, type Socket } from "node:net";
import ssh2 from "ssh2";
import type { ServerLab } from "../server-lab.js";
import { ConnectionGate } from "../connection-gate.js";
import { SlotCounter, UserLimits } from "../limits.js";
import { lineLog, type ServerLog, silentLog } from "../log.js";
import { SessionGuard } from "../session-guard.js";
import type { UsersStore } from "../users/store.js";
import { LoginThrottle } from "../users/throttle.js";
import { handleConnection } from "./connection.js";
import { type SshContext, sshContext } from "./context.js";
import { loadOrCreateHostKey } from "./host-key.js";

export interface SshServerOptions {
  lab: ServerLab;
  users: UsersStore;
  /** 0 picks a free port (tests); see `port` on the result. */
  port: number;
  /** Listen address (default 127.0.0.1; the lab is for the room, not the Internet, unless asked). */
  host?: string;
  hostKeyPath: string;
  throttle?: LoginThrottle;
  limits?: UserLimits;
  /** Node a login shell starts on (default: the topology's first node). */
  startNode?: string;
  /** Command names for tab completion (default: the shell's built-in commands). */
  commands?: () => string[];
  /** Most simultaneous connections (default 500). */
  maxConnections?: number;
  /** Most connections from one address, logged in or not (default 32). */
  maxPerAddress?: number;
  /** Most connections from one address not logged in yet (default 8; sshd's MaxStartups is 10 in all). */
  maxUnauthenticatedPerAddress?: number;
  /** Most connections one user holds at once, from anywhere (default 16). */
  maxPerUser?: number;
  /** Failed authentication attempts before a connection is dropped (default 6, as sshd's MaxAuthTries). */
  maxAuthTries?: number;
  /** Sessions (channels) one connection may have open at once (default 10, as sshd's MaxSessions). */
  maxChannelsPerConnection?: number;
  /** Time to log in before a connection is dropped, from the TCP connect, ms (default 20 s; sshd's LoginGraceTime is 120). */
  loginGraceMs?: number;
  /** Extra wait before answering a failed password, ms (default 250). */
  failDelayMs?: number;
  /**
   * Where notable events go (logins, failures, throttling, refusals): the shared pino logger
   * (`createServerLog`), or a function given one text line each. Never a password or key.
   */
  log?: ServerLog | ((line: string) => void);
  /** How often the users file is checked for removed users, ms (default 2000). */
  loginCheckMs?: number;
}

export interface SshServer {
  readonly port: number;
  readonly host: string;
  /** SHA256 fingerprint of the host key. */
  readonly fingerprint: string;
  /** Open connections. */
  connections(): number;
  close(): Promise<void>;
}

export async function startSshServer(o: SshServerOptions): Promise<SshServer> {
  const key = loadOrCreateHostKey(o.hostKeyPath);
  const log: ServerLog = typeof o.log === "function" ? lineLog(o.log) : (o.log ?? silentLog);
  const host = o.host ?? "127.0.0.1";
  const ctx = contextFor(o, log);
  // Connections are admitted on the TCP socket, before the SSH library reads a byte: per
  // address, not logged in yet, and timed out at the login grace time.
  const gate = new ConnectionGate(
    {
      total: o.maxConnections ?? 500,
      perAddress: o.maxPerAddress ?? 32,
      unauthenticatedPerAddress: o.maxUnauthenticatedPerAddress ?? 8,
      graceMs: o.loginGraceMs ?? 20_000,
    },
    log,
    "ssh",
  );
  const server = new ssh2.Server({ hostKeys: [key.privateKey], ident: "routelab" }, (client, info) =>
    handleConnection(ctx, gate, client, info),
  );
  const sockets = new Set<Socket>();
  const tcp = createTcpServer((socket) => {
    socket.on("error", (e: Error) =>
      // A client vanishing mid-handshake is not the server's problem, but it is noted.
      log.debug?.(
        { event: "socket-error", proto: "ssh", addr: socket.remoteAddress, err: e },
        `ssh: ${socket.remoteAddress ?? "?"}: socket error: ${e.message}`,
      ),
    );
    if (!gate.admit(socket)) return;
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    server.injectSocket(socket);
  });
  await listen(tcp, o.port, host);
  const port = (tcp.address() as AddressInfo).port;
  log.info(
    { event: "listening", proto: "ssh", host, port },
    `ssh: listening on ${host}:${port}, host key ${key.fingerprint}`,
  );
  return {
    port,
    host,
    fingerprint: key.fingerprint,
    connections: () => gate.count(),
    close: () => closeAll(ctx, tcp, sockets),
  };
}

/** The shared parts, from the options and their defaults. */
function contextFor(o: SshServerOptions, log: ServerLog): SshContext {
  return sshContext({
    lab: o.lab,
    users: o.users,
    limits: o.limits ?? new UserLimits(),
    log,
    guard: new SessionGuard({
      users: o.users,
      log,
      ...(o.loginCheckMs !== undefined ? { intervalMs: o.loginCheckMs } : {}),
    }),
    auth: {
      users: o.users,
      throttle: o.throttle ?? new LoginThrottle(),
      log,
      maxAuthTries: o.maxAuthTries ?? 6,
      failDelayMs: o.failDelayMs ?? 250,
      maxPerUser: o.maxPerUser ?? 16,
      userSlots: new SlotCounter(),
    },
    maxChannels: o.maxChannelsPerConnection ?? 10,
    ...(o.startNode !== undefined ? { startNode: o.startNode } : {}),
    ...(o.commands ? { commands: o.commands } : {}),
  });
}

function listen(tcp: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(port, host, () => {
      tcp.off("error", reject);
      resolve();
    });
  });
}

/**
 * Ends every connection and stops listening. Sockets that never finished the SSH greeting have
 * no client to end; a client that does not hang up after the disconnect message is cut off.
 */
function closeAll(ctx: SshContext, tcp: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise<void>((resolve) => {
    for (const c of ctx.clients) c.end();
    tcp.close(() => resolve());
    setTimeout(() => {
      for (const sock of sockets) sock.destroy();
    }, 500).unref();
  });
}
