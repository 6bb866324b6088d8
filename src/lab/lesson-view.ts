/**
 * @module lab/lesson-view
 * What the server needs of a lab with a lesson: a timeline it can rewind (the journal of
 * inputs, the moment reached) and the lesson's live status. The sim engine's RewindableLab and
 * LessonSession implement these; the server and the browser edition's in-page server talk to
 * them through this interface only, never to an engine's classes (DESIGN.md layers).
 */
import type { Nanos } from "../core/time.js";
import type { CheckResult } from "./checks.js";
import type { Lab } from "./lab.js";
import type { ScheduleEntry } from "./lesson-schedule.js";

/** An input as the page's timeline shows it. */
export interface JournalEntry {
  t: Nanos;
  kind: "link" | "shape" | "node" | "exec" | "interrupt";
  text: string;
}

/** A part of the journal: entries from `from` on, for a client that holds the ones before. */
export interface JournalPage {
  /** Changes whenever recorded entries were dropped (a new input after a rewind: a branch). */
  gen: number;
  /** Index of the first entry given; the client drops what it held from here on. */
  from: number;
  entries: JournalEntry[];
  /** Entries applied (the past); the rest up to `total` is the recorded future. */
  applied: number;
  total: number;
}

/** A lab with a journal that can step back as well as forward. */
export interface RewindableLabView extends Lab {
  /** Called after every rewind with the moment rewound to. */
  onRewind(listener: (t: Nanos) => void): () => void;
  /** The latest moment this lab has reached (rewinding does not lower it). */
  horizon(): Nanos;
  /** How many inputs have been applied (cheap: a status cache keys on it). */
  inputsApplied(): number;
  /** The journal from entry `since` on, at most `limit` entries, for a client at generation `gen`. */
  journalSince(since: number, gen: number | undefined, limit: number): JournalPage;
  /** Makes the lab as it was at `t` (a paced lab is left paused there). */
  rewindTo(t: Nanos): void;
}

/** What the page shows of a lesson: where the clock is, what is scheduled, how each check stands. */
export interface LessonStatus {
  now: Nanos;
  /** The latest moment reached (the end of the rewind timeline). */
  horizon: Nanos;
  schedule: ScheduleEntry[];
  checks: CheckResult[];
}

/** A lesson played on a rewindable lab: its checks evaluated live. */
export interface LessonView {
  readonly lab: RewindableLabView;
  status(): Promise<LessonStatus>;
}
