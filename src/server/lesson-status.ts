/**
 * @module server/lesson-status
 * What the lesson API serves, independent of the transport: the HTTP server (http/api-lesson)
 * and the browser edition's worker (static/) both use it. Browser-safe: no Node imports.
 *
 * A lesson's status costs about one replay of the lab per probe check (engines/sim/lesson.ts),
 * so it is computed at most once per `ttlMs` however many pages poll (and only again when the
 * clock or the inputs moved); concurrent requests share one evaluation; a rewind invalidates it.
 */
import { LabError } from "../core/errors.js";
import { JOURNAL_PAGE } from "../core/limits.js";
import { isStepping } from "../lab/clock-step.js";
import type { Nanos } from "../core/time.js";
import type { LessonStatus, LessonView } from "../lab/lesson-view.js";
import { parseLessonTime } from "../topology/lesson-grammar.js";

/** Parses a rewind target: virtual ns, or a time from boot as a lesson writes it (`90s`, `1m30s`, `0`). */
export function rewindTarget(t: string | number): Nanos {
  if (typeof t === "number") {
    if (!Number.isInteger(t) || t < 0) throw new LabError(`t: ${t} is not a time`, { field: "t" }, "usage");
    return t;
  }
  const s = t.trim();
  if (/^0+(?:\.0+)?(?:ns|us|ms|s|m|h)?$/.test(s)) return 0;
  const p = parseLessonTime(s);
  if (!p.ok) throw new LabError(`t: '${t}' is not a time (e.g. 90s, 1m30s)`, { field: "t" }, "usage");
  return p.value;
}

/**
 * Who asks: checks about one student are shown to that student and to instructors only (not
 * to a watcher who has not logged in).
 */
export function visibleTo(
  status: LessonStatus,
  who: { role: string; user?: string | undefined },
): LessonStatus {
  if (who.role === "instructor") return status;
  return {
    ...status,
    checks: status.checks.filter(
      (c) => c.user === undefined || (who.user !== undefined && c.user === who.user),
    ),
  };
}

/** A lesson's status, shared between pollers for `ttlMs` and dropped on a rewind. */
export class LessonStatusCache {
  private cached: { at: number; key: string; status: LessonStatus } | null = null;
  private inflight: Promise<LessonStatus> | null = null;
  private generation = 0;
  private readonly off: () => void;

  constructor(
    readonly session: LessonView,
    private readonly ttlMs = 1000,
    /** Wall clock, ms (injected for tests). */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.off = session.lab.onRewind(() => this.invalidate());
  }

  /** Forget the cached status (the lab changed under it). */
  invalidate(): void {
    this.generation++;
    this.cached = null;
  }

  /**
   * What the status depends on: the inputs so far and, unless the clock runs by itself (when
   * a second-old status is good enough), the moment.
   */
  private key(): string {
    const lab = this.session.lab;
    const running = lab.pacer !== undefined && !lab.pacer.paused;
    return `${lab.inputsApplied()}/${running ? "running" : lab.clock().now}`;
  }

  async get(): Promise<LessonStatus> {
    const key = this.key();
    if (this.cached && this.cached.key === key && this.now() - this.cached.at < this.ttlMs)
      return this.cached.status;
    if (this.inflight) return this.inflight;
    const gen = this.generation;
    const p = this.session.status().finally(() => {
      if (this.inflight === p) this.inflight = null;
    });
    this.inflight = p;
    const s = await p;
    if (gen === this.generation) this.cached = { at: this.now(), key, status: s };
    return s;
  }

  close(): void {
    this.off();
  }
}

/**
 * The rewind journal as the page's timeline reads it: the entries from `since` on (at most
 * JOURNAL_PAGE), for a page holding those before as of generation `gen` — never the whole
 * journal again on every poll (issue 17: four pages refetching 142 MB stalled the server).
 * `since`/`gen` come from the query string; bad values are a LabError naming them.
 */
export function journalView(session: LessonView, query: { since?: unknown; gen?: unknown } = {}) {
  const lab = session.lab;
  const since = queryCount(query.since, "since") ?? 0;
  const gen = queryCount(query.gen, "gen");
  return { ...lab.journalSince(since, gen, JOURNAL_PAGE), now: lab.clock().now, horizon: lab.horizon() };
}

/** A whole number ≥ 0 from a query string (or a number), undefined when absent. */
function queryCount(v: unknown, field: string): number | undefined {
  if (v === undefined || v === "") return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d{1,15}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0)
    throw new LabError(`${field}: '${String(v).slice(0, 20)}' is not a whole number ≥ 0`, { field }, "usage");
  return n;
}

/**
 * Rewinds the session's lab to `t` (ns or a time text). Refuses a moment the lab has not
 * reached. Returns the clock afterwards.
 */
export function rewindSession(session: LessonView, t: string | number) {
  const lab = session.lab;
  const at = rewindTarget(t);
  if (isStepping(lab))
    throw new LabError("the clock is stepping: rewind when the step has ended", { field: "t" }, "conflict");
  if (at > lab.horizon())
    throw new LabError(
      `cannot rewind to ${at / 1e9}s: the lab has only reached ${lab.horizon() / 1e9}s`,
      { field: "t" },
      "conflict",
    );
  lab.rewindTo(at);
  return { ...lab.clock(), paced: lab.pacer !== undefined, horizon: lab.horizon() };
}
