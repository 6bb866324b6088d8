/**
 * @module web/lesson-api
 * The lesson API (docs/lessons.md): the status the timeline and the checks panel show, the
 * rewind journal (instructors; read in pages by journal-cache.ts), and rewinding (instructors).
 * The shapes are the server's (src/server/http/answers.ts).
 */
import type { JournalReply, LessonStatusView, RewindReply } from "../../src/server/http/answers.js";
import { call } from "./api.js";

/** One answer of the journal endpoint (engines/sim/rewind.ts JournalPage, plus the clock). */
export type JournalPage = JournalReply;

export type LessonStatus = LessonStatusView;
export type ScheduleEntry = LessonStatus["schedule"][number];
export type CheckResult = LessonStatus["checks"][number];
export type CheckStatus = CheckResult["status"];
export type JournalEntry = JournalPage["entries"][number];

export interface Journal {
  past: JournalEntry[];
  future: JournalEntry[];
  now: number;
  horizon: number;
}

export const lessonApi = {
  status: () => call<LessonStatus>("GET", "/api/lesson"),
  /** The journal after the `since` entries the page holds of generation `gen` (instructors only). */
  journal: (since: number, gen: number | undefined) =>
    call<JournalPage>("GET", `/api/lesson/journal?since=${since}${gen === undefined ? "" : `&gen=${gen}`}`),
  rewind: (t: number) =>
    call<RewindReply>("POST", "/api/clock/rewind", {
      t: Math.max(0, Math.round(t)),
    }),
};
