/**
 * @module server/ssh/server
 * The lab's sshd (ssh2 library): people log in with a normal `ssh` client, by password or
 * public key from the users file, and get a shell on a router (`alice@vm1$`) — or, with a
 * command (`ssh -p 2222 alice@host vm1 traceroute vm6`), one command on one node and its exit
 * status, so scripts work. Everything runs through the Lab interface as the logged-in user, so
 * the packets wear their colour. Port forwarding, agent forwarding, X11 and SFTP are refused:
 * this server opens no way into the host. When the user is removed from the users file, their
 * connections end: each open session gets a message and exit status 77 first.
 */
import { type AddressInfo, createServer as createTcpServer, type Socket } from "node:net";
import { StringDecoder } from "node:string_decoder";
import ssh2 from "ssh2";
import { LabError } from "../../core/errors.js";
import type { Lab } from "../../lab/lab.js";
import { crlf, type ShellSession } from "../../shell/session.js";
import { ConnectionGate } from "../connection-gate.js";
import { MAX_COMMAND_LINE, SlotCounter, UserLimits } from "../limits.js";
import { lineLog, type ServerLog, silentLog } from "../log.js";
import { SessionGuard } from "../session-guard.js";
import { hostResolver, openTerminal } from "../terminal.js";
import { createUserExec, EX_NOPERM, type UserExec } from "../user-exec.js";
import { LoginThrottle } from "../users/throttle.js";
import type { Role, UsersStore } from "../users/store.js";
import { authenticateClient } from "./auth.js";
import { loadOrCreateHostKey } from "./host-key.js";
import { LineMode } from "./line-mode.js";
import { isTooLongPacket, tooLongPacket } from "./packet-limit.js";

export interface SshServerOptions {
  lab: Lab;
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
  const limits = o.limits ?? new UserLimits();
  const log: ServerLog = typeof o.log === "function" ? lineLog(o.log) : (o.log ?? silentLog);
  const host = o.host ?? "127.0.0.1";
  const maxChannels = o.maxChannelsPerConnection ?? 10;
  const clients = new Set<ssh2.Connection>();
  const guard = new SessionGuard({
    users: o.users,
    log: (line) => log.error({ event: "users-file", proto: "ssh" }, line),
    ...(o.loginCheckMs !== undefined ? { intervalMs: o.loginCheckMs } : {}),
  });
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
  const auth = {
    users: o.users,
    throttle: o.throttle ?? new LoginThrottle(),
    log,
    maxAuthTries: o.maxAuthTries ?? 6,
    failDelayMs: o.failDelayMs ?? 250,
    maxPerUser: o.maxPerUser ?? 16,
    userSlots: new SlotCounter(),
  };

  const server = new ssh2.Server({ hostKeys: [key.privateKey], ident: "routelab" }, (client, info) => {
    const admitted = gate.find(info.ip, info.port);
    if (!admitted) {
      client.end();
      return;
    }
    const addr = admitted.addr;
    clients.add(client);
    let user: string | undefined;
    let releaseUser = () => {};
    authenticateClient(auth, client, addr, (name, release) => {
      user = name;
      releaseUser = release;
      admitted.loggedIn();
    });

    client.on("ready", () => {
      const name = user!;
      let channels = 0;
      // The open shell and exec channels, and whether each has a pseudo-terminal.
      const streams = new Map<ssh2.ServerChannel, boolean>();
      let removed = false;
      const unwatch = guard.watch({ user: name }, (message, why) => {
        removed = true;
        const what = why === "password" ? "'s password was changed" : " was removed from the users file";
        log.info(
          { event: "logged-out", proto: "ssh", addr, user: name, why },
          `ssh: ${addr}: ${name}${what}: connection closed`,
        );
        const open = [...streams];
        for (const [stream, pty] of open) {
          out(stream, pty ? `\r\n${message}\r\n` : `${message}\n`, true);
          finish(stream, EX_NOPERM);
        }
        // The connection goes once the client has seen every channel's status and close.
        let left = open.length;
        const bye = () => {
          if (--left <= 0) client.end();
        };
        if (open.length === 0) bye();
        for (const [stream] of open) stream.once("close", bye);
        setTimeout(() => client.end(), 2000).unref();
      });
      client.on("close", unwatch);
      client.on("session", (accept, reject) => {
        // A connection may hold a few sessions (ssh -M multiplexing), not thousands.
        if (channels >= maxChannels || removed) return reject();
        channels++;
        const session = accept();
        session.once("close", () => channels--);
        onSession(name, session, (stream, pty) => {
          streams.set(stream, pty);
          stream.once("close", () => streams.delete(stream));
        });
      });
      // No port forwarding of any kind, no agent or X11: nothing reaches past the lab.
      client.on("tcpip", (_accept, reject) => reject());
      client.on("openssh.streamlocal", (_accept, reject) => reject());
      client.on("request", (_accept, reject) => reject?.());
    });
    client.on("error", (e: Error) => {
      // A client vanishing mid-handshake is not the server's problem; a packet past ssh2's limit
      // (a huge exec command) closes the connection inside ssh2: say why, as nobody else can.
      if (isTooLongPacket(e)) log.warn({ event: "packet-limit", proto: "ssh" }, tooLongPacket(addr, user, e));
    });
    client.on("close", () => {
      releaseUser();
      clients.delete(client);
    });
  });

  /** A session channel of `name`'s; `track` learns each shell or exec stream it opens. */
  const onSession = (
    name: string,
    session: ssh2.Session,
    track: (stream: ssh2.ServerChannel, pty: boolean) => void,
  ) => {
    let pty: { cols: number; rows: number } | undefined;
    let shell: ShellSession | undefined;
    let stop: (() => void) | undefined;
    session.on("pty", (accept, _reject, info) => {
      pty = { cols: info.cols || 80, rows: info.rows || 24 };
      accept?.();
    });
    session.on("window-change", (accept, _reject, info) => {
      if (pty) pty = { cols: info.cols, rows: info.rows };
      shell?.resize(info.cols, info.rows);
      accept?.();
    });
    session.on("env", (accept) => accept?.());
    session.on("signal", (accept, _reject, info) => {
      if (info.name === "INT" || info.name === "TERM" || info.name === "KILL") stop?.();
      accept?.();
    });
    session.on("sftp", (_accept, reject) => reject?.());
    session.on("subsystem", (_accept, reject) => reject?.());
    session.on("x11", (_accept, reject) => reject?.());
    session.on("auth-agent", (_accept, reject) => reject?.());
    session.on("shell", (accept) => {
      const stream = accept();
      // A channel's error is its connection's going away, which the client's close handles.
      stream.on("error", () => {});
      track(stream, pty !== undefined);
      const r = start(name, stream, startNodeFor(), pty);
      shell = r.shell;
      stop = r.stop;
    });
    session.on("exec", (accept, _reject, info) => {
      const stream = accept();
      stream.on("error", () => {}); // as for a shell's channel
      track(stream, pty !== undefined);
      const r = execRequest(name, stream, info.command, pty);
      shell = r?.shell;
      stop = r?.stop;
    });
  };

  const nodeNames = () => o.lab.nodes().map((n) => n.name);
  const startNodeFor = () => o.startNode ?? nodeNames()[0]!;
  const resolveHost = hostResolver(o.lab);

  // Read at every command line, so a promotion or demotion reaches open shells at once.
  const roleOf = (name: string) => (): Role => {
    o.users.refresh();
    return o.users.role(name) ?? "student";
  };
  const execFor = (name: string): UserExec =>
    createUserExec({ lab: o.lab, user: name, role: roleOf(name), limits });

  /** A shell on `node`: interactive with a pty, line mode without. */
  function start(
    name: string,
    stream: ssh2.ServerChannel,
    node: string,
    term: { cols: number; rows: number } | undefined,
  ): { shell?: ShellSession; stop: () => void } {
    const decoder = new StringDecoder("utf8");
    const exit = (code: number) => finish(stream, code);
    const refused = (why: string) => {
      out(stream, `${why}\r\n`, true);
      exit(1);
      return { stop: () => {} };
    };
    if (!term) {
      const release = limits.startSession(name);
      if (typeof release === "string") return refused(release);
      const lm = new LineMode({ node, exec: execFor(name), write: (s) => out(stream, s), onExit: exit });
      stream.on("data", (d: Buffer) => lm.input(decoder.write(d)));
      stream.on("end", () => lm.end());
      stream.on("close", () => {
        lm.close();
        release();
      });
      return { stop: () => lm.close() };
    }
    const t = openTerminal({
      lab: o.lab,
      user: name,
      role: roleOf(name),
      limits,
      node,
      cols: term.cols,
      rows: term.rows,
      write: (s) => out(stream, s),
      onExit: exit,
      ...(o.commands ? { commands: o.commands } : {}),
    });
    if (typeof t === "string") return refused(t);
    stream.on("data", (d: Buffer) => t.input(decoder.write(d)));
    stream.on("close", () => t.close());
    const shell = t.session;
    return { shell, stop: () => shell.input("\x03") };
  }

  /** `ssh … NODE COMMAND…`: one command; `ssh … NODE`: a shell there. */
  function execRequest(
    name: string,
    stream: ssh2.ServerChannel,
    command: string,
    term: { cols: number; rows: number } | undefined,
  ): { shell?: ShellSession; stop: () => void } | undefined {
    const m = /^\s*(\S+)\s*(.*)$/s.exec(command);
    const fail = (msg: string, code: number) => {
      out(stream, term ? crlf(msg) : msg, true);
      finish(stream, code);
      return undefined;
    };
    if (!m)
      return fail(`usage: ssh -p PORT ${name}@HOST NODE [COMMAND…]\nnodes: ${nodeNames().join(" ")}\n`, 2);
    const node = resolveHost(m[1]!);
    if (!node)
      return fail(`routelab: unknown node '${m[1]!.slice(0, 64)}' (nodes: ${nodeNames().join(" ")})\n`, 1);
    const line = m[2]!.trim();
    if (!line) return start(name, stream, node, term);
    if (line.length > MAX_COMMAND_LINE)
      return fail(
        `routelab: command too long: ${line.length} characters (at most ${MAX_COMMAND_LINE}); nothing was run\n`,
        2,
      );
    let run: ReturnType<UserExec>;
    const write = (s: string) => {
      out(stream, term ? crlf(s) : s);
    };
    try {
      run = execFor(name)(node, line, write);
    } catch (e) {
      if (e instanceof LabError) return fail(`${e.message}\n`, 1);
      log.error(
        { event: "internal-error", proto: "ssh", user: name },
        `ssh: internal error running '${line.slice(0, 80)}' for ${name}: ${errorText(e)}`,
      );
      return fail("routelab: internal error\n", 70);
    }
    let finished = false;
    run.done.then(
      (code) => {
        finished = true;
        finish(stream, code);
      },
      (e: unknown) => {
        if (!(e instanceof LabError))
          log.error(
            { event: "internal-error", proto: "ssh", user: name },
            `ssh: internal error in '${line.slice(0, 80)}' for ${name}: ${errorText(e)}`,
          );
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

  const sockets = new Set<Socket>();
  const tcp = createTcpServer((socket) => {
    socket.on("error", () => {}); // a client vanishing mid-handshake is not the server's problem
    if (!gate.admit(socket)) return;
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    server.injectSocket(socket);
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(o.port, host, () => {
      tcp.off("error", reject);
      resolve();
    });
  });
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of clients) c.end();
        tcp.close(() => resolve());
        // Sockets that never finished the SSH greeting have no client to end; a client that
        // does not hang up after the disconnect message is cut off.
        setTimeout(() => {
          for (const sock of sockets) sock.destroy();
        }, 500).unref();
      }),
  };
}

/** Output to a channel that may already be gone (the client hung up mid-command): dropped, never thrown. */
function out(stream: ssh2.ServerChannel, s: string, err = false): void {
  if (stream.destroyed || !stream.writable) return;
  (err ? stream.stderr : stream).write(s);
}

/** Sends the exit status and closes the channel, once. */
function finish(stream: ssh2.ServerChannel, code: number): void {
  if (stream.destroyed || !stream.writable) return;
  stream.exit(code);
  stream.end();
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
