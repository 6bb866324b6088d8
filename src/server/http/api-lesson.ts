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
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { visibleTo } from "../lesson-status.js";
import { type ApiContext, principalFor } from "./context.js";
import { HttpError } from "./api-shapes.js";
import { JournalReplySchema, LessonStatusSchema, RewindReplySchema } from "./answers.js";
import type { FanoutService, LessonService } from "./sim-services.js";
import { controlAnswers, errorAnswer, NOT_FOUND, okAnswer, REFUSALS, SECURITY } from "./route-docs.js";
import { journalQuery, rewindBody } from "./schemas.js";

const NO_LESSON = NOT_FOUND("the lab has no lesson timeline (the netns engine)");

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
  fanout: FanoutService,
  session: LessonService | undefined,
): void {
  if (session) {
    const off = session.onRewind((t) => fanout.rewound(t));
    app.addHook("onClose", async () => {
      off();
      session.close();
    });
  }

  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get("/api/lesson", { schema: lessonSchema }, async (request) => {
    const who = await principalFor(ctx, request, "view");
    if (!session) throw notLesson();
    // A lab without logins (tests, embedding: anybody may do anything) has no people to keep apart.
    return visibleTo(
      await session.status(),
      who.role === "anonymous" && !ctx.logins ? { role: "instructor" } : who,
    );
  });

  // Instructors only (it holds every command anyone typed), and in pages: `?since=N&gen=G`.
  api.get("/api/lesson/journal", { schema: journalSchema }, async (request) => {
    await principalFor(ctx, request, "control");
    if (!session) throw notLesson();
    return session.journal(request.query);
  });

  api.post("/api/clock/rewind", { schema: rewindSchema }, async (request) => {
    await principalFor(ctx, request, "control");
    if (!session) throw notLesson();
    return session.rewind(request.body.t);
  });
}

const lessonSchema = {
  summary: "The lesson now — clock, rewind horizon, fault schedule, every check (docs/lessons.md)",
  description:
    "Checks about one student (`user` set) are shown to that student and to instructors only (not to a caller who has not logged in). Computed at most once a second for all callers.",
  security: SECURITY.anybody,
  response: { 200: okAnswer(LessonStatusSchema, "The status"), ...REFUSALS, 404: NO_LESSON },
};

const journalSchema = {
  summary: "The journal (instructors), in pages after the entries the client holds",
  security: SECURITY.anybody,
  querystring: journalQuery,
  response: controlAnswers(
    okAnswer(
      JournalReplySchema,
      "Entries from `from` on (at most 5000); the first `applied` of the journal are past, the rest up to `total` the recorded future",
    ),
    { 404: NO_LESSON },
  ),
};

const rewindSchema = {
  summary: "Rewind (or run on) to a moment already reached; the lab is left paused there",
  security: SECURITY.anybody,
  body: rewindBody,
  response: controlAnswers(okAnswer(RewindReplySchema, "The clock after, with the horizon"), {
    404: NO_LESSON,
    409: errorAnswer("The clock is stepping, or the moment is past the horizon"),
  }),
};
