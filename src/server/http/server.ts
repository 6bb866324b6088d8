/**
 * @module server/http/server
 * The HTTP server of `routelab up`: the JSON API on top of a Lab, the event WebSocket, and the
 * built page from `web/dist`. Binds to 127.0.0.1 unless told otherwise.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import fastifyWebsocket from "@fastify/websocket";
import Fastify, { type FastifyInstance } from "fastify";
import type { LessonSession } from "../../engines/sim/lesson.js";
import type { Lab } from "../../lab/lab.js";
import { registerControlApi } from "./api-control.js";
import { registerExecApi } from "./api-exec.js";
import { registerLessonApi } from "./api-lesson.js";
import { registerReadApi } from "./api-read.js";
import { type Authorizer, tokenAuthorizer } from "./auth.js";
import type { ApiContext } from "./context.js";
import { errorHandler } from "./errors.js";
import { EventFanout, type FanoutOptions } from "./event-fanout.js";
import { registerEventsWs } from "./events-ws.js";
import { DEFAULT_EXEC_LIMITS, type ExecLimits } from "./exec-runner.js";

export interface ServerOptions {
  lab: Lab;
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Instructor's bearer token for control actions (`--admin-token`). */
  adminToken?: string;
  /** Replaces the token rule (issue 5: sessions and roles; compose with chainAuthorizers). */
  authorize?: Authorizer;
  /** The lesson the lab plays (`createLessonLab`): timeline, live checks and rewind (issue 9). */
  lesson?: LessonSession;
  /** Directory of the built page; default `web/dist` of this package. */
  webRoot?: string;
  execLimits?: Partial<ExecLimits>;
  fanout?: FanoutOptions;
  /** Registers more routes before the server starts (issue 5: login, web terminal). */
  extend?: (app: FastifyInstance, ctx: ApiContext) => void | Promise<void>;
  /** Fastify's logger (off by default: the CLI prints what matters). */
  logger?: boolean;
}

export interface RunningServer {
  /** `http://127.0.0.1:8080` */
  url: string;
  app: FastifyInstance;
  fanout: EventFanout;
  close(): Promise<void>;
}

/** The page's Content-Security-Policy (`data:` images: the empty favicon of index.html). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** `web/dist` beside this package (same depth from src/ and from dist/). */
export function defaultWebRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "web", "dist");
}

/** Builds the fastify app without listening (tests use `app.inject`). */
export async function buildApp(opts: ServerOptions): Promise<{ app: FastifyInstance; fanout: EventFanout }> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 64 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });
  const ctx: ApiContext = {
    lab: opts.lab,
    authorize: opts.authorize ?? tokenAuthorizer(opts.adminToken),
    execLimits: { ...DEFAULT_EXEC_LIMITS, ...opts.execLimits },
  };
  const fanout = new EventFanout(opts.lab, opts.fanout);
  app.setErrorHandler(errorHandler);
  // Every answer carries a strict policy: the page runs only its own bundled script and styles
  // and talks only to this server, so text a user typed (node names, command output shown in
  // the page) can never run as code even if some view forgot to escape it.
  app.addHook("onSend", async (_request, reply, payload) => {
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
  await app.register(fastifyWebsocket, { options: { maxPayload: 4096 } });
  registerReadApi(app, ctx);
  registerExecApi(app, ctx);
  registerControlApi(app, ctx);
  registerEventsWs(app, ctx, fanout);
  registerLessonApi(app, ctx, fanout, opts.lesson);
  await opts.extend?.(app, ctx);

  const root = opts.webRoot ?? defaultWebRoot();
  if (existsSync(resolve(root, "index.html"))) {
    // @fastify/static resolves paths inside `root` only (no `..` escapes, no dotfiles).
    await app.register(fastifyStatic, { root, prefix: "/", index: "index.html", dotfiles: "deny" });
  } else {
    app.get("/", async (_req, reply) =>
      reply
        .type("text/html")
        .send(
          `<!doctype html><title>routelab</title><body style="background:#111;color:#eee;font:20px sans-serif">` +
            `<p>The page is not built: run <code>npm run build:web</code>. The API is at <a style="color:#9cf" href="/api/topology">/api/topology</a>.</p>`,
        ),
    );
  }
  app.addHook("onClose", async () => fanout.stop());
  return { app, fanout };
}

/** Starts the server; resolves once it listens. */
export async function createServer(opts: ServerOptions): Promise<RunningServer> {
  const { app, fanout } = await buildApp(opts);
  const host = opts.host ?? "127.0.0.1";
  await app.listen({ port: opts.port ?? 8080, host });
  fanout.start();
  const addr = app.server.address();
  const port = typeof addr === "object" && addr ? addr.port : opts.port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    app,
    fanout,
    close: async () => {
      fanout.stop();
      await app.close();
    },
  };
}
