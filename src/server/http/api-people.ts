/**
 * @module server/http/api-people
 * Who is in the room, for the page's legend and counters: `GET /api/users` (names and colours
 * of the people whose packets are on the map, and the caller's own; the whole users file, with
 * roles, when an instructor asks) and `GET /api/stats` (packets sent, delivered and lost per
 * user, from the server's UserStats). The roster is the instructor's: a watcher sees no more
 * names than the map shows.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { StatsReplySchema, UsersReplySchema } from "./answers.js";
import { type ApiContext, principalFor } from "./context.js";
import { okAnswer, REFUSALS, SECURITY } from "./route-docs.js";

export function registerPeopleApi(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get("/api/users", { schema: usersSchema }, async (request) => {
    const who = await principalFor(ctx, request, "view");
    if (!ctx.logins) return { users: [] };
    ctx.logins.users.refresh();
    if (who.role === "instructor")
      return { users: ctx.logins.users.list().map((u) => ({ name: u.name, color: u.color, role: u.role })) };
    const onMap = new Set(Object.keys(await ctx.stats.snapshot()));
    if (who.user !== undefined) onMap.add(who.user);
    return {
      users: ctx.logins.users
        .list()
        .filter((u) => onMap.has(u.name))
        .map((u) => ({ name: u.name, color: u.color })),
    };
  });

  api.get("/api/stats", { schema: statsSchema }, async (request) => {
    await principalFor(ctx, request, "view");
    return { users: await ctx.stats.snapshot() };
  });
}

const usersSchema = {
  summary:
    "The names and colours of the people on the map and the caller; every user with roles, for instructors",
  security: SECURITY.anybody,
  response: {
    200: okAnswer(
      UsersReplySchema,
      "Users whose packets are on the map (in /api/stats) and the caller; for an instructor every user of the users file with its role; none without logins",
    ),
    ...REFUSALS,
  },
};

const statsSchema = {
  summary: "Packets sent, delivered, answered and lost per user, from the event stream",
  description:
    "Each packet counts once however many links it crosses. `delivered`: it reached its destination (one that found nobody listening, `port-unreachable`, counts here and under `refusedBy`). `answered`: a router stopped it and answered with an ICMP error (`answeredBy`: `ttl-expired`, as traceroute's probes are meant to, or `no-route`). `lost`: it vanished with no answer (`lostBy` gives the reasons). RIP's updates are user `rip`. After a rewind the counters are the rewound moment's.",
  security: SECURITY.anybody,
  response: { 200: okAnswer(StatsReplySchema, "Counters by user name"), ...REFUSALS },
};
