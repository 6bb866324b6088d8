/**
 * @module server/http/api-read
 * The read-only API: the topology (nodes, interfaces, addresses, links, positions), a node's
 * routing table, and who the caller is. Everything comes from the Lab interface.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { OspfReplySchema, RoutesReplySchema, SessionReplySchema, TopologyViewSchema } from "./answers.js";
import { HttpError, topologyView } from "./api-shapes.js";
import { AuthError, type Principal } from "./auth.js";
import { type ApiContext, principalFor } from "./context.js";
import { NOT_FOUND, okAnswer, REFUSALS, SECURITY } from "./route-docs.js";
import { nodeParams } from "./schemas.js";
import { PRIVATE_REFUSAL } from "./session-auth.js";

export function registerReadApi(app: FastifyInstance, ctx: ApiContext): void {
  registerTopology(app, ctx);
  registerRoutes(app, ctx);
  registerOspf(app, ctx);
  registerSession(app, ctx);
}

/** `GET /api/topology`. */
function registerTopology(app: FastifyInstance, ctx: ApiContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    "/api/topology",
    {
      schema: {
        summary: "Routers, interfaces, links, positions and the clock",
        security: SECURITY.anybody,
        response: { 200: okAnswer(TopologyViewSchema, "The topology as the lab runs it"), ...REFUSALS },
      },
    },
    async (request) => {
      await principalFor(ctx, request, "view");
      return topologyView(ctx.lab);
    },
  );
}

/** `GET /api/nodes/:node/routes`: a router's table. */
function registerRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    "/api/nodes/:node/routes",
    {
      schema: {
        summary: "A router's routing table",
        security: SECURITY.anybody,
        params: nodeParams,
        response: {
          200: okAnswer(RoutesReplySchema, "The table"),
          ...REFUSALS,
          404: NOT_FOUND("no such router"),
        },
      },
    },
    async (request) => {
      await principalFor(ctx, request, "view");
      const node = request.params.node;
      return { node, routes: await ctx.lab.routes(node) };
    },
  );
}

/** `GET /api/nodes/:node/ospf`: a router's OSPF database and tree. */
function registerOspf(app: FastifyInstance, ctx: ApiContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    "/api/nodes/:node/ospf",
    {
      schema: {
        summary: "A router's OSPF database and shortest-path tree",
        description:
          "The simulator's daemon: its LSAs (and `show ip ospf database`'s text) and its SPF tree with the map's links each edge runs over. 404 for a router that runs no OSPF, and on the netns engine, whose FRR ospfd prints no tree (ask it with vtysh there).",
        security: SECURITY.anybody,
        params: nodeParams,
        response: {
          200: okAnswer(OspfReplySchema, "The database and tree"),
          ...REFUSALS,
          404: NOT_FOUND("no such router, no OSPF on it, or an engine without the daemon's state (netns)"),
        },
      },
    },
    async (request) => {
      await principalFor(ctx, request, "view");
      const node = request.params.node;
      const lab = ctx.lab;
      if (lab.ospf === undefined)
        throw new HttpError(
          404,
          `this engine keeps no OSPF tree: run vtysh -c "show ip ospf database" on ${node}`,
          "node",
          "not-found",
        );
      const view = await lab.ospf(node);
      if (view === undefined) throw new HttpError(404, `${node} runs no OSPF`, "node", "not-found");
      return view;
    },
  );
}

/** `GET /api/session`: who the caller is and whether the page should offer the instructor's
 * controls. Answers anybody, also on a private lab (where the page learns it must show its login
 * form first). */
function registerSession(app: FastifyInstance, ctx: ApiContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    "/api/session",
    {
      schema: {
        summary: "Who the caller is and whether control actions are open to them",
        description:
          "Answers anybody, also on a private lab (an anonymous caller there learns it must log in); a wrong bearer token is still refused.",
        security: SECURITY.anybody,
        response: {
          200: okAnswer(SessionReplySchema, "The caller"),
          ...REFUSALS,
        },
      },
    },
    (request) => sessionAnswer(ctx, request),
  );
}

/** The session's answer: the caller as watching sees them, and whether control is open to them. */
async function sessionAnswer(ctx: ApiContext, request: FastifyRequest) {
  let viewer: Principal;
  try {
    viewer = await principalFor(ctx, request, "view");
  } catch (e) {
    if (!(e instanceof AuthError && ctx.private && e.message === PRIVATE_REFUSAL)) throw e;
    // A private lab's refusal to watch is this page's answer, not an error: it logs in first.
    request.log.debug(
      { event: "session", proto: "http", why: e.message },
      "session: anonymous on a private lab",
    );
    viewer = { role: "anonymous" };
  }
  let control = true;
  try {
    await principalFor(ctx, request, "control");
  } catch (e) {
    // Asked, not required: a refusal means the page offers no controls; anything else is a bug.
    if (!(e instanceof AuthError)) throw e;
    request.log.debug(
      { event: "session", proto: "http", why: e.message },
      `session: no controls: ${e.message}`,
    );
    control = false;
  }
  const color = viewer.user !== undefined ? (ctx.logins?.users.color(viewer.user) ?? null) : null;
  // `logins`: the lab has a users file, so the page offers its login form.
  // `lesson`: the lab plays a lesson, so the page shows its timeline and checks.
  // `private`: watching needs a login (`up --private`).
  return {
    user: viewer.user ?? null,
    role: viewer.role,
    control,
    color,
    logins: ctx.logins !== undefined,
    lesson: ctx.lesson === true,
    private: ctx.private === true,
  };
}
