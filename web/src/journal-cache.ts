/**
 * @module web/journal-cache
 * The page's copy of the rewind journal, kept up to date in pages: it asks only for the
 * entries after those it holds (`GET /api/lesson/journal?since=N&gen=G`), never the whole
 * journal again (issue 17: every page refetched all of it every 2-5 s; four pages and a
 * 142 MB journal stalled the server 6.9 s). When entries it holds were dropped on the server (a
 * new input after a rewind), the answer starts where they were and the copy is cut there.
 */
import type { Journal, JournalEntry, JournalPage } from "./lesson-api.js";

/** Pages asked for in one update at most (the rest comes on the next). */
const MAX_PAGES_PER_UPDATE = 8;

export class JournalCache {
  private readonly entries: JournalEntry[] = [];
  private gen: number | undefined;
  private applied = 0;
  private now = 0;
  private horizon = 0;

  constructor(private readonly fetchPage: (since: number, gen: number | undefined) => Promise<JournalPage>) {}

  /** Catches up with the server (a few pages at most) and returns the journal as the timeline reads it. */
  async update(): Promise<Journal> {
    for (let i = 0; i < MAX_PAGES_PER_UPDATE; i++) {
      const p = await this.fetchPage(this.entries.length, this.gen);
      this.take(p);
      if (this.entries.length >= p.total || p.entries.length === 0) break;
    }
    return this.view();
  }

  private take(p: JournalPage): void {
    const from = Math.min(p.from, this.entries.length);
    this.entries.length = from;
    for (const e of p.entries) this.entries.push(e);
    if (this.entries.length > p.total) this.entries.length = p.total;
    this.gen = p.gen;
    this.applied = p.applied;
    this.now = p.now;
    this.horizon = p.horizon;
  }

  private view(): Journal {
    const cut = Math.min(this.applied, this.entries.length);
    return {
      past: this.entries.slice(0, cut),
      future: this.entries.slice(cut),
      now: this.now,
      horizon: this.horizon,
    };
  }
}
