/**
 * @module server/http/api-read
 * The read-only API: the topology (nodes, interfaces, addresses, links, positions), a node's
 * routing table, and who the caller is. Everything comes from the Lab interface.
 */
import type { FastifyInstance } from "fastify";
import { topologyView } from "./api-shapes.js";
import { AuthError, type Principal } from "./auth.js";
import { PRIVATE_REFUSAL } from "./session-auth.js";
import { type ApiContext, principalFor } from "./context.js";
import { nodeParams } from "./schemas.js";

export function registerReadApi(app: FastifyInstance, ctx: ApiContext): void {
  app.get("/api/topology", async (request) => {
    await principalFor(ctx, request, "view");
    return topologyView(ctx.lab);
  });

  app.get<{ Params: { node: string } }>(
    "/api/nodes/:node/routes",
    { schema: { params: nodeParams } },
    async (request) => {
      await principalFor(ctx, request, "view");
      const node = request.params.node;
      return { node, routes: ctx.lab.routes(node) };
    },
  );

  /**
   * Who the caller is and whether the page should offer the instructor's controls. Answers
   * anybody, also on a private lab (where the page learns it must show its login form first).
   */
  app.get("/api/session", async (request) => {
    let viewer: Principal;
    try {
      viewer = await principalFor(ctx, request, "view");
    } catch (e) {
      if (!(e instanceof AuthError && ctx.private && e.message === PRIVATE_REFUSAL)) throw e;
      viewer = { role: "anonymous" };
    }
    let control = true;
    try {
      await principalFor(ctx, request, "control");
    } catch (e) {
      // Asked, not required: a refusal means the page offers no controls; anything else is a bug.
      if (!(e instanceof AuthError)) throw e;
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
  });
}
