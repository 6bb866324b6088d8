/**
 * @module server/http/terminal-ws
 * `GET /api/terminal?cols=&rows=&node=` (WebSocket): the page's xterm.js terminal, bridged to
 * the very shell an SSH login gets (`openTerminal`: banner, `alice@vm1$` prompt, line editing,
 * `ssh vm3` hops, Ctrl-C, the role's policy and the per-user caps).
 *
 * Who it is comes from the session cookie (browsers cannot put headers on a WebSocket) or a
 * bearer header (scripts); the upgrade is refused with a JSON 401/403 before any shell starts.
 * The Origin, when sent, must be this server, so another site cannot open a shell with the
 * visitor's cookie.
 *
 * Messages are JSON both ways and bounded: the client sends `{"type":"input","data":"…"}` and
 * `{"type":"resize","cols":C,"rows":R}`; the server sends `{"type":"output","data":"…"}`
 * (coalesced per event-loop turn), then `{"type":"exit","code":N}` when the shell ends, or
 * `{"type":"error","error":"…"}` when it cannot start. A client that stops reading (more
 * than MAX_BUFFERED bytes unsent) is disconnected rather than buffered without limit.
 *
 * The terminal lives no longer than the login it was opened with: when that web session ends
 * (logged out in another tab, expired, unused too long) or its user is removed from the users
 * file, the shell is stopped, the reason is printed and the socket closes with LOGGED_OUT.
 * Typing in the terminal counts as using the session.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { WebSocket } from "ws";
import { SessionGuard } from "../session-guard.js";
import { openTerminal, type Terminal } from "../terminal.js";
import type { Principal } from "./auth.js";
import { type ApiContext, principalFor } from "./context.js";
import { toApiError } from "./errors.js";
import { errorAnswer, REFUSALS, SECURITY, SWITCHING } from "./route-docs.js";
import { type TerminalQuery, terminalQuery } from "./schemas.js";
import type { TerminalServerMessage } from "./stream-messages.js";

/**
 * Largest message a WebSocket client may send, bytes (both sockets; a bigger frame closes the
 * connection with 1009). The page sends a long paste in pieces.
 */
export const MAX_WS_MESSAGE = 4096;
const MAX_BUFFERED = 1024 * 1024;
/** Close code of a terminal whose login ended (the page then goes back to its login form). */
export const LOGGED_OUT = 4001;
const MAX_COLS = 500;
const MAX_ROWS = 200;

const terminalSchema = {
  summary: "WebSocket: the logged-in user's shell (the same as SSH's), for the page's terminal",
  description:
    'Identified by the session cookie (or a bearer header); refused before the upgrade with a JSON 401/403/404. Messages are JSON: the client sends `{"type":"input","data":"…"}` and `{"type":"resize","cols":C,"rows":R}` (frames of at most 4 KiB); the server sends `{"type":"output","data":"…"}`, `{"type":"exit","code":N}` when the shell ends, or `{"type":"error","error":"…"}` (e.g. too many sessions open).',
  security: SECURITY.login,
  querystring: terminalQuery,
  response: {
    101: SWITCHING,
    ...REFUSALS,
    401: errorAnswer("Not logged in (or a wrong bearer token)"),
    403: errorAnswer("Another site's Origin, or not allowed to run commands"),
    404: errorAnswer("The lab has no logins, or no such router"),
  },
};

function dimension(v: string | undefined, fallback: number, max: number): number {
  const n = Number(v);
  return Number.isInteger(n) && n >= 2 ? Math.min(n, max) : fallback;
}

/** The Origin header, when present, must name the host the request was sent to. */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true; // not a browser
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export function registerTerminalWs(
  app: FastifyInstance,
  ctx: ApiContext,
  /** How often the users file and session lifetimes are checked, ms (default 2000). */
  loginCheckMs?: number,
): void {
  const principals = new WeakMap<FastifyRequest, Principal>();
  const guard =
    ctx.logins &&
    new SessionGuard({
      users: ctx.logins.users,
      sessions: ctx.logins.sessions,
      log: app.log,
      ...(loginCheckMs !== undefined ? { intervalMs: loginCheckMs } : {}),
    });

  /** Refuses before the upgrade, so the client gets a status and a JSON reason. */
  const check = async (request: FastifyRequest<{ Querystring: TerminalQuery }>, reply: FastifyReply) => {
    const refuse = (status: number, error: string, code: string) =>
      reply.status(status).send({ error, code });
    if (!sameOrigin(request))
      return refuse(403, "the terminal opens only from this server's page", "forbidden");
    if (!ctx.logins)
      return refuse(404, "this lab has no logins, so no web terminal (routelab up has them)", "not-found");
    let who: Principal;
    try {
      who = await principalFor(ctx, request, "exec");
    } catch (e) {
      const { status, body } = toApiError(e);
      return reply.status(status).send(body);
    }
    if (who.user === undefined || who.role === "anonymous")
      return refuse(401, "log in to open a terminal", "unauthorized");
    const node = request.query.node;
    if (node !== undefined && !ctx.lab.nodes().some((n) => n.name === node))
      return refuse(404, `unknown node '${node.slice(0, 64)}'`, "not-found");
    principals.set(request, who);
    return undefined;
  };

  app.get<{ Querystring: TerminalQuery }>(
    "/api/terminal",
    {
      websocket: true,
      preValidation: check, // A copy: @fastify/websocket marks the schema it is given hidden.
      schema: { ...terminalSchema },
    },
    (socket: WebSocket, request) => {
      const who = principals.get(request);
      const logins = ctx.logins;
      if (!who?.user || !logins || !guard) {
        socket.close(4401, "not logged in");
        return;
      }
      bridge(socket, request.query, who, ctx, guard);
    },
  );
}

function bridge(
  socket: WebSocket,
  q: TerminalQuery,
  who: Principal,
  ctx: ApiContext,
  guard: SessionGuard,
): void {
  const logins = ctx.logins!;
  let pending = "";
  let scheduled = false;
  let closed = false;
  const send = (msg: TerminalServerMessage) => {
    if (closed || socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED) {
      closed = true;
      socket.close(1008, "terminal output not read; closed");
      return;
    }
    socket.send(JSON.stringify(msg));
  };
  const flush = () => {
    scheduled = false;
    if (!pending) return;
    const data = pending;
    pending = "";
    send({ type: "output", data });
  };
  const write = (s: string) => {
    pending += s;
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const opts: Parameters<typeof openTerminal>[0] = {
    lab: ctx.lab,
    user: who.user!,
    // Read at every command line: a demotion in the users file reaches this open terminal at
    // once. The admin token's principal has no account and keeps its role.
    role: () => {
      if (who.session === undefined) return who.role;
      logins.users.refresh();
      return logins.users.role(who.user!) ?? "student";
    },
    limits: logins.limits,
    cols: dimension(q.cols, 80, MAX_COLS),
    rows: dimension(q.rows, 24, MAX_ROWS),
    write,
    onExit: (code) => {
      flush();
      send({ type: "exit", code });
      closed = true;
      socket.close(1000, "logged out");
    },
  };
  if (q.node !== undefined) opts.node = q.node;
  const term: Terminal | string = openTerminal(opts);
  if (typeof term === "string") {
    send({ type: "error", error: term });
    closed = true;
    socket.close(1008, "too many sessions");
    return;
  }
  // A login's terminal (not the admin token's: no session, no account) ends with the login.
  const unwatch =
    who.session !== undefined || logins.users.role(who.user!) !== undefined
      ? guard.watch({ user: who.user!, token: who.session }, (message) => {
          term.close();
          write(`\r\n${message}\r\n`);
          flush();
          closed = true;
          socket.close(LOGGED_OUT, "logged out");
        })
      : () => {};
  socket.on("message", (raw, isBinary) => {
    if (isBinary) return;
    const text = String(raw);
    let msg: { type?: unknown; data?: unknown; cols?: unknown; rows?: unknown };
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.type === "input" && typeof msg.data === "string") {
      // Typing is using the login: it keeps the session from going idle (or finds it ended).
      if (who.session !== undefined) logins.sessions.get(who.session);
      if (!closed) term.input(msg.data);
    } else if (msg.type === "resize")
      term.resize(dimension(String(msg.cols), 80, MAX_COLS), dimension(String(msg.rows), 24, MAX_ROWS));
  });
  const end = () => {
    closed = true;
    unwatch();
    term.close();
  };
  socket.on("close", end);
  socket.on("error", end);
}
