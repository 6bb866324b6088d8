/**
 * @module web/lesson-api
 * The lesson API (docs/lessons.md): the status the timeline and the checks panel show, the
 * rewind journal (instructors; read in pages by journal-cache.ts), and rewinding (instructors). Shapes mirror engines/sim/lesson.ts.
 */
import { call } from "./api.js";
import type { JournalPage } from "./journal-cache.js";

export interface ScheduleEntry {
  id: string;
  at: number;
  kind: "link" | "shape" | "node" | "run";
  text: string;
  line?: number;
  done: boolean;
}

export type CheckStatus = "pass" | "fail" | "pending";

export interface CheckResult {
  id: string;
  text: string;
  kind: string;
  status: CheckStatus;
  reason: string;
  user?: string;
  at?: number;
  hint?: string;
  line?: number;
}

export interface LessonStatus {
  now: number;
  horizon: number;
  schedule: ScheduleEntry[];
  checks: CheckResult[];
}

export interface JournalEntry {
  t: number;
  kind: "link" | "shape" | "node" | "exec" | "interrupt";
  text: string;
}

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
    call<{ now: number; speed: number; paused: boolean; horizon: number }>("POST", "/api/clock/rewind", {
      t: Math.max(0, Math.round(t)),
    }),
};
