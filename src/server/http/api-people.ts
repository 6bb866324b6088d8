/**
 * @module server/http/api-people
 * Who is in the room, for the page's legend and counters: `GET /api/users` (names and colours
 * of the people whose packets are on the map, and the caller's own; the whole users file, with
 * roles, when an instructor asks) and `GET /api/stats` (packets sent, delivered and lost per
 * user, from the server's UserStats). The roster is the instructor's: a watcher sees no more
 * names than the map shows.
 */
import type { FastifyInstance } from "fastify";
import { type ApiContext, principalFor } from "./context.js";

export function registerPeopleApi(app: FastifyInstance, ctx: ApiContext): void {
  app.get("/api/users", async (request) => {
    const who = await principalFor(ctx, request, "view");
    if (!ctx.logins) return { users: [] };
    ctx.logins.users.refresh();
    if (who.role === "instructor")
      return { users: ctx.logins.users.list().map((u) => ({ name: u.name, color: u.color, role: u.role })) };
    const onMap = new Set(Object.keys(ctx.stats.snapshot()));
    if (who.user !== undefined) onMap.add(who.user);
    return {
      users: ctx.logins.users
        .list()
        .filter((u) => onMap.has(u.name))
        .map((u) => ({ name: u.name, color: u.color })),
    };
  });

  app.get("/api/stats", async (request) => {
    await principalFor(ctx, request, "view");
    return { users: ctx.stats.snapshot() };
  });
}
