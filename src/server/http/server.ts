/**
 * @module server/http/server
 * The HTTP server of `routelab up`: the JSON API on top of a Lab, the event WebSocket, and the
 * built page from `web/dist`. Binds to 127.0.0.1 unless told otherwise.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import fastifyStatic from "@fastify/static";
import fastifyWebsocket from "@fastify/websocket";
import type { Socket } from "node:net";
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import type { LessonView } from "../../lab/lesson-view.js";
import type { Lab } from "../../lab/lab.js";
import { SHARED_SCHEMAS } from "./answers.js";
import { registerControlApi } from "./api-control.js";
import { registerExecApi } from "./api-exec.js";
import { registerLessonApi } from "./api-lesson.js";
import { registerReadApi } from "./api-read.js";
import { registerLoginApi } from "./api-login.js";
import { registerPeopleApi } from "./api-people.js";
import { localPackets, registerPacketApi } from "./api-packets.js";
import { ConnectionGate } from "../connection-gate.js";
import { packageRoot } from "../package-root.js";
import { checkAdminToken } from "./admin-token.js";
import { type Authorizer, tokenAuthorizer } from "./auth.js";
import type { ApiContext } from "./context.js";
import { errorHandler } from "./errors.js";
import { EventFanout, type FanoutOptions } from "./event-fanout.js";
import { registerEventsWs } from "./events-ws.js";
import { DEFAULT_EXEC_LIMITS, type ExecLimits } from "./exec-runner.js";
import { type LoginServices, loginsAuthorizer } from "./session-auth.js";
import { MAX_WS_MESSAGE, registerTerminalWs } from "./terminal-ws.js";
import { UserStats } from "./user-stats.js";
import { type FanoutService, localLesson, type SimServices } from "./sim-services.js";
import type { ServerLab } from "../server-lab.js";
import { LoginThrottle } from "../users/throttle.js";

export interface ServerOptions {
  /**
   * An in-process engine's Lab; or, with `sim`, the facade of a simulation that runs in a
   * worker thread (sim-thread/remote-lab.ts), whose fanout, counters, packet store and lesson
   * come in `sim`.
   */
  lab: ServerLab;
  sim?: SimServices;
  /** The lesson the lab plays (`createLessonLab`): timeline, live checks and rewind (issue 9). In process only. */
  lesson?: LessonView;
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Instructor's bearer token for control actions (`--admin-token`). */
  adminToken?: string;
  /**
   * The users file, sessions, login throttle and per-user limits, shared with the SSH server
   * (`startLogins`). With them the page logs people in: commands need a login (and run under
   * the role's policy and caps), control actions an instructor; the admin token still works.
   */
  logins?: LoginServices;
  /** Throttles guesses at the admin token when there are no `logins` (which bring their own); default a new one. */
  throttle?: LoginThrottle;
  /**
   * With logins: watching needs a login too (`up --private`). Without it the map, the clock and
   * the event stream are public and everything personal (terminals, a student's own checks, the
   * users file's roster) needs a login.
   */
  private?: boolean;
  /** Replaces the rules above (compose with chainAuthorizers). */
  authorize?: Authorizer;
  /** Directory of the built page; default `web/dist` of this package. */
  webRoot?: string;
  execLimits?: Partial<ExecLimits>;
  fanout?: FanoutOptions;
  /**
   * Registered before any route, so it sees each one as it is added: the OpenAPI generator's
   * @fastify/swagger (scripts/openapi.ts).
   */
  plugins?: (app: FastifyInstance) => Promise<void>;
  /** Registers more routes before the server starts (issue 5: login, web terminal). */
  extend?: (app: FastifyInstance, ctx: ApiContext) => void | Promise<void>;
  /**
   * The log: the pino logger `routelab up` shares with the SSH server (`createServerLog`), or
   * `true` for fastify's own; off by default (tests, and labs without logins print what matters).
   */
  logger?: boolean | FastifyBaseLogger;
  /** Timeouts and per-address caps of the TCP connections (defaults: HTTP_CONNECTION_LIMITS). */
  connections?: Partial<HttpConnectionLimits>;
  /** How often the users file and session lifetimes are checked to end terminals, ms (default 2000). */
  loginCheckMs?: number;
}

/**
 * What one client may hold of the HTTP server. A connection that says nothing for `idleMs` is
 * closed (WebSockets excepted: ws clears the timeout when it takes the socket over); a request
 * whose headers take longer than `headersMs`, or whose body longer than `requestMs`, is
 * answered 408 and closed (slow senders); an idle keep-alive connection goes after
 * `keepAliveMs`. Silent connections could otherwise be opened until the process runs out of
 * file handles.
 */
export interface HttpConnectionLimits {
  idleMs: number;
  headersMs: number;
  requestMs: number;
  keepAliveMs: number;
  /** Connections from one address (a page holds a few fetches, its event stream and terminals). */
  perAddress: number;
  /** Connections from all addresses. */
  total: number;
}

export const HTTP_CONNECTION_LIMITS: HttpConnectionLimits = {
  idleMs: 60_000,
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 10_000,
  perAddress: 64,
  total: 4096,
};

export interface RunningServer {
  /** `http://127.0.0.1:8080` */
  url: string;
  /** The port it listens on (the one picked, for port 0). */
  port: number;
  app: FastifyInstance;
  fanout: FanoutService;
  close(): Promise<void>;
}

/** The page's Content-Security-Policy (`data:` images: the empty favicon of index.html). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Placeholder in index.html that the server replaces with each answer's style nonce. */
export const STYLE_NONCE_PLACEHOLDER = "__ROUTELAB_STYLE_NONCE__";

/**
 * The policy of the page itself: as above, plus `<style>` elements carrying this answer's
 * nonce. The terminal (xterm.js) writes its colours and cell sizes into `<style>` elements it
 * creates; the page stamps them with the nonce, while markup injected into the page (which has
 * no nonce) still cannot add styles.
 */
export function pagePolicy(nonce: string): string {
  return CONTENT_SECURITY_POLICY.replace("style-src 'self'", `style-src 'self' 'nonce-${nonce}'`);
}

/** `web/dist` of this package (from src/, dist/ or the bundle in dist/bundle/). */
export function defaultWebRoot(): string {
  return resolve(packageRoot(import.meta.url), "web", "dist");
}

/** Builds the fastify app without listening (tests use `app.inject`). */
export async function buildApp(
  opts: ServerOptions,
): Promise<{ app: FastifyInstance; fanout: FanoutService }> {
  if (opts.adminToken !== undefined) checkAdminToken(opts.adminToken);
  const conn = { ...HTTP_CONNECTION_LIMITS, ...opts.connections };
  const log = opts.logger;
  const app = Fastify({
    ...(typeof log === "object" ? { loggerInstance: log } : { logger: log ?? false }),
    // Requests are not logged one by one (the page polls); logins, refusals and errors are.
    logController: new LogController({ disableRequestLogging: true }),
    connectionTimeout: conn.idleMs,
    keepAliveTimeout: conn.keepAliveMs,
    requestTimeout: conn.requestMs,
    http: { headersTimeout: conn.headersMs, connectionsCheckingInterval: Math.min(1000, conn.headersMs) },
    bodyLimit: 64 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });
  const ctx: ApiContext = {
    lab: opts.lab,
    authorize:
      opts.authorize ??
      (opts.logins
        ? loginsAuthorizer(opts.logins, opts.adminToken, { private: opts.private === true })
        : tokenAuthorizer(opts.adminToken, opts.throttle ?? new LoginThrottle())),
    execLimits: { ...DEFAULT_EXEC_LIMITS, ...opts.execLimits },
    stats: opts.sim ? opts.sim.stats : new UserStats().attach(inProcess(opts.lab)),
  };
  // The fanout, packet store and lesson: the worker's (sim-thread/) or built here on the Lab.
  const lesson = opts.sim ? opts.sim.lesson : opts.lesson && localLesson(opts.lesson);
  const packets = opts.sim ? opts.sim.packets : localPackets(inProcess(opts.lab), opts.lesson?.lab);
  const fanout: FanoutService = opts.sim
    ? opts.sim.fanout
    : new EventFanout(inProcess(opts.lab), opts.fanout);
  if (opts.logins) ctx.logins = opts.logins;
  if (lesson) ctx.lesson = true;
  if (opts.logins && opts.private) ctx.private = true;
  const gate = new ConnectionGate({ total: conn.total, perAddress: conn.perAddress }, app.log, "http");
  app.server.on("connection", (socket: Socket) => gate.admit(socket));
  app.setErrorHandler(errorHandler);
  // Answers go out as JSON.stringify makes them: the routes' response schemas document them
  // (and type the handlers) but must never drop or reshape a field on the way out.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  // Every answer carries a strict policy: the page runs only its own bundled script and styles
  // and talks only to this server, so text a user typed (node names, command output shown in
  // the page) can never run as code even if some view forgot to escape it.
  app.addHook("onSend", async (_request, reply, payload) => {
    if (!reply.hasHeader("content-security-policy"))
      reply.header("content-security-policy", CONTENT_SECURITY_POLICY);
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "no-referrer");
    return payload;
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send({ error: `no such path: ${request.method} ${request.url.split("?")[0]}`, code: "not-found" });
  });
  await opts.plugins?.(app);
  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_WS_MESSAGE } });
  registerReadApi(app, ctx);
  registerExecApi(app, ctx);
  registerControlApi(app, ctx);
  registerPeopleApi(app, ctx);
  registerPacketApi(app, ctx, packets);
  registerEventsWs(app, ctx, fanout);
  registerLessonApi(app, ctx, fanout, lesson);
  registerTerminalWs(app, ctx, opts.loginCheckMs);
  registerLoginApi(app, opts.logins);
  await opts.extend?.(app, ctx);

  const root = opts.webRoot ?? defaultWebRoot();
  if (existsSync(resolve(root, "index.html"))) {
    // @fastify/static resolves paths inside `root` only (no `..` escapes, no dotfiles).
    await app.register(fastifyStatic, { root, prefix: "/", index: false, dotfiles: "deny" });
    const page = indexPage(resolve(root, "index.html"));
    const serveIndex = async (_req: FastifyRequest, reply: FastifyReply) => {
      const text = page();
      void reply.type("text/html; charset=utf-8").header("cache-control", "no-cache");
      // Only a page that asks for a nonce (the built page does) gets one.
      if (!text.includes(STYLE_NONCE_PLACEHOLDER)) return reply.send(text);
      const nonce = randomBytes(16).toString("base64");
      return reply
        .header("content-security-policy", pagePolicy(nonce))
        .send(text.replaceAll(STYLE_NONCE_PLACEHOLDER, nonce));
    };
    // The page, not the API: left out of docs/openapi.yaml.
    app.get("/", { schema: { hide: true } }, serveIndex);
    app.get("/index.html", { schema: { hide: true } }, serveIndex);
  } else {
    app.get("/", { schema: { hide: true } }, async (_req, reply) =>
      reply
        .type("text/html")
        .send(
          `<!doctype html><title>routelab</title><body style="background:#111;color:#eee;font:20px sans-serif">` +
            `<p>The page is not built: run <code>npm run build:web</code>. The API is at <a style="color:#9cf" href="/api/topology">/api/topology</a>.</p>`,
        ),
    );
  }
  app.addHook("onClose", async () => {
    fanout.stop();
    ctx.stats.stop();
  });
  return { app, fanout };
}

/** Without `sim` services the lab is an in-process engine's Lab (the facade always brings them). */
function inProcess(lab: ServerLab): Lab {
  return lab as unknown as Lab;
}

/** index.html's text, re-read when the file changes (a rebuild while the server runs). */
function indexPage(file: string): () => string {
  let stamp = -1;
  let text = "";
  return () => {
    const m = statSync(file).mtimeMs;
    if (m !== stamp) {
      text = readFileSync(file, "utf8");
      stamp = m;
    }
    return text;
  };
}

/** Starts the server; resolves once it listens. */
export async function createServer(opts: ServerOptions): Promise<RunningServer> {
  const { app, fanout } = await buildApp(opts);
  const host = opts.host ?? "127.0.0.1";
  await app.listen({ port: opts.port ?? 8080, host });
  fanout.start();
  const addr = app.server.address();
  const port = typeof addr === "object" && addr ? addr.port : (opts.port ?? 8080);
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    port,
    app,
    fanout,
    close: async () => {
      fanout.stop();
      await app.close();
    },
  };
}
