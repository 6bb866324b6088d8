/**
 * @module server/http/api-people
 * Who is in the room, for the page's legend and counters: `GET /api/users` (names and
 * colours; roles too when an instructor asks) and `GET /api/stats` (packets sent, delivered
 * and lost per user, from the server's UserStats).
 */
import type { FastifyInstance } from "fastify";
import { type ApiContext, principalFor } from "./context.js";

export function registerPeopleApi(app: FastifyInstance, ctx: ApiContext): void {
  app.get("/api/users", async (request) => {
    const who = await principalFor(ctx, request, "view");
    if (!ctx.logins) return { users: [] };
    ctx.logins.users.refresh();
    const instructor = who.role === "instructor";
    return {
      users: ctx.logins.users
        .list()
        .map((u) =>
          instructor ? { name: u.name, color: u.color, role: u.role } : { name: u.name, color: u.color },
        ),
    };
  });

  app.get("/api/stats", async (request) => {
    await principalFor(ctx, request, "view");
    return { users: ctx.stats.snapshot() };
  });
}
