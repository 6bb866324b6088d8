/**
 * @module server/http/api-lesson
 * The lesson API (issue 9): the live status of a lesson (clock, horizon, fault schedule, each
 * check green, red or pending), the rewind journal (instructors only, read in pages with
 * `since=`), and rewinding the clock (instructors only).
 * After a rewind every event client gets a `{kind:"rewind", t}` marker through the fanout, so
 * pages clear their picture and re-read nodes, links and routes.
 *
 * The status is shared between pollers for a second (server/lesson-status.ts): it costs about
 * one replay of the lab per probe check.
 */
import type { FastifyInstance } from "fastify";
import type { LessonView } from "../../lab/lesson-view.js";
import { journalView, LessonStatusCache, rewindSession, visibleTo } from "../lesson-status.js";
import { type ApiContext, principalFor } from "./context.js";
import { HttpError } from "./api-shapes.js";
import type { EventFanout } from "./event-fanout.js";

export const rewindBody = {
  type: "object",
  required: ["t"],
  additionalProperties: false,
  properties: {
    /** Virtual nanoseconds from boot, or a time (`"90s"`, `"1m30s"`). */
    t: {
      anyOf: [
        { type: "string", minLength: 1, maxLength: 32 },
        { type: "integer", minimum: 0 },
      ],
    },
  },
} as const;

export interface RewindBody {
  t: string | number;
}

function notLesson(): HttpError {
  return new HttpError(
    404,
    "this lab has no lesson timeline (labs on the simulator engine have one)",
    undefined,
    "not-found",
  );
}

export function registerLessonApi(
  app: FastifyInstance,
  ctx: ApiContext,
  fanout: EventFanout,
  session: LessonView | undefined,
): void {
  const cache = session ? new LessonStatusCache(session) : undefined;
  if (session) {
    const off = session.lab.onRewind((t) => fanout.rewound(t));
    app.addHook("onClose", async () => {
      off();
      cache?.close();
    });
  }

  app.get("/api/lesson", async (request) => {
    const who = await principalFor(ctx, request, "view");
    if (!cache) throw notLesson();
    // A lab without logins (tests, embedding: anybody may do anything) has no people to keep apart.
    return visibleTo(
      await cache.get(),
      who.role === "anonymous" && !ctx.logins ? { role: "instructor" } : who,
    );
  });

  // Instructors only (it holds every command anyone typed), and in pages: `?since=N&gen=G`.
  app.get<{ Querystring: { since?: string; gen?: string } }>("/api/lesson/journal", async (request) => {
    await principalFor(ctx, request, "control");
    if (!session) throw notLesson();
    return journalView(session, request.query);
  });

  app.post<{ Body: RewindBody }>("/api/clock/rewind", { schema: { body: rewindBody } }, async (request) => {
    await principalFor(ctx, request, "control");
    if (!session) throw notLesson();
    return rewindSession(session, request.body.t);
  });
}
